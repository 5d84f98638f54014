"""The API: public reads of the board and its history (PN-1/PN-2); staff writes through the same services."""

import json

import pytest

from sanfang.publicity.models import ItemKind, ItemVersion

from .conftest import SAMPLES, item_of

API = "/api/v1/publicity"


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def api_client(login):
    def _client(person):
        c = login(person)
        c.handler.enforce_csrf_checks = False
        return c

    return _client


def test_pn1_the_board_is_public_json(client, scheduled, no_cases):
    w = scheduled
    response = client.get(f"{API}/boards/{w.compound_a1.code}")
    assert response.status_code == 200
    data = response.json()
    assert data["price_hotline"] == "12358" and data["fee_regime"] == "lump_sum"
    assert data["overdue_count"] > 0
    assert {d["kind"] for d in data["disclosures"]} >= {"price_display", "income_statement", "common_income"}
    assert any(g["people"] for g in data["people"])
    assert w.resident.phone not in response.content.decode()


def test_unknown_board_is_404_in_the_one_error_shape(client, db):
    response = client.get(f"{API}/boards/NOPE")
    assert response.status_code == 404 and "detail" in response.json()


def test_pn2_publishing_through_the_api_keeps_versions_readable_publicly(
    client, api_client, scheduled, no_cases
):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    company = api_client(w.company_head)
    url = f"{API}/items/{item.pk}/publish"
    assert post(company, url, {"content": SAMPLES[ItemKind.PRICE_DISPLAY], "version": 0}).status_code == 200
    second = SAMPLES[ItemKind.PRICE_DISPLAY] | {"service_standard": "一级"}
    assert post(company, url, {"content": second, "version": 0, "note": "x"}).status_code == 409
    response = post(company, url, {"content": second, "version": 1})
    assert response.status_code == 400 and "变更说明" in response.json()["detail"]
    assert (
        post(company, url, {"content": second, "version": 1, "note": "提升服务标准"}).json()["version"] == 2
    )
    client.logout()
    versions = client.get(f"{API}/boards/{w.compound_a1.code}/items/{item.pk}/versions").json()
    assert [v["content"]["service_standard"] for v in versions] == ["二级服务标准", "一级"]
    assert versions[1]["prev_digest"] == versions[0]["digest"]
    verify = client.get(f"{API}/boards/{w.compound_a1.code}/verify").json()
    assert verify["ok"] and verify["length"] == 2


def test_the_api_refuses_outsiders_and_the_wrong_role(client, api_client, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    payload = {"content": SAMPLES[ItemKind.PRICE_DISPLAY], "version": 0}
    assert post(client, f"{API}/items/{item.pk}/publish", payload).status_code == 401
    assert (
        post(api_client(w.other_company_head), f"{API}/items/{item.pk}/publish", payload).status_code == 404
    )
    assert post(api_client(w.epmc_lead), f"{API}/items/{item.pk}/publish", payload).status_code == 403
    assert not ItemVersion.objects.exists()


def test_withdraw_through_the_api(api_client, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    company = api_client(w.company_head)
    post(
        company, f"{API}/items/{item.pk}/publish", {"content": SAMPLES[ItemKind.PRICE_DISPLAY], "version": 0}
    )
    data = post(company, f"{API}/items/{item.pk}/withdraw", {"reason": "合同终止", "version": 1}).json()
    assert data["status"] == "withdrawn" and data["withdrawn"] and data["content"] is None


def test_staff_item_list_is_scoped_and_bounded(api_client, scheduled, django_assert_max_num_queries):
    w = scheduled
    street = api_client(w.street_official)
    with django_assert_max_num_queries(8):
        data = street.get(f"{API}/items?overdue=true").json()
    codes = {d["compound_code"] for d in data}
    assert codes and codes <= {w.compound_a1.code, w.compound_a2.code}
    assert api_client(w.company_head).get(f"{API}/items").json()
    assert {d["compound_code"] for d in api_client(w.company_head).get(f"{API}/items").json()} == {
        w.compound_a1.code
    }
    assert api_client(w.resident).get(f"{API}/items").json() == []


def test_share_text_api(client, scheduled):
    w = scheduled
    data = client.get(f"{API}/boards/{w.compound_a1.code}/share").json()
    assert data["url"].endswith(f"/b/{w.compound_a1.code}") and data["url"] in data["text"]


def test_charge_change_api_refuses_short_notice(api_client, scheduled, fee_gate):
    w = scheduled
    fee_gate["gate"] = {"id": 1, "title": "物业费调整", "status": "已介入", "gate_open": True}
    change = {
        "charge_item": "物业服务费",
        "old_standard": "1.2",
        "new_standard": "1.35",
        "effective_on": "2026-12-10",
        "reason": "成本上涨",
        "basis": "业主大会决定",
    }
    url = f"{API}/boards/{w.compound_a1.code}/charge-changes"
    response = post(api_client(w.company_head), url, change)
    assert response.status_code == 400 and "一个月" in response.json()["detail"]
    assert post(api_client(w.company_head), url, change | {"effective_on": "2027-01-05"}).status_code == 200


def test_the_public_board_json_has_a_bounded_number_of_queries(
    client, scheduled, no_cases, django_assert_max_num_queries
):
    w = scheduled
    with django_assert_max_num_queries(12):
        assert client.get(f"{API}/boards/{w.compound_a1.code}").status_code == 200


def test_versions_of_another_compounds_item_are_not_found(client, scheduled):
    w = scheduled
    other = item_of(w.compound_a2, ItemKind.PRICE_DISPLAY)
    assert client.get(f"{API}/boards/{w.compound_a1.code}/items/{other.pk}/versions").status_code == 404
