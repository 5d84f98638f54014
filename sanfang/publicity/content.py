"""What each kind of board item contains, and how raw input becomes clean, hashable content.

Content is plain JSON (strings, integers, booleans, lists, dicts); money is kept as a decimal *string*
("1234.50") so that a database round trip never changes a digest. `clean(kind, raw, ...)` validates raw input
from a form or the API and raises `RuleViolation` with a Chinese message naming what is wrong.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core.errors import RuleViolation

from .models import ItemKind

PRICE_HOTLINE = "12358"  # the national price-complaint hotline every price display must show

COMMITMENT_STATUS = {
    "pending": gettext_lazy("未开始"),
    "in_progress": gettext_lazy("推进中"),
    "kept": gettext_lazy("已兑现"),
    "not_kept": gettext_lazy("未兑现"),
}

PRICE_FORMS = {
    "government_guided": gettext_lazy("政府指导价"),
    "market": gettext_lazy("市场调节价"),
}

FEE_REGIMES = {"lump_sum": gettext_lazy("包干制"), "commission": gettext_lazy("酬金制")}

# The cost categories of a property-service fee (《物业服务收费管理办法》第十一条), used for 酬金制 accounts.
COST_CATEGORIES = [
    ("staff", gettext_lazy("管理服务人员的工资、社会保险和按规定提取的福利费")),
    ("facilities", gettext_lazy("物业共用部位、共用设施设备的日常运行、维护费用")),
    ("cleaning", gettext_lazy("物业管理区域清洁卫生费用")),
    ("greening", gettext_lazy("物业管理区域绿化养护费用")),
    ("order", gettext_lazy("物业管理区域秩序维护费用")),
    ("office", gettext_lazy("办公费用")),
    ("depreciation", gettext_lazy("物业服务企业固定资产折旧")),
    ("insurance", gettext_lazy("物业共用部位、共用设施设备及公众责任保险费用")),
    ("other", gettext_lazy("经业主同意的其他费用")),
]

COMMON_INCOME_SOURCES = {
    "advertising": gettext_lazy("广告"),
    "parking": gettext_lazy("停车"),
    "venue": gettext_lazy("场地租赁"),
    "other": gettext_lazy("其他"),
}


# --- small parsers -----------------------------------------------------------------------------------------


def money(value, label: str, *, required: bool = True) -> str:
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        if required:
            raise RuleViolation(_("请填写%(label)s。") % {"label": label})
        return ""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RuleViolation(
            _("%(label)s 应为金额数字，收到“%(value)s”。") % {"label": label, "value": text}
        ) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise RuleViolation(_("%(label)s 的金额不合理。") % {"label": label})
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def text(value, label: str, *, required: bool = True, max_length: int = 2000) -> str:
    out = str(value if value is not None else "").strip()
    if required and not out:
        raise RuleViolation(_("请填写%(label)s。") % {"label": label})
    if len(out) > max_length:
        raise RuleViolation(_("%(label)s 太长（最多 %(n)d 字）。") % {"label": label, "n": max_length})
    return out


def date(value, label: str, *, required: bool = True) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raw = str(value or "").strip()
    if not raw:
        if required:
            raise RuleViolation(_("请填写%(label)s。") % {"label": label})
        return ""
    try:
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise RuleViolation(_("%(label)s 应为日期，格式如 2026-01-31。") % {"label": label}) from None


def choice(value, options: dict, label: str) -> str:
    raw = str(value or "").strip()
    if raw in options:
        return raw
    for key, name in options.items():  # accept the Chinese label too (line-based input)
        if raw == str(name):
            return key
    raise RuleViolation(
        _("%(label)s 只能是：%(options)s。")
        % {"label": label, "options": _("、").join(str(v) for v in options.values())}
    )


def rows(value, label: str, *, required: bool = True) -> list[dict]:
    if value in (None, ""):
        value = []
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise RuleViolation(_("%(label)s 的格式不正确。") % {"label": label})
    if required and not value:
        raise RuleViolation(_("%(label)s 至少填写一行。") % {"label": label})
    if len(value) > 200:
        raise RuleViolation(_("%(label)s 行数过多。") % {"label": label})
    return value


def total(amounts, minus=()) -> str:
    """The sum of `amounts` less the sum of `minus`, as a money string."""
    plus = sum((Decimal(a) for a in amounts if a), Decimal("0.00"))
    less = sum((Decimal(a) for a in minus if a), Decimal("0.00"))
    return str((plus - less).quantize(Decimal("0.01")))


# --- per-kind cleaning -------------------------------------------------------------------------------------


def clean(kind: str, raw: dict, *, company_name: str = "", fee_regime: str = "") -> dict:
    """Validate raw input for an item of `kind`; returns the content to publish (PN-1 fee items)."""
    if not isinstance(raw, dict):
        raise RuleViolation(_("公示内容的格式不正确。"))
    cleaner = {
        ItemKind.COMMITMENT: _commitment,
        ItemKind.PRICE_DISPLAY: _price_display,
        ItemKind.INCOME_STATEMENT: _income_statement,
        ItemKind.COMMON_INCOME: _common_income,
        ItemKind.MAINTENANCE_FUND: _maintenance_fund,
        ItemKind.CHARGE_CHANGE: _charge_change,
    }[ItemKind(kind)]
    return cleaner(raw, company_name=company_name, fee_regime=fee_regime)


def _commitment(raw, **_ctx) -> dict:
    entries = []
    for i, row in enumerate(rows(raw.get("entries"), _("承诺事项")), 1):
        entries.append(
            {
                "text": text(row.get("text"), _("第 %(n)d 项承诺的内容") % {"n": i}, max_length=500),
                "status": choice(row.get("status") or "pending", COMMITMENT_STATUS, _("兑现情况")),
                "note": text(row.get("note"), _("进展说明"), required=False, max_length=500),
            }
        )
    return {"entries": entries}


def _price_display(raw, *, company_name: str = "", fee_regime: str = "", **_ctx) -> dict:
    items = []
    for i, row in enumerate(rows(raw.get("items"), _("收费项目")), 1):
        n = {"n": i}
        form = choice(row.get("price_form") or "market", PRICE_FORMS, _("第 %(n)d 项的价格管理形式") % n)
        item = {
            "name": text(row.get("name"), _("第 %(n)d 项的收费项目名称") % n, max_length=100),
            "standard": text(row.get("standard"), _("第 %(n)d 项的收费标准") % n, max_length=200),
            "price_form": form,
            "base_price": text(row.get("base_price"), _("基准价"), required=False, max_length=100),
            "float_range": text(row.get("float_range"), _("浮动幅度"), required=False, max_length=100),
            "basis": text(row.get("basis"), _("收费依据"), required=False, max_length=300),
        }
        if form == "government_guided" and not (item["base_price"] and item["float_range"]):
            raise RuleViolation(
                _("第 %(n)d 项实行政府指导价，须公示基准价和浮动幅度。") % n,
                field="items",
            )
        items.append(item)
    regime = fee_regime or raw.get("fee_regime") or ""
    return {
        "company_name": company_name or text(raw.get("company_name"), _("物业服务企业名称"), max_length=120),
        "charged_party": text(raw.get("charged_party"), _("收费对象"), max_length=200),
        "service_content": text(raw.get("service_content"), _("服务内容")),
        "service_standard": text(raw.get("service_standard"), _("服务标准")),
        "charging_method": text(raw.get("charging_method"), _("计费方式"), max_length=300),
        "start_date": date(raw.get("start_date"), _("收费起始时间")),
        "fee_regime": choice(regime, FEE_REGIMES, _("收费方式")),
        "items": items,
        "basis": text(raw.get("basis"), _("收费依据"), max_length=1000),
        "hotline": PRICE_HOTLINE,
        "company_phone": text(raw.get("company_phone"), _("企业投诉电话"), required=False, max_length=40),
    }


def _income_statement(raw, *, fee_regime: str = "", **_ctx) -> dict:
    regime = choice(fee_regime or raw.get("fee_regime") or "lump_sum", FEE_REGIMES, _("收费方式"))
    incomes = []
    for row in rows(raw.get("incomes"), _("收入项目")):
        name = text(row.get("name"), _("收入项目名称"), max_length=100)
        incomes.append(
            {
                "name": name,
                "budget": money(row.get("budget"), _("%(name)s的预算") % {"name": name}, required=False),
                "actual": money(row.get("actual"), _("%(name)s的决算") % {"name": name}),
            }
        )
    costs = []
    given_rows = rows(raw.get("costs"), _("支出项目"), required=False)
    if regime == "commission":
        # 酬金制: the account is kept by the national cost categories, each with budget and final account.
        given = {str(r.get("category")): r for r in given_rows}
        for code, label in COST_CATEGORIES:
            row = given.get(code) or {}
            costs.append(
                {
                    "category": code,
                    "label": str(label),
                    "budget": money(row.get("budget"), _("“%(c)s”的预算") % {"c": label}),
                    "actual": money(row.get("actual"), _("“%(c)s”的决算") % {"c": label}),
                }
            )
        commission = {
            "basis": text(raw.get("commission_basis"), _("酬金的计提方式"), max_length=300),
            "budget": money(raw.get("commission_budget"), _("酬金预算")),
            "actual": money(raw.get("commission_actual"), _("酬金决算")),
        }
    else:
        for row in given_rows:
            label = text(row.get("label") or row.get("category"), _("支出项目名称"), max_length=100)
            costs.append(
                {
                    "category": str(row.get("category") or label),
                    "label": label,
                    "budget": money(row.get("budget"), _("%(c)s的预算") % {"c": label}, required=False),
                    "actual": money(row.get("actual"), _("%(c)s的决算") % {"c": label}),
                }
            )
        if not costs:
            raise RuleViolation(_("请至少填写一项支出。"))
        commission = {}
    out = {
        "fee_regime": regime,
        "incomes": incomes,
        "costs": costs,
        "income_budget": total(r["budget"] for r in incomes),
        "income_actual": total(r["actual"] for r in incomes),
        "cost_budget": total(r["budget"] for r in costs),
        "cost_actual": total(r["actual"] for r in costs),
        "summary": text(raw.get("summary"), _("情况说明"), required=False),
    }
    if commission:
        out["commission"] = commission
    out["balance_actual"] = total(
        [out["income_actual"]], minus=[out["cost_actual"], commission.get("actual", "")]
    )
    return out


def _common_income(raw, **_ctx) -> dict:
    incomes = []
    for row in rows(raw.get("incomes"), _("收益明细")):
        source = choice(row.get("source") or "other", COMMON_INCOME_SOURCES, _("收益来源"))
        incomes.append(
            {
                "source": source,
                "detail": text(row.get("detail"), _("收益说明"), required=False, max_length=200),
                "amount": money(row.get("amount"), _("%(s)s收益金额") % {"s": COMMON_INCOME_SOURCES[source]}),
            }
        )
    uses = []
    for row in rows(raw.get("uses"), _("收益使用"), required=False):
        purpose = text(row.get("purpose"), _("使用用途"), max_length=200)
        uses.append(
            {"purpose": purpose, "amount": money(row.get("amount"), _("“%(p)s”的金额") % {"p": purpose})}
        )
    opening = money(raw.get("opening_balance") or "0", _("期初结余"))
    income_total = total(r["amount"] for r in incomes)
    use_total = total(r["amount"] for r in uses)
    return {
        "opening_balance": opening,
        "incomes": incomes,
        "uses": uses,
        "income_total": income_total,
        "use_total": use_total,
        "closing_balance": total([opening, income_total], minus=[use_total]),
        "custodian": text(raw.get("custodian"), _("收益管理方"), required=False, max_length=120),
        "note": text(raw.get("note"), _("说明"), required=False),
    }


def _maintenance_fund(raw, **_ctx) -> dict:
    uses = []
    for row in rows(raw.get("uses"), _("使用明细"), required=False):
        project = text(row.get("project"), _("维修项目"), max_length=200)
        uses.append(
            {
                "date": date(row.get("date"), _("“%(p)s”的使用日期") % {"p": project}),
                "project": project,
                "amount": money(row.get("amount"), _("“%(p)s”的金额") % {"p": project}),
                "approval": text(row.get("approval"), _("业主表决情况"), required=False, max_length=200),
            }
        )
    opening = money(raw.get("opening_balance"), _("期初余额"))
    deposits = money(raw.get("deposits") or "0", _("本期交存"))
    interest = money(raw.get("interest") or "0", _("本期利息"))
    use_total = total(r["amount"] for r in uses)
    return {
        "opening_balance": opening,
        "deposits": deposits,
        "interest": interest,
        "uses": uses,
        "use_total": use_total,
        "closing_balance": total([opening, deposits, interest], minus=[use_total]),
        "account_bank": text(raw.get("account_bank"), _("专户银行"), required=False, max_length=120),
        "note": text(raw.get("note"), _("说明"), required=False),
    }


def _charge_change(raw, **_ctx) -> dict:
    return {
        "charge_item": text(raw.get("charge_item"), _("调整的收费项目"), max_length=100),
        "old_standard": text(raw.get("old_standard"), _("原收费标准"), max_length=200),
        "new_standard": text(raw.get("new_standard"), _("新收费标准"), max_length=200),
        "effective_on": date(raw.get("effective_on"), _("生效日期")),
        "reason": text(raw.get("reason"), _("调整理由")),
        "basis": text(raw.get("basis"), _("调整依据（业主大会决定、价格主管部门文件等）"), max_length=1000),
    }


# --- line-based editing for the staff forms ---------------------------------------------------------------


def split_line(line: str) -> list[str]:
    return [part.strip() for part in line.replace("｜", "|").split("|")]


def parse_lines(value: str, columns: list[str]) -> list[dict]:
    """ "a | b | c" lines → [{"col1": "a", ...}]; blank lines are skipped, missing columns are empty."""
    out = []
    for line in (value or "").splitlines():
        if not line.strip():
            continue
        parts = split_line(line)
        out.append({col: (parts[i] if i < len(parts) else "") for i, col in enumerate(columns)})
    return out


def render_lines(items: list[dict], columns: list[str], labels: dict | None = None) -> str:
    lines = []
    for row in items or []:
        cells = []
        for col in columns:
            value = row.get(col, "")
            if labels and col in labels and value in labels[col]:
                value = labels[col][value]
            cells.append(str(value))
        lines.append(" | ".join(cells).rstrip(" |"))
    return "\n".join(lines)
