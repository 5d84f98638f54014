"""JM-3: the regular schedule — a working day in the last week of each even month, created ahead, never twice."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from sanfang.core.models import CalendarDay, CalendarYear
from sanfang.meetings import schedule, services
from sanfang.meetings.models import Meeting, MeetingSchedule


def test_jm3_regular_meeting_falls_in_last_week_of_even_month(db):
    for planned in schedule.plan_year(2026, weekday=3):
        assert planned.date.month in (2, 4, 6, 8, 10, 12)
        assert schedule.in_last_week_of_even_month(planned.date)
        assert not planned.estimated


def test_jm3_preferred_weekday_is_kept_when_it_is_a_working_day(db):
    assert schedule.regular_date(2026, 4, 3).date == dt.date(2026, 4, 30)  # Thursday


def test_jm3_holiday_moves_meeting_to_nearest_working_day_in_same_week(db):
    # Thursday 2026-10-01 is not in the window; October's last week: Sunday 25 is not a working day.
    # Monday preference in June 2026: 29 June is a Monday and a working day.
    assert schedule.regular_date(2026, 6, 0).date == dt.date(2026, 6, 29)
    # Friday preference in June 2026: 26 June is a working day (Dragon Boat holiday is 19 June).
    # Thursday in February 2026 is the 26th (a working day after the Spring Festival holiday).
    assert schedule.regular_date(2026, 2, 3).date == dt.date(2026, 2, 26)
    # Monday in February 2026 is the 23rd, still Spring Festival holiday: moves to Tuesday the 24th.
    planned = schedule.regular_date(2026, 2, 0)
    assert planned.date == dt.date(2026, 2, 24)
    assert planned.moved


def test_jm3_make_up_working_day_counts_and_admin_override_is_respected(db):
    CalendarDay.objects.create(date=dt.date(2026, 4, 30), is_working_day=False, name="测试休息日")
    planned = schedule.regular_date(2026, 4, 3)
    assert planned.date == dt.date(2026, 4, 29)  # Wednesday, nearest (earlier wins a tie with Friday)
    assert planned.moved


def test_jm3_unknown_year_falls_back_to_weekdays_and_is_estimated(db):
    planned = schedule.plan_year(2031, weekday=3)
    assert all(p.estimated for p in planned)
    assert all(p.date.weekday() == 3 for p in planned)
    CalendarYear.objects.create(year=2031, source="测试")
    assert not any(p.estimated for p in schedule.plan_year(2031, weekday=3))


def test_jm3_plan_command_prints_iso_dates_and_writes_nothing(world):
    MeetingSchedule.objects.create(community=world.community_a, weekday=3)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "meetings", "plan", "--community", world.community_a.code, "--year", "2026", stdout=out, stderr=err
    )
    lines = out.getvalue().split()
    assert lines == [
        "2026-02-26",
        "2026-04-30",
        "2026-06-25",
        "2026-08-27",
        "2026-10-29",
        "2026-12-31",
    ]
    assert Meeting.objects.count() == 0
    assert err.getvalue() == ""


def test_jm3_plan_command_marks_unknown_year_as_estimated(world):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "meetings", "plan", "--community", world.community_a.code, "--year", "2031", stdout=out, stderr=err
    )
    assert len(out.getvalue().split()) == 6
    assert "估算" in err.getvalue()


def test_jm3_tick_creates_upcoming_regular_meeting_once(world, frozen):
    # 2026-04-06 + 21 days lead = 2026-04-27; the April meeting is on Thursday 30 April: not yet.
    assert services.create_upcoming_regular_meetings(dt.date(2026, 4, 6)) == 0
    n = services.create_upcoming_regular_meetings(dt.date(2026, 4, 10))
    assert n == 2  # both communities of the world
    assert services.create_upcoming_regular_meetings(dt.date(2026, 4, 10)) == 0
    assert services.create_upcoming_regular_meetings(dt.date(2026, 4, 12)) == 0
    m = Meeting.objects.get(community=world.community_a, period="2026-04")
    assert m.date == dt.date(2026, 4, 30)
    assert m.kind == Meeting.Kind.REGULAR
    assert m.agenda_closes_on < m.date


@override_settings(SANFANG={"MEETING_LEAD_DAYS": 60, "EPMC_IDLE_DAYS": 90})
def test_jm3_lead_time_is_configurable(world, frozen):
    assert services.create_upcoming_regular_meetings(dt.date(2026, 4, 6)) == 2


def test_jm3_regular_meeting_is_never_created_twice(world, frozen):
    m1, created1 = services.create_regular_meeting(world.community_a, 2026, 4)
    m2, created2 = services.create_regular_meeting(world.community_a, 2026, 4)
    assert created1 and not created2 and m1.pk == m2.pk


def test_jm3_tick_sweep_is_registered_and_idempotent(world, frozen):
    from sanfang.core import tick

    names = [e.name for e in tick.registered()]
    assert "meetings.regular" in names
    frozen.move_to(dt.datetime(2026, 4, 12, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    from django.utils import timezone

    first = tick.run_all(timezone.now(), only=["meetings.regular"])
    second = tick.run_all(timezone.now(), only=["meetings.regular"])
    assert first["meetings.regular"] == 2
    assert second["meetings.regular"] == 0


def test_jm3_ad_hoc_meeting_requires_a_reason(world, frozen):
    from sanfang.core.errors import RuleViolation

    with pytest.raises(RuleViolation):
        services.call_ad_hoc_meeting(
            actor=world.epmc_lead, community=world.community_a, date=dt.date(2026, 4, 9), reason="  "
        )
    m = services.call_ad_hoc_meeting(
        actor=world.epmc_lead, community=world.community_a, date=dt.date(2026, 4, 9), reason="电梯停运"
    )
    assert m.kind == Meeting.Kind.AD_HOC and m.reason == "电梯停运"


def test_jm3_ad_hoc_meeting_cannot_be_called_by_a_property_company(world, frozen):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.call_ad_hoc_meeting(
            actor=world.company_head, community=world.community_a, date=dt.date(2026, 4, 9), reason="x"
        )


def test_jm3_estimated_meeting_moves_when_the_year_is_entered(world):
    import time_machine

    from sanfang.core.models import CalendarDay, CalendarYear

    with time_machine.travel(
        dt.datetime(2030, 12, 10, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        m, _ = services.create_regular_meeting(world.community_a, 2031, 2)
        assert m.date_estimated and m.date == dt.date(2031, 2, 27)
        assert services.recompute_estimated_dates() == 0
        CalendarDay.objects.create(date=dt.date(2031, 2, 27), is_working_day=False, name="假设的假日")
        CalendarYear.objects.create(year=2031, source="测试")
        assert services.recompute_estimated_dates() == 1
        m.refresh_from_db()
        assert not m.date_estimated and m.date == dt.date(2031, 2, 26)
        assert services.recompute_estimated_dates() == 0
