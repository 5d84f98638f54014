"""The JSON API: same rules as the pages — scopes, hidden results before close, anonymous ballots (EV-1 … EV-5)."""

import datetime as dt
import json

from sanfang.appraisal import services
from sanfang.appraisal.models import Ballot, Level, Round

from .conftest import full_answers, vote

API = "/api/v1/appraisal"


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_ev1_street_opens_a_round_through_the_api_and_others_cannot(world, standard, login, december):
    bad = _post(
        login(world.party_secretary),
        f"{API}/rounds",
        {"community_code": world.community_a.code, "year": 2026},
    )
    assert bad.status_code == 403 and "detail" in bad.json()
    ok = _post(
        login(world.street_official),
        f"{API}/rounds",
        {"community_code": world.community_a.code, "year": 2026},
    )
    assert ok.status_code == 201
    body = ok.json()
    assert body["opens_on"] == "2026-12-01" and len(body["subjects"]) == 4  # RC, OC A1, companies X and Y
    again = _post(
        login(world.street_official),
        f"{API}/rounds",
        {"community_code": world.community_a.code, "year": 2026},
    )
    assert again.status_code == 400 and "已经开启" in again.json()["detail"]


def test_ev4_standard_api_refuses_publishing_without_the_four_contents(world, login):
    client = login(world.street_official)
    created = _post(client, f"{API}/standards", {"street_code": world.street_a.code, "name": "API 标准"})
    assert created.status_code == 201
    pk = created.json()["id"]
    _post(client, f"{API}/standards/{pk}/criteria", {"title": "联动", "content": "linkage"})
    refused = _post(client, f"{API}/standards/{pk}/publish")
    assert refused.status_code == 400 and "EV-4" in refused.json()["detail"]
    assert client.get(f"{API}/standards/{pk}").json()["criteria"][0]["share"] == 1.0


def test_rounds_list_is_scoped_and_bounded(world, rnd, login, django_assert_max_num_queries):
    client = login(world.street_official)
    with django_assert_max_num_queries(10):
        rows = client.get(f"{API}/rounds").json()
    assert [r["id"] for r in rows] == [rnd.pk]
    assert login(world.other_street_official).get(f"{API}/rounds").json() == []
    assert login(world.other_street_official).get(f"{API}/rounds/{rnd.pk}").status_code == 404
    assert login(world.resident).get(f"{API}/rounds").json() == []


def test_ev3_results_hidden_through_the_api_until_close(world, rnd, login):
    vote(rnd.participants.get(person=world.resident))
    for person in (world.party_secretary, world.street_official, world.admin):
        client = login(person)
        assert client.get(f"{API}/rounds/{rnd.pk}/results").status_code == 403
        detail = client.get(f"{API}/rounds/{rnd.pk}").json()
        assert not detail["results_visible"]
        assert all(s["final_score"] is None for s in detail["subjects"])
        assert client.get(f"{API}/rounds/{rnd.pk}/public").status_code == 404
    participants = login(world.epmc_lead).get(f"{API}/rounds/{rnd.pk}/participants").json()
    assert {"name", "category", "has_voted"} == set(participants[0])
    closed = _post(login(world.party_secretary), f"{API}/rounds/{rnd.pk}/close")
    assert closed.status_code == 200 and closed.json()["results_visible"]
    results = login(world.street_official).get(f"{API}/rounds/{rnd.pk}/results").json()
    assert results[0]["distribution"] and results[0]["final_score"] is not None


def test_ev3_anonymous_ballot_by_personal_link_through_the_api(world, rnd, client):
    [(participant, url)] = services.issue_links(
        actor=world.epmc_lead, round=rnd, participants=[rnd.participants.get(person=world.resident)]
    )
    token = url.rstrip("/").rsplit("/", 1)[-1]
    questions = client.get(f"{API}/ballot/{token}").json()
    assert len(questions) == 4 and questions[0]["criteria"]
    cast = _post(client, f"{API}/ballot/{token}", {"answers": full_answers(rnd)})
    assert cast.status_code == 204
    assert Ballot.objects.count() == 1
    assert _post(client, f"{API}/ballot/{token}", {"answers": full_answers(rnd)}).status_code == 404
    assert client.get(f"{API}/ballot/not-a-token").status_code == 404


