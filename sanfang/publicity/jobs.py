"""The disclosure status table as a background job (core/jobs.py): every item of every compound in a county."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfang.core import jobs
from sanfang.directory.scopes import get_scope

from . import permissions
from .models import BoardItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLES = (*permissions.EDITOR_ROLES, *permissions.STATUS_ROLES)


def check(user) -> None:
    scope = get_scope(user)
    if not scope.is_superuser and not scope.has_role(*ROLES):
        raise Http404


class _Counted:
    """The queryset the workbook iterates, telling the job how far it is."""

    def __init__(self, qs, ctx, total):
        self.qs, self.ctx, self.total = qs, ctx, total

    def iterator(self, chunk_size=1000):
        return jobs.counted(
            self.qs.iterator(chunk_size=chunk_size), self.ctx, self.total, _("正在逐项写入公示情况")
        )


@jobs.runner("publicity.status")
def status(job, ctx):
    from .exports import status_workbook

    user = job.owner
    check(user)
    scope = get_scope(user)
    items = BoardItem.objects.select_related("compound__parent__parent", "organisation").order_by(
        "compound__path", "due_on", "id"
    )
    if not scope.is_superuser:
        items = items.filter(scope.place_q("compound__path", roles=ROLES))
    if job.params.get("overdue"):
        items = items.overdue()
    today = timezone.localdate()
    total = items.count()
    return jobs.Output(
        data=status_workbook(_Counted(items, ctx, total), today=today),
        name=f"disclosures-{today.isoformat()}.xlsx",
        content_type=XLSX,
        message=_("已导出 %(n)d 项公示事项。") % {"n": total},
    )
