"""PN-3 pages and API: inbox with acknowledge buttons, compose, detail; outsiders see nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from sanfang.bulletins import services
from sanfang.bulletins.models import Bulletin, Urgency
from sanfang.core.testing import XSS

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 6, 10, 9, 0, tzinfo=SH)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _send(world, **kw):
    return services.send_bulletin(
        actor=world.company_head,
        community=world.community_a,
        sender_org=world.company_x,
        recipient_orgs=[world.party_org_a, world.rc_a, world.oc_a1],
        title=f"停水通知{XSS}",
        body="明日 9:00-12:00 二次供水水箱清洗。",
        urgency=kw.pop("urgency", Urgency.URGENT),
        **kw,
    )


def test_pn3_inbox_lists_bulletins_with_an_acknowledge_button(world, login, django_assert_max_num_queries):
    for _ in range(5):
        _send(world)
    client = login(world.oc_member)
    with django_assert_max_num_queries(20):
        response = client.get("/bulletins/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("停水通知") == 5
    assert XSS not in body
    assert "/ack/" in body


def test_pn3_acknowledge_button_signs_for_my_party(world, login):
    b = _send(world)
    client = login(world.oc_member)
    response = client.post(f"/bulletins/{b.pk}/ack/", {"note": "收到", "next": "inbox"})
    assert response.status_code == 302
    row = b.recipients.get(organisation=world.oc_a1)
    assert row.acknowledged_by == world.oc_member and row.note == "收到"


def test_pn3_outbox_shows_what_my_party_sent(world, login):
    _send(world)
    response = login(world.company_staff).get("/bulletins/?box=out")
    assert "停水通知" in response.content.decode()


def test_pn3_compose_form_sends_an_urgent_bulletin(world, login):
    client = login(world.rc_member)
    page = client.get(f"/bulletins/new/?community={world.community_a.code}")
    assert page.status_code == 200
    response = client.post(
        "/bulletins/new/",
        {
            "community": world.community_a.code,
            "sender_org": world.rc_a.pk,
            "recipients": [world.oc_a1.pk, world.company_x.pk],
            "urgency": "urgent",
            "topic": "problems",
            "title": "多名居民反映地下车库积水",
            "body": "请物业今日排查排水泵。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    b = Bulletin.objects.get()
    assert b.ack_due_at == T0 + dt.timedelta(hours=2)
    assert b.recipients.count() == 2


def test_pn3_compose_with_no_recipient_shows_a_chinese_error(world, login):
    client = login(world.rc_member)
    response = client.post(
        "/bulletins/new/",
        {
            "community": world.community_a.code,
            "sender_org": world.rc_a.pk,
            "urgency": "normal",
            "topic": "problems",
            "title": "标题",
            "body": "内容",
        },
    )
    assert response.status_code == 200
    assert not Bulletin.objects.exists()


def test_pn3_resident_cannot_compose_and_outsider_gets_404(world, login):
    b = _send(world)
    assert login(world.resident).get("/bulletins/new/").status_code == 403
    assert login(world.other_street_official).get(f"/bulletins/{b.pk}/").status_code == 404
    assert login(world.other_company_head).post(f"/bulletins/{b.pk}/ack/").status_code == 404


def test_pn3_detail_shows_acknowledgements_and_lateness(world, login, frozen):
    b = _send(world)
    frozen.shift(dt.timedelta(hours=3))
    services.acknowledge(actor=world.rc_member, bulletin=b)
    body = login(world.party_secretary).get(f"/bulletins/{b.pk}/").content.decode()
    assert "超时签收" in body and "逾期未签收" in body
    assert XSS not in body


def test_pn3_anonymous_visitor_is_sent_to_login(world, client):
    assert client.get("/bulletins/").status_code == 302


def test_pn3_api_lists_sends_and_acknowledges(world, login, django_assert_max_num_queries):
    _send(world)
    client = login(world.rc_member)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/bulletins/")
    assert response.status_code == 200 and len(response.json()) == 1
    created = client.post(
        "/api/v1/bulletins/",
        {
            "community_code": world.community_a.code,
            "sender_org_id": world.rc_a.pk,
            "recipient_org_ids": [world.oc_a1.pk],
            "title": "楼道堆物清理进展",
            "body": "已清理 3 个单元。",
            "urgency": "important",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    bid = created.json()["id"]
    acked = login(world.oc_member).post(
        f"/api/v1/bulletins/{bid}/ack", {"note": "ok"}, content_type="application/json"
    )
    assert acked.status_code == 200
    assert acked.json()["recipients"][0]["acknowledged_by"] == world.oc_member.name


def test_pn3_api_refuses_outsiders_and_bad_input(world, login):
    b = _send(world)
    assert login(world.other_street_official).get(f"/api/v1/bulletins/{b.pk}").status_code == 404
    bad = login(world.rc_member).post(
        "/api/v1/bulletins/",
        {
            "community_code": world.community_a.code,
            "sender_org_id": world.rc_a.pk,
            "recipient_org_ids": [],
            "title": "x",
            "body": "y",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "通报对象" in bad.json()["detail"]
    wrong = login(world.resident).post(f"/api/v1/bulletins/{b.pk}/ack", {}, content_type="application/json")
    assert wrong.status_code == 404


def test_pn3_street_overview_shows_late_and_missing_acknowledgements(
    world, login, frozen, django_assert_max_num_queries
):
    b = _send(world)
    frozen.shift(dt.timedelta(hours=3))
    services.acknowledge(actor=world.rc_member, bulletin=b)
    client = login(world.street_official)
    with django_assert_max_num_queries(12):
        response = client.get("/bulletins/overview/")
    body = response.content.decode()
    assert '<span class="tag warn">1</span>' in body  # RC signed late
    assert '<span class="tag overdue">2</span>' in body  # party org and OC never signed
    assert "港湾社区" not in body
    assert login(world.company_head).get("/bulletins/overview/").status_code == 403


def test_pn3_api_inbox_and_outbox(world, login):
    _send(world)
    assert len(login(world.oc_member).get("/api/v1/bulletins/?box=in").json()) == 1
    assert login(world.oc_member).get("/api/v1/bulletins/?box=out").json() == []
    assert len(login(world.company_staff).get("/api/v1/bulletins/?box=out").json()) == 1


def test_pn3_street_official_lands_on_all_bulletins_of_the_area(world, login):
    _send(world)
    body = login(world.street_official).get("/bulletins/").content.decode()
    assert "停水通知" in body


def test_pn3_acknowledging_from_the_inbox_with_htmx_swaps_only_the_card(world, login):
    b = _send(world)
    client = login(world.oc_member)
    response = client.post(f"/bulletins/{b.pk}/ack/", {"next": "inbox"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<li class="card" id="bulletin-{b.pk}">')
    assert "已签收 1/3" in body and "名义签收" not in body
    again = client.post(f"/bulletins/{b.pk}/ack/", {"next": "inbox"}, HTTP_HX_REQUEST="true")
    assert "已经签收过" in again.content.decode()
