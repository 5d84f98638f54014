"""The four routes and their rules, tested through the services (CS-1 … CS-7)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sanfang.cases import services
from sanfang.cases.models import (
    Case,
    CaseClass,
    CaseEvent,
    DeadlinePolicy,
    Handover,
    Rating,
    Source,
    Status,
    Step,
    Summons,
)
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.models import AuditEvent, Message
from sanfang.core.testing import appoint, make_org, make_person
from sanfang.directory import services as directory
from sanfang.directory.models import OrgKind, Place

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)  # a Monday


def _case(world, **kw):
    defaults = {
        "actor": world.resident,
        "compound": world.compound_a1,
        "category": "facilities",
        "title": "",
        "description": "3栋楼道灯坏了一个月没人修",
    }
    defaults.update(kw)
    return services.submit_case(**defaults)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_cs1_case_belongs_to_compound_community_and_street_and_records_submission(world):
    """CS-1: every case belongs to a compound and community; the state change is on the timeline and audit."""
    case = _case(world)
    assert case.compound == world.compound_a1
    assert case.community == world.community_a
    assert case.street == world.street_a
    assert case.status == Status.NEW
    assert case.tracking_no.startswith("20260309-")
    assert len(case.follow_token) >= 24
    assert case.events.filter(verb="submit").exists()
    assert AuditEvent.objects.for_target(case).filter(verb="case.submit").exists()
    # Classified within 2 working days by default.
    assert case.due_on == dt.date(2026, 3, 11)


def test_cs1_a_new_case_is_told_to_the_epmc_lead_and_the_residents_committee_heads(world):
    """The joint meeting office (JM-4: the EPMC lead `epmc_lead_for` names) and the RC heads hear of a new case;
    nobody else, and nobody of another community."""
    rc_head = make_person()
    appoint(rc_head, world.rc_a, "主任", is_head=True)
    second_lead = make_person()
    appoint(second_lead, world.epmc_a, "委员", leads_epmc=True)  # two leads: epmc_lead_for names one of them
    former = make_person()
    appoint(former, world.rc_a, "主任", is_head=True, term_end=dt.date(2025, 12, 31))
    case = _case(world)
    told = set(Message.objects.filter(key=f"case:{case.pk}:submitted:1").values_list("recipient", flat=True))
    lead = directory.epmc_lead_for(world.community_a).person
    assert told == {lead.pk, rc_head.pk}
    # A compound given without its parents loaded finds its community and street by its path.
    bare = Place.objects.get(pk=world.compound_a2.pk)
    other = _case(world, actor=world.other_resident, compound=bare)
    assert (other.community, other.street) == (world.community_a, world.street_a)


def test_cs1_party_org_sees_every_case_of_its_community(world):
    a1 = _case(world)
    a2 = _case(world, actor=world.other_resident, compound=world.compound_a2)
    visible = set(Case.objects.visible_to(world.party_secretary))
    assert {a1, a2} <= visible
    assert set(Case.objects.visible_to(world.other_street_official)) == set()
    # The company of A2 does not see A1's case; a resident sees only their own.
    assert a1 not in Case.objects.visible_to(world.other_company_head)
    assert set(Case.objects.visible_to(world.other_resident)) == {a2}


def test_cs1_every_state_change_records_who_when_and_why(world):
    case = _case(world)
    services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.MAJOR)
    services.classify_case(
        actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE, reason="经核实属日常维修"
    )
    ev = case.events.get(verb="reclassify")
    assert ev.actor == world.epmc_lead
    assert ev.reason == "经核实属日常维修"
    assert ev.from_status == Status.INVESTIGATING and ev.to_status == Status.HANDLING
    audit = AuditEvent.objects.for_target(case).get(verb="case.reclassify")
    assert audit.changes["case_class"] == ["major", "routine"]


def test_reclassification_requires_a_reason(world):
    case = _case(world)
    services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
    with pytest.raises(RuleViolation):
        services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.MAJOR)
    case.refresh_from_db()
    assert case.case_class == CaseClass.ROUTINE


def test_company_cannot_classify_and_stale_version_conflicts(world):
    case = _case(world)
    with pytest.raises(PermissionDenied):
        services.classify_case(actor=world.company_head, case=case, case_class=CaseClass.ROUTINE)
    with pytest.raises(Conflict):
        services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE, version=99)


def test_cs2_routine_case_is_convened_by_epmc_lead_with_oc_member_and_company_head(world):
    case = _case(world)
    case = services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
    assert case.handler == world.epmc_lead
    assert set(case.co_handlers.all()) == {world.oc_member, world.company_head}
    assert case.step == Step.HANDLE
    assert case.due_on == dt.date(2026, 3, 16)  # 5 working days
    assert Message.objects.filter(recipient=world.company_head, key__contains="assigned").exists()


def test_cs2_authorised_compound_party_head_may_convene(world):
    case = services.classify_case(
        actor=world.party_secretary,
        case=_case(world),
        case_class=CaseClass.ROUTINE,
        convener=world.compound_party_head,
    )
    assert case.handler == world.compound_party_head
    with pytest.raises(RuleViolation):
        services.classify_case(
            actor=world.party_secretary,
            case=_case(world),
            case_class=CaseClass.ROUTINE,
            convener=world.resident,
        )


def test_cs2_cannot_solve_requires_written_opinion_and_moves_to_rc_coordination(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.ROUTINE)
    with pytest.raises(RuleViolation):
        services.cannot_solve(actor=world.company_head, case=case, opinion="难")
    case.refresh_from_db()
    assert case.status == Status.HANDLING
    case = services.cannot_solve(
        actor=world.company_head, case=case, opinion="涉及公共管线改造，需业主分摊费用，建议居委会协调"
    )
    assert case.status == Status.COORDINATING
    assert case.holder == world.rc_a
    assert case.step == Step.COORDINATE
    assert "公共管线" in case.preliminary_opinion


def test_cs2_outsider_company_cannot_act_on_routine_case(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.ROUTINE)
    with pytest.raises(PermissionDenied):
        services.resolve_case(actor=world.other_company_head, case=case, solution="已修好")


def test_cs3_major_case_needs_investigation_with_three_parties_and_report(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.MAJOR)
    assert case.status == Status.INVESTIGATING
    with pytest.raises(RuleViolation):
        services.resolve_case(actor=world.epmc_lead, case=case, solution="已处理")
    with pytest.raises(RuleViolation):
        services.record_investigation(
            actor=world.epmc_lead,
            case=case,
            held_on=dt.date(2026, 3, 9),
            participants=[{"role": "residents_committee", "name": "王"}],
            findings="外墙脱落涉及 3 栋 2 单元，共 24 户",
        )
    proposals = []
    from sanfang.core import extensions

    def _propose(**kw):
        proposals.append(kw)
        return "议题#1"

    # Ours first, so the test does not depend on whether the meetings app is installed.
    extensions._PROVIDERS["agenda.propose"].insert(0, _propose)
    try:
        services.record_investigation(
            actor=world.epmc_lead,
            case=case,
            held_on=dt.date(2026, 3, 9),
            participants=[
                {"role": "residents_committee", "name": "王委员"},
                {"role": "owners_committee", "name": "李主任"},
                {"role": "property_company", "name": "张经理"},
                {"role": "resident_rep", "name": "赵阿姨"},
            ],
            findings="外墙脱落涉及 3 栋 2 单元，共 24 户",
            proposed_solution="申请使用维修资金修复外墙",
        )
        inv = services.report_major(actor=world.epmc_lead, case=case, put_on_agenda=True)
    finally:
        extensions._PROVIDERS["agenda.propose"].remove(_propose)
    assert inv.reported_at is not None
    assert inv.agenda_ref == "议题#1"
    assert proposals[0]["community"] == world.community_a
    case.refresh_from_db()
    assert case.status == Status.REPORTED
    assert Message.objects.filter(recipient=world.party_secretary, key__contains="major-report").exists()
    case = services.resolve_case(actor=world.epmc_lead, case=case, solution="维修资金已批准，外墙修复完成")
    assert case.status == Status.RESOLVED


def _summoned_case(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.BEYOND_REMIT)
    assert case.status == Status.AWAITING_SUMMONS
    with pytest.raises(RuleViolation):
        services.issue_street_summons(actor=world.party_secretary, case=case, request="协调供水")
    services.propose_summons(actor=world.epmc_lead, case=case, proposal="二次供水设施移交需住建部门协调")
    return case, services.issue_street_summons(
        actor=world.party_secretary, case=case, request="请街道协调住建部门处理二次供水"
    )


def test_cs4_party_org_summons_the_street_which_summons_departments_who_report_in(world):
    case, summons = _summoned_case(world)
    assert summons.from_org == world.party_org_a
    assert summons.to_org == world.street_office_a
    assert summons.due_on == dt.date(2026, 3, 23)  # 10 working days
    case.refresh_from_db()
    assert case.status == Status.SUMMONED
    dept2 = make_org(OrgKind.DEPARTMENT, world.county, name="阳新县水务局")
    officer2 = make_person()
    appoint(officer2, dept2, "科员")
    with pytest.raises(PermissionDenied):
        services.summon_departments(
            actor=world.party_secretary, summons=summons, to_orgs=[world.department], request="请报到"
        )
    children = services.summon_departments(
        actor=world.street_official,
        summons=summons,
        to_orgs=[world.department, dept2],
        request="请两部门报到",
    )
    assert len(children) == 2
    assert all(c.due_on == dt.date(2026, 3, 18) for c in children)  # 7 working days
    with pytest.raises(PermissionDenied):
        services.report_in(actor=world.company_head, summons=children[0], reply="已处理")
    services.report_in(
        actor=world.department_officer, summons=children[0], reply="已列入改造计划", actions="4月施工"
    )
    with pytest.raises(RuleViolation):
        services.resolve_case(actor=world.epmc_lead, case=case, solution="完成")
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC), tick=False):
        assert Summons.objects.overdue().get() == children[1]
        late = services.report_in(actor=officer2, summons=children[1], reply="已安排检修")
        assert late.is_late
    assert not Summons.objects.get(pk=children[0].pk).is_late
    case.refresh_from_db()
    assert (
        services.resolve_case(actor=world.epmc_lead, case=case, solution="供水已恢复正常").status
        == Status.RESOLVED
    )


def test_cs4_only_beyond_remit_cases_can_be_summoned(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.ROUTINE)
    with pytest.raises(RuleViolation):
        services.issue_street_summons(actor=world.party_secretary, case=case, request="请协调")
    case2, _s = _summoned_case(world)
    with pytest.raises(PermissionDenied):
        services.issue_street_summons(actor=world.epmc_lead, case=case2, request="请协调")


def test_cs5_legacy_case_stays_open_with_reviews_and_needs_joint_explanation_by_three_parties(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.LEGACY)
    assert case.status == Status.MONITORING and case.is_open
    assert case.next_review_on == dt.date(2026, 4, 7)  # 20 working days (Qingming on 6 April 2026)
    review = services.record_review(
        actor=world.epmc_lead, case=case, progress="已报街道和住建局，等待产权资料"
    )
    assert review.next_review_on > dt.date(2026, 3, 9)
    with pytest.raises(RuleViolation):
        services.resolve_case(actor=world.epmc_lead, case=case, solution="产权办结")
    exp = services.record_explanation(
        actor=world.epmc_lead,
        case=case,
        held_on=dt.date(2026, 3, 9),
        content="向居民说明办证历史原因和推进计划",
    )
    assert not exp.is_complete
    services.sign_explanation(actor=world.oc_member, explanation=exp)
    with pytest.raises(RuleViolation):
        services.sign_explanation(actor=world.oc_member, explanation=exp)
    with pytest.raises(PermissionDenied):
        services.sign_explanation(actor=world.other_company_head, explanation=exp)
    services.sign_explanation(actor=world.company_head, explanation=exp)
    exp.refresh_from_db()
    assert exp.is_complete
    case.refresh_from_db()
    assert (
        services.resolve_case(actor=world.epmc_lead, case=case, solution="产权证已办").status
        == Status.RESOLVED
    )


def test_cs5_bounced_case_escalates_to_rc_then_party_org(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.ROUTINE)
    DeadlinePolicy.objects.create(street=world.street_a, key="bounce.threshold", value=1)
    services.hand_over(actor=world.epmc_lead, case=case, to_org=world.company_x, reason="物业负责维修")
    services.hand_over(actor=world.company_head, case=case, to_org=world.oc_a1, reason="需业委会同意")
    services.hand_over(
        actor=world.oc_member, case=case, to_org=world.company_x, reason="属物业职责"
    )  # bounce 1
    case.refresh_from_db()
    assert case.bounce_count == 1 and case.escalation_level == 0
    services.hand_over(
        actor=world.company_head, case=case, to_org=world.oc_a1, reason="还是业委会"
    )  # bounce 2
    case.refresh_from_db()
    assert case.bounce_count == 2
    assert case.escalation_level == 1
    assert case.holder == world.rc_a
    assert case.events.filter(verb="escalate", public=True).exists()
    assert Handover.objects.filter(case=case, is_escalation=True).count() == 1
    services.hand_over(actor=world.rc_member, case=case, to_org=world.company_x, reason="物业先处理")
    services.hand_over(
        actor=world.company_head, case=case, to_org=world.rc_a, reason="退回居委会"
    )  # bounce 3
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert case.holder == world.party_org_a
    report = {r["organisation"]: r["bounces"] for r in services.bounce_report(world.community_a)}
    assert report[world.company_x.name] == 2


def test_cs6_engagements_attach_to_a_case(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.MAJOR)
    eng = services.record_engagement(
        actor=world.oc_member,
        case=case,
        kind="hearing",
        held_on=dt.date(2026, 3, 6),
        participants_count=32,
        summary="就外墙维修方案听取业主意见",
        outcome="多数业主同意使用维修资金",
    )
    assert eng.get_kind_display() == "工作听证会"
    with pytest.raises(RuleViolation):
        services.record_engagement(
            actor=world.oc_member,
            case=case,
            kind="party",
            held_on=dt.date(2026, 3, 6),
            participants_count=3,
            summary="x" * 5,
        )
    with pytest.raises(PermissionDenied):
        services.record_engagement(
            actor=world.other_resident,
            case=case,
            kind="home_visit",
            held_on=dt.date(2026, 3, 6),
            participants_count=2,
            summary="上门走访",
        )


def test_cs7_fee_change_is_held_at_the_gate_until_street_and_party_org_acknowledge(world):
    matter = services.open_matter(
        actor=world.company_head,
        compound=world.compound_a1,
        kind="fee_change",
        title="物业费由1.2元调整为1.5元",
    )
    with pytest.raises(RuleViolation):
        services.advance_matter(actor=world.oc_member, matter=matter)
    with pytest.raises(PermissionDenied):
        services.invite(actor=world.company_head, matter=matter, party="street")
    services.invite(actor=world.epmc_lead, matter=matter, party="street")
    with pytest.raises(RuleViolation):
        services.acknowledge(actor=world.party_secretary, matter=matter, party="party_org")
    services.invite(actor=world.epmc_lead, matter=matter, party="party_org")
    services.acknowledge(actor=world.street_official, matter=matter, party="street")
    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=world.other_street_official, matter=matter, party="party_org")
    with pytest.raises(RuleViolation):
        services.advance_matter(actor=world.oc_member, matter=matter)
    assert services.matter_status(world.compound_a1, "fee_change")["gate_open"] is False
    services.acknowledge(actor=world.party_secretary, matter=matter, party="party_org")
    matter = services.advance_matter(actor=world.oc_member, matter=matter)
    assert matter.step == "plan"
    assert services.matter_status(world.compound_a1, "fee_change")["gate_open"] is True
    verbs = list(AuditEvent.objects.for_target(matter).values_list("verb", flat=True))
    assert verbs.count("major_matter.invite") == 2 and verbs.count("major_matter.acknowledge") == 2
    ack = AuditEvent.objects.for_target(matter).filter(verb="major_matter.acknowledge").first()
    assert "hours_to_acknowledge" in ack.changes


def test_feedback_closes_and_dispute_reopens_and_rates_count(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.ROUTINE)
    services.resolve_case(actor=world.company_head, case=case, solution="已更换灯具")
    with pytest.raises(PermissionDenied):
        services.give_feedback(actor=world.other_resident, case=case, rating=Rating.SATISFIED)
    services.give_feedback(
        actor=None,
        case=case,
        token=case.follow_token,
        rating=Rating.UNSATISFIED,
        comment="灯还是不亮",
        dispute=True,
    )
    case.refresh_from_db()
    assert case.status == Status.HANDLING and case.reopened_count == 1
    services.resolve_case(actor=world.company_head, case=case, solution="已更换线路")
    services.give_feedback(actor=world.resident, case=case, rating=Rating.BASIC)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    r = services.rates(Case.objects.all())
    assert (r.received, r.responded_in_time, r.resolved, r.rated, r.basic) == (1, 1, 1, 1, 1)
    assert r.satisfaction_rate == 1.0
    assert case.feedbacks.count() == 2  # raw distribution kept


def test_deadlines_are_configurable_per_street(world):
    DeadlinePolicy.objects.create(street=world.street_a, key="routine.handle", value=2)
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.ROUTINE)
    assert case.due_on == dt.date(2026, 3, 11)
    with pytest.raises(PermissionDenied):
        services.set_policy(actor=world.other_street_official, street=world.street_a, key="classify", value=3)
    services.set_policy(actor=world.street_official, street=world.street_a, key="classify", value=3)
    assert services.policy_value(world.street_a, "classify") == 3
    assert services.policy_value(world.street_b, "classify") == 2


def test_staff_enter_phoned_in_case_but_residents_cannot_pretend_to_be_staff(world):
    case = _case(world, actor=world.grid_worker, source=Source.PHONE, reporter_contact="13800001111")
    assert case.entered_by == world.grid_worker and case.reporter is None
    with pytest.raises(PermissionDenied):
        _case(world, actor=world.resident, source=Source.STAFF)
    with pytest.raises(PermissionDenied):
        _case(world, actor=world.other_company_head, source=Source.PHONE)


def test_anonymous_report_keeps_no_account_and_validates_input(world):
    from django.contrib.auth.models import AnonymousUser

    case = _case(world, actor=AnonymousUser(), reporter_contact="13800001111")
    assert case.reporter is None and case.reporter_contact == "13800001111"
    n = Case.objects.count()
    with pytest.raises(RuleViolation):
        _case(world, actor=AnonymousUser(), description="灯")
    with pytest.raises(RuleViolation):
        _case(world, actor=AnonymousUser(), reporter_contact="call me")
    assert Case.objects.count() == n
    assert CaseEvent.objects.filter(case=case, verb="submit", actor_label="反映人").exists()
    assert timezone.now() == NOW


def test_cs3_investigation_report_docx_names_people_position_first_then_name(world, login):
    import io

    from docx import Document

    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.MAJOR)
    services.record_investigation(
        actor=world.epmc_lead,
        case=case,
        held_on=dt.date(2026, 3, 9),
        participants=[
            {"role": "residents_committee", "name": "王委员"},
            {"role": "owners_committee", "name": "李主任"},
            {"role": "property_company", "name": "张经理"},
        ],
        findings="外墙脱落涉及 3 栋 2 单元，共 24 户",
        proposed_solution="申请使用维修资金修复外墙",
    )
    resp = login(world.epmc_lead).get(f"/cases/{case.pk}/investigation.docx")
    assert resp.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(resp.content)).paragraphs)
    assert "业主委员会李主任" in text and "申请使用维修资金修复外墙" in text
    assert login(world.other_company_head).get(f"/cases/{case.pk}/investigation.docx").status_code == 404
    assert login(world.resident).get(f"/cases/{case.pk}/investigation.docx").status_code == 403


def test_cs5_legacy_case_is_reported_to_the_street_for_attention(world):
    services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.LEGACY)
    assert Message.objects.filter(recipient=world.street_official, key__contains="legacy-report").exists()
    assert not Message.objects.filter(recipient=world.other_street_official).exists()


def test_cs5_bounce_report_through_the_api_for_the_community(world, login):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.ROUTINE)
    services.hand_over(actor=world.epmc_lead, case=case, to_org=world.company_x, reason="物业负责")
    services.hand_over(actor=world.company_head, case=case, to_org=world.rc_a, reason="退回居委会")
    rows = login(world.party_secretary).get(f"/api/v1/cases/bounces?place={world.community_a.code}").json()
    assert rows == [{"organisation": world.company_x.name, "bounces": 1}]
    assert (
        login(world.company_head).get(f"/api/v1/cases/bounces?place={world.community_a.code}").status_code
        == 404
    )


def test_reclassifying_a_routine_case_as_major_drops_the_routine_co_handlers(world):
    case = services.classify_case(actor=world.epmc_lead, case=_case(world), case_class=CaseClass.ROUTINE)
    assert case.co_handlers.count() == 2
    case = services.classify_case(
        actor=world.party_secretary, case=case, case_class=CaseClass.MAJOR, reason="涉及多户业主共同利益"
    )
    assert case.co_handlers.count() == 0 and case.status == Status.INVESTIGATING
