"""Staff forms for board items. Lists are typed one row per line, columns separated by "|" (or "｜").

Forms only shape input; `content.clean` (called by the services) is where the rules live.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import content as c
from .models import ItemKind

ROWS = {"rows": 5}


def _lines(label, help_text, **kw):
    return forms.CharField(
        label=label, help_text=help_text, widget=forms.Textarea(attrs=ROWS), required=kw.pop("required", True)
    )


class _ItemForm(forms.Form):
    kind: str = ""

    version = forms.IntegerField(widget=forms.HiddenInput, label="")
    note = forms.CharField(
        label=_("变更说明"),
        required=False,
        max_length=500,
        help_text=_("首次公示可不填；修改已公示内容时必须填写，公众可在历史记录中看到。"),
    )

    def __init__(self, *args, item=None, regime: str = "", **kwargs):
        self.item, self.regime = item, regime
        super().__init__(*args, **kwargs)
        # The change note and version go last, after the content fields.
        self.order_fields([f for f in self.fields if f not in ("note", "version")] + ["note", "version"])

    def raw(self) -> dict:
        raise NotImplementedError

    @classmethod
    def initial_from(cls, content: dict, regime: str = "") -> dict:
        return dict(content or {})


class CommitmentForm(_ItemForm):
    kind = ItemKind.COMMITMENT
    COLS = ["text", "status", "note"]
    entries = _lines(
        _("承诺事项"),
        _("每行一项：承诺内容 | 兑现情况（未开始/推进中/已兑现/未兑现）| 进展说明"),
    )

    def raw(self):
        return {"entries": c.parse_lines(self.cleaned_data["entries"], self.COLS)}

    @classmethod
    def initial_from(cls, content, regime=""):
        return {
            "entries": c.render_lines(content.get("entries", []), cls.COLS, {"status": c.COMMITMENT_STATUS})
        }


class PriceDisplayForm(_ItemForm):
    kind = ItemKind.PRICE_DISPLAY
    COLS = ["name", "standard", "price_form", "base_price", "float_range", "basis"]
    charged_party = forms.CharField(
        label=_("收费对象"), max_length=200, help_text=_("如：本小区全体业主及物业使用人")
    )
    service_content = forms.CharField(label=_("服务内容"), widget=forms.Textarea(attrs=ROWS))
    service_standard = forms.CharField(label=_("服务标准"), widget=forms.Textarea(attrs=ROWS))
    charging_method = forms.CharField(
        label=_("计费方式"), max_length=300, help_text=_("如：按建筑面积按月计收")
    )
    start_date = forms.DateField(label=_("收费起始时间"), widget=forms.DateInput(attrs={"type": "date"}))
    items = _lines(
        _("收费项目及标准"),
        _("每行一项：项目 | 收费标准 | 价格管理形式（政府指导价/市场调节价）| 基准价 | 浮动幅度 | 依据"),
    )
    basis = forms.CharField(label=_("收费依据"), widget=forms.Textarea(attrs={"rows": 3}))
    company_phone = forms.CharField(label=_("企业投诉电话"), max_length=40, required=False)

    def raw(self):
        d = self.cleaned_data
        return {
            "charged_party": d["charged_party"],
            "service_content": d["service_content"],
            "service_standard": d["service_standard"],
            "charging_method": d["charging_method"],
            "start_date": d["start_date"],
            "items": c.parse_lines(d["items"], self.COLS),
            "basis": d["basis"],
            "company_phone": d["company_phone"],
        }

    @classmethod
    def initial_from(cls, content, regime=""):
        out = dict(content or {})
        out["items"] = c.render_lines(content.get("items", []), cls.COLS, {"price_form": c.PRICE_FORMS})
        return out


class IncomeStatementForm(_ItemForm):
    kind = ItemKind.INCOME_STATEMENT
    INCOME_COLS = ["name", "budget", "actual"]
    COST_COLS = ["label", "budget", "actual"]
    incomes = _lines(_("收入"), _("每行一项：收入项目 | 预算 | 决算（元）。如：物业费 | 1200000 | 1150000"))
    costs = _lines(
        _("支出"),
        _("包干制：每行一项：支出项目 | 预算 | 决算（元）。酬金制请按下方法定成本类别逐项填写。"),
        required=False,
    )
    commission_basis = forms.CharField(
        label=_("酬金计提方式"), required=False, help_text=_("如：按预收物业费的 10% 提取")
    )
    commission_budget = forms.CharField(label=_("酬金预算（元）"), required=False)
    commission_actual = forms.CharField(label=_("酬金决算（元）"), required=False)
    summary = forms.CharField(label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.regime == "commission":
            for code, label in c.COST_CATEGORIES:
                self.fields[f"cost_{code}_budget"] = forms.CharField(
                    label=f"{label}·{_('预算')}", required=False
                )
                self.fields[f"cost_{code}_actual"] = forms.CharField(
                    label=f"{label}·{_('决算')}", required=False
                )
            del self.fields["costs"]
            self.order_fields([f for f in self.fields if f not in ("note", "version")] + ["note", "version"])
        else:
            for name in ("commission_basis", "commission_budget", "commission_actual"):
                del self.fields[name]

    def raw(self):
        d = self.cleaned_data
        out = {"incomes": c.parse_lines(d["incomes"], self.INCOME_COLS), "summary": d["summary"]}
        if self.regime == "commission":
            out["costs"] = [
                {
                    "category": code,
                    "budget": d.get(f"cost_{code}_budget"),
                    "actual": d.get(f"cost_{code}_actual"),
                }
                for code, _label in c.COST_CATEGORIES
            ]
            out.update({k: d[k] for k in ("commission_basis", "commission_budget", "commission_actual")})
        else:
            out["costs"] = c.parse_lines(d["costs"], self.COST_COLS)
        return out

    @classmethod
    def initial_from(cls, content, regime=""):
        content = content or {}
        out = {
            "incomes": c.render_lines(content.get("incomes", []), cls.INCOME_COLS),
            "costs": c.render_lines(content.get("costs", []), cls.COST_COLS),
            "summary": content.get("summary", ""),
        }
        for row in content.get("costs", []):
            out[f"cost_{row.get('category')}_budget"] = row.get("budget", "")
            out[f"cost_{row.get('category')}_actual"] = row.get("actual", "")
        commission = content.get("commission") or {}
        out.update(
            commission_basis=commission.get("basis", ""),
            commission_budget=commission.get("budget", ""),
            commission_actual=commission.get("actual", ""),
        )
        return out


class CommonIncomeForm(_ItemForm):
    kind = ItemKind.COMMON_INCOME
    INCOME_COLS = ["source", "detail", "amount"]
    USE_COLS = ["purpose", "amount"]
    opening_balance = forms.CharField(label=_("期初结余（元）"), initial="0")
    incomes = _lines(_("收益明细"), _("每行一项：来源（广告/停车/场地租赁/其他）| 说明 | 金额（元）"))
    uses = _lines(_("收益使用"), _("每行一项：用途 | 金额（元）"), required=False)
    custodian = forms.CharField(label=_("收益管理方"), required=False, max_length=120)
    remark = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def raw(self):
        d = self.cleaned_data
        return {
            "opening_balance": d["opening_balance"],
            "incomes": c.parse_lines(d["incomes"], self.INCOME_COLS),
            "uses": c.parse_lines(d["uses"], self.USE_COLS),
            "custodian": d["custodian"],
            "note": d["remark"],
        }

    @classmethod
    def initial_from(cls, content, regime=""):
        content = content or {}
        return {
            "opening_balance": content.get("opening_balance", "0"),
            "incomes": c.render_lines(
                content.get("incomes", []), cls.INCOME_COLS, {"source": c.COMMON_INCOME_SOURCES}
            ),
            "uses": c.render_lines(content.get("uses", []), cls.USE_COLS),
            "custodian": content.get("custodian", ""),
            "remark": content.get("note", ""),
        }


class MaintenanceFundForm(_ItemForm):
    kind = ItemKind.MAINTENANCE_FUND
    USE_COLS = ["date", "project", "amount", "approval"]
    opening_balance = forms.CharField(label=_("期初余额（元）"))
    deposits = forms.CharField(label=_("本期交存（元）"), initial="0")
    interest = forms.CharField(label=_("本期利息（元）"), initial="0")
    uses = _lines(
        _("本期使用"), _("每行一笔：日期（2026-05-20）| 维修项目 | 金额（元）| 业主表决情况"), required=False
    )
    account_bank = forms.CharField(label=_("专户银行"), required=False, max_length=120)
    remark = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def raw(self):
        d = self.cleaned_data
        return {
            "opening_balance": d["opening_balance"],
            "deposits": d["deposits"],
            "interest": d["interest"],
            "uses": c.parse_lines(d["uses"], self.USE_COLS),
            "account_bank": d["account_bank"],
            "note": d["remark"],
        }

    @classmethod
    def initial_from(cls, content, regime=""):
        content = content or {}
        out = {k: content.get(k, "") for k in ("opening_balance", "deposits", "interest", "account_bank")}
        out["uses"] = c.render_lines(content.get("uses", []), cls.USE_COLS)
        out["remark"] = content.get("note", "")
        return out


class ChargeChangeForm(forms.Form):
    charge_item = forms.CharField(
        label=_("调整的收费项目"), max_length=100, help_text=_("如：物业服务费（住宅）")
    )
    old_standard = forms.CharField(label=_("原收费标准"), max_length=200)
    new_standard = forms.CharField(label=_("新收费标准"), max_length=200)
    effective_on = forms.DateField(
        label=_("生效日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("须在公示之日起至少一个月后生效。"),
    )
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(
        label=_("调整依据"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("业主大会决定、价格主管部门文件等"),
    )


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, label="")
    reason = forms.CharField(
        label=_("撤回理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("理由将公开显示。"),
    )


FORMS = {
    ItemKind.COMMITMENT: CommitmentForm,
    ItemKind.PRICE_DISPLAY: PriceDisplayForm,
    ItemKind.INCOME_STATEMENT: IncomeStatementForm,
    ItemKind.COMMON_INCOME: CommonIncomeForm,
    ItemKind.MAINTENANCE_FUND: MaintenanceFundForm,
}
