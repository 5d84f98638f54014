"""The issue's "done when": a street runs a round end to end through the pages — standard, round, self-reports,
thirty ballots by link and five on paper (one entered differently by the two clerks), close, publicity with one
objection answered, approval, circulation, credit record updated (EV-1 … EV-5)."""

import datetime as dt
import re

from django.urls import reverse

from sanfang.appraisal import services
from sanfang.appraisal.models import Ballot, CreditEntry, Level, Participant, Round, Scale, Standard
from sanfang.core.models import Message


def _form_data(rnd, level=Level.SATISFIED, score=88):
    data = {}
    for block in services.ballot_form(rnd):
        for c in block["criteria"]:
            data[f"a-{block['subject'].pk}-{c.pk}"] = score if c.scale == Scale.SCORE else level
    return data


def test_ev1_to_ev5_a_street_runs_a_round_end_to_end_in_the_browser(world, login, client, december):
    street = login(world.street_official)
    # EV-3/EV-4: the standard
    street.post(reverse("appraisal:standards"), {"street": world.street_a.pk, "name": "兴国镇评议标准"})
    std = Standard.objects.get()
    street.post(reverse("appraisal:standard-defaults", args=[std.pk]))
    street.post(
        reverse("appraisal:standard-settings", args=[std.pk]),
        {
            "name": std.name,
            "drop_extremes": "1",
            "indicator_weight": "0",
            "version": Standard.objects.get().version,
        },
    )
    street.post(
        reverse("appraisal:standard-publish", args=[std.pk]), {"version": Standard.objects.get().version}
    )
    assert Standard.objects.get().status == Standard.Status.PUBLISHED
    # EV-1/EV-2: the round
    street.post(reverse("appraisal:round-open"), {"community": world.community_a.pk, "year": 2026})
    rnd = Round.objects.get()
    # EV-3: self-reports — each subject writes its own; the office records the OC's oral one
    company = login(world.company_head)
    cx = rnd.subjects.get(organisation=world.company_x)
    company.post(
        reverse("appraisal:self-report", args=[rnd.pk, cx.pk]), {"mode": "written", "text": "全年述职"}
    )
    office = login(world.epmc_lead)
    for s in rnd.subjects.exclude(pk=cx.pk):
        office.post(
            reverse("appraisal:self-report", args=[rnd.pk, s.pk]), {"mode": "oral", "text": "口头述职要点"}
        )
    assert rnd.subjects.filter(report_mode="").count() == 0
    office.post(
        reverse("appraisal:meeting", args=[rnd.pk]),
        {"held_on": "2026-12-10", "attendance": "38", "materials_reviewed": "台账", "visits": "10"},
    )
    # the office adds 30 resident representatives and 5 more who will vote on paper
    for i in range(35):
        office.post(
            reverse("appraisal:participants", args=[rnd.pk]),
            {"action": "add", "phone": f"1380000{i:04d}", "name": f"居民代表{i}", "category": "resident_rep"},
        )
    reps = list(rnd.participants.filter(category=Participant.Category.RESIDENT_REP).order_by("id"))
    assert len(reps) == 35
    links_page = office.post(reverse("appraisal:links-issue", args=[rnd.pk])).content.decode()
    urls = dict(
        re.findall(
            r"<h2>(居民代表\d+)</h2>.*?<p class=\"meta[^\"]*\"[^>]*>http://testserver([^<]+)</p>",
            links_page,
            re.S,
        )
    )
    assert len(urls) == 35
    # thirty ballots by link, from a phone, no login
    for i in range(30):
        response = client.post(urls[f"居民代表{i}"], _form_data(rnd, score=60 + i))
        assert response.status_code == 200
    # five on paper: ticked on the list, typed in twice by two clerks; sheet P3 typed differently once
    rc = login(world.rc_member)
    for i in range(30, 35):
        office.post(
            reverse("appraisal:participants", args=[rnd.pk]),
            {"action": "paper", "participant": reps[i].pk},
        )
    for n in range(1, 6):
        office = login(world.epmc_lead)
        office.post(reverse("appraisal:paper", args=[rnd.pk]), {"sheet_no": f"P{n}", **_form_data(rnd)})
        rc = login(world.rc_member)
        level = Level.BASIC if n == 3 else Level.SATISFIED
        rc.post(
            reverse("appraisal:paper", args=[rnd.pk]), {"sheet_no": f"P{n}", **_form_data(rnd, level=level)}
        )
    assert "两次录入不一致" in rc.get(reverse("appraisal:paper", args=[rnd.pk])).content.decode()
    rc.post(reverse("appraisal:paper", args=[rnd.pk]), {"sheet_no": "P3", **_form_data(rnd)})
    assert Ballot.objects.filter(round=rnd, channel="link").count() == 30
    assert Ballot.objects.filter(round=rnd, channel="paper").count() == 5
    # close and publish (the party secretary)
    party = login(world.party_secretary)
    assert party.get(reverse("appraisal:results", args=[rnd.pk])).status_code == 403
    party.post(reverse("appraisal:round-close", args=[rnd.pk]), {"version": Round.objects.get().version})
    party.post(reverse("appraisal:round-publish", args=[rnd.pk]), {"version": Round.objects.get().version})
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.PUBLICITY and rnd.ballots_cast == 35
    # one objection, answered
    login(world.resident).post(reverse("appraisal:publicity", args=[rnd.pk]), {"text": "物业得分偏高"})
    objection = rnd.objections.get()
    login(world.party_secretary).post(
        reverse("appraisal:objection-answer", args=[objection.pk]), {"answer": "经复核，程序合规。"}
    )
    # after the publicity period: approval and circulation by the street
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    street = login(world.street_official)
    street.post(
        reverse("appraisal:approve", args=[rnd.pk]), {"note": "同意", "version": Round.objects.get().version}
    )
    street.post(reverse("appraisal:circulate", args=[rnd.pk]), {"version": Round.objects.get().version})
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.CIRCULATED
    entry = CreditEntry.objects.get(company=world.company_x)
    assert entry.grade and entry.year == 2026
    credit = street.get(reverse("appraisal:credit", args=[world.company_x.pk])).content.decode()
    assert entry.grade in credit
    assert Message.objects.filter(recipient=world.party_secretary, subject__contains="结果通报").exists()
