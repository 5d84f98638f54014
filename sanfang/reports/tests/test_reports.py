"""PN-4 typed reports (written or oral, recipients, status) and PN-5 opinions that must each be answered."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sanfang.core import extensions
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.models import Message
from sanfang.core.testing import appraisal_subjects, batch_matches_each
from sanfang.reports import hooks, services
from sanfang.reports.kinds import TYPES, ReportType, clean_fields
from sanfang.reports.models import Mode, Opinion, RecipientKind, Report, Status

from .factories import FUND_FIELDS, file_fund_use

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 6, 10, 9, 0, tzinfo=SH)  # a Wednesday
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_pn4_every_report_type_defines_its_fields():
    assert set(TYPES) == set(ReportType.values)
    for spec in TYPES.values():
        assert spec.fields and spec.reporters


def test_pn4_fields_are_validated_per_type():
    with pytest.raises(RuleViolation) as exc:
        clean_fields(ReportType.FUND_USE, {**FUND_FIELDS, "amount": "很多"})
    assert exc.value.field == "amount"
    with pytest.raises(RuleViolation):
        clean_fields(ReportType.FUND_USE, {**FUND_FIELDS, "area_consent": "120"})
    with pytest.raises(RuleViolation):
        clean_fields(ReportType.FUND_USE, {k: v for k, v in FUND_FIELDS.items() if k != "item"})
    with pytest.raises(RuleViolation):
        clean_fields(
            ReportType.OC_ELECTION,
            {
                "change_kind": "renewal",
                "assembly_date": "2026-05-01",
                "members": "张三 主任",
                "term_start": "2026-06-01",
                "term_end": "2026-01-01",
                "vote_summary": "到会业主 320 户",
            },
        )
    cleaned = clean_fields(ReportType.FUND_USE, {**FUND_FIELDS, "stray": "x"})
    assert cleaned["amount"] == "86000.00" and "stray" not in cleaned


def test_pn4_written_report_goes_to_street_party_org_rc_and_joint_meeting(world):
    report = file_fund_use(world)
    assert report.mode == Mode.WRITTEN and report.status == Status.SUBMITTED
    kinds = dict(report.recipients.values_list("kind", "organisation_id"))
    assert kinds == {
        RecipientKind.STREET: world.street_office_a.pk,
        RecipientKind.PARTY_ORG: world.party_org_a.pk,
        RecipientKind.RESIDENTS_COMMITTEE: world.rc_a.pk,
        RecipientKind.JOINT_MEETING: world.epmc_a.pk,
    }
    assert Message.objects.filter(recipient=world.street_official, key=f"report:{report.pk}:filed").exists()
    assert Message.objects.filter(recipient=world.epmc_lead).exists()


def test_pn4_report_can_go_to_chosen_recipients_with_an_attachment(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("决议.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    report = file_fund_use(world, recipients=[RecipientKind.STREET], attachment=upload)
    assert list(report.recipients.values_list("kind", flat=True)) == [RecipientKind.STREET]
    assert report.attachment.name.endswith(".pdf")
    with pytest.raises(RuleViolation):
        file_fund_use(world, attachment=SimpleUploadedFile("x.exe", b"MZ"))


def test_pn4_only_the_right_party_files_each_type(world):
    # a company files a staff change; the Owners' Committee may not
    staff_fields = {
        "post": "项目经理",
        "previous_person": "王强",
        "new_person": "李明",
        "new_contact": "0714-7300002",
        "effective_date": "2026-07-01",
        "reason": "原项目经理调任",
    }
    r = services.file_report(
        actor=world.company_head,
        compound=world.compound_a1,
        report_type=ReportType.STAFF_CHANGE,
        reporting_org=world.company_x,
        title="项目经理变更报告",
        summary="自7月1日起由李明担任项目经理。",
        fields=staff_fields,
    )
    assert r.reporting_org == world.company_x
    with pytest.raises(PermissionDenied):
        services.file_report(
            actor=world.oc_member,
            compound=world.compound_a1,
            report_type=ReportType.STAFF_CHANGE,
            reporting_org=world.oc_a1,
            title="x",
            summary="y",
            fields=staff_fields,
        )
    # company Y does not serve compound A1
    with pytest.raises(PermissionDenied):
        file_fund_use(world, actor=world.other_company_head, reporting_org=world.company_y)
    with pytest.raises(PermissionDenied):
        file_fund_use(world, actor=world.resident)


def test_pn4_bad_input_changes_nothing(world):
    with pytest.raises(RuleViolation):
        file_fund_use(world, fields={**FUND_FIELDS, "owners_consent": "-3"})
    with pytest.raises(RuleViolation):
        file_fund_use(world, title="")
    assert not Report.objects.exists()


def test_pn4_oral_report_is_recorded_by_the_receiver(world):
    report = services.record_oral_report(
        actor=world.epmc_lead,
        compound=world.compound_a1,
        report_type=ReportType.COMMON_INCOME,
        reporting_org=world.oc_a1,
        oral_reporter="业委会主任 陈静",
        oral_at=T0 - dt.timedelta(hours=1),
        title="二季度公共收益情况（口头）",
        summary="电梯广告和地面停车收入情况。",
        fields={
            "period": "2026年第二季度",
            "items": "电梯广告、地面停车",
            "income": "12600",
            "costs": "1800",
            "use": "补充维修资金",
        },
    )
    assert report.mode == Mode.ORAL and report.author == world.epmc_lead
    assert report.status == Status.RECEIVED
    joint = report.recipients.get(kind=RecipientKind.JOINT_MEETING)
    assert joint.received_by == world.epmc_lead
    assert report.recipients.get(kind=RecipientKind.STREET).received_at is None
    # someone who is not a receiver cannot record an oral report
    with pytest.raises(PermissionDenied):
        services.record_oral_report(
            actor=world.company_head,
            compound=world.compound_a1,
            report_type=ReportType.COMMON_INCOME,
            reporting_org=world.oc_a1,
            oral_reporter="x",
            oral_at=T0,
            title="x",
            summary="y",
            fields={},
        )


def test_pn4_recipient_marks_a_report_received(world):
    report = file_fund_use(world)
    services.mark_received(actor=world.street_official, report=report)
    report.refresh_from_db()
    assert report.status == Status.RECEIVED
    assert report.recipients.get(kind=RecipientKind.STREET).received_by == world.street_official
    with pytest.raises(RuleViolation):
        services.mark_received(actor=world.street_official, report=report)
    with pytest.raises(PermissionDenied):
        services.mark_received(actor=world.company_head, report=report)


def test_pn5_recipient_opinion_must_be_answered_by_the_reporting_party(world):
    report = file_fund_use(world)
    opinion = services.give_opinion(
        actor=world.street_official, report=report, text="请补充施工预算明细和比价材料。"
    )
    assert opinion.due_on == dt.date(2026, 6, 17)  # five working days
    assert Message.objects.filter(
        recipient=world.oc_member, key=f"report:{report.pk}:opinion:{opinion.pk}"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.answer_opinion(actor=world.company_head, opinion=opinion, answer="x")
    with pytest.raises(RuleViolation):
        services.answer_opinion(actor=world.oc_member, opinion=opinion, answer="  ")
    answered = services.answer_opinion(
        actor=world.oc_member, opinion=opinion, answer="已补充三家施工单位报价。"
    )
    assert answered.answered_by == world.oc_member
    assert Message.objects.filter(
        recipient=world.street_official, key=f"report:{report.pk}:answer:{opinion.pk}"
    ).exists()
    with pytest.raises(Conflict):
        services.answer_opinion(actor=world.oc_member, opinion=opinion, answer="again")


def test_pn5_only_recipients_give_opinions(world):
    report = file_fund_use(world)
    for outsider in (world.company_head, world.resident, world.other_street_official):
        with pytest.raises(PermissionDenied):
            services.give_opinion(actor=outsider, report=report, text="意见")


def test_pn5_report_cannot_close_while_an_opinion_is_unanswered(world):
    report = file_fund_use(world)
    opinion = services.give_opinion(actor=world.party_secretary, report=report, text="请先在小区公示。")
    with pytest.raises(RuleViolation):
        services.close_report(actor=world.oc_member, report=report, version=report.version)
    services.answer_opinion(actor=world.oc_member, opinion=opinion, answer="已于6月12日公示。")
    with pytest.raises(Conflict):
        services.close_report(actor=world.oc_member, report=report, version=report.version + 5)
    closed = services.close_report(actor=world.oc_member, report=report, version=report.version)
    assert closed.status == Status.CLOSED
    with pytest.raises(RuleViolation):
        services.give_opinion(actor=world.party_secretary, report=closed, text="再提一条")


def test_pn5_unanswered_opinions_are_flagged_by_the_sweep_once(world, frozen):
    report = file_fund_use(world)
    opinion = services.give_opinion(actor=world.rc_member, report=report, text="请说明分摊依据。")
    assert services.flag_unanswered(now=timezone.now()) == 0
    frozen.move_to(dt.datetime(2026, 6, 18, 9, 0, tzinfo=SH))
    assert services.flag_unanswered(now=timezone.now()) == 1
    opinion.refresh_from_db()
    assert opinion.flagged_at is not None and opinion.overdue
    assert Message.objects.filter(recipient=world.oc_member, key__endswith=":overdue").exists()
    assert services.flag_unanswered(now=timezone.now()) == 0
    (todo,) = [t for t in hooks.report_todos(world.oc_member) if "答复" in t.title]
    assert todo.overdue


def test_pn4_unreceived_report_is_a_todo_for_the_recipient(world):
    report = file_fund_use(world)
    titles = [t.title for t in hooks.report_todos(world.street_official)]
    assert any(report.title in t for t in titles)
    services.mark_received(actor=world.street_official, report=report)
    assert not hooks.report_todos(world.street_official)


def test_pn4_report_is_put_on_the_joint_meeting_agenda_through_the_extension_point(world, monkeypatch):
    report = file_fund_use(world)
    monkeypatch.setitem(extensions._PROVIDERS, "agenda.propose", [])
    with pytest.raises(RuleViolation):
        services.propose_to_agenda(actor=world.oc_member, report=report)
    calls = []

    def propose(actor, community, kind, title, description, source):
        calls.append((actor, community, kind, source))
        return "议题#7"

    monkeypatch.setitem(extensions._PROVIDERS, "agenda.propose", [propose])
    updated = services.propose_to_agenda(actor=world.oc_member, report=report)
    assert updated.agenda_ref == "议题#7"
    assert calls[0][1] == world.community_a and calls[0][3].pk == report.pk
    with pytest.raises(RuleViolation):
        services.propose_to_agenda(actor=world.oc_member, report=updated)
    with pytest.raises(PermissionDenied):
        services.propose_to_agenda(actor=world.resident, report=report)


def test_pn4_fund_use_report_links_its_major_matter_gate(world, monkeypatch):
    report = file_fund_use(world)
    gate = {
        "id": 1,
        "kind": "fund_use",
        "title": "屋面防水",
        "status": "open",
        "gate_open": True,
        "url": "/x/",
    }
    monkeypatch.setitem(extensions._PROVIDERS, "major_matter.status", [lambda compound, kind: gate])
    assert services.major_matter_for(report) == gate


def test_pn5_indicators_count_answered_opinions_per_subject_and_year(world):
    report = file_fund_use(world)
    o1 = services.give_opinion(actor=world.rc_member, report=report, text="一")
    services.give_opinion(actor=world.street_official, report=report, text="二")
    services.answer_opinion(actor=world.oc_member, opinion=o1, answer="答一")
    answered, in_time = hooks.report_indicators(world.oc_a1, world.community_a, 2026)
    assert (answered.code, answered.numerator, answered.denominator) == ("reports.opinions_answered", 1, 2)
    assert in_time.numerator == 1
    assert hooks.report_indicators(world.company_x, world.community_a, 2026) == []
    # Closing a round asks for every subject at once (issue 9): the same values.
    batch_matches_each(hooks.report_indicators, appraisal_subjects(world), world.community_a, 2026)


def test_pn4_reports_are_visible_to_reporter_recipients_and_oversight_only(world):
    report = file_fund_use(world)
    for insider in (
        world.oc_member,
        world.street_official,
        world.party_secretary,
        world.epmc_lead,
        world.admin,
    ):
        assert Report.objects.visible_to(insider).filter(pk=report.pk).exists(), insider
    for outsider in (
        world.resident,
        world.other_street_official,
        world.other_company_head,
        world.company_head,
    ):
        assert not Report.objects.visible_to(outsider).filter(pk=report.pk).exists(), outsider
    assert Opinion.objects.count() == 0


def test_pn5_flag_sweep_is_registered_for_tick(world):
    from sanfang.core.tick import registered

    assert "reports.flag_unanswered" in [e.name for e in registered()]


def test_pn5_todos_page_lists_the_opinion_to_answer(world, login, monkeypatch):
    from sanfang.core import todos

    monkeypatch.setattr(todos, "_PROVIDERS", [hooks.report_todos])  # this app's provider only
    report = file_fund_use(world)
    op = services.give_opinion(actor=world.rc_member, report=report, text="请说明")
    body = login(world.oc_member).get("/todos/").content.decode()
    assert f"/reports/{report.pk}/#opinion-{op.pk}" in body


def test_pn5_new_situation_is_reported_as_a_follow_up_of_the_same_party_and_compound(world):
    first = file_fund_use(world)
    follow = file_fund_use(world, title="续报：屋面防水施工中发现管道破损", follows=first)
    assert follow.follows == first and list(first.follow_ups.all()) == [follow]
    staff_fields = {
        "post": "项目经理",
        "previous_person": "王强",
        "new_person": "李明",
        "new_contact": "0714-7300002",
        "effective_date": "2026-07-01",
        "reason": "调任",
    }
    with pytest.raises(RuleViolation):
        services.file_report(
            actor=world.company_head,
            compound=world.compound_a1,
            report_type=ReportType.STAFF_CHANGE,
            reporting_org=world.company_x,
            title="x",
            summary="y",
            fields=staff_fields,
            follows=first,
        )
