"""Anonymous ballots (EV-3): one per participant by personal link or paper, hidden results, indicators (EV-4)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import models

from sanfang.appraisal import services
from sanfang.appraisal.models import Ballot, Level, PaperEntry, Participant, Round
from sanfang.core import extensions
from sanfang.core.errors import RuleViolation
from sanfang.core.extensions import Indicator
from sanfang.core.models import AuditEvent
from sanfang.directory.models import OrgKind

from .conftest import full_answers, vote


def _participant(rnd, person):
    return rnd.participants.get(person=person)


def test_ev3_one_ballot_per_eligible_participant_through_a_one_time_personal_link(world, rnd):
    links = {p.person_id: url for p, url in services.issue_links(actor=world.epmc_lead, round=rnd)}
    token = links[world.resident.pk].rstrip("/").rsplit("/", 1)[-1]
    participant = services.participant_for_token(token)
    assert participant.person == world.resident
    services.cast_ballot(participant=participant, answers=full_answers(rnd))
    assert Ballot.objects.filter(round=rnd).count() == 1
    participant.refresh_from_db()
    assert participant.has_voted
    assert services.participant_for_token(token) is None  # the link is spent
    with pytest.raises(RuleViolation):
        services.cast_ballot(participant=participant, answers=full_answers(rnd))
    assert Ballot.objects.filter(round=rnd).count() == 1


def test_ev3_a_ballot_must_answer_every_criterion_within_its_scale(world, rnd):
    participant = _participant(rnd, world.resident)
    answers = full_answers(rnd)
    first_subject = next(iter(answers))
    answers[first_subject].popitem()
    with pytest.raises(RuleViolation):
        services.cast_ballot(participant=participant, answers=answers)
    bad = full_answers(rnd, level="great", score=120)
    with pytest.raises(RuleViolation):
        services.cast_ballot(participant=participant, answers=bad)
    participant.refresh_from_db()
    assert not participant.has_voted and not Ballot.objects.exists()


def test_ev3_no_voting_outside_the_round_window(world, rnd, december):
    december.move_to(dt.datetime(2027, 1, 2, 10, tzinfo=dt.UTC))
    with pytest.raises(RuleViolation):
        vote(_participant(rnd, world.resident))


def test_ev3_no_stored_row_links_a_ballot_to_its_voter(world, rnd):
    """Anonymity by construction: no FK, no time, no sequence, no audit actor ties a ballot to a person."""
    participant = _participant(rnd, world.resident)
    services.issue_links(actor=world.epmc_lead, round=rnd)
    vote(participant, level=Level.UNSATISFIED, score=13)
    ballot = Ballot.objects.get()
    # 1. the ballot has no relation to a person or participant, and no time of any kind
    for field in Ballot._meta.get_fields():
        if field.is_relation:
            assert field.related_model is Round, field.name
        assert not isinstance(field, models.DateField | models.DateTimeField | models.AutoField), field.name
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    # 2. the participant keeps only a yes/no marker, no time, no ballot reference, no token
    participant.refresh_from_db()
    assert participant.has_voted and participant.token_digest == ""
    for field in Participant._meta.get_fields():
        if field.is_relation:
            assert field.related_model is not Ballot, field.name
        assert not isinstance(field, models.DateField | models.DateTimeField), field.name
    # 3. the audit trail records that a ballot arrived, not who cast it
    cast = AuditEvent.objects.filter(verb="appraisal.ballot.cast")
    assert cast.count() == 1 and cast.get().actor_id is None
    assert world.resident.name not in cast.get().summary
    # 4. nothing in the ballot's content names the voter
    assert str(world.resident.pk) not in ballot.answers  # keys are subject ids
    assert world.resident.name not in str(ballot.answers)


def test_ev3_results_are_hidden_from_everyone_until_close(world, rnd):
    vote(_participant(rnd, world.resident))
    assert not rnd.results_visible
    subject = rnd.subjects.first()
    assert subject.final_score is None and subject.distribution == {}
    from sanfang.appraisal import permissions

    for person in (world.street_official, world.party_secretary, world.epmc_lead, world.admin):
        assert not permissions.can_view_results(person, rnd)


def test_ev3_paper_ballots_are_entered_twice_by_two_clerks_and_mismatches_are_shown(world, rnd):
    services.mark_paper_voted(actor=world.epmc_lead, participant=_participant(rnd, world.oc_member))
    services.mark_paper_voted(actor=world.epmc_lead, participant=_participant(rnd, world.company_staff))
    answers = full_answers(rnd)
    assert (
        services.enter_paper_ballot(actor=world.epmc_lead, round=rnd, sheet_no="1", answers=answers)
        == "waiting"
    )
    # the same clerk entering again does not count as the second entry
    assert (
        services.enter_paper_ballot(actor=world.epmc_lead, round=rnd, sheet_no="1", answers=answers)
        == "waiting"
    )
    assert (
        services.enter_paper_ballot(actor=world.rc_member, round=rnd, sheet_no="1", answers=answers)
        == "matched"
    )
    assert Ballot.objects.filter(round=rnd, channel=Ballot.Channel.PAPER).count() == 1
    assert not PaperEntry.objects.filter(round=rnd, sheet_no="1").exists()
    # sheet 2: the clerks disagree on one answer
    other = full_answers(rnd)
    sid = next(iter(other))
    cid = next(iter(other[sid]))
    other[sid][cid] = Level.BASIC if other[sid][cid] == Level.SATISFIED else 50
    services.enter_paper_ballot(actor=world.epmc_lead, round=rnd, sheet_no="2", answers=answers)
    assert (
        services.enter_paper_ballot(actor=world.rc_member, round=rnd, sheet_no="2", answers=other)
        == "mismatch"
    )
    status = {s["sheet_no"]: s for s in services.paper_status(rnd)}
    assert status["2"]["mismatch"] and len(status["2"]["differences"]) == 1
    assert Ballot.objects.filter(round=rnd).count() == 1
    with pytest.raises(RuleViolation):  # not closable while a sheet is unresolved
        services.close_round(actor=world.party_secretary, round=rnd)
    # the second clerk re-checks the paper and corrects their entry
    assert (
        services.enter_paper_ballot(actor=world.rc_member, round=rnd, sheet_no="2", answers=answers)
        == "matched"
    )
    assert Ballot.objects.filter(round=rnd).count() == 2


def test_ev3_paper_ballots_cannot_outnumber_the_people_who_handed_one_in(world, rnd):
    answers = full_answers(rnd)
    services.enter_paper_ballot(actor=world.epmc_lead, round=rnd, sheet_no="9", answers=answers)
    with pytest.raises(RuleViolation):
        services.enter_paper_ballot(actor=world.rc_member, round=rnd, sheet_no="9", answers=answers)


def test_ev3_only_the_office_enters_paper_ballots(world, rnd):
    with pytest.raises(PermissionDenied):
        services.enter_paper_ballot(
            actor=world.company_head, round=rnd, sheet_no="1", answers=full_answers(rnd)
        )


@pytest.fixture
def indicators():
    """A provider like the one the meetings/cases apps register, scoped to this test."""

    def provider(subject, community, year):
        return [
            Indicator(
                code="cases.resolved", label="问题按时解决率", numerator=8, denominator=10, source="cases"
            ),
            Indicator(
                code="meetings.attended",
                label="联席会议出席率",
                numerator=6,
                denominator=6,
                source="meetings",
            ),
        ]

    # Only this provider: the real ones (meetings, cases, …) are tested in their own apps.
    saved = list(extensions._PROVIDERS["indicators"])
    extensions._PROVIDERS["indicators"][:] = [provider]
    yield provider
    extensions._PROVIDERS["indicators"][:] = saved


def test_ev4_indicators_are_collected_shown_and_blended_with_the_configured_weight(
    world, standard, indicators, december
):
    draft = services.new_version(actor=world.street_official, standard=standard)
    services.update_standard(actor=world.street_official, standard=draft, indicator_weight="0.2")
    services.publish_standard(actor=world.street_official, standard=draft)
    rnd = services.open_round(actor=world.street_official, community=world.community_a, year=2026)
    block = services.ballot_form(rnd)[0]
    shown = services.indicators_for(block["subject"])
    assert [i["code"] for i in shown] == ["cases.resolved", "meetings.attended"]
    vote(rnd.participants.get(person=world.rc_member), level=Level.SATISFIED, score=100)
    services.close_round(actor=world.party_secretary, round=rnd)
    s = rnd.subjects.first()
    assert float(s.ballot_score) == 100.0
    assert float(s.indicator_score) == 90.0  # mean of 80% and 100%
    assert float(s.final_score) == pytest.approx(0.8 * 100 + 0.2 * 90)
    assert s.indicators[0]["label"] == "问题按时解决率"


def test_ev4_indicators_only_shown_when_weight_is_zero(world, rnd, indicators):
    vote(rnd.participants.get(person=world.rc_member), level=Level.BASIC, score=60)
    services.close_round(actor=world.party_secretary, round=rnd)
    s = rnd.subjects.first()
    assert float(s.final_score) == float(s.ballot_score) == 60.0
    assert s.indicator_score is not None


def test_ev4_a_failing_indicator_provider_does_not_block_the_close(world, rnd):
    def broken(subject, community, year):
        raise RuntimeError("provider down")

    extensions._PROVIDERS["indicators"][:] = [broken]
    vote(rnd.participants.get(person=world.resident))
    services.close_round(actor=world.party_secretary, round=rnd)
    assert rnd.subjects.first().indicators == []


def _counted(subject, community, year):
    return [Indicator(code="x.kind", label="类型", numerator=len(subject.kind), denominator=20, source="x")]


def test_ev4_close_asks_a_batched_provider_once_for_every_subject_with_the_same_values(world, rnd):
    """Issue 9: one set of grouped queries per provider for all the round's subjects, not one per subject."""
    calls = []

    def provider(subject, community, year):
        calls.append("each")
        return _counted(subject, community, year)

    @extensions.batch_of(provider)
    def provider_each(subjects, community, year):
        calls.append("batch")
        return {s.pk: _counted(s, community, year) for s in subjects}

    extensions._PROVIDERS["indicators"][:] = [provider, _counted]  # one with a batched form, one without
    vote(rnd.participants.get(person=world.resident))
    expected = {s.pk: services.indicators_for(s) for s in rnd.subjects.all()}
    assert len(expected) > 2 and calls.count("each") == len(expected)
    calls.clear()
    services.close_round(actor=world.party_secretary, round=rnd)
    assert calls == ["batch"]
    got = {s.pk: s.indicators for s in rnd.subjects.all()}
    assert got == expected and all(len(v) == 2 for v in got.values())


