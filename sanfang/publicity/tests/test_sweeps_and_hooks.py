"""Sweeps (overdue flags, reminders), to-dos, and the extension points this app provides."""

import datetime as dt

from sanfang.core import extensions
from sanfang.core.models import AuditEvent, Message
from sanfang.core.testing import appraisal_subjects, batch_matches_each
from sanfang.publicity import hooks, services, sweeps
from sanfang.publicity.models import BoardItem, ItemKind, Party

from .conftest import SAMPLES, TODAY, item_of

# The providers are called directly: a sibling app's providers are not this app's tests' business.


def test_pn1_the_overdue_sweep_flags_each_overdue_item_once_and_tells_the_responsible_party(scheduled):
    w = scheduled
    first = sweeps.overdue(TODAY)
    assert first == BoardItem.objects.overdue().count() > 0
    assert sweeps.overdue(TODAY) == 0  # idempotent
    income = item_of(w.compound_a1, ItemKind.INCOME_STATEMENT)
    [message] = Message.objects.filter(
        recipient=w.company_head, key__startswith=f"publicity:org:{w.company_x.pk}:"
    )
    assert income.title in message.body and message.urgent
    assert w.compound_a2.name not in message.body  # company Y's items go to company Y
    assert Message.objects.filter(
        recipient=w.other_company_head, key__startswith=f"publicity:org:{w.company_y.pk}:"
    )
    assert AuditEvent.objects.for_target(income).filter(verb="publicity.overdue").exists()


def test_the_reminder_sweep_reminds_once_before_the_due_date(scheduled, frozen):
    w = scheduled
    frozen.move_to(dt.datetime(2027, 1, 5, 9, 0, tzinfo=TODAY.tzinfo))
    services.ensure_schedule(compounds=[w.compound_a1])
    q4 = item_of(w.compound_a1, ItemKind.COMMON_INCOME, period_key="2026Q4")
    assert q4.due_on == dt.date(2027, 1, 15)
    now = dt.datetime(2027, 1, 10, 9, 0, tzinfo=TODAY.tzinfo)
    assert sweeps.remind(now) >= 1
    assert Message.objects.filter(recipient=w.oc_member, key=f"publicity:item:{q4.pk}:remind").count() == 1
    assert sweeps.remind(now) == 0


def test_the_schedule_sweep_creates_obligations_for_every_compound(world, frozen):
    assert sweeps.schedule(TODAY) > 0
    assert sweeps.schedule(TODAY) == 0


def test_the_company_sees_its_due_disclosures_as_todos(scheduled):
    w = scheduled
    mine = hooks.due_disclosures(w.company_head)
    assert mine and any(t.overdue for t in mine)
    assert all(w.compound_a1.name in t.title for t in mine)
    assert hooks.due_disclosures(w.other_resident) == []


def test_board_disclosures_extension_point_reports_status(scheduled):
    w = scheduled
    assert hooks.board_disclosures in extensions._PROVIDERS["board.disclosures"]
    rows = hooks.board_disclosures(w.compound_a1)
    kinds = {r["kind"] for r in rows}
    assert {"price_display", "income_statement", "common_income", "maintenance_fund"} <= kinds
    assert all({"kind_label", "period", "due_on", "published_at", "overdue", "url"} <= set(r) for r in rows)
    assert any(r["overdue"] for r in rows)


def test_ev4_indicators_count_disclosures_on_time_and_commitments_kept(scheduled):
    w = scheduled
    price = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    services.publish_item(
        actor=w.company_head, item=price, content=SAMPLES[ItemKind.PRICE_DISPLAY], version=0
    )
    commitment = item_of(w.compound_a1, ItemKind.COMMITMENT, Party.PROPERTY_COMPANY)
    services.publish_item(
        actor=w.company_head, item=commitment, content=SAMPLES[ItemKind.COMMITMENT], version=0
    )
    assert hooks.publicity_indicators in extensions._PROVIDERS["indicators"]
    indicators = {i.code: i for i in hooks.publicity_indicators(w.company_x, w.community_a, 2026)}
    on_time = indicators["publicity.disclosures_on_time"]
    assert (on_time.numerator, on_time.denominator) == (
        0,
        1,
    )  # the 2025 account, due 2026-03-31, never published
    kept = indicators["publicity.commitments_kept"]
    assert (kept.numerator, kept.denominator) == (1, 2)
    # Closing a round asks for every subject at once (issue 9): the same values.
    batch_matches_each(hooks.publicity_indicators, appraisal_subjects(w), w.community_a, 2026)


def test_pn1_when_a_charge_change_takes_effect_the_company_is_told_to_update_its_price_display(
    scheduled, fee_gate, frozen
):
    w = scheduled
    fee_gate["gate"] = {"id": 1, "title": "物业费调整", "status": "已介入", "gate_open": True}
    change = {
        "charge_item": "住宅物业服务费",
        "old_standard": "1.20",
        "new_standard": "1.35",
        "effective_on": "2027-01-01",
        "reason": "成本上涨",
        "basis": "业主大会决定",
    }
    item = services.publish_charge_change(actor=w.company_head, compound=w.compound_a1, content=change)
    assert sweeps.charge_effective(TODAY) == 0  # not yet in effect
    effective = dt.datetime(2027, 1, 2, 9, 0, tzinfo=TODAY.tzinfo)
    assert sweeps.charge_effective(effective) == 1
    key = f"publicity:item:{item.pk}:effective"
    assert Message.objects.filter(recipient=w.company_head, key=key).count() == 1
    sweeps.charge_effective(effective)
    assert Message.objects.filter(recipient=w.company_head, key=key).count() == 1


def test_the_office_and_the_street_see_how_many_compounds_are_overdue(scheduled):
    w = scheduled
    for person in (w.epmc_lead, w.street_official):
        [todo] = hooks.overdue_in_scope(person)
        assert todo.title.startswith("2 个小区") and todo.url.endswith("?overdue=1")
    assert hooks.overdue_in_scope(w.other_street_official) == []
    assert hooks.overdue_in_scope(w.company_head) == []
