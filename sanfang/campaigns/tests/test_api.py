"""The JSON API calls the same services: WN-1, WN-3, WN-4 through /api/v1/campaigns/."""

import pytest

from sanfang.campaigns import services
from sanfang.campaigns.models import SurveyStatus

API = "/api/v1/campaigns"


def test_wn3_county_opens_a_campaign_over_the_api_and_a_street_cannot(world, login):
    body = {
        "title": "专项整治",
        "survey_due": "2026-03-20",
        "investigation_due": "2026-04-10",
        "report_due": "2026-04-15",
    }
    response = login(world.county_official).post(f"{API}/campaigns", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["county_code"] == world.county.code
    response = login(world.street_official).post(f"{API}/campaigns", body, content_type="application/json")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_anonymous_api_caller_is_refused(client, campaign):
    assert client.get(f"{API}/campaigns").status_code == 401


def test_wn3_rc_fills_and_submits_over_the_api_with_version_check(world, login, campaign):
    client = login(world.rc_member)
    r = client.post(
        f"{API}/campaigns/{campaign.pk}/surveys",
        {"compound_code": world.compound_a1.code},
        content_type="application/json",
    )
    assert r.status_code == 201
    sid = r.json()["id"]
    patch = {
        "version": 1,
        "address": "城东路1号",
        "year_built": 2008,
        "households": 300,
        "fee_standard": "1.2元",
    }
    r = client.patch(f"{API}/surveys/{sid}", patch, content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.patch(f"{API}/surveys/{sid}", patch, content_type="application/json")
    assert r.status_code == 409 and "刷新" in r.json()["detail"]
    r = client.patch(
        f"{API}/surveys/{sid}", {"version": 2, "year_built": 1700}, content_type="application/json"
    )
    assert r.status_code == 400 and "建成年份" in r.json()["detail"]
    r = client.post(f"{API}/surveys/{sid}/submit", {}, content_type="application/json")
    assert r.json()["status"] == SurveyStatus.SUBMITTED


@pytest.mark.parametrize("persona", ["company_head", "other_street_official", "resident"])
def test_outsiders_get_404_for_a_survey(world, login, submitted, persona):
    r = login(getattr(world, persona)).get(f"{API}/surveys/{submitted.pk}")
    assert r.status_code == 404


def test_wn3_review_and_investigation_over_the_api(world, login, submitted):
    r = login(world.street_official).post(
        f"{API}/surveys/{submitted.pk}/review", {"approve": True}, content_type="application/json"
    )
    assert r.json()["status"] == SurveyStatus.STREET_APPROVED
    r = login(world.rc_member).post(
        f"{API}/surveys/{submitted.pk}/review", {"approve": True}, content_type="application/json"
    )
    assert r.status_code == 403
    client = login(world.rc_member)
    r = client.post(f"{API}/surveys/{submitted.pk}/investigation", {}, content_type="application/json")
    assert r.status_code == 201 and len(r.json()["checklist"]) == 4
    inv = r.json()["id"]
    r = client.post(
        f"{API}/investigations/{inv}/problems",
        {"description": "收支未公示", "owner_id": world.company_x.pk, "working_days": 10},
        content_type="application/json",
    )
    assert r.status_code == 201
    r = client.post(
        f"{API}/problems/{r.json()['id']}/rectify",
        {"rectification": "已公示"},
        content_type="application/json",
    )
    assert r.json()["problems"][0]["rectified"] is True


def test_wn3_survey_list_is_scoped_and_query_bounded(world, login, campaign, django_assert_max_num_queries):
    for compound in (world.compound_a1, world.compound_a2):
        services.start_survey(actor=world.rc_member, campaign=campaign, compound=compound)
    services.start_survey(actor=world.other_street_official, campaign=campaign, compound=world.compound_b1)
    client = login(world.street_official)
    with django_assert_max_num_queries(10):
        r = client.get(f"{API}/campaigns/{campaign.pk}/surveys")
    assert [s["compound_code"] for s in r.json()] == [world.compound_a1.code, world.compound_a2.code]
    assert len(login(world.county_official).get(f"{API}/campaigns/{campaign.pk}/surveys").json()) == 3


def test_wn4_report_and_rollup_over_the_api(world, login, campaign):
    client = login(world.street_official)
    r = client.get(f"{API}/campaigns/{campaign.pk}/reports/{world.street_a.code}")
    rid = r.json()["id"]
    fields = {
        "version": r.json()["version"],
        "basic_situation": "a",
        "measures": "b",
        "problems": "c",
        "suggestions": "d",
        "contact_name": "陈志强",
        "contact_phone": "0714-7312001",
    }
    assert client.patch(f"{API}/reports/{rid}", fields, content_type="application/json").status_code == 200
    r = client.post(f"{API}/reports/{rid}/submit", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["submitted_at"]
    assert (
        login(world.other_street_official)
        .get(f"{API}/campaigns/{campaign.pk}/reports/{world.street_a.code}")
        .status_code
        == 404
    )
    assert client.get(f"{API}/campaigns/{campaign.pk}/rollup").status_code == 403
    rows = login(world.county_official).get(f"{API}/campaigns/{campaign.pk}/rollup").json()
    assert [(row["street"], row["submitted"]) for row in rows] == [("兴国镇", True), ("富池镇", False)]


def test_wn1_epmc_activities_over_the_api(world, login, django_assert_max_num_queries):
    client = login(world.epmc_lead)
    url = f"{API}/epmc/{world.community_a.code}/activities"
    body = {
        "date": "2026-02-27",
        "kind": "meeting",
        "title": "例会",
        "content": "x",
        "participant_ids": [world.epmc_lead.pk],
    }
    assert client.post(url, body, content_type="application/json").status_code == 201
    bad = {**body, "participant_ids": [world.company_head.pk]}
    r = client.post(url, bad, content_type="application/json")
    assert r.status_code == 400 and "组成人员" in r.json()["detail"]
    with django_assert_max_num_queries(20):
        assert len(login(world.street_official).get(url).json()) == 1
    assert login(world.company_head).get(url).status_code == 404
    assert login(world.street_official).post(url, body, content_type="application/json").status_code == 403
    assert login(world.resident).get(f"{API}/epmc/idle").status_code == 403


def test_openapi_document_describes_the_campaign_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/campaigns/surveys/{survey_id}/review" in paths


def test_wn3_api_refuses_an_unknown_management_mode_and_an_overlong_name(world, login, campaign):
    client = login(world.rc_member)
    r = client.post(
        f"{API}/campaigns/{campaign.pk}/surveys",
        {"compound_code": world.compound_a1.code},
        content_type="application/json",
    )
    sid = r.json()["id"]
    r = client.patch(
        f"{API}/surveys/{sid}", {"version": 1, "management_mode": "magic"}, content_type="application/json"
    )
    assert r.status_code == 400 and "管理模式" in r.json()["detail"]
    r = client.patch(
        f"{API}/surveys/{sid}", {"version": 1, "name": "长" * 101}, content_type="application/json"
    )
    assert r.status_code == 400 and "100" in r.json()["detail"]


def test_wn1_epmc_members_over_the_api(world, login):
    r = login(world.party_secretary).get(f"{API}/epmc/{world.community_a.code}/members")
    assert [m["name"] for m in r.json()] == [world.epmc_lead.name]
    assert login(world.company_head).get(f"{API}/epmc/{world.community_a.code}/members").status_code == 404
