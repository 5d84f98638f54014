"""The working-day calendar: official holidays and make-up working days (调休) for deadlines.

Sources, in order: the administrators' CalendarDay table (e.g. next year's arrangement, entered when the State
Council publishes it), then the `chinesecalendar` package, then — for a year neither knows — Monday to Friday,
in which case every deadline computed through that year is marked *estimated* and recomputed once the year is
entered (see DeadlineMixin and the `calendar.recompute_estimated` sweep).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import chinese_calendar
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CalendarDay, CalendarYear

_CACHE_SECONDS = 60
_lock = threading.Lock()
_overrides: dict[int, tuple[float, dict[dt.date, tuple[bool, str]]]] = {}
_entered_years: tuple[float, frozenset[int]] | None = None


class WorkingDate(dt.date):
    """A date computed by working-day arithmetic; `estimated` is True when an unknown year was involved."""

    estimated: bool

    def __new__(cls, year: int, month: int, day: int, estimated: bool = False):
        obj = super().__new__(cls, year, month, day)
        obj.estimated = estimated
        return obj

    @classmethod
    def of(cls, date: dt.date, estimated: bool) -> WorkingDate:
        return cls(date.year, date.month, date.day, estimated)


def _year_overrides(year: int) -> dict[dt.date, tuple[bool, str]]:
    now = time.monotonic()
    with _lock:
        cached = _overrides.get(year)
        if cached and now - cached[0] < _CACHE_SECONDS:
            return cached[1]
    rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day", "name")
    data = {d: (w, n) for d, w, n in rows}
    with _lock:
        _overrides[year] = (now, data)
    return data


def _entered() -> frozenset[int]:
    global _entered_years
    now = time.monotonic()
    if _entered_years and now - _entered_years[0] < _CACHE_SECONDS:
        return _entered_years[1]
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    _entered_years = (now, years)
    return years


def clear_cache() -> None:
    global _entered_years
    with _lock:
        _overrides.clear()
    _entered_years = None


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def _invalidate(**kwargs) -> None:
    clear_cache()


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def year_is_known(year: int) -> bool:
    """Whether the official arrangement of the year is known (entered by an administrator or in the package)."""
    return year in _entered() or package_knows(year)


def day_info(date: dt.date) -> tuple[bool, str, bool]:
    """(is working day, holiday or make-up name, estimated) for one date."""
    override = _year_overrides(date.year).get(date)
    if override is not None:
        return override[0], override[1], False
    if package_knows(date.year) and date.year not in _entered():
        on_holiday, name = chinese_calendar.get_holiday_detail(date)
        working = chinese_calendar.is_workday(date)
        label = ""
        if name:
            holiday = str(_HOLIDAY_NAMES.get(name, name))
            label = _("%(holiday)s调休上班") % {"holiday": holiday} if working else holiday
        return working, label, False
    if date.year in _entered():
        # An entered year lists its exceptions; every other day follows the week.
        return date.weekday() < 5, "", False
    return date.weekday() < 5, "", True


def is_working_day(date: dt.date) -> bool:
    return day_info(date)[0]


def is_estimated(date: dt.date) -> bool:
    return not year_is_known(date.year)


def add_working_days(start: dt.date, days: int) -> WorkingDate:
    """The date `days` working days after `start` (start itself not counted); negative counts go back."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    estimated = is_estimated(start)
    while remaining:
        current += dt.timedelta(days=step)
        working, _name, est = day_info(current)
        estimated = estimated or est
        if working:
            remaining -= 1
    return WorkingDate.of(current, estimated)


def next_working_day(date: dt.date, *, include: bool = True) -> WorkingDate:
    current = date if include else date + dt.timedelta(days=1)
    estimated = False
    while True:
        working, _name, est = day_info(current)
        estimated = estimated or est
        if working:
            return WorkingDate.of(current, estimated)
        current += dt.timedelta(days=1)


def working_days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days from start to end, both included."""
    days = []
    current = start
    while current <= end:
        if is_working_day(current):
            days.append(current)
        current += dt.timedelta(days=1)
    return days


def count_working_days(start: dt.date, end: dt.date) -> int:
    """Working days strictly after `start` up to and including `end` (how late something is, in working days)."""
    if end <= start:
        return -len(working_days_between(end + dt.timedelta(days=1), start)) if end < start else 0
    return len(working_days_between(start + dt.timedelta(days=1), end))


_HOLIDAY_NAMES = {
    "New Year's Day": gettext_lazy("元旦"),
    "Spring Festival": gettext_lazy("春节"),
    "Tomb-sweeping Day": gettext_lazy("清明节"),
    "Labour Day": gettext_lazy("劳动节"),
    "Dragon Boat Festival": gettext_lazy("端午节"),
    "National Day": gettext_lazy("国庆节"),
    "Mid-autumn Festival": gettext_lazy("中秋节"),
    "Anti-Fascist 70th Day": gettext_lazy("抗战胜利纪念日"),
}
