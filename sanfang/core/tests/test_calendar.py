"""The working-day calendar: 2026 holidays and make-up days (调休) from chinesecalendar, administrators'
overrides, and the Monday–Friday fallback (marked estimated) for a year nobody knows yet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sanfang.core import calendar
from sanfang.core.models import CalendarDay, CalendarYear
from sanfang.core.tick import run_all

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 1),  # 元旦
        D(2026, 2, 16),  # 春节
        D(2026, 2, 17),
        D(2026, 2, 23),
        D(2026, 4, 6),  # 清明节
        D(2026, 5, 1),  # 劳动节
        D(2026, 6, 19),  # 端午节
        D(2026, 9, 25),  # 中秋节
        D(2026, 10, 1),  # 国庆节
        D(2026, 10, 7),
    ],
)
def test_2026_official_holidays_are_not_working_days(day):
    assert day.weekday() < 5
    assert not calendar.is_working_day(day)
    working, name, estimated = calendar.day_info(day)
    assert not working and name and not estimated


@pytest.mark.parametrize(
    "day", [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]
)
def test_2026_make_up_working_days_on_weekends_are_working_days(day):
    assert day.weekday() >= 5
    assert calendar.is_working_day(day)
    assert "调休上班" in calendar.day_info(day)[1]


def test_holiday_names_are_chinese():
    assert calendar.day_info(D(2026, 2, 17))[1] == "春节"
    assert calendar.day_info(D(2026, 10, 1))[1] == "国庆节"
    assert calendar.day_info(D(2026, 9, 20))[1] == "国庆节调休上班"


def test_ordinary_weekdays_and_weekends_of_2026():
    assert calendar.is_working_day(D(2026, 3, 2))  # Monday
    assert not calendar.is_working_day(D(2026, 3, 7))  # Saturday


def test_add_working_days_across_the_national_day_holiday():
    # Wednesday 30 September + 1 working day: 1–7 October are off, Thursday 8 October.
    due = calendar.add_working_days(D(2026, 9, 30), 1)
    assert due == D(2026, 10, 8) and not due.estimated
    # Friday 9 October, Saturday 10 October (make-up day), then Monday 12 October.
    assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert calendar.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_add_working_days_across_the_spring_festival():
    # Friday 13 Feb → Sat 14 (make-up) → 15–23 off → Tue 24.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_add_zero_and_negative_working_days():
    assert calendar.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert calendar.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_next_working_day():
    assert calendar.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert calendar.next_working_day(D(2026, 10, 8)) == D(2026, 10, 8)
    assert calendar.next_working_day(D(2026, 10, 8), include=False) == D(2026, 10, 9)


def test_working_days_between_a_range_with_a_holiday():
    days = calendar.working_days_between(D(2026, 9, 28), D(2026, 10, 11))
    assert days == [
        D(2026, 9, 28),
        D(2026, 9, 29),
        D(2026, 9, 30),
        D(2026, 10, 8),
        D(2026, 10, 9),
        D(2026, 10, 10),
    ]
    assert calendar.working_days_between(D(2026, 10, 2), D(2026, 10, 1)) == []


def test_count_working_days_how_late_something_is():
    assert calendar.count_working_days(D(2026, 9, 30), D(2026, 10, 9)) == 2
    assert calendar.count_working_days(D(2026, 10, 9), D(2026, 9, 30)) == -2
    assert calendar.count_working_days(D(2026, 10, 9), D(2026, 10, 9)) == 0


def test_an_administrators_override_wins_over_the_package():
    # A holiday turned into a working day, and an ordinary Monday turned into a day off.
    CalendarDay.objects.create(date=D(2026, 10, 7), is_working_day=True, name="临时调整上班")
    CalendarDay.objects.create(date=D(2026, 3, 2), is_working_day=False, name="特别休息日")
    assert calendar.is_working_day(D(2026, 10, 7))
    assert calendar.day_info(D(2026, 10, 7)) == (True, "临时调整上班", False)
    assert not calendar.is_working_day(D(2026, 3, 2))
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 7)


def test_an_unknown_year_falls_back_to_monday_to_friday_and_is_estimated():
    assert not calendar.year_is_known(2031)
    assert calendar.is_working_day(D(2031, 10, 1))  # a Wednesday: National Day unknown, so "working"
    assert not calendar.is_working_day(D(2031, 10, 4))  # Saturday
    due = calendar.add_working_days(D(2031, 9, 30), 1)
    assert due == D(2031, 10, 1) and due.estimated
    assert calendar.is_estimated(D(2031, 1, 1))
    # A deadline that merely runs into the unknown year is estimated too.
    assert calendar.add_working_days(D(2030, 12, 30), 5).estimated
    # The next working day in an unknown year is estimated.
    assert calendar.next_working_day(D(2031, 10, 4)).estimated


def test_a_deadline_inside_a_known_year_is_not_estimated():
    assert not calendar.add_working_days(D(2026, 3, 2), 10).estimated


def test_entering_a_year_makes_it_known_and_its_days_follow_the_entry():
    CalendarYear.objects.create(year=2031, source="国办发明电〔2030〕X号")
    CalendarDay.objects.create(date=D(2031, 10, 1), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=D(2031, 10, 11), is_working_day=True, name="国庆节调休上班")
    assert calendar.year_is_known(2031)
    assert not calendar.is_working_day(D(2031, 10, 1))
    assert calendar.is_working_day(D(2031, 10, 11))  # Saturday make-up day
    assert calendar.is_working_day(D(2031, 10, 2))  # unlisted weekday follows the week
    due = calendar.add_working_days(D(2031, 9, 30), 1)
    assert due == D(2031, 10, 2) and not due.estimated


def test_set_deadline_marks_an_estimated_deadline():
    from sanfang.core.models import DeadlineMixin

    class Thing:
        set_deadline = DeadlineMixin.set_deadline

    thing = Thing()
    thing.set_deadline(D(2031, 9, 30), 1)
    assert (thing.due_from, thing.due_working_days, thing.due_on, thing.due_estimated) == (
        D(2031, 9, 30),
        1,
        D(2031, 10, 1),
        True,
    )


def _concrete_deadline_object(world):
    """A row of a concrete DeadlineMixin model another app provides (a case), or None if unavailable."""
    try:
        from sanfang.cases.models import Case
    except ImportError:  # pragma: no cover - the cases app is optional for the foundation
        return None
    fields = {f.name for f in Case._meta.get_fields()}
    if not {"compound", "community", "street", "category", "title", "description"} <= fields:
        return None  # pragma: no cover
    case = Case(
        compound=world.compound_a1,
        community=world.community_a,
        street=world.street_a,
        category=Case._meta.get_field("category").choices[0][0],
        title="楼道灯不亮",
        description="1栋2单元楼道灯坏了",
    )
    case.set_deadline(D(2031, 9, 30), 1)
    case.save()
    return case


def test_recompute_sweep_fixes_estimated_deadlines_once_the_year_is_entered(world):
    case = _concrete_deadline_object(world)
    if case is None:  # pragma: no cover
        pytest.skip("no concrete DeadlineMixin model available")
    model = type(case)
    assert case.due_on == D(2031, 10, 1) and case.due_estimated
    # The year is still unknown: the sweep leaves it alone.
    run_all(timezone.now(), only=["calendar.recompute_estimated"])
    case = model.objects.get(pk=case.pk)
    assert case.due_estimated and case.due_on == D(2031, 10, 1)
    CalendarYear.objects.create(year=2031)
    CalendarDay.objects.create(date=D(2031, 10, 1), is_working_day=False, name="国庆节")
    CalendarDay.objects.create(date=D(2031, 10, 2), is_working_day=False, name="国庆节")
    result = run_all(timezone.now(), only=["calendar.recompute_estimated"])
    assert result["calendar.recompute_estimated"] >= 1
    case = model.objects.get(pk=case.pk)
    assert case.due_on == D(2031, 10, 3) and not case.due_estimated
    # Idempotent: a second run changes nothing.
    again = run_all(timezone.now(), only=["calendar.recompute_estimated"])
    assert again["calendar.recompute_estimated"] == 0


def test_recompute_sweep_is_a_no_op_without_estimated_deadlines():
    assert run_all(timezone.now(), only=["calendar.recompute_estimated"]) == {
        "calendar.recompute_estimated": 0
    }


def test_calendar_page_lists_holidays_and_make_up_days(world, login):
    page = login(world.rc_member).get("/calendar/?year=2026").content.decode()
    assert "春节" in page and "国庆节" in page and "2026" in page
    assert login(world.rc_member).get("/calendar/?year=abc").status_code == 200
