"""The case ledger export as a background job (core/jobs.py): a county's filtered list can be thousands of rows."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sanfang.core import jobs
from sanfang.directory.scopes import get_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIMIT = 5000


@jobs.runner("cases.ledger")
def ledger(job, ctx):
    """The triage list as filtered when asked (view, status, class), as the owner sees it now; no reporter data."""
    from .documents import case_ledger
    from .views import _filtered

    if not get_scope(job.owner).is_staff_member:
        raise PermissionDenied
    filters = {k: job.params.get(k, "") for k in ("view", "status", "class")}
    qs = _filtered(SimpleNamespace(user=job.owner, GET=filters))[0].order_by("-created_at", "-id")[:LIMIT]
    total = qs.count()
    data = case_ledger(jobs.counted(qs.iterator(), ctx, total, _("正在逐条写入问题台账")))
    return jobs.Output(
        data=data,
        name="cases.xlsx",
        content_type=XLSX,
        message=_("已导出 %(n)d 条问题。") % {"n": total}
        + (
            _("（最多导出 %(limit)d 条，请用筛选条件缩小范围。）") % {"limit": LIMIT}
            if total >= LIMIT
            else ""
        ),
    )
