"""The report types of PN-4 and the fields each needs, validated in one place (services and forms use it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core.errors import RuleViolation
from sanfang.directory.models import OrgKind


class ReportType(models.TextChoices):
    OC_ELECTION = "oc_election", gettext_lazy("选举或变更业主委员会")
    STAFF_CHANGE = "staff_change", gettext_lazy("变更物业服务企业项目负责人")
    COMPANY_HIRING = "company_hiring", gettext_lazy("选聘或解聘物业服务企业")
    FACILITY_WORKS = "facility_works", gettext_lazy("共用设施设备维修改造")
    FUND_USE = "fund_use", gettext_lazy("维修资金使用")
    COMMON_INCOME = "common_income", gettext_lazy("共有部分经营与收益")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text | longtext | date | money | int | percent | choice
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class TypeSpec:
    type: str
    fields: tuple[FieldSpec, ...]
    reporters: tuple[str, ...]  # organisation kinds that file this type
    major_matter: str = ""  # the CS-7 gate kind this type links to, if any
    description: str = ""
    extra: dict = field(default_factory=dict)


TYPES: dict[str, TypeSpec] = {
    ReportType.OC_ELECTION: TypeSpec(
        ReportType.OC_ELECTION,
        (
            FieldSpec(
                "change_kind",
                gettext_lazy("事项"),
                "choice",
                choices=(
                    ("first", gettext_lazy("首次选举")),
                    ("renewal", gettext_lazy("换届选举")),
                    ("by_election", gettext_lazy("补选")),
                    ("change", gettext_lazy("成员变更")),
                ),
            ),
            FieldSpec("assembly_date", gettext_lazy("业主大会召开日期"), "date"),
            FieldSpec("members", gettext_lazy("当选（变更）成员名单及职务"), "longtext"),
            FieldSpec("term_start", gettext_lazy("任期开始"), "date"),
            FieldSpec("term_end", gettext_lazy("任期结束"), "date"),
            FieldSpec(
                "vote_summary",
                gettext_lazy("表决情况"),
                "longtext",
                help=gettext_lazy("参加表决的业主人数、专有部分面积及同意比例"),
            ),
        ),
        reporters=(OrgKind.OWNERS_COMMITTEE, OrgKind.RESIDENTS_COMMITTEE),
        description=gettext_lazy("业主大会选举产生或变更业主委员会后报告。"),
    ),
    ReportType.STAFF_CHANGE: TypeSpec(
        ReportType.STAFF_CHANGE,
        (
            FieldSpec("post", gettext_lazy("岗位"), help=gettext_lazy("如：项目经理、客服主管")),
            FieldSpec("previous_person", gettext_lazy("原负责人")),
            FieldSpec("new_person", gettext_lazy("新负责人")),
            FieldSpec("new_contact", gettext_lazy("新负责人联系电话")),
            FieldSpec("effective_date", gettext_lazy("变更生效日期"), "date"),
            FieldSpec("reason", gettext_lazy("变更原因"), "longtext"),
        ),
        reporters=(OrgKind.PROPERTY_COMPANY,),
    ),
    ReportType.COMPANY_HIRING: TypeSpec(
        ReportType.COMPANY_HIRING,
        (
            FieldSpec(
                "action",
                gettext_lazy("事项"),
                "choice",
                choices=(
                    ("hire", gettext_lazy("选聘")),
                    ("renew", gettext_lazy("续聘")),
                    ("dismiss", gettext_lazy("解聘")),
                ),
            ),
            FieldSpec("company_name", gettext_lazy("物业服务企业名称")),
            FieldSpec("decision_date", gettext_lazy("业主大会决定日期"), "date"),
            FieldSpec(
                "method",
                gettext_lazy("选聘方式"),
                "choice",
                required=False,
                choices=(
                    ("tender", gettext_lazy("公开招标")),
                    ("negotiation", gettext_lazy("协议选聘")),
                    ("other", gettext_lazy("其他方式")),
                ),
            ),
            FieldSpec("consent_ratio", gettext_lazy("同意的业主比例（%）"), "percent"),
            FieldSpec(
                "contract_term",
                gettext_lazy("合同期限"),
                required=False,
                help=gettext_lazy("如：2026年1月1日至2028年12月31日"),
            ),
            FieldSpec("reason", gettext_lazy("理由及交接安排"), "longtext"),
        ),
        reporters=(OrgKind.OWNERS_COMMITTEE,),
        major_matter="company_change",
    ),
    ReportType.FACILITY_WORKS: TypeSpec(
        ReportType.FACILITY_WORKS,
        (
            FieldSpec("facility", gettext_lazy("设施设备"), help=gettext_lazy("如：2栋电梯、地下车库排水泵")),
            FieldSpec("works", gettext_lazy("维修改造内容"), "longtext"),
            FieldSpec("budget", gettext_lazy("预算金额（元）"), "money"),
            FieldSpec("contractor", gettext_lazy("施工单位"), required=False),
            FieldSpec("planned_start", gettext_lazy("计划开工日期"), "date"),
            FieldSpec("planned_end", gettext_lazy("计划完工日期"), "date"),
            FieldSpec(
                "funding", gettext_lazy("资金来源"), help=gettext_lazy("如：维修资金、公共收益、物业费")
            ),
        ),
        reporters=(OrgKind.OWNERS_COMMITTEE, OrgKind.PROPERTY_COMPANY),
    ),
    ReportType.FUND_USE: TypeSpec(
        ReportType.FUND_USE,
        (
            FieldSpec("item", gettext_lazy("使用项目")),
            FieldSpec("amount", gettext_lazy("申请使用金额（元）"), "money"),
            FieldSpec("owners_consent", gettext_lazy("同意的业主人数"), "int"),
            FieldSpec("area_consent", gettext_lazy("同意业主的专有部分面积占比（%）"), "percent"),
            FieldSpec("application_date", gettext_lazy("申请日期"), "date"),
            FieldSpec("apportionment", gettext_lazy("费用分摊范围"), "longtext"),
        ),
        reporters=(OrgKind.OWNERS_COMMITTEE, OrgKind.PROPERTY_COMPANY),
        major_matter="fund_use",
    ),
    ReportType.COMMON_INCOME: TypeSpec(
        ReportType.COMMON_INCOME,
        (
            FieldSpec("period", gettext_lazy("期间"), help=gettext_lazy("如：2026年第三季度")),
            FieldSpec(
                "items",
                gettext_lazy("经营项目"),
                "longtext",
                help=gettext_lazy("如：电梯广告、地面停车、场地租赁"),
            ),
            FieldSpec("income", gettext_lazy("收入（元）"), "money"),
            FieldSpec("costs", gettext_lazy("支出（元）"), "money"),
            FieldSpec("use", gettext_lazy("收益使用情况"), "longtext"),
        ),
        reporters=(OrgKind.OWNERS_COMMITTEE, OrgKind.PROPERTY_COMPANY),
    ),
}


def spec_for(report_type: str) -> TypeSpec:
    try:
        return TYPES[report_type]
    except KeyError:
        raise RuleViolation(_("报告类型不正确。"), field="type") from None


def clean_fields(report_type: str, data: dict) -> dict:
    """Validate and normalise a type's fields; unknown keys are dropped. Raises RuleViolation naming the field."""
    spec = spec_for(report_type)
    out: dict = {}
    for f in spec.fields:
        raw = data.get(f.name)
        if isinstance(raw, str):
            raw = raw.strip()
        if raw in (None, ""):
            if f.required:
                raise RuleViolation(_("请填写“%(label)s”。") % {"label": f.label}, field=f.name)
            continue
        out[f.name] = _coerce(f, raw)
    for start, end in (("term_start", "term_end"), ("planned_start", "planned_end")):
        if start in out and end in out and out[end] < out[start]:
            raise RuleViolation(_("结束日期不能早于开始日期。"), field=end)
    return out