def test_ev4_a_failing_batched_provider_costs_no_more_than_its_own_indicators(world, rnd):
    def provider(organisation, community, year):
        if organisation.kind == OrgKind.PROPERTY_COMPANY:
            raise RuntimeError("provider down for companies")
        return _counted(organisation, community, year)

    @extensions.batch_of(provider)
    def provider_each(subjects, community, year):
        raise RuntimeError("batch down")

    extensions._PROVIDERS["indicators"][:] = [provider]
    vote(rnd.participants.get(person=world.resident))
    services.close_round(actor=world.party_secretary, round=rnd)
    got = [(s.organisation.kind, s.indicators) for s in rnd.subjects.select_related("organisation")]
    companies = [v for kind, v in got if kind == OrgKind.PROPERTY_COMPANY]
    assert companies and all(v == [] for v in companies)  # asked on their own, as before batching
    assert all(v for kind, v in got if kind != OrgKind.PROPERTY_COMPANY)


def test_ev3_an_unfinished_paper_sheet_can_be_set_aside_with_a_reason(world, rnd):
    services.enter_paper_ballot(actor=world.epmc_lead, round=rnd, sheet_no="X1", answers=full_answers(rnd))
    with pytest.raises(RuleViolation):
        services.discard_paper_sheet(actor=world.epmc_lead, round=rnd, sheet_no="X1", reason=" ")
    with pytest.raises(PermissionDenied):
        services.discard_paper_sheet(actor=world.company_head, round=rnd, sheet_no="X1", reason="字迹不清")
    assert (
        services.discard_paper_sheet(actor=world.rc_member, round=rnd, sheet_no="X1", reason="字迹不清") == 1
    )
    assert not PaperEntry.objects.filter(round=rnd).exists()
    assert AuditEvent.objects.filter(verb="appraisal.paper.discard", summary__contains="字迹不清").exists()


def test_ev3_unused_links_stop_working_when_the_round_closes(world, rnd):
    links = services.issue_links(actor=world.epmc_lead, round=rnd)
    vote(rnd.participants.get(person=world.resident))
    services.close_round(actor=world.party_secretary, round=rnd)
    for _participant, url in links:
        assert services.participant_for_token(url.rstrip("/").rsplit("/", 1)[-1]) is None
