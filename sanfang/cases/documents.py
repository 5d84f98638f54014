"""The case ledger (.xlsx): the cases a person may see, as a real spreadsheet. No reporter identity or
contact goes into the file, since exports travel further than the screen does."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def case_ledger(cases) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("问题台账")
    headers = [
        _("受理编号"),
        _("小区"),
        _("类别"),
        _("标题"),
        _("分类"),
        _("状态"),
        _("当前环节"),
        _("牵头人"),
        _("反映时间"),
        _("期限"),
        _("是否逾期"),
        _("办结时间"),
        _("解决方案"),
        _("推诿次数"),
    ]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    today = timezone.localdate()
    for c in cases:
        ws.append(
            [
                c.tracking_no,
                c.compound.name,
                c.get_category_display(),
                c.title,
                c.get_case_class_display() or "",
                c.get_status_display(),
                c.get_step_display(),
                c.handler.name if c.handler_id else "",
                timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
                c.due_on.isoformat() if c.due_on else "",
                _("是") if c.is_open and c.due_on and c.due_on < today else "",
                timezone.localtime(c.resolved_at).strftime("%Y-%m-%d") if c.resolved_at else "",
                c.solution,
                c.bounce_count,
            ]
        )
    widths = [16, 16, 10, 30, 12, 16, 12, 10, 17, 11, 8, 11, 40, 8]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
