"""The demo county: a year of meetings in the home community, schedules for the others."""

import datetime as dt

import time_machine

from sanfang.meetings.models import Meeting, MeetingDocument, MeetingSchedule, Resolution, Summary


def test_demo_populates_a_year_of_meetings_in_the_home_community(db):
    from sanfang.directory import demo as directory_demo
    from sanfang.meetings import demo

    with time_machine.travel(
        dt.datetime(2026, 11, 24, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        ctx = directory_demo.build(scale="small", seed=2022, today=dt.date(2026, 11, 24))
        demo.populate(ctx)
        home = ctx.home_community
        held = Meeting.objects.filter(community=home).held()
        assert held.filter(kind="regular").count() == 6
        assert held.filter(kind="ad_hoc").count() == 1
        assert not MeetingDocument.objects.filter(meeting__in=held, signed_at__isnull=True).exists()
        assert Resolution.objects.filter(community=home).done().exists()
        assert Resolution.objects.filter(community=home).overdue().exists()
        upcoming = Meeting.objects.get(community=home, period="2026-12")
        assert upcoming.agenda_items.filter(kind="follow_up").exists()
        assert MeetingSchedule.objects.count() == ctx.communities().count()
        assert Summary.objects.filter(community=home).exists()
        # Idempotent.
        demo.populate(ctx)
        assert Meeting.objects.filter(community=home).held().count() == 7
