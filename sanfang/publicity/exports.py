"""The disclosure status of every compound in a user's scope as an .xlsx workbook (for the office and the street)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from sanfang.core.spreadsheets import safe_row

from .models import ItemStatus


def status_workbook(items, *, today: dt.date) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("公示情况"))
    ws.freeze_panes = "A2"
    header = [
        _("街道（乡镇）"),
        _("社区"),
        _("小区"),
        _("小区代码"),
        _("事项"),
        _("类别"),
        _("责任方"),
        _("期间"),
        _("应公示日期"),
        _("状态"),
        _("首次公示"),
        _("最近更新"),
        _("版本数"),
        _("逾期"),
    ]
    bold = Font(bold=True)
    row = []
    for title in header:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        row.append(cell)
    ws.append(row)
    for item in items.iterator(chunk_size=1000):
        compound = item.compound
        community = compound.parent
        street = community.parent if community else None
        overdue = item.is_overdue(today)
        status = _("逾期未公示") if overdue else str(ItemStatus(item.status).label)
        ws.append(
            safe_row(
                [
                    street.name if street else "",
                    community.name if community else "",
                    compound.name,
                    compound.code,
                    item.title,
                    str(item.get_kind_display()),
                    item.organisation.name if item.organisation_id else str(item.get_party_display()),
                    item.period_label,
                    item.due_on,
                    status,
                    timezone.localtime(item.first_published_at).replace(tzinfo=None)
                    if item.first_published_at
                    else None,
                    timezone.localtime(item.changed_at).replace(tzinfo=None) if item.changed_at else None,
                    item.version,
                    _("是") if overdue else "",
                ]
            )
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
