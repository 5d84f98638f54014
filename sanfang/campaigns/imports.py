"""Bulk import of compounds and their survey facts from the .xlsx template the system provides (WN-3).

Every row is validated first; errors are reported per row and column in the importer's language; nothing is
imported unless every row is valid (one transaction).

The template comes in the language of whoever downloads it, and a file is read whatever its language: a column
is known by its label in any of the site's languages (or by its key, `community_code`), and a coded cell by its
option's label in any language (or its stored value). An office that downloads the English template and a
colleague who fills it in Chinese still import (issue 8.3).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
YES_WORDS = {"是", "有", "y", "yes", "true", "1", "√"}
NO_WORDS = {"否", "无", "n", "no", "false", "0", ""}
YES, NO = gettext_lazy("是"), gettext_lazy("否")
FEE_REGIMES = [("lump_sum", gettext_lazy("包干制")), ("commission", gettext_lazy("酬金制"))]


def in_every_language(text) -> list[str]:
    """A (lazy) text as it reads in each of the site's languages, the default first."""
    out: list[str] = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            rendered = str(text)
        if rendered not in out:
            out.append(rendered)
    return out


def normal(text: Any) -> str:
    """A header or cell as compared: full-width forms folded (（㎡） = (m2)), no spaces, no case, no "*"."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return "".join(folded.split()).rstrip("*")


@dataclass(frozen=True)
class Column:
    key: str  # stable: also accepted as the header
    label: Any  # lazy: the header in the reader's language
    required: bool = False
    kind: str = "text"  # text | int | decimal | date | bool | choice
    choices: Iterable[tuple[str, Any]] | None = None  # (stored value, lazy label)
    note: Any = ""

    def options(self) -> list[str]:
        """The choices as the template offers them, in the active language."""
        if self.kind == "bool":
            return [str(YES), str(NO)]
        return [str(label) for _value, label in self.choices or ()]

    def headers(self) -> set[str]:
        return {normal(self.key), *(normal(label) for label in in_every_language(self.label))}

    def lookup(self) -> dict[str, str]:
        """Every way a cell may name an option (its label in any language, or the value) -> the value."""
        found: dict[str, str] = {}
        for value, label in self.choices or ():
            found[normal(value)] = value
            for text in in_every_language(label):
                found[normal(text)] = value
        return found


COLUMNS = [
    Column("community_code", gettext_lazy("社区代码"), True, note=gettext_lazy("本系统中社区的代码")),
    Column(
        "compound_code",
        gettext_lazy("小区代码"),
        note=gettext_lazy("已登记的小区填写代码；新小区留空，系统自动编码"),
    ),
    Column("name", gettext_lazy("小区名称"), True),
    Column("address", gettext_lazy("地址"), True),
    Column("year_built", gettext_lazy("建成年份"), True, "int"),
    Column("buildings", gettext_lazy("楼栋数"), kind="int"),
    Column("households", gettext_lazy("户数"), True, "int"),
    Column("floor_area", gettext_lazy("建筑面积（㎡）"), kind="decimal"),
    Column("housing_nature", gettext_lazy("房屋性质"), kind="choice", choices=HousingNature.choices),
    Column("is_old_compound", gettext_lazy("是否老旧小区"), kind="bool"),
    Column("management_mode", gettext_lazy("管理模式"), True, "choice", ManagementMode.choices),
    Column("company_name", gettext_lazy("物业服务企业")),
    Column("contract_start", gettext_lazy("合同开始日期"), kind="date"),
    Column("contract_end", gettext_lazy("合同结束日期"), kind="date"),
    Column("fee_regime", gettext_lazy("收费方式"), kind="choice", choices=FEE_REGIMES),
    Column("fee_standard", gettext_lazy("收费标准")),
    Column("has_owners_committee", gettext_lazy("是否成立业委会"), kind="bool"),
    Column("oc_term_end", gettext_lazy("业委会任期届满"), kind="date"),
    Column(
        "disclosure_status", gettext_lazy("收费信息公示情况"), kind="choice", choices=DisclosureStatus.choices
    ),
    Column("preliminary_type", gettext_lazy("初步认定类型"), True, "choice", CompoundType.choices),
    Column("note", gettext_lazy("备注")),
]
BY_KEY = {c.key: c for c in COLUMNS}


def label(key: str) -> str:
    """A column's header in the active language (for messages)."""
    return str(BY_KEY[key].label)


