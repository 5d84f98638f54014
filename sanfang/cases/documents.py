"""The case ledger (.xlsx): the cases a person may see, as a real spreadsheet. No reporter identity or
contact goes into the file, since exports travel further than the screen does."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sanfang.core.spreadsheets import neutralise


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
    neutralise(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def investigation_report(case) -> bytes:
    """CS-3: the investigation report of a major case, to the party organisation and the joint meeting office.

    People are written "position + name" at first mention and by name afterwards (JM-3)."""
    from docx import Document

    from sanfang.directory import services as directory
    from sanfang.directory.naming import Mentions, position_title

    from .services import INVESTIGATION_ROLES

    inv = case.investigation
    m = Mentions()
    doc = Document()
    doc.add_heading(_("关于“%(t)s”问题的调查研究报告") % {"t": case.title}, level=1)
    party_org = directory.convener_for(case.community)
    doc.add_paragraph(
        _("报送：%(po)s、联席会议办公室")
        % {"po": party_org.organisation.name if party_org else _("社区党组织")}
    )
    doc.add_paragraph(
        _("问题编号 %(no)s，%(compound)s%(loc)s，%(cat)s。")
        % {
            "no": case.tracking_no,
            "compound": case.compound.name,
            "loc": f" {case.location}" if case.location else "",
            "cat": case.get_category_display(),
        }
    )
    doc.add_heading(_("一、问题情况"), level=2)
    doc.add_paragraph(case.description)
    doc.add_heading(_("二、调查研究"), level=2)
    names = pgettext("list separator", "、").join(
        m.name(p["name"], str(INVESTIGATION_ROLES.get(p["role"], ""))) for p in inv.participants
    )
    doc.add_paragraph(
        _("%(d)s，%(names)s参加调查研究。") % {"d": date_format(inv.held_on, _("Y年n月j日")), "names": names}
    )
    doc.add_paragraph(inv.findings)
    engagements = list(case.engagements.all())
    if engagements:
        doc.add_heading(_("三、听取居民意见"), level=2)
        for e in engagements:
            doc.add_paragraph(
                ngettext(
                    "%(d)s 召开%(k)s，%(n)d 人参加：%(s)s %(o)s",
                    "%(d)s 召开%(k)s，%(n)d 人参加：%(s)s %(o)s",
                    e.participants_count,
                )
                % {
                    "d": date_format(e.held_on, _("Y年n月j日")),
                    "k": e.get_kind_display(),
                    "n": e.participants_count,
                    "s": e.summary,
                    "o": e.outcome,
                },
                style="List Bullet",
            )
    doc.add_heading(_("四、拟定解决方案"), level=2)
    doc.add_paragraph(inv.proposed_solution or _("（尚未提出）"))
    lead = directory.epmc_lead_for(case.community)
    if lead:
        doc.add_paragraph(_("联席会议办公室：%(n)s") % {"n": m.name(lead.person, position_title(lead))})
    doc.add_paragraph(date_format(timezone.localdate(), _("Y年n月j日")))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
