""".docx output of notices, minutes, addenda and summaries in the official-document layout (GB/T 9704-2012):
A4, margins 37/35/28/26 mm, red issuing-office header with a red rule, the title in 小标宋 二号 centred, body in
仿宋 三号 with a fixed 28-point line pitch and a two-character first-line indent."""

from __future__ import annotations

import io

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
        signature = f"审签：{document.signed_by.name}　{document.signed_at:%Y-%m-%d}（第 {document.signed_version} 版）"
    else:
        signature = f"草稿　第 {document.version} 版　未经审签，不得分送"
    return official_docx(
        issuer=f"{meeting.community.name}三方联动联席会议办公室",
        title=document.title,
        body=document.body,
        signature=signature,
    )


def summary_text(summary) -> str:
    f = summary.figures
    lines = ["一、基本情况"]
    lines.extend(line for line in summary.narrative.split("\n") if line.strip())
    lines.append("二、主要数据")
    lines.append(
        f"应召开例会{f.get('meetings_due', 0)}次，实际召开{f.get('meetings_held', 0)}次，"
        f"按期召开例会{f.get('held_on_schedule', 0)}次。"
    )
    for row in f.get("attendance", []):
        lines.append(f"{row['label']}：应出席{row['invited']}人次，实到{row['present']}人次。")
    if f.get("items_by_kind"):
        lines.append("议题类别：" + "；".join(f"{r['label']}{r['n']}项" for r in f["items_by_kind"]) + "。")
    if f.get("items_by_source"):
        lines.append("议题来源：" + "；".join(f"{r['label']}{r['n']}项" for r in f["items_by_source"]) + "。")
    lines.append(
        f"议定事项{f.get('resolutions_total', 0)}项，已办结{f.get('resolutions_done', 0)}项"
        f"（按期{f.get('resolutions_on_time', 0)}项），超期未办结{f.get('resolutions_overdue', 0)}项。"
    )
    for ind in f.get("other_indicators", []):
        lines.append(f"{ind['label']}：{ind['numerator']:g}/{ind['denominator']:g}。")
    lines.append("三、意见建议")
    lines.extend(line for line in (summary.suggestions or "（无）").split("\n") if line.strip())
    lines.append("")
    lines.append(f"{summary.community.name}三方联动联席会议办公室")
    return "\n".join(lines)


def summary_docx(summary) -> bytes:
    title = f"{summary.community.name}三方联动机制{summary.year}年{summary.get_kind_display()}"
    if summary.kind == "half_year":
        half = "上半年" if summary.period_start.month == 1 else "下半年"
        title = f"{summary.community.name}三方联动机制{summary.year}年{half}工作小结"
    signature = (
        f"审签：{summary.signed_by.name}　{summary.signed_at:%Y-%m-%d}"
        if summary.is_signed
        else f"草稿　第 {summary.version} 版"
    )
    return official_docx(
        issuer=f"{summary.community.name}三方联动联席会议办公室",
        title=title,
        body=summary_text(summary),
        signature=signature,
    )
