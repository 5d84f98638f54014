""".docx output of notices, minutes, addenda and summaries in the official-document layout (GB/T 9704-2012):
A4, margins 37/35/28/26 mm, red issuing-office header with a red rule, the title in 小标宋 二号 centred, body in
仿宋 三号 with a fixed 28-point line pitch and a two-character first-line indent."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _pitch(paragraph, pts: float = 28) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pts)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _red_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), "C00000")
    border.append(bottom)
    ppr.append(border)


def official_docx(*, issuer: str, title: str, body: str, signature: str = "") -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head.add_run(issuer), "方正小标宋简体", 26, color=RED)
    _red_rule(head)
    doc.add_paragraph()

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(title), "方正小标宋简体", 22)
    _pitch(p, 36)
    doc.add_paragraph()

    lines = body.split("\n")
    for i, line in enumerate(lines):
        para = doc.add_paragraph()
        _pitch(para)
        text = line.rstrip()
        is_heading = text[:2] in {f"{c}、" for c in "一二三四五六七八九十"}
        is_addressee = i == 0 and text.endswith("：")
        is_signature = text.endswith("办公室") or (text.endswith("日") and len(text) <= 12 and "年" in text)
        if is_signature:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif not is_addressee:
            para.paragraph_format.first_line_indent = Pt(32)
        _font(para.add_run(text), "黑体" if is_heading else "仿宋_GB2312", 16)
    if signature:
        para = doc.add_paragraph()
        _pitch(para)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(para.add_run(signature), "仿宋_GB2312", 14)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def document_docx(document) -> bytes:
    meeting = document.meeting
    signature = ""
    if document.is_signed:
        signature = _("审签：%(name)s　%(date)s（第 %(v)s 版）") % {
            "name": document.signed_by.name,
            "date": f"{document.signed_at:%Y-%m-%d}",
            "v": document.signed_version,
        }
    else:
        signature = _("草稿　第 %(v)s 版　未经审签，不得分送") % {"v": document.version}
    return official_docx(
        issuer=_("%(community)s三方联动联席会议办公室") % {"community": meeting.community.name},
        title=document.title,
        body=document.body,
        signature=signature,
    )


def summary_text(summary) -> str:
    f = summary.figures
    lines = [_("一、基本情况")]
    lines.extend(line for line in summary.narrative.split("\n") if line.strip())
    lines.append(_("二、主要数据"))
    lines.append(
        _("应召开例会%(due)s次，实际召开%(held)s次，按期召开例会%(on_time)s次。")
        % {
            "due": f.get("meetings_due", 0),
            "held": f.get("meetings_held", 0),
            "on_time": f.get("held_on_schedule", 0),
        }
    )
    for row in f.get("attendance", []):
        lines.append(
            _("%(label)s：应出席%(invited)s人次，实到%(present)s人次。")
            % {"label": row["label"], "invited": row["invited"], "present": row["present"]}
        )
    count = _("%(label)s%(n)s项")
    sep = _("；")
    if f.get("items_by_kind"):
        kinds = sep.join(count % {"label": r["label"], "n": r["n"]} for r in f["items_by_kind"])
        lines.append(_("议题类别：%(list)s。") % {"list": kinds})
    if f.get("items_by_source"):
        sources = sep.join(count % {"label": r["label"], "n": r["n"]} for r in f["items_by_source"])
        lines.append(_("议题来源：%(list)s。") % {"list": sources})
    lines.append(
        _("议定事项%(total)s项，已办结%(done)s项（按期%(on_time)s项），超期未办结%(overdue)s项。")
        % {
            "total": f.get("resolutions_total", 0),
            "done": f.get("resolutions_done", 0),
            "on_time": f.get("resolutions_on_time", 0),
            "overdue": f.get("resolutions_overdue", 0),
        }
    )
    for ind in f.get("other_indicators", []):
        lines.append(
            _("%(label)s：%(value)s。")
            % {"label": ind["label"], "value": f"{ind['numerator']:g}/{ind['denominator']:g}"}
        )
    lines.append(_("三、意见建议"))
    lines.extend(line for line in (summary.suggestions or _("（无）")).split("\n") if line.strip())
    lines.append("")
    lines.append(_("%(community)s三方联动联席会议办公室") % {"community": summary.community.name})
    return "\n".join(lines)


def summary_docx(summary) -> bytes:
    names = {"community": summary.community.name, "year": summary.year, "kind": summary.get_kind_display()}
    title = _("%(community)s三方联动机制%(year)s年%(kind)s") % names
    if summary.kind == "half_year":
        if summary.period_start.month == 1:
            title = _("%(community)s三方联动机制%(year)s年上半年工作小结") % names
        else:
            title = _("%(community)s三方联动机制%(year)s年下半年工作小结") % names
    signature = (
        _("审签：%(name)s　%(date)s")
        % {"name": summary.signed_by.name, "date": f"{summary.signed_at:%Y-%m-%d}"}
        if summary.is_signed
        else _("草稿　第 %(v)s 版") % {"v": summary.version}
    )
    return official_docx(
        issuer=_("%(community)s三方联动联席会议办公室") % {"community": summary.community.name},
        title=title,
        body=summary_text(summary),
        signature=signature,
    )
