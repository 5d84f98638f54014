"""Every page renders for the people who use it, escapes titles, and the OpenAPI document stays valid."""

import datetime as dt

from django.urls import reverse

from sanfang.appraisal import services
from sanfang.appraisal.models import Level
from sanfang.core.testing import XSS

from .conftest import vote


def test_ev3_office_pages_render_while_the_round_is_open(world, rnd, login):
    office = login(world.epmc_lead)
    for name in ("round", "participants", "meeting", "paper"):
        page = office.get(reverse(f"appraisal:{name}", args=[rnd.pk]))
        assert page.status_code == 200, name
        assert XSS not in page.content.decode(), name
    links = office.post(reverse("appraisal:links-issue", args=[rnd.pk]))
    assert links.status_code == 200 and "<svg" in links.content.decode()
    subject = rnd.subjects.get(organisation=world.company_x)
    assert office.get(reverse("appraisal:self-report", args=[rnd.pk, subject.pk])).status_code == 200
    company = login(world.company_head)
    response = company.post(
        reverse("appraisal:self-report", args=[rnd.pk, subject.pk]), {"mode": "written", "text": f"述职{XSS}"}
    )
    assert response.status_code == 302
    page = company.get(reverse("appraisal:self-report", args=[rnd.pk, subject.pk])).content.decode()
    assert "述职&lt;script&gt;" in page
    other = login(world.other_company_head)
    forbidden = other.post(
        reverse("appraisal:self-report", args=[rnd.pk, subject.pk]), {"mode": "written", "text": "x"}
    )
    assert forbidden.status_code == 403


def test_ev3_signed_in_participant_votes_from_the_round(world, rnd, login):
    client = login(world.resident)
    page = client.get(reverse("appraisal:vote", args=[rnd.pk]))
    assert page.status_code == 200 and "匿名" in page.content.decode()
    assert login(world.other_resident).get(reverse("appraisal:vote", args=[rnd.pk])).status_code == 404


def test_ev4_results_page_shows_distributions_beside_indicators_after_close(world, rnd, login):
    vote(rnd.participants.get(person=world.resident), level=Level.BASIC, score=77)
    services.close_round(actor=world.party_secretary, round=rnd)
    page = login(world.party_secretary).get(reverse("appraisal:results", args=[rnd.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "原始评价分布" in html and "客观指标" in html and "77.0" in html
    assert login(world.company_head).get(reverse("appraisal:results", args=[rnd.pk])).status_code == 200
    assert (
        login(world.other_street_official).get(reverse("appraisal:results", args=[rnd.pk])).status_code == 404
    )


def test_ev3_standards_pages_render_for_the_street_and_community_staff(world, standard, login):
    for person in (world.street_official, world.party_secretary, world.company_head):
        client = login(person)
        assert client.get(reverse("appraisal:standards")).status_code == 200
        assert client.get(reverse("appraisal:standard", args=[standard.pk])).status_code == 200
    assert (
        login(world.other_street_official).get(reverse("appraisal:standard", args=[standard.pk])).status_code
        == 404
    )
    street = login(world.street_official)
    response = street.post(reverse("appraisal:standard-new-version", args=[standard.pk]))
    assert response.status_code == 302
    draft_page = street.get(response.url).content.decode()
    assert "发布此版本" in draft_page


def test_openapi_document_includes_the_appraisal_endpoints(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/appraisal/rounds" in doc["paths"]
    assert "/api/v1/appraisal/ballot/{token}" in doc["paths"]


def test_ev5_history_page_is_scoped(world, rnd, login, december):
    vote(rnd.participants.get(person=world.resident))
    services.close_round(actor=world.party_secretary, round=rnd)
    services.publish_results(actor=world.party_secretary, round=rnd)
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    services.approve_round(actor=world.street_official, round=rnd)
    url = reverse("appraisal:history", args=[world.oc_a1.pk])
    assert "2026" in login(world.oc_member).get(url).content.decode()
    assert login(world.other_street_official).get(url).status_code == 404


def test_ev3_the_office_prints_numbered_blank_paper_ballots(world, rnd, login):
    page = login(world.epmc_lead).get(reverse("appraisal:paper-print", args=[rnd.pk]) + "?from=3&n=2")
    html = page.content.decode()
    assert page.status_code == 200 and "票号 P3" in html and "票号 P4" in html and "P5" not in html
    assert XSS not in html
    assert login(world.company_head).get(reverse("appraisal:paper-print", args=[rnd.pk])).status_code == 403
