"""Pages: who sees what, the phone ballot, the public result without personal data (EV-1 … EV-5)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from sanfang.appraisal import services
from sanfang.appraisal.models import Ballot, Level, Objection, Round
from sanfang.core.testing import XSS

from .conftest import full_answers, vote


def _token(url):
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_ev1_street_official_opens_a_round_from_the_index_page(world, standard, login, december):
    client = login(world.street_official)
    page = client.get(reverse("appraisal:index"))
    assert page.status_code == 200 and "开启年度评议" in page.content.decode()
    response = client.post(reverse("appraisal:round-open"), {"community": world.community_a.pk, "year": 2026})
    rnd = Round.objects.get()
    assert response.status_code == 302 and response.url == reverse("appraisal:round", args=[rnd.pk])


def test_ev1_party_secretary_cannot_open_and_sees_no_open_form(world, standard, login, december):
    client = login(world.party_secretary)
    assert "开启年度评议" not in client.get(reverse("appraisal:index")).content.decode()
    response = client.post(reverse("appraisal:round-open"), {"community": world.community_a.pk, "year": 2026})
    assert response.status_code == 403 and not Round.objects.exists()


def test_residents_and_anonymous_visitors_do_not_reach_staff_pages(world, rnd, login, client):
    assert client.get(reverse("appraisal:round", args=[rnd.pk])).status_code == 302  # to login
    resident = login(world.other_resident)
    assert resident.get(reverse("appraisal:index")).status_code == 403
    assert resident.get(reverse("appraisal:round", args=[rnd.pk])).status_code == 404


def test_other_street_official_gets_404_for_the_round(world, rnd, login):
    client = login(world.other_street_official)
    assert client.get(reverse("appraisal:round", args=[rnd.pk])).status_code == 404
    assert client.get(reverse("appraisal:participants", args=[rnd.pk])).status_code == 404


def test_ev3_street_standard_editor_escapes_titles_and_refuses_the_wrong_role(world, login):
    std = services.create_standard(actor=world.street_official, street=world.street_a, name=f"标准{XSS}")
    client = login(world.street_official)
    client.post(
        reverse("appraisal:criterion-add", args=[std.pk]),
        {"title": f"指标{XSS}", "content": "linkage", "weight": "2", "scale": "levels", "applies_to": "all"},
    )
    page = client.get(reverse("appraisal:standard", args=[std.pk])).content.decode()
    assert XSS not in page and "指标&lt;script&gt;" in page
    other = login(world.party_secretary)
    response = other.post(
        reverse("appraisal:criterion-add", args=[std.pk]), {"title": "x", "content": "linkage", "weight": "1"}
    )
    assert response.status_code == 403
    assert std.criteria.count() == 1


def test_ev3_resident_votes_on_a_phone_through_the_personal_link_without_login(world, rnd, client):
    links = {p.person_id: url for p, url in services.issue_links(actor=world.epmc_lead, round=rnd)}
    url = links[world.resident.pk]
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "匿名" in html and 'name="viewport"' in html and XSS not in html
    data = {}
    for sid, row in full_answers(rnd).items():
        for cid, value in row.items():
            data[f"a-{sid}-{cid}"] = value
    done = client.post(url, data)
    assert done.status_code == 200 and "提交成功" in done.content.decode()
    assert Ballot.objects.count() == 1
    assert client.get(url).status_code == 404  # one-time link
    assert client.get(reverse("appraisal:ballot", args=["guess"])).status_code == 404


def test_ev3_incomplete_ballot_is_refused_with_a_message_and_nothing_stored(world, rnd, client):
    [(participant, url)] = services.issue_links(
        actor=world.epmc_lead, round=rnd, participants=[rnd.participants.get(person=world.resident)]
    )
    response = client.post(url, {})
    assert response.status_code == 400 and "请对" in response.content.decode()
    assert not Ballot.objects.exists()


def test_ev3_results_invisible_before_close_on_every_page_and_export(world, rnd, login):
    vote(rnd.participants.get(person=world.resident))
    for person in (world.party_secretary, world.street_official, world.admin):
        client = login(person)
        assert client.get(reverse("appraisal:results", args=[rnd.pk])).status_code == 403
        assert client.get(reverse("appraisal:results-xlsx", args=[rnd.pk])).status_code == 403
        assert client.post(reverse("appraisal:results-xlsx", args=[rnd.pk])).status_code == 403
        assert client.get(reverse("appraisal:public", args=[rnd.pk])).status_code == 404
        assert client.get(reverse("appraisal:approve", args=[rnd.pk])).status_code in (200, 403)
        # admin: ballots are not registered at all
        assert client.get("/admin/appraisal/ballot/").status_code in (302, 404)
        round_page = client.get(reverse("appraisal:round", args=[rnd.pk])).content.decode()
        assert "综合得分" not in round_page


def test_ev3_participation_list_shows_who_voted_not_how(world, rnd, login):
    vote(rnd.participants.get(person=world.resident))
    page = login(world.epmc_lead).get(reverse("appraisal:participants", args=[rnd.pk])).content.decode()
    assert "已投票" in page and "satisfied" not in page and "满意" not in page


def test_ev3_paper_entry_page_shows_mismatches(world, rnd, login):
    services.mark_paper_voted(actor=world.epmc_lead, participant=rnd.participants.get(person=world.oc_member))
    answers = full_answers(rnd)
    other = full_answers(rnd, level=Level.BASIC)
    services.enter_paper_ballot(actor=world.epmc_lead, round=rnd, sheet_no="A7", answers=answers)
    services.enter_paper_ballot(actor=world.rc_member, round=rnd, sheet_no="A7", answers=other)
    page = login(world.rc_member).get(reverse("appraisal:paper", args=[rnd.pk])).content.decode()
    assert "两次录入不一致" in page and "A7" in page
    assert login(world.company_head).get(reverse("appraisal:paper", args=[rnd.pk])).status_code == 403


@pytest.fixture
def published(world, rnd):
    vote(rnd.participants.get(person=world.resident))
    vote(rnd.participants.get(person=world.rc_member), level=Level.BASIC, score=70)
    services.close_round(actor=world.party_secretary, round=rnd)
    return services.publish_results(actor=world.party_secretary, round=rnd)


def test_ev5_public_result_page_has_scores_and_no_personal_data(world, published, client):
    services.raise_objection(actor=world.resident, round=published, text="我是某某，有异议")
    page = client.get(reverse("appraisal:public", args=[published.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "综合得分" in html
    for person in (world.resident, world.rc_member, world.party_secretary):
        assert person.name.split("<")[0] not in html
        assert person.phone not in html
    assert "我是某某" not in html
    assert not re.search(r"1\d{10}", html)


def test_ev5_resident_objects_on_the_publicity_page_and_the_party_org_answers(world, published, login):
    resident = login(world.resident)
    url = reverse("appraisal:publicity", args=[published.pk])
    resident.post(url, {"text": "业委会得分有误"})
    objection = Objection.objects.get()
    assert objection.raised_by == world.resident
    office = login(world.party_secretary)
    office.post(reverse("appraisal:objection-answer", args=[objection.pk]), {"answer": "已复核"})
    objection.refresh_from_db()
    assert objection.answer == "已复核"
    outsider = login(world.other_resident)
    # a resident of compound A2 is in the same community, so may object; a resident of another street may not
    assert outsider.get(url).status_code == 200


def test_ev5_street_approval_page_lists_blockers_then_approves_and_circulates(
    world, published, login, december
):
    client = login(world.street_official)
    Objection.objects.create(round=published, raised_by=world.resident, text="x")
    page = client.get(reverse("appraisal:approve", args=[published.pk])).content.decode()
    assert "暂不能审定" in page and "未答复" in page
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    client = login(world.street_official)  # a fresh session after the clock moved
    client.post(reverse("appraisal:approve", args=[published.pk]), {"note": "同意"})
    published.refresh_from_db()
    assert published.status == Round.Status.PUBLICITY  # still blocked by the unanswered objection
    Objection.objects.update(
        answer="答复", answered_by=world.party_secretary, answered_at=dt.datetime.now(dt.UTC)
    )
    client.post(reverse("appraisal:approve", args=[published.pk]), {"note": "同意"})
    published.refresh_from_db()
    assert published.status == Round.Status.APPROVED
    response = client.post(reverse("appraisal:circulate", args=[published.pk]))
    assert response.status_code == 302
    circ = client.get(response.url)
    assert circ.status_code == 200 and "物业服务企业" in circ.content.decode()
    from sanfang.core.testing import run_job

    _job, docx = run_job(client, reverse("appraisal:circulation-docx", args=[world.street_a.pk, 2026]))
    assert docx.data[:2] == b"PK"
    _job, xlsx = run_job(client, reverse("appraisal:results-xlsx", args=[published.pk]))
    assert xlsx.data[:2] == b"PK"
    assert (
        login(world.party_secretary).get(reverse("appraisal:approve", args=[published.pk])).status_code == 403
    )


def test_ev5_credit_record_page_for_the_company_and_oversight_not_for_others(
    world, published, login, december
):
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    services.approve_round(actor=world.street_official, round=published)
    services.circulate_round(actor=world.street_official, round=published)
    url = reverse("appraisal:credit", args=[world.company_x.pk])
    for person in (world.company_head, world.street_official, world.party_secretary, world.oc_member):
        page = login(person).get(url)
        assert page.status_code == 200 and "信用等级" in page.content.decode()
    assert login(world.other_company_head).get(url).status_code == 404
    assert login(world.other_street_official).get(url).status_code == 404
    history = login(world.company_head).get(reverse("appraisal:history", args=[world.company_x.pk]))
    assert "2026" in history.content.decode()


def test_index_and_participant_lists_use_a_bounded_number_of_queries(
    world, rnd, login, django_assert_max_num_queries
):
    client = login(world.street_official)
    client.get(reverse("appraisal:index"))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("appraisal:index")).status_code == 200
    office = login(world.epmc_lead)
    with django_assert_max_num_queries(25):
        assert office.get(reverse("appraisal:participants", args=[rnd.pk])).status_code == 200
