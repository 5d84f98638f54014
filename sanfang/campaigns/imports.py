"""Bulk import of compounds and their survey facts from the .xlsx template the system provides (WN-3).

Every row is validated first; errors are reported per row and column in Chinese; nothing is imported unless every
row is valid (one transaction).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sanfang.core.errors import DomainError
from sanfang.core.spreadsheets import neutralise
from sanfang.directory import services as directory_services
from sanfang.directory.models import Organisation, OrgKind, Place, PlaceKind

from . import permissions, services
from .models import Campaign, CompoundSurvey, CompoundType, DisclosureStatus, HousingNature, ManagementMode

MAX_BYTES = 5 * 1024 * 1024
YES = {"是", "有", "y", "yes", "true", "1", "√"}
NO = {"否", "无", "n", "no", "false", "0", ""}
FEE_REGIMES = {"包干制": "lump_sum", "酬金制": "commission"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    kind: str = "text"  # text | int | decimal | date | bool | choice
    choices: dict[str, str] | None = None
    note: str = ""


def _labels(choices) -> dict[str, str]:
    return {str(label): value for value, label in choices}


COLUMNS = [
    Column("community_code", "社区代码", True, note="本系统中社区的代码"),
    Column("compound_code", "小区代码", note="已登记的小区填写代码；新小区留空，系统自动编码"),
    Column("name", "小区名称", True),
    Column("address", "地址", True),
    Column("year_built", "建成年份", True, "int"),
    Column("buildings", "楼栋数", kind="int"),
    Column("households", "户数", True, "int"),
    Column("floor_area", "建筑面积（㎡）", kind="decimal"),
    Column("housing_nature", "房屋性质", kind="choice", choices=_labels(HousingNature.choices)),
    Column("is_old_compound", "是否老旧小区", kind="bool"),
    Column("management_mode", "管理模式", True, "choice", _labels(ManagementMode.choices)),
    Column("company_name", "物业服务企业"),
    Column("contract_start", "合同开始日期", kind="date"),
    Column("contract_end", "合同结束日期", kind="date"),
    Column("fee_regime", "收费方式", kind="choice", choices=FEE_REGIMES),
    Column("fee_standard", "收费标准"),
    Column("has_owners_committee", "是否成立业委会", kind="bool"),
    Column("oc_term_end", "业委会任期届满", kind="date"),
    Column("disclosure_status", "收费信息公示情况", kind="choice", choices=_labels(DisclosureStatus.choices)),
    Column("preliminary_type", "初步认定类型", True, "choice", _labels(CompoundType.choices)),
    Column("note", "备注"),
]


def template_xlsx() -> bytes:
    """The import template: headers, an example row, and drop-downs for the coded columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "小区摸排认定表"
    ws.append([c.label + ("*" if c.required else "") for c in COLUMNS])
    for i, c in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC" if c.required else "E8EEF5")
        ws.column_dimensions[cell.column_letter].width = 16
        options = list(c.choices) if c.choices else (["是", "否"] if c.kind == "bool" else None)
        if options:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=not c.required
            )
            dv.add(f"{cell.column_letter}2:{cell.column_letter}2000")
            ws.add_data_validation(dv)
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["列", "必填", "说明"])
    for c in COLUMNS:
        hint = c.note or (
            "、".join(c.choices) if c.choices else {"date": "日期，如 2022-03-01"}.get(c.kind, "")
        )
        help_ws.append([c.label, "是" if c.required else "", hint])
    help_ws.append(["", "", "所有行都检查无误后才会导入；任何一行有错，整批都不导入。"])
    neutralise(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[CompoundSurvey] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejected(DomainError):
    """The file had errors; nothing was imported. `errors` lists them per row and column."""

    def __init__(self, errors: list[str]):
        super().__init__(_("导入文件有 %(n)d 处错误，未导入任何数据。") % {"n": len(errors)})
        self.errors = errors


def _cell(value) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def _parse(col: Column, raw: Any) -> Any:
    """The cell's value, or raise ValueError with a Chinese message."""
    if raw is None or raw == "":
        if col.required:
            raise ValueError(_("必须填写"))
        return None if col.kind not in ("bool",) else False
    if col.kind == "int":
        try:
            value = int(Decimal(str(raw)))
        except (InvalidOperation, ValueError):
            raise ValueError(_("应为整数，实际为“%(v)s”") % {"v": raw}) from None
        if value < 0:
            raise ValueError(_("不能为负数"))
        return value
    if col.kind == "decimal":
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise ValueError(_("应为数字，实际为“%(v)s”") % {"v": raw}) from None
        if value < 0:
            raise ValueError(_("不能为负数"))
        return value.quantize(Decimal("0.01"))
    if col.kind == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = str(raw).replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("日期格式应为 2022-03-01，实际为“%(v)s”") % {"v": raw}) from None
    if col.kind == "bool":
        text = str(raw).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("请填写“是”或“否”"))
    if col.kind == "choice":
        assert col.choices is not None
        text = str(raw).strip()
        if text in col.choices:
            return col.choices[text]
        if text in col.choices.values():
            return text
        raise ValueError(
            _("“%(v)s”不是有效选项，可选：%(opts)s") % {"v": raw, "opts": "、".join(col.choices)}
        )
    return str(raw).strip()


