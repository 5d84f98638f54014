"""PN-1/PN-2: publishing keeps every version; who may publish; the fee rules (price display, 酬金制, charge change)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.models import AuditEvent
from sanfang.core.testing import make_contract
from sanfang.directory.models import FeeRegime, ServiceContract
from sanfang.publicity import content, services
from sanfang.publicity.models import BoardItem, ItemKind, ItemStatus, ItemVersion, Party

from .conftest import SAMPLES, item_of


def publish(actor, item, kind=None, note="", **override):
    data = dict(SAMPLES[kind or item.kind]) | override
    item.refresh_from_db()
    return services.publish_item(actor=actor, item=item, content=data, version=item.version, note=note)


def test_pn2_publishing_creates_a_version_with_published_and_changed_times(scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    v1 = publish(w.company_head, item)
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.version == 1 and item.current == v1
    assert item.first_published_at == item.changed_at == v1.published_at
    assert v1.content["hotline"] == "12358"
    assert v1.content["company_name"] == w.company_x.name
    assert AuditEvent.objects.for_target(item).filter(verb="publicity.publish").exists()


def test_pn2_updating_a_published_item_keeps_the_old_version_readable(scheduled, frozen):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    publish(w.company_head, item)
    frozen.shift(dt.timedelta(days=3))
    publish(w.company_head, item, note="停车费调整为 120 元", charging_method="按套内面积按月计收")
    versions = list(ItemVersion.objects.filter(item=item).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["charging_method"] == "按建筑面积按月计收"
    assert versions[1].content["charging_method"] == "按套内面积按月计收"
    item.refresh_from_db()
    assert item.changed_at > item.first_published_at


def test_pn2_changing_a_published_item_requires_a_public_change_note(scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    publish(w.company_head, item)
    with pytest.raises(RuleViolation, match="变更说明"):
        publish(w.company_head, item)
    assert ItemVersion.objects.filter(item=item).count() == 1


def test_publishing_from_a_stale_form_is_a_conflict(scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    publish(w.company_head, item)
    with pytest.raises(Conflict):
        services.publish_item(
            actor=w.company_head, item=item, content=SAMPLES[ItemKind.PRICE_DISPLAY], version=0, note="x"
        )


def test_versions_cannot_be_edited_or_deleted_through_the_orm(scheduled):
    w = scheduled
    version = publish(w.company_head, item_of(w.compound_a1, ItemKind.PRICE_DISPLAY))
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        version.delete()
    with pytest.raises(TypeError):
        ItemVersion.objects.filter(pk=version.pk).update(title="x")
    with pytest.raises(TypeError):
        ItemVersion.objects.filter(pk=version.pk).delete()


def test_pn2_withdrawal_is_a_published_reasoned_version(scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.COMMON_INCOME, period_key="2026Q3")
    publish(w.oc_member, item)
    item.refresh_from_db()
    with pytest.raises(RuleViolation, match="理由"):
        services.withdraw_item(actor=w.oc_member, item=item, reason=" ", version=item.version)
    v2 = services.withdraw_item(
        actor=w.oc_member, item=item, reason="金额录入有误，将重新公示", version=item.version
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN and v2.withdrawn and v2.note.startswith("金额录入有误")
    assert ItemVersion.objects.get(item=item, number=1).content["income_total"] == "42000.00"


def test_a_company_publishes_only_for_compounds_it_serves(scheduled):
    w = scheduled
    with pytest.raises(PermissionDenied):
        publish(w.other_company_head, item_of(w.compound_a1, ItemKind.PRICE_DISPLAY))
    publish(w.other_company_head, item_of(w.compound_a2, ItemKind.PRICE_DISPLAY))


def test_a_company_whose_contract_ended_can_no_longer_publish(scheduled):
    w = scheduled
    ServiceContract.objects.filter(company=w.company_x).update(end=dt.date(2026, 10, 31))
    with pytest.raises(PermissionDenied):
        publish(w.company_head, item_of(w.compound_a1, ItemKind.PRICE_DISPLAY))


@pytest.mark.parametrize("persona", ["resident", "oc_member", "street_official", "rc_member", "grid_worker"])
def test_only_the_responsible_party_publishes_the_company_price_display(scheduled, persona):
    w = scheduled
    with pytest.raises(PermissionDenied):
        publish(getattr(w, persona), item_of(w.compound_a1, ItemKind.PRICE_DISPLAY))


def test_each_party_publishes_its_own_commitments(scheduled):
    w = scheduled
    rc_item = item_of(w.compound_a1, ItemKind.COMMITMENT, Party.RESIDENTS_COMMITTEE)
    oc_item = item_of(w.compound_a1, ItemKind.COMMITMENT, Party.OWNERS_COMMITTEE)
    publish(w.epmc_lead, rc_item)
    publish(w.oc_member, oc_item)
    with pytest.raises(PermissionDenied):
        publish(w.company_head, oc_item, note="x")


def test_pn1_a_government_guided_price_must_show_base_price_and_range(scheduled):
    w = scheduled
    items = [{"name": "物业服务费", "standard": "1.2 元", "price_form": "government_guided"}]
    with pytest.raises(RuleViolation, match="基准价和浮动幅度"):
        publish(w.company_head, item_of(w.compound_a1, ItemKind.PRICE_DISPLAY), items=items)


def test_pn1_the_price_display_takes_the_fee_regime_from_the_contract(scheduled):
    w = scheduled
    ServiceContract.objects.filter(company=w.company_x).update(fee_regime=FeeRegime.COMMISSION)
    v = publish(w.company_head, item_of(w.compound_a1, ItemKind.PRICE_DISPLAY), fee_regime="lump_sum")
    assert v.content["fee_regime"] == "commission"


def test_pn1_a_commission_statement_needs_budget_and_final_account_per_cost_category(scheduled):
    w = scheduled
    ServiceContract.objects.filter(company=w.company_x).update(fee_regime=FeeRegime.COMMISSION)
    item = item_of(w.compound_a1, ItemKind.INCOME_STATEMENT)
    with pytest.raises(RuleViolation, match="预算"):
        publish(w.company_head, item)
    costs = [
        {"category": code, "budget": "1000", "actual": "900"} for code, _label in content.COST_CATEGORIES
    ]
    v = publish(
        w.company_head,
        item,
        costs=costs,
        commission_basis="按物业费收入的 10%",
        commission_budget="120000",
        commission_actual="115000",
    )
    assert [c["category"] for c in v.content["costs"]] == [code for code, _ in content.COST_CATEGORIES]
    assert v.content["cost_actual"] == "8100.00"
    assert v.content["balance_actual"] == "1026900.00"


def test_bad_money_is_refused_with_a_clear_message_and_nothing_changes(scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.COMMON_INCOME, period_key="2026Q3")
    with pytest.raises(RuleViolation, match="金额"):
        publish(w.oc_member, item, incomes=[{"source": "parking", "amount": "很多"}])
    item.refresh_from_db()
    assert item.version == 0 and not ItemVersion.objects.filter(item=item).exists()


CHANGE = {
    "charge_item": "住宅物业服务费",
    "old_standard": "1.20 元/平方米·月",
    "new_standard": "1.35 元/平方米·月",
    "reason": "人工成本上涨",
    "basis": "2026 年第二次业主大会决定",
}


def test_pn1_a_charge_change_is_refused_less_than_a_month_before_it_takes_effect(scheduled, fee_gate):
    w = scheduled
    fee_gate["gate"] = {
        "id": 7,
        "kind": "fee_change",
        "title": "物业费调整",
        "status": "已介入",
        "gate_open": True,
    }
    with pytest.raises(RuleViolation, match="至少提前一个月"):
        services.publish_charge_change(
            actor=w.company_head, compound=w.compound_a1, content=CHANGE | {"effective_on": "2026-12-23"}
        )
    assert not BoardItem.objects.filter(kind=ItemKind.CHARGE_CHANGE).exists()
    item = services.publish_charge_change(
        actor=w.company_head, compound=w.compound_a1, content=CHANGE | {"effective_on": "2026-12-24"}
    )
    assert item.status == ItemStatus.PUBLISHED and item.effective_on == dt.date(2026, 12, 24)
    assert item.current.content["major_matter"]["id"] == 7


def test_cs7_a_charge_change_waits_for_its_major_matter_gate(scheduled, fee_gate):
    w = scheduled
    data = CHANGE | {"effective_on": "2027-01-01"}
    with pytest.raises(RuleViolation, match="CS-7"):
        services.publish_charge_change(actor=w.company_head, compound=w.compound_a1, content=data)
    fee_gate["gate"] = {
        "id": 3,
        "kind": "fee_change",
        "title": "物业费调整",
        "status": "待介入",
        "gate_open": False,
    }
    with pytest.raises(RuleViolation, match="CS-7"):
        services.publish_charge_change(actor=w.company_head, compound=w.compound_a1, content=data)


def test_only_the_serving_company_publishes_a_charge_change(scheduled, fee_gate):
    w = scheduled
    fee_gate["gate"] = {"id": 1, "title": "物业费调整", "status": "已介入", "gate_open": True}
    for persona in (w.other_company_head, w.oc_member, w.resident):
        with pytest.raises(PermissionDenied):
            services.publish_charge_change(
                actor=persona, compound=w.compound_a1, content=CHANGE | {"effective_on": "2027-01-01"}
            )


def test_a_new_contract_gets_its_own_price_display(scheduled):
    w = scheduled
    ServiceContract.objects.filter(company=w.company_x).update(end=dt.date(2026, 10, 31))
    make_contract(w.company_y, w.compound_a1, start=dt.date(2026, 11, 1))
    services.ensure_schedule(compounds=[w.compound_a1])
    orgs = set(
        BoardItem.objects.filter(compound=w.compound_a1, kind=ItemKind.PRICE_DISPLAY).values_list(
            "organisation", flat=True
        )
    )
    assert orgs == {w.company_x.pk, w.company_y.pk}


def test_a_lump_sum_statement_keeps_every_expenditure_line(scheduled):
    w = scheduled
    costs = [
        {"label": "人员费用", "budget": "600000", "actual": "610000"},
        {"label": "清洁绿化", "budget": "100000", "actual": "90000"},
    ]
    v = publish(w.company_head, item_of(w.compound_a1, ItemKind.INCOME_STATEMENT), costs=costs)
    assert [c["label"] for c in v.content["costs"]] == ["人员费用", "清洁绿化"]
    assert v.content["cost_actual"] == "700000.00"
