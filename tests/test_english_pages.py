"""Issue 8.3: a person who chose English sees no Chinese on the main pages of core, directory, meetings, bulletins,
reports, publicity and campaigns — apart from data (names of places, organisations and people, what people wrote).

Data is whatever the database holds: every text value of every row of the project's models is cut out of the page
before the check, so the test needs no ASCII world and still catches a Chinese literal in a template or view.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

CHINESE = re.compile(r"[\u3001-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e]+")
SH = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def busy_world(world):
    """The persona world with a meeting and its notice, a report, a bulletin, disclosures due and a campaign."""
    from sanfang.bulletins import services as bulletins
    from sanfang.campaigns import services as campaigns
    from sanfang.meetings import services as meetings
    from sanfang.publicity import services as publicity
    from sanfang.reports.tests.factories import file_fund_use

    with time_machine.travel(dt.datetime(2026, 4, 6, 9, 0, tzinfo=SH), tick=False):
        meeting, _created = meetings.create_regular_meeting(world.community_a, 2026, 4)
        notice = meetings.draft_notice(actor=world.epmc_lead, meeting=meeting)
        summary = meetings.generate_summary(
            actor=world.epmc_lead, community=world.community_a, kind="half_year", year=2026, half=1
        )
        report = file_fund_use(world)
        bulletin = bulletins.send_bulletin(
            actor=world.rc_member,
            community=world.community_a,
            sender_org=world.rc_a,
            recipient_orgs=[world.oc_a1, world.company_x],
            title="电梯停运",
            body="2栋电梯停运，请物业尽快处理。",
        )
        publicity.ensure_schedule(compounds=[world.compound_a1])
        campaign = campaigns.open_campaign(
            actor=world.county_official,
            county=world.county,
            title="专项整治",
            purpose="明明白白消费",
            survey_due=dt.date(2026, 5, 20),
            investigation_due=dt.date(2026, 6, 10),
            report_due=dt.date(2026, 6, 15),
        )
    world.objects = {"meeting": meeting, "notice": notice, "report": report, "bulletin": bulletin}
    world.objects["campaign"] = campaign
    world.objects["summary"] = summary
    return world


def _data_strings() -> list[str]:
    """Every text value stored by the project's models, longest first (so a name is cut before its parts)."""
    found: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            found.add(value)
            found.update(line.strip() for line in value.splitlines() if line.strip())
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for model in apps.get_models():
        if not model.__module__.startswith("sanfang."):
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                walk(value)
    return sorted((s for s in found if CHINESE.search(s)), key=len, reverse=True)


def _chinese_left(html: str, data: list[str]) -> list[str]:
    from django.utils.html import escape

    html = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", html, flags=re.S)
    html = html.replace('lang="zh-Hans">中文<', "")  # the language switch names Chinese in Chinese
    for value in data:
        html = html.replace(escape(value), " ").replace(value, " ")
    return [html[max(0, m.start() - 60) : m.end() + 30].replace("\n", " ") for m in CHINESE.finditer(html)]


def _pages(w):
    o = w.objects
    return [
        # core
        (None, reverse("home")),
        (None, reverse("directory:compound-search")),
        (None, reverse("publicity:board", args=[w.compound_a1.code])),
        (None, reverse("publicity:board-screen", args=[w.compound_a1.code])),
        (None, reverse("publicity:board-poster", args=[w.compound_a1.code])),
        (None, reverse("publicity:board-verify", args=[w.compound_a1.code])),
        (None, reverse("login")),
        (None, reverse("directory:register") + f"?compound={w.compound_a1.code}"),
        (w.party_secretary, reverse("core:todos")),
        (w.party_secretary, reverse("core:inbox")),
        (w.party_secretary, reverse("core:calendar")),
        (w.street_official, reverse("core:audit")),
        # directory
        (w.street_official, reverse("directory:places")),
        (w.street_official, reverse("directory:place", args=[w.community_a.code])),
        (w.street_official, reverse("directory:organisation", args=[w.rc_a.pk])),
        (w.resident, reverse("directory:profile")),
        (w.rc_member, reverse("directory:residents-pending")),
        (w.rc_member, reverse("directory:residents")),
        (w.street_official, reverse("directory:place", args=[w.compound_a1.code])),
        (w.company_head, reverse("directory:organisation", args=[w.company_x.pk])),
        # meetings
        (w.epmc_lead, reverse("meetings:list")),
        (w.epmc_lead, reverse("meetings:workbench")),
        (w.epmc_lead, reverse("meetings:meeting", args=[o["meeting"].pk])),
        (w.epmc_lead, reverse("meetings:document", args=[o["notice"].pk])),
        (w.street_official, reverse("meetings:overview")),
        (w.epmc_lead, reverse("meetings:new")),
        (w.epmc_lead, reverse("meetings:schedule", args=[w.community_a.code])),
        (w.epmc_lead, reverse("meetings:summaries")),
        (w.epmc_lead, reverse("meetings:summary", args=[o["summary"].pk])),
        (w.oc_member, reverse("meetings:item-raise")),
        (w.oc_member, reverse("meetings:my-items")),
        (w.company_head, reverse("meetings:my-resolutions")),
        # bulletins
        (w.oc_member, reverse("bulletins:inbox")),
        (w.oc_member, reverse("bulletins:detail", args=[o["bulletin"].pk])),
        (w.street_official, reverse("bulletins:overview")),
        (w.rc_member, reverse("bulletins:compose") + f"?community={w.community_a.code}"),
        # reports
        (w.oc_member, reverse("reports:list")),
        (w.oc_member, reverse("reports:start")),
        (w.party_secretary, reverse("reports:detail", args=[o["report"].pk])),
        (w.street_official, reverse("reports:overview")),
        (w.oc_member, reverse("reports:compose", args=["fund_use"]) + f"?compound={w.compound_a1.code}"),
        # publicity
        (w.resident, reverse("publicity:board", args=[w.compound_a1.code])),
        (w.oc_member, reverse("publicity:home")),
        (w.oc_member, reverse("publicity:compound", args=[w.compound_a1.code])),
        # campaigns
        (w.county_official, reverse("campaigns:index")),
        (w.county_official, reverse("campaigns:campaign", args=[o["campaign"].pk])),
        (w.epmc_lead, reverse("campaigns:epmc-community", args=[w.community_a.code])),
        (w.county_official, reverse("campaigns:epmc-overview")),
        (w.street_official, reverse("campaigns:place", args=[o["campaign"].pk, w.street_a.code])),
    ]


def test_issue8_main_pages_in_english_show_no_chinese_apart_from_data(busy_world, client):
    w = busy_world
    data = _data_strings()
    problems = []
    with time_machine.travel(dt.datetime(2026, 4, 8, 10, 0, tzinfo=SH), tick=False):
        for person, url in _pages(w):
            if person is None:  # an anonymous visitor who chose English with the switch
                client.logout()
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
            else:
                person.language = "en"
                person.save(update_fields=["language"])
                client.force_login(person, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
            response = client.get(url)
            assert response.status_code == 200, url
            problems += [f"{url}: …{left}…" for left in _chinese_left(response.content.decode(), data)]
    assert not problems, f"{len(problems)} Chinese fragment(s) on English pages:\n" + "\n".join(problems[:80])


def test_issue8_the_check_finds_a_chinese_literal_that_is_not_data():
    assert _chinese_left("<p>Board</p><p>反映问题</p>", ["幸福家园"]) and not _chinese_left(
        "<p>幸福家园</p>", ["幸福家园"]
    )