def test_ev5_objection_answer_approval_and_credit_through_the_api(world, rnd, login, client, december):
    vote(rnd.participants.get(person=world.resident), level=Level.SATISFIED)
    services.close_round(actor=world.party_secretary, round=rnd)
    services.publish_results(actor=world.party_secretary, round=rnd)
    public = client.get(f"{API}/rounds/{rnd.pk}/public")
    assert public.status_code == 200 and "raised_by" not in public.content.decode()
    assert _post(client, f"{API}/rounds/{rnd.pk}/objections", {"text": "x"}).status_code == 401
    objection = _post(login(world.resident), f"{API}/rounds/{rnd.pk}/objections", {"text": "评分有误"})
    assert objection.status_code == 201
    oid = objection.json()["id"]
    assert (
        _post(login(world.company_head), f"{API}/objections/{oid}/answer", {"answer": "x"}).status_code == 403
    )
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    street = login(world.street_official)
    blocked = _post(street, f"{API}/rounds/{rnd.pk}/approve", {"note": ""})
    assert blocked.status_code == 400 and "异议" in blocked.json()["detail"]
    assert (
        _post(
            login(world.party_secretary), f"{API}/objections/{oid}/answer", {"answer": "已复核"}
        ).status_code
        == 200
    )
    street = login(world.street_official)
    assert (
        _post(street, f"{API}/rounds/{rnd.pk}/approve", {"note": "同意"}).json()["status"]
        == Round.Status.APPROVED
    )
    assert _post(street, f"{API}/rounds/{rnd.pk}/circulate").json()["status"] == Round.Status.CIRCULATED
    credit = street.get(f"{API}/companies/{world.company_x.pk}/credit").json()
    assert credit["grade"] and credit["entries"][0]["year"] == 2026
    assert (
        login(world.other_company_head).get(f"{API}/companies/{world.company_x.pk}/credit").status_code == 404
    )


def test_ev3_self_report_meeting_additions_and_paper_entry_through_the_api(world, rnd, login):
    cx = rnd.subjects.get(organisation=world.company_x)
    company = login(world.company_head)
    ok = _post(company, f"{API}/rounds/{rnd.pk}/subjects/{cx.pk}/self-report", {"text": "书面述职"})
    assert ok.status_code == 200 and ok.json()["self_report"] == "written"
    other = login(world.other_company_head)
    assert (
        _post(other, f"{API}/rounds/{rnd.pk}/subjects/{cx.pk}/self-report", {"text": "x"}).status_code == 403
    )
    office = login(world.epmc_lead)
    assert (
        _post(
            office, f"{API}/rounds/{rnd.pk}/meeting", {"held_on": "2026-12-15", "attendance": 30}
        ).status_code
        == 200
    )
    added = _post(office, f"{API}/rounds/{rnd.pk}/participants", {"phone": world.other_resident.phone})
    assert added.status_code == 201
    unknown = _post(office, f"{API}/rounds/{rnd.pk}/participants", {"phone": "13999999999"})
    assert unknown.status_code == 400
    company = login(world.company_head)  # the test client is shared: sign in again as the company
    assert (
        _post(company, f"{API}/rounds/{rnd.pk}/participants", {"phone": world.admin.phone}).status_code == 403
    )
    office = login(world.epmc_lead)
    paper = _post(office, f"{API}/rounds/{rnd.pk}/paper", {"sheet_no": "1", "answers": full_answers(rnd)})
    assert paper.json() == {"outcome": "waiting"}


def test_ev5_appraisal_history_extension_point_lists_approved_results(world, rnd, december):
    from sanfang.core import extensions

    vote(rnd.participants.get(person=world.resident), level=Level.SATISFIED)
    services.close_round(actor=world.party_secretary, round=rnd)
    assert extensions.collect("appraisal.history", world.oc_a1) == []  # not yet approved
    services.publish_results(actor=world.party_secretary, round=rnd)
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    services.approve_round(actor=world.street_official, round=rnd)
    [row] = extensions.collect("appraisal.history", world.oc_a1)
    assert row["year"] == 2026 and row["grade"]