def template_xlsx() -> bytes:
    """The import template in the active language: headers, drop-downs for the coded columns, and a sheet of
    instructions. A file made from it imports whatever the importer's language."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(_("小区摸排认定表"))[:31]
    ws.append([str(c.label) + ("*" if c.required else "") for c in COLUMNS])
    for i, c in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC" if c.required else "E8EEF5")
        ws.column_dimensions[cell.column_letter].width = 16
        options = c.options()
        if options:
            dv = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=not c.required
            )
            dv.add(f"{cell.column_letter}2:{cell.column_letter}2000")
            ws.add_data_validation(dv)
    help_ws = wb.create_sheet(str(_("填写说明"))[:31])
    help_ws.append([_("列"), _("必填"), _("说明")])
    separator = _("、")
    for c in COLUMNS:
        hint = str(c.note) or (
            separator.join(c.options())
            if c.kind == "choice"
            else {"date": _("日期，如 2022-03-01")}.get(c.kind, "")
        )
        help_ws.append([str(c.label), str(YES) if c.required else "", hint])
    help_ws.append(["", "", _("所有行都检查无误后才会导入；任何一行有错，整批都不导入。")])
    help_ws.append(["", "", _("中文或英文模板都可以导入：列名和选项用中文或英文填写均可，列的顺序不限。")])
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


@functools.cache
def _yes_no() -> tuple[frozenset[str], frozenset[str]]:
    """What a yes/no cell may say, in any of the site's languages."""
    yes = YES_WORDS | {normal(t) for t in in_every_language(YES)}
    no = NO_WORDS | {normal(t) for t in in_every_language(NO)}
    return frozenset(yes), frozenset(no)


def _parse(col: Column, raw: Any, lookup: dict[str, str] | None = None) -> Any:
    """The cell's value, or raise ValueError with a message in the active language."""
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
        yes, no = _yes_no()
        text = normal(raw)
        if text in yes:
            return True
        if text in no:
            return False
        raise ValueError(_("请填写“是”或“否”"))
    if col.kind == "choice":
        value = (lookup if lookup is not None else col.lookup()).get(normal(raw))
        if value is not None:
            return value
        raise ValueError(
            _("“%(v)s”不是有效选项，可选：%(opts)s") % {"v": raw, "opts": _("、").join(col.options())}
        )
    return str(raw).strip()


