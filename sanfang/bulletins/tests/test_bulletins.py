"""PN-3: inter-party bulletins, acknowledgement within a set time, escalation to the party org then the street."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sanfang.bulletins import hooks, services
from sanfang.bulletins.models import Bulletin, Urgency
from sanfang.core.errors import RuleViolation
from sanfang.core.models import Message
from sanfang.core.testing import XSS, appraisal_subjects, batch_matches_each

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 6, 10, 9, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def send(world, urgency=Urgency.URGENT, actor=None, sender=None, recipients=None, **kw):
    return services.send_bulletin(
        actor=actor or world.company_head,
        community=world.community_a,
        sender_org=sender or world.company_x,
        recipient_orgs=recipients or [world.party_org_a, world.rc_a, world.oc_a1],
        title=kw.pop("title", f"2栋电梯停运{XSS}"),
        body=kw.pop("body", "2栋电梯主板故障，已联系维保单位，预计明日修复。"),
        urgency=urgency,
        **kw,
    )


def test_pn3_urgent_bulletin_needs_acknowledgement_within_two_hours_by_default(world, frozen):
    b = send(world)
    assert b.ack_due_at == T0 + dt.timedelta(hours=2)
    assert sorted(r.organisation_id for r in b.recipients.all()) == sorted(
        [world.party_org_a.pk, world.rc_a.pk, world.oc_a1.pk]
    )


def test_pn3_normal_bulletin_needs_no_acknowledgement(world, frozen):
    b = send(world, urgency=Urgency.NORMAL, ack_minutes=30)
    assert b.ack_due_at is None


def test_pn3_sender_can_set_its_own_acknowledgement_time(world, frozen):
    b = send(world, ack_minutes=45)
    assert b.ack_due_at == T0 + dt.timedelta(minutes=45)
    with pytest.raises(RuleViolation):
        send(world, ack_minutes=5)


def test_pn3_recipients_are_told_in_their_inbox(world, frozen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        b = send(world)
    assert Message.objects.filter(
        recipient=world.oc_member, key=f"bulletin:{b.pk}:sent", urgent=True
    ).exists()
    assert Message.objects.filter(recipient=world.rc_member).exists()
    assert not Message.objects.filter(recipient=world.company_head).exists()


def test_pn3_bulletin_can_also_go_to_the_street(world, frozen):
    b = send(world, include_street=True)
    assert b.recipients.filter(organisation=world.street_office_a).exists()


def test_pn3_recipient_must_be_a_party_of_the_community(world, frozen):
    with pytest.raises(RuleViolation):
        send(world, recipients=[world.department])


def test_pn3_resident_and_outsiders_cannot_send_bulletins(world, frozen):
    with pytest.raises(PermissionDenied):
        send(world, actor=world.resident)
    with pytest.raises(PermissionDenied):
        send(world, actor=world.other_street_official)
    # company Y serves A2 in the same community, but may not speak for company X
    with pytest.raises(PermissionDenied):
        send(world, actor=world.other_company_head)


def test_pn3_empty_title_is_refused_and_nothing_is_saved(world, frozen):
    with pytest.raises(RuleViolation):
        send(world, title="  ")
    assert not Bulletin.objects.exists()


def test_pn3_acknowledgement_records_who_and_when(world, frozen):
    b = send(world)
    frozen.shift(dt.timedelta(minutes=30))
    rows = services.acknowledge(actor=world.oc_member, bulletin=b, note="已知悉，业委会协助通知住户")
    assert len(rows) == 1
    row = b.recipients.get(organisation=world.oc_a1)
    assert row.acknowledged_by == world.oc_member
    assert row.acknowledged_at == T0 + dt.timedelta(minutes=30)
    assert not row.late
    with pytest.raises(RuleViolation):
        services.acknowledge(actor=world.oc_member, bulletin=b)


def test_pn3_acknowledging_after_the_deadline_is_marked_late(world, frozen):
    b = send(world)
    frozen.shift(dt.timedelta(hours=3))
    services.acknowledge(actor=world.rc_member, bulletin=b)
    assert b.recipients.get(organisation=world.rc_a).late


def test_pn3_only_a_recipient_party_can_acknowledge(world, frozen):
    b = send(world)
    for outsider in (world.resident, world.other_company_head, world.company_staff):
        with pytest.raises(PermissionDenied):
            services.acknowledge(actor=outsider, bulletin=b)


def test_pn3_unacknowledged_urgent_bulletin_escalates_to_party_org_then_street(world, frozen):
    b = send(world)
    services.acknowledge(actor=world.oc_member, bulletin=b)
    frozen.shift(dt.timedelta(hours=1))
    assert services.escalate_overdue(now=timezone.now()) == 0
    frozen.shift(dt.timedelta(hours=1, minutes=1))
    assert services.escalate_overdue(now=timezone.now()) == 1
    b.refresh_from_db()
    assert b.escalation_level == 1
    assert Message.objects.filter(recipient=world.party_secretary, key=f"bulletin:{b.pk}:escalate:1").exists()
    assert Message.objects.filter(recipient=world.rc_member, key=f"bulletin:{b.pk}:remind:1").exists()
    assert not Message.objects.filter(recipient=world.street_official).exists()
    # idempotent: running the sweep again changes nothing
    assert services.escalate_overdue(now=timezone.now()) == 0
    frozen.shift(dt.timedelta(hours=2))
    assert services.escalate_overdue(now=timezone.now()) == 1
    b.refresh_from_db()
    assert b.escalation_level == 2
    assert Message.objects.filter(recipient=world.street_official, key=f"bulletin:{b.pk}:escalate:2").exists()
    assert services.escalate_overdue(now=timezone.now()) == 0


def test_pn3_fully_acknowledged_bulletin_does_not_escalate(world, frozen):
    b = send(world, recipients=[world.oc_a1])
    services.acknowledge(actor=world.oc_member, bulletin=b)
    frozen.shift(dt.timedelta(hours=5))
    assert services.escalate_overdue(now=timezone.now()) == 0


def test_pn3_tick_sweep_is_registered(world):
    from sanfang.core.tick import registered

    assert "bulletins.escalate" in [e.name for e in registered()]


def test_pn3_pending_acknowledgement_is_a_todo(world, frozen):
    b = send(world)
    items = hooks.bulletins_to_acknowledge(world.rc_member)
    assert [i.url for i in items] == [f"/bulletins/{b.pk}/"]
    assert items[0].urgent
    services.acknowledge(actor=world.rc_member, bulletin=b)
    assert hooks.bulletins_to_acknowledge(world.rc_member) == []


def test_pn3_indicator_counts_urgent_bulletins_acknowledged_in_time(world, frozen):
    b1 = send(world)
    b2 = send(world)
    services.acknowledge(actor=world.oc_member, bulletin=b1)
    frozen.shift(dt.timedelta(hours=3))
    services.acknowledge(actor=world.oc_member, bulletin=b2)
    (ind,) = hooks.bulletin_indicators(world.oc_a1, world.community_a, 2026)
    assert (ind.code, ind.numerator, ind.denominator) == ("bulletins.urgent_ack_in_time", 1, 2)
    assert hooks.bulletin_indicators(world.oc_a1, world.community_a, 2025) == []
    # Closing a round asks for every subject at once (issue 9): the same values.
    for year in (2025, 2026):
        batch_matches_each(hooks.bulletin_indicators, appraisal_subjects(world), world.community_a, year)


def test_pn3_urgent_bulletin_goes_to_the_recipient_parties_group_robots_once(world, frozen):
    from sanfang.core.models import Delivery, WebhookEndpoint

    hook = WebhookEndpoint.objects.create(
        organisation=world.oc_a1, kind=WebhookEndpoint.Kind.WECOM, url="http://127.0.0.1:9/robot"
    )
    WebhookEndpoint.objects.create(
        organisation=world.company_y, kind=WebhookEndpoint.Kind.WECOM, url="http://127.0.0.1:9/other"
    )
    b = send(world)
    deliveries = Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK)
    assert [d.webhook_id for d in deliveries] == [hook.pk]
    assert "2栋电梯停运" in deliveries[0].subject
    # sending the same notice again (same key) does not duplicate it
    services._notify_recipients(b, [world.oc_a1])
    assert deliveries.count() == 1


def test_pn3_todos_page_lists_the_bulletin_to_acknowledge(world, frozen, login, monkeypatch):
    from sanfang.core import todos

    # only this app's provider: the page must not depend on sibling apps in this test
    monkeypatch.setattr(todos, "_PROVIDERS", [hooks.bulletins_to_acknowledge])
    b = send(world)
    body = login(world.oc_member).get("/todos/").content.decode()
    assert f"/bulletins/{b.pk}/" in body


def test_pn3_case_page_can_list_the_bulletins_linking_a_case(world, frozen, monkeypatch):
    from sanfang.bulletins import links

    monkeypatch.setattr(links, "case_exists", lambda ref: True)
    b = send(world, case_ref="CS2026-0001")
    send(world, case_ref="")
    rows = hooks.bulletins_for_case("CS2026-0001", user=world.rc_member)
    assert [(r["id"], r["acknowledged"], r["total"]) for r in rows] == [(b.pk, 0, 3)]
    assert hooks.bulletins_for_case("CS2026-0001", user=world.other_street_official) == []


def test_pn3_unknown_case_number_is_refused_when_cases_are_installed(world, frozen, monkeypatch):
    from sanfang.bulletins import links

    monkeypatch.setattr(links, "case_exists", lambda ref: False)
    with pytest.raises(RuleViolation):
        send(world, case_ref="NOPE")


def test_pn3_acknowledgement_window_and_street_delay_are_configurable(world, frozen, settings):
    settings.SANFANG = {
        **settings.SANFANG,
        "BULLETIN_ACK_MINUTES": {"urgent": 60, "important": 8 * 60},
        "BULLETIN_STREET_AFTER_MINUTES": 30,
    }
    b = send(world)
    assert b.ack_due_at == T0 + dt.timedelta(minutes=60)
    frozen.shift(dt.timedelta(minutes=61))
    assert services.escalate_overdue(now=timezone.now()) == 1
    frozen.shift(dt.timedelta(minutes=31))
    assert services.escalate_overdue(now=timezone.now()) == 1
    b.refresh_from_db()
    assert b.escalation_level == 2
