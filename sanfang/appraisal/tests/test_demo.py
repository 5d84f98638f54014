"""The demo: a street standard, last year's completed round and this year's open round (EV-1 … EV-5)."""

import datetime as dt

import time_machine

from sanfang.appraisal import demo
from sanfang.appraisal.models import CreditEntry, Objection, Round, Standard


def test_demo_has_a_standard_a_completed_round_and_an_open_one(db):
    from sanfang.directory import demo as directory_demo

    with time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False):
        ctx = directory_demo.build(scale="small", seed=7, today=dt.date(2026, 11, 24))
        demo.populate(ctx)
    home = ctx.home_community
    assert Standard.objects.published().count() == 1
    past = Round.objects.get(community=home, year=2025)
    assert past.status == Round.Status.CIRCULATED and past.ballots_cast > 0
    assert Objection.objects.filter(round=past).exclude(answer="").count() == 1
    assert CreditEntry.objects.filter(subject__round=past).exists()
    current = Round.objects.get(community=home, year=2026)
    assert current.status == Round.Status.OPEN and current.ballots.exists()
    assert current.participants.filter(person=ctx.personas["resident"], has_voted=False).exists()
