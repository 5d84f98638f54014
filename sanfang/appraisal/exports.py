"""Result tables (.xlsx), the circulation notice (.docx) and QR codes for personal links."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sanfang.core.spreadsheets import neutralise
from sanfang.directory.naming import Mentions
from sanfang.directory.services import convener_for

from .models import Round
from .queries import result_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def qr_svg(url: str) -> str:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=3, xmldecl=False, svgns=True)
    return buf.getvalue().decode()


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def results_xlsx(rnd: Round) -> bytes:
    """The result table of a closed round: one row per subject, then raw distributions per criterion."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not rnd.results_visible:
        raise ValueError("results are hidden until the round closes")
    rows = result_rows(rnd)
    wb = Workbook()
    ws = wb.active
    ws.title = _("评议结果")
    ws.append(
        [
            _("%(community)s %(year)s 年度评议结果（%(status)s）")
            % {"community": rnd.community.name, "year": rnd.year, "status": rnd.get_status_display()}
        ]
    )
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("测评标准"), str(rnd.standard), _("有效票数"), rnd.ballots_cast])
    ws.append([])
    header = [
        _("类型"),
        _("评议对象"),
        _("有效评价数"),
        _("测评得分"),
        _("客观指标得分"),
        _("综合得分"),
        _("名次"),
        _("等级"),
    ]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        s = row["subject"]
        ws.append(
            [
                s.get_kind_display(),
                s.organisation.name,
                s.responses,
                row["score"].ballot,
                row["score"].indicator,
                row["score"].final,
                s.rank,
                s.grade,
            ]
        )
    dist = wb.create_sheet(_("原始分布"))
    dist.append(
        [
            _("评议对象"),
            _("指标"),
            _("计分方式"),
            _("满意"),
            _("基本满意"),
            _("不满意"),
            _("全部分数"),
            _("平均"),
        ]
    )
    for row in rows:
        for d in row["details"]:
            counts = dict(d["dist"].get("counts", {}))
            dist.append(
                [
                    row["subject"].organisation.name,
                    d["criterion"].title_display,
                    d["criterion"].get_scale_display(),
                    counts.get("satisfied", ""),
                    counts.get("basic", ""),
                    counts.get("unsatisfied", ""),
                    " ".join(f"{v}×{n}" if n > 1 else v for v, n in d["scores"]),
                    round(d["mean"], 2) if d["mean"] is not None else "",
                ]
            )
    ind = wb.create_sheet(_("客观指标"))
    ind.append([_("评议对象"), _("指标"), _("分子"), _("分母"), _("比率")])
    for row in rows:
        for i in row["subject"].indicators:
            ind.append(
                [row["subject"].organisation.name, i["label"], i["numerator"], i["denominator"], i["rate"]]
            )
    for sheet in (ws, dist, ind):
        for col in ("A", "B"):
            sheet.column_dimensions[col].width = 36
    neutralise(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def results_xlsx_response(rnd: Round) -> HttpResponse:
    return _attachment(
        results_xlsx(rnd),
        _("%(community)s%(year)s年度评议结果.xlsx") % {"community": rnd.community.name, "year": rnd.year},
        XLSX,
    )


def circulation_docx(street, year: int, groups: list[dict]) -> bytes:
    """The circulation notice (通报) of the street's results for a year, with the ranking by kind."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    doc.add_heading(
        _("关于%(street)s %(year)s 年度三方联动评议监督考评结果的通报")
        % {"street": street.name, "year": year},
        level=1,
    )
    doc.add_paragraph(
        _(
            "根据三方联动机制评议监督考评制度，各社区党组织组织开展了 %(year)s 年度评议，初步结果经社区公示、"
            "异议答复，已由街道党工委审定。现将结果通报如下。"
        )
        % {"year": year}
    )
    mentions = Mentions()
    for group in groups:
        if not group["rows"]:
            continue
        doc.add_heading(str(group["kind"].label), level=2)
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, [_("名次"), _("社区"), _("评议对象"), _("综合得分"), _("等级")], strict=True
        ):
            cell.text = text
        for item in group["rows"]:
            s = item["subject"]
            cells = table.add_row().cells
            cells[0].text = str(item["rank"])
            cells[1].text = s.round.community.name
            cells[2].text = s.organisation.name
            cells[3].text = str(s.final_score)
            cells[4].text = s.grade
    communities = []
    for group in groups:
        for item in group["rows"]:
            if item["subject"].round.community not in communities:
                communities.append(item["subject"].round.community)
    if communities:
        doc.add_paragraph(_("各社区评议组织实施负责人："))
        for community in communities:
            head = convener_for(community)
            if head is not None:
                doc.add_paragraph(
                    community.name + pgettext("label separator", "：") + mentions.position(head),
                    style="List Bullet",
                )
    doc.add_paragraph(
        _(
            "评议结果与居委会、业委会的工作考核，物业服务质量评定和企业信用评价挂钩，作为业委会换届和选聘、续聘物业服务企业的重要依据。"
        )
    )
    doc.add_paragraph(f"{street.name}    {date_format(timezone.localdate(), _('Y年n月j日'))}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def circulation_docx_response(street, year: int, groups: list[dict]) -> HttpResponse:
    return _attachment(
        circulation_docx(street, year, groups),
        _("%(street)s%(year)s年度评议结果通报.docx") % {"street": street.name, "year": year},
        DOCX,
    )
