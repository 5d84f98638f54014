"""Issue 10, item 7 for appraisal: the public ballot link and publicity-period objections are rate limited
(same core helper as cases, login and sign-up), with a Chinese 429 answer and nothing stored past the limit."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sanfang.appraisal import services
from sanfang.appraisal.models import Ballot, Level, Objection

from .conftest import full_answers, vote

pytestmark = pytest.mark.django_db

API = "/api/v1/appraisal"


def _form(rnd) -> dict:
    return {f"a-{sid}-{cid}": v for sid, row in full_answers(rnd).items() for cid, v in row.items()}


def _links(world, rnd) -> list[str]:
    return [url for _p, url in services.issue_links(actor=world.epmc_lead, round=rnd)]


def test_ballot_link_is_rate_limited_per_address_with_a_chinese_429_and_nothing_stored(
    world, rnd, client, settings
):
    settings.RATE_LIMITS = {"appraisal.ballot": "2/h"}
    first, second, third, *_ = _links(world, rnd)
    assert client.post(first, _form(rnd)).status_code == 200
    assert client.post(second, {}).status_code == 400  # an incomplete ballot counts as an attempt too
    response = client.post(third, _form(rnd))
    assert response.status_code == 429
    assert "操作太频繁，请稍后再试。" in response.content.decode()
    assert Ballot.objects.count() == 1
    assert client.get(third).status_code == 200  # the link is still good for later


def test_ballot_api_is_rate_limited_with_429_and_nothing_stored(world, rnd, client, settings):
    settings.RATE_LIMITS = {"appraisal.ballot": "1/h"}
    first, second, *_ = (url.rstrip("/").rsplit("/", 1)[-1] for url in _links(world, rnd))
    body = json.dumps({"answers": full_answers(rnd)})
    assert client.post(f"{API}/ballot/{first}", body, content_type="application/json").status_code == 204
    response = client.post(f"{API}/ballot/{second}", body, content_type="application/json")
    assert response.status_code == 429
    assert response.json() == {"detail": "操作太频繁，请稍后再试。"}
    assert Ballot.objects.count() == 1


@pytest.fixture
def publicity(world, rnd):
    vote(rnd.participants.get(person=world.resident))
    vote(rnd.participants.get(person=world.rc_member), level=Level.BASIC, score=70)
    services.close_round(actor=world.party_secretary, round=rnd)
    return services.publish_results(actor=world.party_secretary, round=rnd)


def test_objections_are_rate_limited_per_person_with_the_chinese_429_page(world, publicity, login, settings):
    settings.RATE_LIMITS = {"appraisal.objection": "2/h"}
    resident = login(world.resident)
    url = reverse("appraisal:publicity", args=[publicity.pk])
    for n in range(2):
        assert resident.post(url, {"text": f"第 {n} 条异议"}).status_code == 302
    response = resident.post(url, {"text": "第三条异议"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "操作太频繁，请稍后再试。" in html and "<h1>操作太频繁</h1>" in html
    assert int(response["Retry-After"]) > 0
    assert Objection.objects.count() == 2
    # counted per person, not per address: another resident on the same network may still object
    assert login(world.other_resident).post(url, {"text": "另一位居民的异议"}).status_code == 302
    assert Objection.objects.count() == 3


def test_objection_api_is_rate_limited_with_429_and_nothing_stored(world, publicity, login, settings):
    settings.RATE_LIMITS = {"appraisal.objection": "1/h"}
    resident = login(world.resident)
    url = f"{API}/rounds/{publicity.pk}/objections"

    def post(text):
        return resident.post(url, json.dumps({"text": text}), content_type="application/json")

    assert post("评分有误").status_code == 201
    response = post("再提一条")
    assert response.status_code == 429 and response.json()["detail"] == "操作太频繁，请稍后再试。"
    assert Objection.objects.count() == 1