def read_rows(actor, campaign: Campaign, data: bytes, progress=None) -> ImportResult:
    """Parse and validate every row without changing anything. `progress(done, total, stage)` is told how far
    the check is (a background job's progress page)."""
    result = ImportResult()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same clear message
        result.errors.append(_("无法读取文件，请上传用系统模板填写的 .xlsx 文件。"))
        return result
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    index = _columns(next(rows, None) or (), result.errors)
    if result.errors:
        return result
    lookups = {c.key: c.lookup() for c in COLUMNS if c.kind == "choice"}
    communities: dict[str, Place | None] = {}
    seen_names: dict[tuple[str, str], int] = {}
    last_row = max((ws.max_row or 0), 1)
    for n, raw_row in enumerate(rows, start=2):
        if progress is not None:
            progress(n - 1, last_row - 1, _("正在逐行检查"))
        if raw_row is None or all(v in (None, "") for v in raw_row):
            continue
        row: dict[str, Any] = {"_row": n}
        for col in COLUMNS:
            if col.key not in index:
                continue
            i = index[col.key]
            raw = _cell(raw_row[i]) if i < len(raw_row) else None
            try:
                row[col.key] = _parse(col, raw, lookups.get(col.key))
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
                err(label("community_code"), _("本县没有代码为 %(code)s 的社区") % {"code": code})
            elif not permissions.can_fill_survey_at(actor, community):
                err(label("community_code"), _("您无权填报该社区的小区"))
            else:
                row["community"] = community
                compound = None
                if row.get("compound_code"):
                    compound = Place.objects.compounds().filter(code=str(row["compound_code"])).first()
                    if compound is None or compound.parent_id != community.pk:
                        err(
                            label("compound_code"),
                            _("该社区下没有代码为 %(code)s 的小区") % {"code": row["compound_code"]},
                        )
                elif row.get("name"):
                    compound = Place.objects.compounds().filter(parent=community, name=row["name"]).first()
                row["compound"] = compound
                if compound is not None:
                    existing = CompoundSurvey.objects.filter(campaign=campaign, compound=compound).first()
                    if existing and not existing.editable:
                        err(label("name"), _("该小区的摸排认定表已提交审核，不能再导入覆盖"))
                key = (code, row.get("name") or "")
                if key in seen_names:
                    err(label("name"), _("与第 %(other)d 行重复") % {"other": seen_names[key]})
                seen_names[key] = n
        year = row.get("year_built")
        if year is not None and not (1949 <= year <= dt.date.today().year):
            err(label("year_built"), _("应在 1949 年至今之间"))
        if row.get("management_mode") == ManagementMode.PROFESSIONAL and not row.get("company_name"):
            err(label("company_name"), _("管理模式为专业化物业服务时必须填写"))
        if (
            row.get("contract_start")
            and row.get("contract_end")
            and row["contract_end"] < row["contract_start"]
        ):
            err(label("contract_end"), _("不能早于合同开始日期"))
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(_("文件中没有数据行。"))
    return result


def _columns(header: Iterable[Any], errors: list[str]) -> dict[str, int]:
    """Which column holds what, from the header row in any of the site's languages; bad headers are errors."""
    known = {text: c for c in COLUMNS for text in c.headers()}
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        text = str(cell or "").strip()
        if not text:
            continue
        col = known.get(normal(text))
        if col is None:
            errors.append(
                _("无法识别第 %(n)d 列的列名“%(col)s”：请使用系统提供的模板（中文或英文均可），或删除该列。")
                % {"n": i + 1, "col": text}
            )
        elif col.key in index:
            errors.append(
                _("第 %(n)d 列“%(col)s”与第 %(other)d 列重复。")
                % {"n": i + 1, "col": text, "other": index[col.key] + 1}
            )
        else:
            index[col.key] = i
    for col in COLUMNS:
        if col.required and col.key not in index:
            errors.append(_("缺少必填列“%(col)s”，请使用系统提供的模板。") % {"col": col.label})
    return index


def _next_code(community: Place, used: set[str]) -> str:
    k = Place.objects.filter(parent=community).count() + 1
    while True:
        code = f"{community.code}{k:03d}"
        if code not in used and not Place.objects.filter(code=code).exists():
            used.add(code)
            return code
        k += 1


def import_surveys(
    *, actor, campaign: Campaign, data: bytes, submit: bool = False, progress=None, before_commit=None
) -> ImportResult:
    """WN-3: import the rows all together or not at all. Raises ImportRejected (with per-row errors) if any is bad.

    `progress(done, total, stage)` follows the check of the rows; `before_commit(result)` runs inside the
    import's transaction after the last row (a background job ends there, so the import and the job's end
    commit together)."""
    if not campaign.is_open:
        raise DomainError(_("专项整治已经结束，不能再导入。"))
    if not permissions.get_scope(actor).has_role(*permissions.SURVEY_EDITORS) and not actor.is_superuser:
        raise PermissionDenied
    result = read_rows(actor, campaign, data, progress=progress)
    if result.errors:
        raise ImportRejected(result.errors)
    if progress is not None:
        progress(
            len(result.rows),
            len(result.rows),
            _("检查无误，正在一次性写入全部 %(n)d 行") % {"n": len(result.rows)},
        )
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
            if before_commit is not None:
                before_commit(result)
    except DomainError as exc:
        raise ImportRejected(
            [_("第 %(row)d 行：%(msg)s") % {"row": row["_row"], "msg": exc.message}]
        ) from exc
    return result