def _coerce(f: FieldSpec, raw):
    label = f.label
    if f.kind == "date":
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise RuleViolation(
                _("“%(label)s”应是日期，格式如 2026-03-01。") % {"label": label}, field=f.name
            ) from None
    if f.kind in ("money", "percent"):
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise RuleViolation(_("“%(label)s”应是数字。") % {"label": label}, field=f.name) from None
        if not value.is_finite() or value < 0:
            raise RuleViolation(_("“%(label)s”不能为负数。") % {"label": label}, field=f.name)
        if f.kind == "percent" and value > 100:
            raise RuleViolation(_("“%(label)s”不能超过 100。") % {"label": label}, field=f.name)
        if value > Decimal("1000000000"):
            raise RuleViolation(_("“%(label)s”数额过大，请核对。") % {"label": label}, field=f.name)
        return str(value.quantize(Decimal("0.01")))
    if f.kind == "int":
        try:
            value = int(str(raw))
        except ValueError:
            raise RuleViolation(_("“%(label)s”应是整数。") % {"label": label}, field=f.name) from None
        if value < 0:
            raise RuleViolation(_("“%(label)s”不能为负数。") % {"label": label}, field=f.name)
        return value
    if f.kind == "choice":
        keys = [k for k, _label in f.choices]
        if str(raw) not in keys:
            raise RuleViolation(_("“%(label)s”的选项不正确。") % {"label": label}, field=f.name)
        return str(raw)
    text = str(raw)
    limit = 2000 if f.kind == "longtext" else 200
    if len(text) > limit:
        raise RuleViolation(
            _("“%(label)s”过长（最多 %(n)s 字）。") % {"label": label, "n": limit}, field=f.name
        )
    return text


def display_fields(report_type: str, values: dict) -> list[tuple[str, str]]:
    """(label, shown value) pairs in the type's order, choices as their labels."""
    spec = TYPES.get(report_type)
    if spec is None:
        return []
    out = []
    for f in spec.fields:
        if f.name not in values:
            continue
        value = values[f.name]
        if f.kind == "choice":
            value = dict(f.choices).get(value, value)
        elif f.kind == "percent":
            value = f"{value}%"
        out.append((str(f.label), str(value)))
    return out
