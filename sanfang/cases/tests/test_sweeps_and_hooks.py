"""Sweeps (reminders, overdue notices, legacy reviews, summons replies, auto-close) and the extension points
this app provides (board.cases, major_matter.status, indicators)."""

import datetime as dt

import pytest
import time_machine

from sanfang.cases import hooks, services, sweeps
from sanfang.cases.models import Case, CaseClass, Rating, Status
from sanfang.core import extensions
from sanfang.core.models import Message
from sanfang.core.testing import appraisal_subjects, batch_matches_each

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC)


def _at(days):
    return MONDAY + dt.timedelta(days=days)


def _case(world, cls=None):
    case = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="other",
        title="",
        description="绿化带树木倒伏",
    )
    if cls:
        case = services.classify_case(actor=world.epmc_lead, case=case, case_class=cls)
    return case


def test_deadline_sweep_reminds_before_and_warns_when_overdue_once(world):
    with time_machine.travel(MONDAY, tick=False):
        case = _case(world, CaseClass.ROUTINE)  # due Monday 16 March
    with time_machine.travel(_at(4), tick=False):  # Friday: due next working day
        assert sweeps.deadlines(_at(4)) == 1
        assert Message.objects.filter(recipient=world.company_head, key__contains=":due:").exists()
    with time_machine.travel(_at(8), tick=False):  # Tuesday 17: overdue
        sweeps.deadlines(_at(8))
        sweeps.deadlines(_at(8))
        msgs = Message.objects.filter(recipient=world.epmc_lead, key__contains=":overdue:")
        assert msgs.count() == 1 and msgs.get().urgent
    assert Case.objects.overdue(dt.date(2026, 3, 17)).get() == case


def test_cs5_legacy_review_sweep_reminds_and_flags_missing_joint_explanation(world):
    with time_machine.travel(MONDAY, tick=False):
        case = _case(world, CaseClass.LEGACY)
    day = dt.datetime.combine(case.next_review_on, dt.time(2), tzinfo=dt.UTC)
    with time_machine.travel(day, tick=False):
        assert sweeps.legacy_reviews(day) == 1
        msg = Message.objects.get(recipient=world.epmc_lead, key__contains=":review:")
        assert "共同解释" in msg.body


def test_cs4_summons_overdue_sweep_tells_the_street(world):
    with time_machine.travel(MONDAY, tick=False):
        case = _case(world, CaseClass.BEYOND_REMIT)
        services.propose_summons(actor=world.epmc_lead, case=case, proposal="需街道协调")
        services.issue_street_summons(actor=world.party_secretary, case=case, request="请街道协调")
    with time_machine.travel(_at(20), tick=False):
        assert sweeps.summons_overdue(_at(20)) == 1
        assert Message.objects.filter(recipient=world.street_official, key__contains=":overdue").exists()


def test_autoclose_closes_unrated_resolved_cases_after_the_feedback_window(world):
    with time_machine.travel(MONDAY, tick=False):
        case = _case(world, CaseClass.ROUTINE)
        services.resolve_case(actor=world.company_head, case=case, solution="已扶正树木")
    with time_machine.travel(_at(3), tick=False):
        assert sweeps.autoclose(_at(3)) == 0
    with time_machine.travel(_at(20), tick=False):
        assert sweeps.autoclose(_at(20)) == 1
        case.refresh_from_db()
        assert case.status == Status.CLOSED


def test_board_cases_extension_point_shows_progress_and_no_personal_data(world):
    with time_machine.travel(MONDAY, tick=False):
        case = services.submit_case(
            actor=world.resident,
            compound=world.compound_a1,
            category="other",
            title="",
            description="绿化带树木倒伏",
            reporter_name="王秘密",
            reporter_contact="13700000000",
        )
        assert extensions.collect("board.cases", world.compound_a1) == []  # not yet classified
        services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
        rows = extensions.collect("board.cases", world.compound_a1)
    assert len(rows) == 1
    row = rows[0]
    assert row["tracking_no"] == case.tracking_no and row["case_class"] == "routine"
    assert row["progress"]
    flat = str(rows)
    assert "王秘密" not in flat and "13700000000" not in flat and world.resident.name not in flat
    assert extensions.collect("board.cases", world.compound_a2) == []


