"""The regular schedule (JM-3): a working day in the last seven days of each even month.

The community's preferred weekday falls exactly once in those seven days; if that day is not a working day
(official holiday, make-up days respected through sanfang.core.calendar) the meeting moves to the nearest
working day inside the same seven days (the earlier one on a tie).
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from dataclasses import dataclass

from sanfang.core import calendar as workcal

EVEN_MONTHS = (2, 4, 6, 8, 10, 12)


@dataclass(frozen=True)
class PlannedDate:
    period: str  # "2026-04"
    date: dt.date
    estimated: bool  # the year's official arrangement is not known yet
    moved: bool  # the preferred weekday was not a working day


def last_week(year: int, month: int) -> list[dt.date]:
    last = pycal.monthrange(year, month)[1]
    return [dt.date(year, month, d) for d in range(last - 6, last + 1)]


def regular_date(year: int, month: int, weekday: int = 3) -> PlannedDate:
    """The regular meeting date of an even month for a preferred weekday (0 = Monday)."""
    if month not in EVEN_MONTHS:
        raise ValueError("regular joint meetings are held in even months")
    days = last_week(year, month)
    preferred = next(d for d in days if d.weekday() == weekday)
    estimated = workcal.is_estimated(preferred)
    if workcal.is_working_day(preferred):
        return PlannedDate(f"{year}-{month:02d}", preferred, estimated, False)
    candidates = [d for d in days if workcal.is_working_day(d)]
    if not candidates:
        # A whole week of holidays does not happen in the official calendar; keep the last working day before.
        day = days[0] - dt.timedelta(days=1)
        while not workcal.is_working_day(day):
            day -= dt.timedelta(days=1)
        return PlannedDate(f"{year}-{month:02d}", day, estimated, True)
    best = min(candidates, key=lambda d: (abs((d - preferred).days), d))
    return PlannedDate(f"{year}-{month:02d}", best, estimated, True)


def plan_year(year: int, weekday: int = 3) -> list[PlannedDate]:
    return [regular_date(year, m, weekday) for m in EVEN_MONTHS]


def in_last_week_of_even_month(date: dt.date) -> bool:
    return date.month in EVEN_MONTHS and date in last_week(date.year, date.month)


def periods_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """(year, month) of every even month whose last week ends within [start, end]."""
    out = []
    for year in range(start.year, end.year + 1):
        for month in EVEN_MONTHS:
            last = dt.date(year, month, pycal.monthrange(year, month)[1])
            if start <= last <= end:
                out.append((year, month))
    return out
