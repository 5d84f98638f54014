"""PN-4/PN-5 pages and API: list, compose per type (written and oral), report page with opinions and answers,
.docx download; outsiders and wrong roles are refused."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from docx import Document

from sanfang.core.testing import XSS
from sanfang.reports import services
from sanfang.reports.models import Mode, Report, Status

from .factories import FUND_FIELDS, file_fund_use

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 6, 10, 9, 0, tzinfo=SH)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_pn4_report_list_is_bounded_in_queries_and_escapes(world, login, django_assert_max_num_queries):
    for _ in range(6):
        r = file_fund_use(world)
    services.give_opinion(actor=world.street_official, report=r, text="请补充材料")
    client = login(world.street_official)
    with django_assert_max_num_queries(15):
        response = client.get("/reports/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("翻新3栋屋面防水") == 6 and XSS not in body
    assert "1 条未答复" in body


def test_pn4_start_page_leads_to_the_compose_form_of_a_type(world, login):
    client = login(world.oc_member)
    assert client.get("/reports/new/").status_code == 200
    response = client.get(f"/reports/new/?type=fund_use&compound={world.compound_a1.code}&mode=written")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "同意业主的专有部分面积占比" in page.content.decode()


def test_pn4_owners_committee_files_a_written_report_through_the_form(world, login):
    client = login(world.oc_member)
    data = {
        "reporting_org": world.oc_a1.pk,
        "title": "维修资金使用报告",
        "summary": "屋面防水",
        "recipients": ["street", "party_org", "residents_committee", "joint_meeting"],
        **FUND_FIELDS,
    }
    response = client.post(f"/reports/new/fund_use/?compound={world.compound_a1.code}", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    report = Report.objects.get()
    assert report.fields["amount"] == "86000.00" and report.recipients.count() == 4


def test_pn4_invalid_type_field_shows_a_chinese_error_and_saves_nothing(world, login):
    client = login(world.oc_member)
    data = {
        "reporting_org": world.oc_a1.pk,
        "title": "t",
        "summary": "s",
        "recipients": ["street"],
        **FUND_FIELDS,
    }
    data["area_consent"] = "150"
    response = client.post(f"/reports/new/fund_use/?compound={world.compound_a1.code}", data)
    assert response.status_code == 200
    assert "不能超过 100" in response.content.decode()
    assert not Report.objects.exists()


def test_pn4_receiver_records_an_oral_report_through_the_form(world, login):
    client = login(world.rc_member)
    data = {
        "reporting_org": world.company_x.pk,
        "title": "项目经理变更（口头报告）",
        "summary": "电话报告",
        "recipients": ["residents_committee", "street"],
        "oral_reporter": "安居物业 王强",
        "oral_at": "2026-06-10T08:30",
        "post": "项目经理",
        "previous_person": "王强",
        "new_person": "李明",
        "new_contact": "0714-7300002",
        "effective_date": "2026-07-01",
        "reason": "调任",
    }
    response = client.post(f"/reports/new/staff_change/?compound={world.compound_a1.code}&mode=oral", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    report = Report.objects.get()
    assert report.mode == Mode.ORAL and report.author == world.rc_member


def test_pn4_wrong_role_cannot_open_compose_and_outsider_gets_404(world, login):
    assert (
        login(world.oc_member)
        .get(f"/reports/new/staff_change/?compound={world.compound_a1.code}")
        .status_code
        == 403
    )
    assert login(world.resident).get("/reports/new/").status_code == 403
    r = file_fund_use(world)
    assert login(world.other_street_official).get(f"/reports/{r.pk}/").status_code == 404
    assert login(world.resident).get(f"/reports/{r.pk}/docx/").status_code == 404


def test_pn5_report_page_takes_opinions_and_answers(world, login):
    r = file_fund_use(world)
    street = login(world.street_official)
    assert street.post(f"/reports/{r.pk}/receive/").status_code == 302
    assert street.post(f"/reports/{r.pk}/opinion/", {"text": f"请公示施工方案{XSS}"}).status_code == 302
    op = r.opinions.get()
    page = login(world.oc_member).get(f"/reports/{r.pk}/").content.decode()
    assert "待答复" in page and XSS not in page and f"/reports/opinions/{op.pk}/answer/" in page
    client = login(world.oc_member)
    # cannot close before answering
    client.post(f"/reports/{r.pk}/close/", {"version": r.version})
    assert Report.objects.get().status != Status.CLOSED
    assert client.post(f"/reports/opinions/{op.pk}/answer/", {"answer": "已公示"}).status_code == 302
    op.refresh_from_db()
    assert op.answered_by == world.oc_member
    client.post(f"/reports/{r.pk}/close/", {"version": r.version})
    assert Report.objects.get().status == Status.CLOSED


def test_pn5_a_recipient_cannot_answer_and_reporter_cannot_give_opinion(world, login):
    r = file_fund_use(world)
    op = services.give_opinion(actor=world.rc_member, report=r, text="意见")
    login(world.street_official).post(f"/reports/opinions/{op.pk}/answer/", {"answer": "x"})
    op.refresh_from_db()
    assert op.answered_at is None
    login(world.oc_member).post(f"/reports/{r.pk}/opinion/", {"text": "自说自话"})
    assert r.opinions.count() == 1


def test_pn4_report_downloads_as_docx_with_opinions(world, login):
    r = file_fund_use(world)
    op = services.give_opinion(actor=world.rc_member, report=r, text="请说明分摊依据")
    services.answer_opinion(actor=world.oc_member, opinion=op, answer="按面积分摊")
    response = login(world.party_secretary).get(f"/reports/{r.pk}/docx/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    assert "请说明分摊依据" in text and "按面积分摊" in text and "86000.00" in text
    # JM-3 naming: organisation + post + name at the first mention, the name alone afterwards
    oc = world.oc_member.name
    assert text.count(f"业委会主任{oc}") == 1 and text.count(oc) >= 2


def test_pn4_api_files_lists_and_answers(world, login, django_assert_max_num_queries):
    client = login(world.oc_member)
    types = client.get("/api/v1/reports/types").json()
    assert len(types) == 6
    created = client.post(
        "/api/v1/reports/",
        {
            "type": "fund_use",
            "compound_code": world.compound_a1.code,
            "reporting_org_id": world.oc_a1.pk,
            "title": "维修资金使用",
            "summary": "屋面防水",
            "fields": FUND_FIELDS,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    rid = created.json()["id"]
    street = login(world.street_official)
    op = street.post(f"/api/v1/reports/{rid}/opinions", {"text": "请补充"}, content_type="application/json")
    assert op.status_code == 201
    with django_assert_max_num_queries(12):
        listing = street.get("/api/v1/reports/?unanswered=true")
    assert [r["id"] for r in listing.json()] == [rid]
    ans = login(world.oc_member).post(
        f"/api/v1/reports/opinions/{op.json()['id']}/answer",
        {"answer": "已补充"},
        content_type="application/json",
    )
    assert ans.status_code == 200 and ans.json()["answer"] == "已补充"


def test_pn4_api_refuses_outsiders_and_bad_fields(world, login):
    r = file_fund_use(world)
    assert login(world.other_street_official).get(f"/api/v1/reports/{r.pk}").status_code == 404
    bad = login(world.oc_member).post(
        "/api/v1/reports/",
        {
            "type": "fund_use",
            "compound_code": world.compound_a1.code,
            "reporting_org_id": world.oc_a1.pk,
            "title": "x",
            "summary": "y",
            "fields": {**FUND_FIELDS, "amount": "abc"},
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "amount"
    wrong = login(world.company_head).post(
        f"/api/v1/reports/{r.pk}/opinions", {"text": "x"}, content_type="application/json"
    )
    assert wrong.status_code == 404  # company X filed nothing here and receives nothing


def test_pn5_reporting_party_files_a_follow_up_from_the_report_page(world, login):
    first = file_fund_use(world)
    client = login(world.oc_member)
    page = client.get(f"/reports/{first.pk}/").content.decode()
    assert f"follows={first.pk}" in page
    form = client.get(f"/reports/new/fund_use/?compound={world.compound_a1.code}&follows={first.pk}")
    assert "续报" in form.content.decode()
    data = {
        "reporting_org": world.oc_a1.pk,
        "title": "续报",
        "summary": "新情况",
        "recipients": ["street"],
        **FUND_FIELDS,
    }
    response = client.post(
        f"/reports/new/fund_use/?compound={world.compound_a1.code}&follows={first.pk}", data
    )
    assert response.status_code == 302
    assert Report.objects.get(follows=first).title == "续报"
    assert (
        login(world.other_street_official)
        .get(f"/reports/new/fund_use/?compound={world.compound_a1.code}&follows={first.pk}")
        .status_code
        == 404
    )


def test_pn5_street_overview_counts_overdue_unanswered_opinions_per_community(
    world, login, frozen, django_assert_max_num_queries
):
    r = file_fund_use(world)
    services.give_opinion(actor=world.street_official, report=r, text="请补充")
    frozen.move_to(dt.datetime(2026, 6, 30, 9, 0, tzinfo=SH))
    client = login(world.street_official)
    with django_assert_max_num_queries(12):
        response = client.get("/reports/overview/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<span class="tag overdue">1</span>' in body
    assert "港湾社区" not in body  # street B's community is not this official's
    assert login(world.oc_member).get("/reports/overview/").status_code == 403


def test_pn4_attachment_is_stored_under_a_random_name_and_served_only_to_readers(
    world, login, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    r = file_fund_use(world, attachment=SimpleUploadedFile("业主大会决议.pdf", b"%PDF-1.4 x"))
    assert "决议" not in r.attachment.name and r.attachment.name.endswith(".pdf")
    response = login(world.street_official).get(f"/reports/{r.pk}/attachment/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(world.other_street_official).get(f"/reports/{r.pk}/attachment/").status_code == 404


def test_pn4_admin_shows_reports_read_only(world, login):
    r = file_fund_use(world)
    client = login(world.admin)
    assert client.get("/admin/reports/report/").status_code == 200
    assert client.get(f"/admin/reports/report/{r.pk}/change/").status_code == 200
    assert client.get("/admin/bulletins/bulletin/").status_code == 200


def test_pn4_start_page_explains_when_my_party_cannot_file_that_type(world, login):
    client = login(world.oc_member)
    response = client.get(f"/reports/new/?type=staff_change&compound={world.compound_a1.code}&mode=written")
    assert response.status_code == 200
    assert "不能书面报告此类事项" in response.content.decode()


def test_pn4_fund_use_report_page_shows_its_major_matter_gate_or_its_absence(world, login, monkeypatch):
    from sanfang.core import extensions

    r = file_fund_use(world)
    client = login(world.party_secretary)
    assert "未找到对应的重大事项" in client.get(f"/reports/{r.pk}/").content.decode()
    gate = {
        "id": 1,
        "kind": "fund_use",
        "title": "屋面防水",
        "status": "拟定方案",
        "gate_open": False,
        "url": "/x/",
    }
    monkeypatch.setitem(extensions._PROVIDERS, "major_matter.status", [lambda compound, kind: gate])
    body = client.get(f"/reports/{r.pk}/").content.decode()
    assert "待街道、社区党组织提前介入" in body and 'href="/x/"' in body
