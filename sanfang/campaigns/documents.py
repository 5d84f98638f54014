"""Generated files: the survey table and roll-up (.xlsx, openpyxl), investigation records, progress reports and the
EPMC's special work records (.docx, python-docx). Every person is written per JM-3 (`Mentions`)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sanfang.core.spreadsheets import neutralise
from sanfang.directory.naming import Mentions, position_title

from . import services
from .models import Campaign, CompoundSurvey, EpmcActivity, Investigation, ProgressReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_thin = Side(style="thin", color="999999")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_HEAD_FILL = PatternFill("solid", fgColor="E8EEF5")


def _yes(value: bool | None) -> str:
    if value is None:
        return ""
    return _("是") if value else _("否")


def _d(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


# ---- the survey table ----------------------------------------------------------------------------------------

SURVEY_COLUMNS: list[tuple[Any, int]] = [
    (gettext_lazy("序号"), 6),
    (gettext_lazy("街道（乡镇）"), 12),
    (gettext_lazy("社区"), 12),
    (gettext_lazy("小区名称"), 18),
    (gettext_lazy("地址"), 24),
    (gettext_lazy("建成年份"), 8),
    (gettext_lazy("楼栋数"), 7),
    (gettext_lazy("户数"), 7),
    (gettext_lazy("建筑面积（㎡）"), 11),
    (gettext_lazy("房屋性质"), 10),
    (gettext_lazy("是否老旧小区"), 8),
    (gettext_lazy("管理模式"), 14),
    (gettext_lazy("物业服务企业"), 22),
    (gettext_lazy("合同期限"), 22),
    (gettext_lazy("收费方式"), 8),
    (gettext_lazy("收费标准"), 22),
    (gettext_lazy("是否成立业委会"), 8),
    (gettext_lazy("业委会任期届满"), 12),
    (gettext_lazy("收费信息公示情况"), 12),
    (gettext_lazy("初步认定类型"), 16),
    (gettext_lazy("是否纳入整治范围"), 9),
    (gettext_lazy("审核状态"), 10),
    (gettext_lazy("备注"), 20),
]


def survey_row(n: int, s: CompoundSurvey) -> list:
    contract = ""
    if s.contract_start or s.contract_end:
        contract = f"{_d(s.contract_start)} — {_d(s.contract_end) or _('长期')}"
    return [
        n,
        s.street.name,
        s.community.name,
        s.name,
        s.address,
        s.year_built,
        s.buildings,
        s.households,
        float(s.floor_area) if s.floor_area is not None else None,
        s.get_housing_nature_display(),
        _yes(s.is_old_compound),
        s.get_management_mode_display(),
        s.company.name if s.company_id else s.company_name,
        contract,
        s.get_fee_regime_display() if s.fee_regime else "",
        s.fee_standard,
        _yes(s.has_owners_committee),
        _d(s.oc_term_end),
        s.get_disclosure_status_display(),
        s.get_preliminary_type_display(),
        _yes(s.in_scope),
        s.get_status_display(),
        s.note,
    ]


def _title_rows(ws, title: str, subtitle: str, width: int) -> None:
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _head(ws, columns: list[tuple[Any, int]]) -> None:
    ws.append([str(label) for label, _w in columns])
    row = ws.max_row
    for i, (_label, width) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=i)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{row + 1}"


def _borders(ws, first_row: int) -> None:
    for row in ws.iter_rows(min_row=first_row, max_row=ws.max_row):
        for cell in row:
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)


def survey_table_xlsx(campaign: Campaign, surveys, place_name: str) -> bytes:
    """WN-3: the 小区摸排认定表 as a table, one row per compound, in the form's layout."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("小区摸排认定表")
    _title_rows(
        ws,
        _("%(place)s住宅小区摸排认定表") % {"place": place_name},
        _("%(title)s　　导出时间：%(at)s")
        % {"title": campaign.title, "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        len(SURVEY_COLUMNS),
    )
    _head(ws, SURVEY_COLUMNS)
    first = ws.max_row + 1
    for n, s in enumerate(surveys, start=1):
        ws.append(survey_row(n, s))
    _borders(ws, first)
    return _save(wb)


def rollup_xlsx(campaign: Campaign, rows: list[dict]) -> bytes:
    """WN-4: the county roll-up, one row per street, with totals."""
    keys = list(services.STAT_LABELS)
    columns = [(_("街道（乡镇）"), 14)] + [(str(services.STAT_LABELS[k]), 10) for k in keys]
    columns += [(_("进展报告"), 12), (_("提交时间"), 18), (_("联系人"), 16)]
    wb = Workbook()
    ws = wb.active
    ws.title = _("汇总")
    _title_rows(
        ws,
        _("%(title)s进展情况汇总表") % {"title": campaign.title},
        _("报告截止日期：%(due)s　　导出时间：%(at)s")
        % {"due": campaign.report_due, "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        len(columns),
    )
    _head(ws, columns)
    first = ws.max_row + 1
    for row in rows:
        report = row["report"]
        if row["submitted"]:
            state = _("逾期提交") if row["late"] else _("按时提交")
        else:
            state = _("逾期未报") if row["overdue"] else _("未提交")
        ws.append(
            [row["street"].name]
            + [row["stats"].get(k, 0) for k in keys]
            + [
                state,
                timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
                if row["submitted"]
                else "",
                f"{report.contact_name} {report.contact_phone}".strip() if report else "",
            ]
        )
    total = services.totals(rows)
    ws.append([_("合计")] + [total[k] for k in keys] + ["", "", ""])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    _borders(ws, first)
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    neutralise(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- .docx ---------------------------------------------------------------------------------------------------


def _doc(title: str, subtitle: str = "") -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    if subtitle:
        p = doc.add_paragraph(subtitle)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _table(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = str(label)
        cells[1].text = str(value or "")


def _docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def investigation_docx(inv: Investigation) -> bytes:
    """WN-3: one compound's investigation record: checklist, findings, problems and their rectification."""
    s = inv.survey
    doc = _doc(_("%(name)s物业服务收费情况调查核实记录") % {"name": s.name}, s.campaign.title)
    _table(
        doc,
        [
            (_("小区"), f"{s.street.name}{s.community.name}{s.name}"),
            (_("物业服务企业"), s.company.name if s.company_id else s.company_name),
            (_("调查日期"), _d(inv.investigated_on)),
            (_("调查人员"), inv.investigators),
            (_("调查结论"), inv.get_conclusion_display() or _("尚未作出")),
            (_("状态"), inv.get_status_display()),
        ],
    )
    doc.add_heading(_("一、公示事项核查"), level=2)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, [_("事项"), _("公示栏"), _("核查结果"), _("说明")], strict=True
    ):
        cell.text = text
    for item in inv.checklist.all():
        board = (
            _("未接入")
            if item.board_published is None
            else (_("已发布") if item.board_published else _("未发布"))
        )
        if item.board_overdue:
            board += _("（逾期）")
        cells = table.add_row().cells
        cells[0].text, cells[1].text = item.label, board
        cells[2].text, cells[3].text = item.get_result_display(), item.note
    doc.add_heading(_("二、调查情况"), level=2)
    doc.add_paragraph(inv.findings or _("（未填写）"))
    doc.add_heading(_("三、发现的问题及整改情况"), level=2)
    problems = list(inv.problems.select_related("owner", "rectified_by"))
    if not problems:
        doc.add_paragraph(_("未发现问题。"))
    for n, p in enumerate(problems, start=1):
        state = (
            _("已于 %(at)s 整改完成：%(text)s")
            % {"at": timezone.localtime(p.rectified_at).strftime("%Y-%m-%d"), "text": p.rectification}
            if p.is_rectified
            else _("尚未整改")
        )
        doc.add_paragraph(
            _("%(n)d. %(desc)s（整改责任方：%(owner)s；整改期限：%(due)s）%(state)s")
            % {"n": n, "desc": p.description, "owner": p.owner_display, "due": _d(p.due_on), "state": state}
        )
    return _docx_bytes(doc)


def progress_report_docx(report: ProgressReport) -> bytes:
    """WN-4: a street's progress report: the four sections, the statistics and the contact."""
    doc = _doc(
        _("%(street)s关于%(title)s前期工作开展情况的报告")
        % {"street": report.street.name, "title": report.campaign.title}
    )
    sections = [
        (_("一、基本情况"), report.basic_situation),
        (_("二、主要做法和措施"), report.measures),
        (_("三、存在的问题"), report.problems),
        (_("四、意见建议"), report.suggestions),
    ]
    for heading, text in sections:
        doc.add_heading(heading, level=2)
        for para in (text or _("（未填写）")).splitlines():
            doc.add_paragraph(para)
    doc.add_heading(_("附：统计数据"), level=2)
    stats = report.stats if report.is_submitted else services.stats_for(report.campaign, report.street)
    _table(doc, [(str(services.STAT_LABELS[k]), stats.get(k, 0)) for k in services.STAT_LABELS])
    doc.add_paragraph("")
    doc.add_paragraph(
        _("联系人：%(name)s　联系电话：%(phone)s")
        % {"name": report.contact_name, "phone": report.contact_phone}
    )
    if report.is_submitted:
        doc.add_paragraph(
            _("报送时间：%(at)s%(late)s")
            % {
                "at": date_format(timezone.localtime(report.submitted_at), "DATE_FORMAT"),
                "late": _("（逾期）") if report.is_late else "",
            }
        )
    return _docx_bytes(doc)


def epmc_records_docx(community, start: dt.date, end: dt.date) -> bytes:
    """WN-1: the EPMC's special work records (专项工作资料) for a period, compiled as one document."""
    mentions = Mentions()
    epmc = services.epmc_of(community)
    name = epmc.name if epmc else _("%(community)s环境和物业管理委员会") % {"community": community.name}
    doc = _doc(
        _("%(name)s专项工作资料") % {"name": name},
        _("%(start)s 至 %(end)s")
        % {"start": date_format(start, "DATE_FORMAT"), "end": date_format(end, "DATE_FORMAT")},
    )
    doc.add_heading(_("一、组成人员"), level=2)
    members = services.epmc_members(community)
    if members:
        for pos in members:
            doc.add_paragraph(mentions.name(pos.person, position_title(pos)), style="List Bullet")
    else:
        doc.add_paragraph(_("（尚未登记组成人员）"))
    activities = list(
        EpmcActivity.objects.filter(community=community)
        .between(start, end)
        .order_by("date", "id")
        .prefetch_related("participants__positions__organisation", "attachments")
    )
    doc.add_heading(_("二、活动记录（共 %(n)d 次）") % {"n": len(activities)}, level=2)
    if not activities:
        doc.add_paragraph(_("本期间没有活动记录。"))
    titles = {pos.person_id: position_title(pos) for pos in members}
    for n, a in enumerate(activities, start=1):
        doc.add_heading(f"{n}. {a.date:%Y-%m-%d} {a.get_kind_display()}：{a.title}", level=3)
        people = []
        for p in a.participants.all():
            title = titles.get(p.pk)
            if title is None:
                pos = next(iter(p.positions.all()), None)
                title = position_title(pos) if pos else ""
            people.append(mentions.name(p, title))
        if a.other_participants:
            people.append(a.other_participants)
        doc.add_paragraph(_("参加人员：%(people)s") % {"people": _("、").join(people)})
        doc.add_paragraph(_("活动内容：%(content)s") % {"content": a.content})
        if a.outcome:
            doc.add_paragraph(_("活动成效：%(outcome)s") % {"outcome": a.outcome})
        files = [f.name for f in a.attachments.all()]
        if files:
            doc.add_paragraph(_("附件：%(files)s") % {"files": _("、").join(files)})
    return _docx_bytes(doc)


def rollup_docx(campaign: Campaign, rows: list[dict]) -> bytes:
    """WN-4: the county's compilation of every street's progress report, with the statistics, for reporting upward."""
    doc = _doc(
        _("%(title)s进展情况汇总") % {"title": campaign.title},
        _("报告截止日期：%(due)s") % {"due": date_format(campaign.report_due, "DATE_FORMAT")},
    )
    submitted = [r for r in rows if r["submitted"]]
    late = [r["street"].name for r in submitted if r["late"]]
    missing = [r["street"].name for r in rows if not r["submitted"]]
    total = services.totals(rows)
    doc.add_heading(_("一、总体情况"), level=2)
    doc.add_paragraph(
        _(
            "全县共有住宅小区 %(compounds)d 个，已摸排 %(surveyed)d 个，纳入整治范围 %(in_scope)d 个，"
            "已调查核实 %(investigated)d 个，发现问题 %(problems)d 个，已整改 %(rectified)d 个。"
        )
        % total
    )
    doc.add_paragraph(
        _("%(n)d 个街道（乡镇）报送了进展报告%(late)s%(missing)s。")
        % {
            "n": len(submitted),
            "late": _("，其中逾期报送：%(names)s") % {"names": _("、").join(late)} if late else "",
            "missing": _("；未报送：%(names)s") % {"names": _("、").join(missing)} if missing else "",
        }
    )
    keys = ["compounds", "surveyed", "in_scope", "investigated", "problems", "rectified"]
    table = doc.add_table(rows=1, cols=len(keys) + 1)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, [_("街道（乡镇）")] + [str(services.STAT_LABELS[k]) for k in keys], strict=True
    ):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        cells[0].text = row["street"].name
        for i, k in enumerate(keys, start=1):
            cells[i].text = str(row["stats"].get(k, 0))
    doc.add_heading(_("二、各街道（乡镇）报告摘要"), level=2)
    for row in submitted:
        report = row["report"]
        doc.add_heading(row["street"].name + (_("（逾期报送）") if row["late"] else ""), level=3)
        for label, text in (
            (_("基本情况"), report.basic_situation),
            (_("主要做法和措施"), report.measures),
            (_("存在的问题"), report.problems),
            (_("意见建议"), report.suggestions),
        ):
            doc.add_paragraph(f"{label}：{text}")
        doc.add_paragraph(
            _("联系人：%(name)s　%(phone)s") % {"name": report.contact_name, "phone": report.contact_phone}
        )
    return _docx_bytes(doc)