def read_rows(actor, campaign: Campaign, data: bytes) -> ImportResult:
    """Parse and validate every row without changing anything."""
    result = ImportResult()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same clear message
        result.errors.append(_("无法读取文件，请上传用系统模板填写的 .xlsx 文件。"))
        return result
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip().rstrip("*") for h in next(rows, [])]
    index: dict[str, int] = {}
    for col in COLUMNS:
        if col.label in header:
            index[col.key] = header.index(col.label)
        elif col.required:
            result.errors.append(_("缺少必填列“%(col)s”，请使用系统提供的模板。") % {"col": col.label})
    if result.errors:
        return result
    communities: dict[str, Place | None] = {}
    seen_names: dict[tuple[str, str], int] = {}
    for n, raw_row in enumerate(rows, start=2):
        if raw_row is None or all(v in (None, "") for v in raw_row):
            continue
        row: dict[str, Any] = {"_row": n}
        for col in COLUMNS:
            if col.key not in index:
                continue
            i = index[col.key]
            raw = _cell(raw_row[i]) if i < len(raw_row) else None
            try:
                row[col.key] = _parse(col, raw)
            except ValueError as exc:
                result.errors.append(
                    _("第 %(row)d 行“%(col)s”：%(msg)s") % {"row": n, "col": col.label, "msg": exc}
                )

        def err(col_label: str, msg: str, n=n) -> None:
            result.errors.append(
                _("第 %(row)d 行“%(col)s”：%(msg)s") % {"row": n, "col": col_label, "msg": msg}
            )

        code = row.get("community_code")
        if code:
            if code not in communities:
                communities[code] = Place.objects.communities().filter(code=str(code)).first()
            community = communities[code]
            if community is None or not community.is_within(campaign.county):
                err("社区代码", _("本县没有代码为 %(code)s 的社区") % {"code": code})
            elif not permissions.can_fill_survey_at(actor, community):
                err("社区代码", _("您无权填报该社区的小区"))
            else:
                row["community"] = community
                compound = None
                if row.get("compound_code"):
                    compound = Place.objects.compounds().filter(code=str(row["compound_code"])).first()
                    if compound is None or compound.parent_id != community.pk:
                        err(
                            "小区代码",
                            _("该社区下没有代码为 %(code)s 的小区") % {"code": row["compound_code"]},
                        )
                elif row.get("name"):
                    compound = Place.objects.compounds().filter(parent=community, name=row["name"]).first()
                row["compound"] = compound
                if compound is not None:
                    existing = CompoundSurvey.objects.filter(campaign=campaign, compound=compound).first()
                    if existing and not existing.editable:
                        err("小区名称", _("该小区的摸排认定表已提交审核，不能再导入覆盖"))
                key = (code, row.get("name") or "")
                if key in seen_names:
                    err("小区名称", _("与第 %(other)d 行重复") % {"other": seen_names[key]})
                seen_names[key] = n
        year = row.get("year_built")
        if year is not None and not (1949 <= year <= dt.date.today().year):
            err("建成年份", _("应在 1949 年至今之间"))
        if row.get("management_mode") == ManagementMode.PROFESSIONAL and not row.get("company_name"):
            err("物业服务企业", _("管理模式为专业化物业服务时必须填写"))
        if (
            row.get("contract_start")
            and row.get("contract_end")
            and row["contract_end"] < row["contract_start"]
        ):
            err("合同结束日期", _("不能早于合同开始日期"))
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(_("文件中没有数据行。"))
    return result


def _next_code(community: Place, used: set[str]) -> str:
    k = Place.objects.filter(parent=community).count() + 1
    while True:
        code = f"{community.code}{k:03d}"
        if code not in used and not Place.objects.filter(code=code).exists():
            used.add(code)
            return code
        k += 1


def import_surveys(*, actor, campaign: Campaign, data: bytes, submit: bool = False) -> ImportResult:
    """WN-3: import the rows all together or not at all. Raises ImportRejected (with per-row errors) if any is bad."""
    if not campaign.is_open:
        raise DomainError(_("专项整治已经结束，不能再导入。"))
    if not permissions.get_scope(actor).has_role(*permissions.SURVEY_EDITORS) and not actor.is_superuser:
        raise PermissionDenied
    result = read_rows(actor, campaign, data)
    if result.errors:
        raise ImportRejected(result.errors)
    used: set[str] = set()
    try:
        with transaction.atomic():
            for row in result.rows:
                community = row["community"]
                compound = row["compound"]
                if compound is None:
                    compound = directory_services.create_place(
                        actor=actor,
                        kind=PlaceKind.COMPOUND,
                        name=row["name"],
                        code=_next_code(community, used),
                        parent=community,
                        address=row.get("address") or "",
                        year_built=row.get("year_built"),
                        households=row.get("households"),
                        floor_area=row.get("floor_area"),
                    )
                survey = services.start_survey(actor=actor, campaign=campaign, compound=compound)
                facts = {k: row[k] for k in CompoundSurvey.FACT_FIELDS if k in row and row[k] is not None}
                if row.get("company_name"):
                    facts["company"] = Organisation.objects.filter(
                        kind=OrgKind.PROPERTY_COMPANY, name=row["company_name"]
                    ).first()
                survey = services.save_survey(actor=actor, survey=survey, version=None, **facts)
                if submit:
                    survey = services.submit_survey(actor=actor, survey=survey)
                result.surveys.append(survey)
    except DomainError as exc:
        raise ImportRejected(
            [_("第 %(row)d 行：%(msg)s") % {"row": row["_row"], "msg": exc.message}]
        ) from exc
    return result
