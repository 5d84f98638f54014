"""Close → publicity with objections → street approval → circulation → history and credit record (EV-5)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.appraisal import services
from sanfang.appraisal.models import CreditEntry, Level, Objection, Round, Subject
from sanfang.core import extensions
from sanfang.core.errors import RuleViolation

from .conftest import vote


@pytest.fixture
def closed(world, rnd):
    vote(rnd.participants.get(person=world.resident), level=Level.SATISFIED, score=95)
    vote(rnd.participants.get(person=world.rc_member), level=Level.BASIC, score=85)
    vote(rnd.participants.get(person=world.oc_member), level=Level.SATISFIED, score=90)
    return services.close_round(actor=world.party_secretary, round=rnd)


def test_ev3_close_fixes_raw_distributions_and_a_weighted_view(world, closed):
    assert closed.status == Round.Status.CLOSED and closed.ballots_cast == 3
    s = closed.subjects.get(organisation=world.company_x)
    dists = list(s.distribution.values())
    levels = [d for d in dists if d["scale"] == "levels"]
    scores = [d for d in dists if d["scale"] == "score"]
    assert levels[0]["counts"] == {"satisfied": 2, "basic": 1, "unsatisfied": 0}
    assert scores[0]["counts"] == {"85.0": 1, "90.0": 1, "95.0": 1}
    assert s.final_score is not None and s.rank == 1 and s.grade


def test_ev5_only_the_party_org_closes_and_publishes(world, rnd):
    vote(rnd.participants.get(person=world.resident))
    for person in (world.street_official, world.company_head, world.epmc_lead):
        with pytest.raises(PermissionDenied):
            services.close_round(actor=person, round=rnd)


def test_ev5_publicity_lasts_the_configured_working_days(world, closed):
    r = services.publish_results(actor=world.party_secretary, round=closed)
    assert r.status == Round.Status.PUBLICITY
    assert r.published_on == dt.date(2026, 12, 10)
    assert r.due_on == dt.date(2026, 12, 17)  # five working days after Thursday 10 December


def test_ev5_objections_only_during_publicity_and_each_must_be_answered_before_approval(
    world, closed, december
):
    with pytest.raises(RuleViolation):  # not yet published
        services.raise_objection(actor=world.resident, round=closed, text="有异议")
    r = services.publish_results(actor=world.party_secretary, round=closed)
    subject = r.subjects.get(organisation=world.company_x)
    objection = services.raise_objection(actor=world.resident, round=r, text="物业得分偏高", subject=subject)
    with pytest.raises(PermissionDenied):
        services.raise_objection(actor=world.other_street_official, round=r, text="x")
    with pytest.raises(RuleViolation):
        services.raise_objection(actor=world.resident, round=r, text="  ")
    # before the period ends: blocked
    with pytest.raises(RuleViolation) as exc:
        services.approve_round(actor=world.street_official, round=r)
    assert "公示期" in exc.value.message
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    with pytest.raises(RuleViolation):  # period over: no new objections
        services.raise_objection(actor=world.resident, round=r, text="晚了")
    with pytest.raises(RuleViolation) as exc:  # still one unanswered
        services.approve_round(actor=world.street_official, round=r)
    assert "异议" in exc.value.message
    with pytest.raises(PermissionDenied):
        services.answer_objection(actor=world.company_head, objection=objection, answer="x")
    services.answer_objection(
        actor=world.party_secretary, objection=objection, answer="经核查，评分程序合规。"
    )
    assert Objection.objects.unanswered().count() == 0
    with pytest.raises(PermissionDenied):
        services.approve_round(actor=world.party_secretary, round=r)
    r = services.approve_round(actor=world.street_official, round=r, note="同意")
    assert r.status == Round.Status.APPROVED


def _approved(world, closed, december):
    r = services.publish_results(actor=world.party_secretary, round=closed)
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    return services.approve_round(actor=world.street_official, round=r)


def test_ev5_circulation_locks_the_round_and_feeds_history_and_credit_record(world, closed, december):
    r = _approved(world, closed, december)
    with pytest.raises(PermissionDenied):
        services.circulate_round(actor=world.other_street_official, round=r)
    r = services.circulate_round(actor=world.street_official, round=r)
    assert r.status == Round.Status.CIRCULATED and r.is_locked
    entry = CreditEntry.objects.get(company=world.company_x)
    s = Subject.objects.get(round=r, organisation=world.company_x)
    assert (
        entry.kind == CreditEntry.Kind.APPRAISAL and entry.score == s.final_score and entry.grade == s.grade
    )
    assert entry.valid_until == dt.date(2028, 12, 18)
    # the "credit.history" extension point, as contract renewal (CS-7) reads it
    history = extensions.collect("credit.history", world.company_x)
    assert history[0]["year"] == 2026 and history[0]["grade"] == s.grade and history[0]["valid"]
    summary = services.credit_summary(world.company_x)
    assert summary["score"] == float(s.final_score)
    # locked: nothing can be changed any more
    with pytest.raises(RuleViolation):
        services.record_meeting(actor=world.party_secretary, round=r, held_on=dt.date(2026, 12, 1))
    with pytest.raises(RuleViolation):
        services.circulate_round(actor=world.street_official, round=r)


def test_ev5_good_and_bad_entries_with_validity_adjust_the_credit_score(world, closed, december):
    services.circulate_round(actor=world.street_official, round=_approved(world, closed, december))
    base = services.credit_summary(world.company_x)["score"]
    today = dt.date(2026, 12, 18)
    services.add_credit_entry(
        actor=world.street_official,
        company=world.company_x,
        kind="bad",
        text="消防通道堵塞被通报",
        valid_from=today,
    )
    services.add_credit_entry(
        actor=world.street_official,
        company=world.company_x,
        kind="good",
        text="防汛表彰",
        valid_from=today - dt.timedelta(days=400),
        valid_until=today - dt.timedelta(days=1),
    )
    summary = services.credit_summary(world.company_x)
    assert summary["score"] == round(base - 5, 2) and summary["bad"] == 1 and summary["good"] == 0
    with pytest.raises(PermissionDenied):
        services.add_credit_entry(
            actor=world.company_head, company=world.company_x, kind="good", text="x", valid_from=today
        )
    with pytest.raises(RuleViolation):
        services.add_credit_entry(
            actor=world.street_official, company=world.company_x, kind="appraisal", text="x", valid_from=today
        )


def test_ev5_the_compound_board_gets_the_public_result_once_published(world, closed):
    assert extensions.collect("board.appraisal", world.compound_a1) == []  # closed but not yet public
    services.publish_results(actor=world.party_secretary, round=closed)
    [item] = extensions.collect("board.appraisal", world.compound_a2)
    assert item["year"] == 2026 and item["publicity_ends_on"] == dt.date(2026, 12, 17)
    assert {s["name"] for s in item["subjects"]} >= {world.company_x.name, world.rc_a.name}
    assert extensions.collect("board.appraisal", world.compound_b1) == []


def test_ev5_credit_validity_from_29_february_ends_on_28_february():
    assert services.years_after(dt.date(2028, 2, 29), 2) == dt.date(2030, 2, 28)
    assert services.years_after(dt.date(2026, 12, 18), 2) == dt.date(2028, 12, 18)
