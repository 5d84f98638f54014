"""What changed between two versions of an item, in words the public reads (PN-2 history view)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "entries": _("承诺事项"),
    "text": _("内容"),
    "status": _("兑现情况"),
    "note": _("说明"),
    "company_name": _("企业名称"),
    "charged_party": _("收费对象"),
    "service_content": _("服务内容"),
    "service_standard": _("服务标准"),
    "charging_method": _("计费方式"),
    "start_date": _("收费起始时间"),
    "fee_regime": _("收费方式"),
    "items": _("收费项目"),
    "name": _("名称"),
    "standard": _("收费标准"),
    "price_form": _("价格管理形式"),
    "base_price": _("基准价"),
    "float_range": _("浮动幅度"),
    "basis": _("依据"),
    "hotline": _("价格举报电话"),
    "company_phone": _("企业投诉电话"),
    "incomes": _("收入"),
    "costs": _("支出"),
    "budget": _("预算"),
    "actual": _("决算"),
    "label": _("项目"),
    "category": _("类别"),
    "commission": _("酬金"),
    "income_budget": _("收入预算合计"),
    "income_actual": _("收入决算合计"),
    "cost_budget": _("支出预算合计"),
    "cost_actual": _("支出决算合计"),
    "balance_actual": _("结余"),
    "summary": _("情况说明"),
    "opening_balance": _("期初余额"),
    "closing_balance": _("期末余额"),
    "income_total": _("收益合计"),
    "use_total": _("使用合计"),
    "uses": _("使用"),
    "purpose": _("用途"),
    "amount": _("金额"),
    "source": _("来源"),
    "detail": _("说明"),
    "custodian": _("管理方"),
    "deposits": _("交存"),
    "interest": _("利息"),
    "project": _("项目"),
    "date": _("日期"),
    "approval": _("业主表决情况"),
    "account_bank": _("专户银行"),
    "charge_item": _("收费项目"),
    "old_standard": _("原标准"),
    "new_standard": _("新标准"),
    "effective_on": _("生效日期"),
    "reason": _("理由"),
    "major_matter": _("重大事项"),
}


def flatten(value, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for key in value:
            label = str(LABELS.get(key, key))
            out.update(flatten(value[key], f"{prefix} · {label}" if prefix else label))
    elif isinstance(value, list):
        for i, element in enumerate(value, 1):
            row = _("第%(n)s行") % {"n": i}
            out.update(flatten(element, f"{prefix} {row}" if prefix else row))
    else:
        out[prefix] = "" if value is None else str(value)
    return out


def changes(old: dict | None, new: dict | None) -> list[dict]:
    """[{"field", "old", "new"}] for every leaf that differs between two contents."""
    a, b = flatten(old or {}), flatten(new or {})
    rows = []
    for key in list(a) + [k for k in b if k not in a]:
        if a.get(key) != b.get(key):
            rows.append({"field": key, "old": a.get(key, ""), "new": b.get(key, "")})
    return rows
