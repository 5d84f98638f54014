"""Report test helpers."""

from __future__ import annotations

from sanfang.core.testing import XSS
from sanfang.reports import services
from sanfang.reports.kinds import ReportType

FUND_FIELDS = {
    "item": "3栋屋面防水翻新",
    "amount": "86000",
    "owners_consent": "96",
    "area_consent": "72.5",
    "application_date": "2026-06-01",
    "apportionment": "3栋全体业主按专有部分面积分摊",
}


def file_fund_use(world, **kw):
    return services.file_report(
        actor=kw.pop("actor", world.oc_member),
        compound=kw.pop("compound", world.compound_a1),
        report_type=ReportType.FUND_USE,
        reporting_org=kw.pop("reporting_org", world.oc_a1),
        title=kw.pop("title", f"关于使用维修资金翻新3栋屋面防水的报告{XSS}"),
        summary=kw.pop("summary", "3栋顶层多户漏水，经业主大会表决拟使用维修资金。"),
        fields=kw.pop("fields", dict(FUND_FIELDS)),
        **kw,
    )
