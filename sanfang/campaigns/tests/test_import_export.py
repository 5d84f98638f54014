"""WN-3 bulk import (all rows valid or nothing) and the exports in the form's layout."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import Workbook, load_workbook

from sanfang.campaigns import documents, imports, services
from sanfang.campaigns.models import CompoundSurvey, SurveyStatus
from sanfang.core.testing import run_job
from sanfang.directory.models import Place

with translation.override("zh-hans"):
    HEADER = [str(c.label) for c in imports.COLUMNS]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append([row.get(label) for label in HEADER])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(world, **over):
    row = {
        "社区代码": world.community_a.code,
        "小区名称": "和谐苑",
        "地址": "城东路8号",
        "建成年份": 2010,
        "户数": 200,
        "楼栋数": 6,
        "管理模式": "专业化物业服务",
        "物业服务企业": world.company_y.name,
        "收费方式": "包干制",
        "收费标准": "1.0元/㎡·月",
        "是否成立业委会": "否",
        "收费信息公示情况": "部分公示",
        "初步认定类型": "专业化物业服务小区",
    }
    row.update(over)
    return row


def test_wn3_template_is_a_real_xlsx_with_the_columns(world):
    wb = load_workbook(io.BytesIO(imports.template_xlsx()))
    header = [c.value for c in wb.active[1]]
    assert header[0] == "社区代码*" and "初步认定类型*" in header
    assert "填写说明" in wb.sheetnames


def test_wn3_import_creates_new_compounds_and_fills_existing_ones(world, campaign):
    data = _xlsx([_row(world), _row(world, 小区名称="新建小区", 地址="城东路99号", 建成年份=2020)])
    result = imports.import_surveys(actor=world.street_official, campaign=campaign, data=data, submit=True)
    assert len(result.surveys) == 2
    existing = CompoundSurvey.objects.get(compound=world.compound_a2)
    assert existing.households == 200 and existing.company == world.company_y
    assert existing.status == SurveyStatus.SUBMITTED
    new = Place.objects.get(name="新建小区")
    assert new.parent == world.community_a and new.code.startswith(world.community_a.code)


def test_wn3_one_bad_row_refuses_the_whole_file_with_row_and_column_messages(world, campaign):
    data = _xlsx(
        [
            _row(world),
            _row(world, 小区名称="坏数据小区", 建成年份="二〇一〇", 管理模式="物业", 户数=-3),
            _row(world, 小区名称="外县小区", 社区代码="999999"),
        ]
    )
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_surveys(actor=world.street_official, campaign=campaign, data=data)
    errors = exc.value.errors
    assert any(e.startswith("第 3 行“建成年份”：应为整数") for e in errors)
    assert any(e.startswith("第 3 行“管理模式”：“物业”不是有效选项") for e in errors)
    assert any(e.startswith("第 3 行“户数”：不能为负数") for e in errors)
    assert any(e.startswith("第 4 行“社区代码”") for e in errors)
    assert "未导入任何数据" in exc.value.message
    assert not CompoundSurvey.objects.exists()
    assert not Place.objects.filter(name="坏数据小区").exists()


def test_wn3_missing_required_cells_and_columns_are_reported(world, campaign):
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_surveys(
            actor=world.street_official, campaign=campaign, data=_xlsx([_row(world, 地址=None)])
        )
    assert exc.value.errors == ["第 2 行“地址”：必须填写"]
    wb = Workbook()
    wb.active.append(["小区名称"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_surveys(actor=world.street_official, campaign=campaign, data=buf.getvalue())
    assert "缺少必填列“社区代码”" in exc.value.errors[0]
    with pytest.raises(imports.ImportRejected):
        imports.import_surveys(actor=world.street_official, campaign=campaign, data=b"not a workbook")


def test_wn3_import_outside_ones_scope_is_refused(world, campaign):
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_surveys(
            actor=world.other_street_official, campaign=campaign, data=_xlsx([_row(world)])
        )
    assert "无权" in exc.value.errors[0]
    with pytest.raises(PermissionDenied):
        imports.import_surveys(actor=world.company_head, campaign=campaign, data=_xlsx([_row(world)]))


def test_issue8_wn3_import_runs_as_a_job_and_its_page_lists_the_errors(world, login, campaign):
    """Issue 8.5: the import is checked by the worker; the job's page lists every error in Chinese and nothing
    is imported; a good file is imported by the job and the page links to the campaign."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sanfang.core.models import Job

    client = login(world.street_official)
    surveys = CompoundSurvey.objects.count()
    upload = SimpleUploadedFile(
        "s.xlsx", _xlsx([_row(world), _row(world, 小区名称="二号院", 建成年份="abc")])
    )
    job, download = run_job(client, reverse("campaigns:import", args=[campaign.pk]), {"file": upload})
    assert job.state == Job.State.FAILED and download is None
    html = client.get(job.get_absolute_url()).content.decode()
    assert "第 3 行“建成年份”" in html and "未导入任何数据" in html and "重新上传" in html
    assert CompoundSurvey.objects.count() == surveys
    assert not job.input_file  # the upload is not kept once the job is over

    upload = SimpleUploadedFile("s.xlsx", _xlsx([_row(world)]))
    job, _ = run_job(
        client, reverse("campaigns:import", args=[campaign.pk]), {"file": upload, "submit": "on"}
    )
    assert job.state == Job.State.DONE, job.error
    assert CompoundSurvey.objects.count() == surveys + 1
    assert job.result_url == reverse("campaigns:campaign", args=[campaign.pk])
    assert "已导入 1 个小区" in client.get(job.get_absolute_url()).content.decode()
    assert client.get(reverse("campaigns:import-template", args=[campaign.pk])).status_code == 200


