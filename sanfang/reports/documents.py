"""A report as a .docx (python-docx): the report itself, its recipients, and every opinion with its answer."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from sanfang.directory.models import Position
from sanfang.directory.naming import Mentions

from .kinds import display_fields
from .models import Report


class _People:
    """JM-3 naming in the document: "organisation + post + name" at the first mention, the name after."""

    def __init__(self) -> None:
        self.mentions = Mentions()
        self._positions: dict[tuple[int, int | None], Position | None] = {}

    def __call__(self, person, organisation=None) -> str:
        if person is None:
            return ""
        key = (person.pk, getattr(organisation, "pk", None))
        if key not in self._positions:
            qs = Position.objects.current().filter(person=person).select_related("organisation", "person")
            if organisation is not None:
                qs = qs.filter(organisation=organisation)
            self._positions[key] = qs.order_by("-is_head", "pk").first()
        position = self._positions[key]
        return self.mentions.position(position) if position else self.mentions.name(person)


def _fmt(value) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def report_docx(report: Report) -> bytes:
    who = _People()
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(12)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(report.title)
    run.bold = True
    run.font.size = Pt(18)
    meta = doc.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta.add_run(f"{report.get_type_display()} · {report.get_mode_display()} · {report.get_status_display()}")

    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"

    def row(label: str, value: str) -> None:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value

    row(_("报告单位"), report.reporting_org.name)
    row(_("小区"), f"{report.community.name} {report.compound.name}")
    row(_("报送时间"), _fmt(report.submitted_at))
    if not report.is_oral:
        row(_("填报人"), who(report.author, report.reporting_org))
    if report.is_oral:
        row(_("口头报告人"), report.oral_reporter)
        row(_("口头报告时间"), _fmt(report.oral_at))
        row(_("记录人"), who(report.author))
    for label, value in display_fields(report.type, report.fields):
        row(label, value)
    recipients = report.recipients.select_related("organisation", "received_by").order_by("kind", "pk")
    row(
        _("报送对象"),
        _("；").join(
            _("%(org)s（%(state)s）")
            % {
                "org": r.organisation.name,
                "state": _("%(who)s %(at)s 接收")
                % {"who": who(r.received_by, r.organisation), "at": _fmt(r.received_at)}
                if r.received_at
                else _("未接收"),
            }
            for r in recipients
        ),
    )

    doc.add_heading(_("报告内容"), level=2)
    for para in report.summary.splitlines() or [""]:
        doc.add_paragraph(para)

    opinions = list(
        report.opinions.select_related("recipient__organisation", "author", "answered_by").order_by(
            "created_at", "pk"
        )
    )
    doc.add_heading(_("意见与答复"), level=2)
    if not opinions:
        doc.add_paragraph(_("暂无意见。"))
    for n, op in enumerate(opinions, 1):
        p = doc.add_paragraph()
        p.add_run(
            _("%(n)s. %(who)s（%(at)s）：")
            % {"n": n, "who": who(op.author, op.recipient.organisation), "at": _fmt(op.created_at)}
        ).bold = True
        p.add_run(op.text)
        if op.answered_at:
            doc.add_paragraph(
                _("答复（%(who)s，%(at)s）：%(answer)s")
                % {
                    "who": who(op.answered_by, report.reporting_org),
                    "at": _fmt(op.answered_at),
                    "answer": op.answer,
                }
            )
        else:
            doc.add_paragraph(_("尚未答复（答复期限 %(due)s）") % {"due": op.due_on})
    foot = doc.add_paragraph()
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot.add_run(_("导出时间：%(at)s") % {"at": _fmt(timezone.now())})
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
