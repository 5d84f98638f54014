"""Bulletin sweeps for `sanfang tick` (PN-3)."""

from __future__ import annotations

import datetime as dt

from sanfang.core.tick import sweep

from . import services


@sweep("bulletins.escalate", "通报逾期未签收：先报告社区党组织（召集人），仍未签收再报告街道")
def escalate(now: dt.datetime) -> int:
    return services.escalate_overdue(now=now)