def test_major_matter_status_extension_point(world):
    assert extensions.first("major_matter.status", world.compound_a1, "fund_use") is None
    services.open_matter(actor=world.oc_member, compound=world.compound_a1, kind="fund_use", title="维修资金")
    status = extensions.first("major_matter.status", world.compound_a1, "fund_use")
    assert status["gate_open"] is False and status["kind"] == "fund_use"


def test_indicators_extension_point_gives_response_resolution_satisfaction_per_subject(world):
    with time_machine.travel(MONDAY, tick=False):
        case = _case(world, CaseClass.ROUTINE)
        services.resolve_case(actor=world.company_head, case=case, solution="已处理完毕")
        services.give_feedback(actor=world.resident, case=case, rating=Rating.UNSATISFIED)
        _case(world)  # not responded to yet
    got = {
        i.code: i
        for i in extensions.collect("indicators", world.company_x, world.community_a, 2026)
        if i.source == "cases"
    }
    assert got["cases.response"].numerator == 1 and got["cases.response"].denominator == 2
    assert got["cases.resolution"].rate == 0.5
    assert got["cases.satisfaction"].rate == 0.0
    other = {
        i.code: i
        for i in extensions.collect("indicators", world.company_y, world.community_a, 2026)
        if i.source == "cases"
    }
    assert other["cases.response"].denominator == 0
    # Closing a round asks for every subject at once (issue 9): the same values.
    batch_matches_each(hooks.indicators, appraisal_subjects(world), world.community_a, 2026)


def test_todos_list_my_cases_and_untriaged_ones(world):
    from sanfang.core.todos import todos_for

    with time_machine.travel(MONDAY, tick=False):
        _case(world, CaseClass.ROUTINE)
        _case(world)
        titles = [t.title for t in todos_for(world.company_head) if t.app == "cases"]
        assert any("办理问题" in t for t in titles)
        office = [t.title for t in todos_for(world.epmc_lead) if t.app == "cases"]
        assert any("待受理分类" in t for t in office)
        assert [t for t in todos_for(world.other_company_head) if t.app == "cases"] == []


def test_cs7_invited_street_and_party_org_see_the_acknowledgement_in_their_todos(world):
    from sanfang.core.todos import todos_for

    matter = services.open_matter(
        actor=world.oc_member, compound=world.compound_a1, kind="company_change", title="更换物业"
    )
    assert not [t for t in todos_for(world.street_official) if "提前介入" in t.title]
    services.invite(actor=world.epmc_lead, matter=matter, party="street")
    assert [t for t in todos_for(world.street_official) if "提前介入" in t.title]
    assert not [t for t in todos_for(world.party_secretary) if "提前介入" in t.title]
    services.acknowledge(actor=world.street_official, matter=matter, party="street")
    assert not [t for t in todos_for(world.street_official) if "提前介入" in t.title]


def test_indicators_of_a_company_count_only_the_appraised_communitys_cases(world):
    from sanfang.core.testing import make_contract

    make_contract(world.company_x, world.compound_b1)
    with time_machine.travel(MONDAY, tick=False):
        _case(world)
        services.submit_case(
            actor=world.other_resident,
            compound=world.compound_b1,
            category="other",
            title="",
            description="江景小区的问题",
        )
    got = {
        i.code: i
        for i in extensions.collect("indicators", world.company_x, world.community_a, 2026)
        if i.source == "cases"
    }
    assert got["cases.response"].denominator == 1
    each = batch_matches_each(hooks.indicators, appraisal_subjects(world), world.community_b, 2026)
    assert each[world.company_x.pk][0].denominator == 1  # compound B1's case, in community B's round
