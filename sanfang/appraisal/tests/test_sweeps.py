"""Sweeps: December reminders (EV-1) and the end of publicity periods (EV-5); idempotent."""

import datetime as dt

from sanfang.appraisal import services, sweeps
from sanfang.appraisal.models import Level, Objection
from sanfang.core.models import Message
from sanfang.core.todos import todos_for

from .conftest import vote


def test_ev1_december_sweep_reminds_the_street_of_communities_without_a_round(world, standard, december):
    now = dt.datetime(2026, 12, 10, 10, tzinfo=dt.UTC)
    assert sweeps.december_rounds(now) >= 1
    assert Message.objects.filter(recipient=world.street_official, subject__contains="未开启").exists()
    before = Message.objects.count()
    sweeps.december_rounds(now)
    assert Message.objects.count() == before  # idempotent
    assert sweeps.december_rounds(dt.datetime(2026, 11, 10, tzinfo=dt.UTC)) == 0


def test_ev5_publicity_end_sweep_asks_the_street_to_approve_or_the_party_org_to_answer(world, rnd, december):
    vote(rnd.participants.get(person=world.resident), level=Level.SATISFIED)
    services.close_round(actor=world.party_secretary, round=rnd)
    services.publish_results(actor=world.party_secretary, round=rnd)
    Objection.objects.create(round=rnd, raised_by=world.resident, text="x")
    after = dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC)
    assert sweeps.publicity_end(after) == 1
    assert Message.objects.filter(recipient=world.party_secretary, subject__contains="未答复").exists()
    Objection.objects.update(answer="a", answered_at=after)
    sweeps.publicity_end(after)
    assert Message.objects.filter(recipient=world.street_official, subject__contains="请审定").exists()


def test_ev3_participant_sees_a_ballot_to_cast_in_their_todos(world, rnd):
    titles = [t.title for t in todos_for(world.resident) if t.app == "appraisal"]
    assert any("测评" in t for t in titles)
    vote(rnd.participants.get(person=world.resident))
    assert not [t for t in todos_for(world.resident) if t.app == "appraisal"]
