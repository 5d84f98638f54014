"""Publicity sweeps for `sanfang tick`: schedule what boards owe, flag overdue disclosures, remind before due."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanfang.core.tick import sweep

from . import services


@sweep("publicity.schedule", "生成各小区本期应公示事项（年度承诺、收费公示、收支、共有部分收益、维修资金）")
def schedule(now: dt.datetime) -> int:
    return services.ensure_schedule(today=timezone.localdate(now))


@sweep("publicity.overdue", "标记逾期未公示的事项并通知责任方（公示栏公开显示逾期）")
def overdue(now: dt.datetime) -> int:
    return services.flag_overdue(now=now)


@sweep("publicity.remind", "公示到期前提醒责任方")
def remind(now: dt.datetime) -> int:
    return services.remind_due(now=now)


@sweep("publicity.charge_effective", "收费标准调整生效时提醒企业更新收费公示")
def charge_effective(now: dt.datetime) -> int:
    return services.remind_charge_effective(now=now)