def test_wn3_survey_table_export_has_one_row_per_compound_in_the_form_layout(world, campaign, submitted):
    services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a2)
    data = documents.survey_table_xlsx(campaign, CompoundSurvey.objects.order_by("compound__path"), "兴国镇")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "兴国镇住宅小区摸排认定表"
    assert [c.value for c in ws[3]][:4] == ["序号", "街道（乡镇）", "社区", "小区名称"]
    assert ws.max_row == 5


def test_wn4_progress_report_docx_has_the_four_sections_and_contact(world, campaign):
    report = services.report_for(campaign, world.street_a)
    report = services.save_report(
        actor=world.street_official,
        report=report,
        version=None,
        basic_situation="基本",
        measures="措施",
        problems="问题",
        suggestions="建议",
        contact_name="陈志强",
        contact_phone="0714-7312001",
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.progress_report_docx(report))).paragraphs)
    for heading in ("一、基本情况", "二、主要做法和措施", "三、存在的问题", "四、意见建议", "联系人：陈志强"):
        assert heading in text


def test_wn4_county_compiles_every_streets_report_into_one_docx(world, login, campaign):
    report = services.report_for(campaign, world.street_a)
    report = services.save_report(
        actor=world.street_official,
        report=report,
        version=None,
        basic_situation="兴国镇基本情况",
        measures="措施",
        problems="问题",
        suggestions="建议",
        contact_name="陈志强",
        contact_phone="0714-7312001",
    )
    services.submit_report(actor=world.street_official, report=report)
    _job, download = run_job(
        login(world.county_official), reverse("campaigns:rollup-docx", args=[campaign.pk])
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(download.data)).paragraphs)
    assert "兴国镇基本情况" in text and "未报送：富池镇" in text
    assert (
        login(world.street_official).get(reverse("campaigns:rollup-docx", args=[campaign.pk])).status_code
        == 403
    )


def test_wn3_street_view_filters_the_in_scope_set(world, login, campaign, submitted):
    services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a2)
    services.adjust_scope(
        actor=world.street_official,
        survey=CompoundSurvey.objects.get(compound=world.compound_a2),
        in_scope=False,
        reason="单位自管",
    )
    url = reverse("campaigns:place", args=[campaign.pk, world.street_a.code])
    html = login(world.street_official).get(url + "?show=scope").content.decode()
    assert "和谐苑" not in html
    html = login(world.street_official).get(url + "?show=missing").content.decode()
    assert "和谐苑" in html


def test_wn3_a_street_exports_only_its_own_compounds(world, login, campaign, submitted):
    services.start_survey(actor=world.other_street_official, campaign=campaign, compound=world.compound_b1)
    client = login(world.street_official)
    _job, download = run_job(client, reverse("campaigns:surveys-xlsx", args=[campaign.pk]))
    ws = load_workbook(io.BytesIO(download.data)).active
    names = [ws.cell(row=r, column=4).value for r in range(4, ws.max_row + 1)]
    assert names == [submitted.name]
    other = reverse("campaigns:surveys-xlsx", args=[campaign.pk]) + f"?place={world.street_b.code}"
    assert client.get(other).status_code == 404
    assert client.post(other).status_code == 404


def test_issue8_an_import_whose_worker_lost_its_lease_commits_nothing_and_the_import_happens_once(
    world, campaign, monkeypatch
):
    """A worker killed (or stalled past its lease) in the middle of an import: the job is taken over and
    imported once; the old worker's transaction, if it ever reaches its end, is rolled back."""
    import datetime as dt

    from django.utils import timezone

    from sanfang.campaigns import jobs as campaign_jobs
    from sanfang.core import jobs
    from sanfang.core.models import Job

    before = CompoundSurvey.objects.count()
    job = jobs.submit(
        actor=world.street_official,
        kind="campaigns.import",
        title="导入",
        params={"campaign": campaign.pk},
        place=campaign.county,
        input_data=_xlsx([_row(world)]),
    )
    stale = jobs.claim(job.pk)
    stale_ctx = jobs.Context(stale)
    jobs.recover(timezone.now() + jobs.LEASE + dt.timedelta(seconds=1))
    assert jobs.run(job.pk) == "done"
    assert CompoundSurvey.objects.count() == before + 1
    # The old worker had read the file and checked the rows before its lease ran out; it writes every row and
    # is stopped at the end of its transaction, which rolls back: no second import, not one audit event.
    from sanfang.core.models import AuditEvent

    monkeypatch.setattr(jobs, "read_input", lambda job: _xlsx([_row(world)]))
    monkeypatch.setattr(stale_ctx, "progress", lambda *a, **k: None)
    events = AuditEvent.objects.count()
    with pytest.raises(jobs.Interrupted):
        campaign_jobs.import_surveys(stale, stale_ctx)
    assert CompoundSurvey.objects.count() == before + 1
    assert AuditEvent.objects.count() == events
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2
