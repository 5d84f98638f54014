"""Report sweeps for `sanfang tick` (PN-5)."""

from __future__ import annotations

import datetime as dt

from sanfang.core.tick import sweep

from . import services


@sweep("reports.flag_unanswered", "报告意见逾期未答复：标记并提醒报告单位")
def flag_unanswered(now: dt.datetime) -> int:
    return services.flag_unanswered(now=now)
