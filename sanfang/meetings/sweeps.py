"""`sanfang tick` sweeps of the joint meeting system."""

from __future__ import annotations

from django.utils import timezone

from sanfang.core.tick import sweep

from . import services


@sweep("meetings.regular")
def create_regular_meetings(now) -> int:
    """Create each community's upcoming regular joint meeting within the lead time, never twice (JM-3)."""
    return services.create_upcoming_regular_meetings(timezone.localdate(now))


@sweep("meetings.follow_up")
def follow_up_overdue_resolutions(now) -> int:
    """Flag overdue resolutions and put them on the next meeting's agenda (JM-5 督办)."""
    return services.flag_overdue_resolutions(timezone.localdate(now))


@sweep("meetings.recompute_estimated")
def recompute_estimated_meeting_dates(now) -> int:
    """Move regular meetings planned on an estimated date once the year's holidays are entered (JM-3)."""
    return services.recompute_estimated_dates()


@sweep("meetings.remind")
def remind_participants(now) -> int:
    """Remind participants the working day before a notified joint meeting."""
    return services.remind_participants(timezone.localdate(now))
