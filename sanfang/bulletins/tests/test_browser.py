"""PN-3/PN-5 in a real Chromium on a phone: the Owners' Committee acknowledges an urgent bulletin from the inbox
and answers an opinion on its report. Marked `browser` (run by `make test-browser`); skipped without Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from sanfang.bulletins import services
from sanfang.bulletins.models import Urgency
from sanfang.core.testing import make_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"


def serious_axe_violations(page) -> list:
    """axe-core's serious and critical violations on the page (skipped where axe-core is not installed)."""
    if not AXE.exists():
        return []
    page.evaluate(AXE.read_text())  # not add_script_tag: the Content-Security-Policy blocks inline scripts
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def phone(live_server):
    if not CHROMIUM:
        pytest.skip("Chromium is not installed; browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url, is_mobile=True
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield context, page
        browser.close()


def _sign_in(context, live_server, person) -> None:
    client = Client()
    client.force_login(person, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_pn3_owners_committee_acknowledges_an_urgent_bulletin_on_a_phone(phone, live_server):
    context, page = phone
    world = make_world()
    bulletin = services.send_bulletin(
        actor=world.company_head,
        community=world.community_a,
        sender_org=world.company_x,
        recipient_orgs=[world.oc_a1, world.rc_a],
        title="2栋电梯停运检修",
        body="预计明日恢复。",
        urgency=Urgency.URGENT,
    )
    _sign_in(context, live_server, world.oc_member)
    page.goto("/bulletins/")
    assert page.get_by_role("heading", level=1).inner_text() == "通报"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )
    assert not overflow
    page.get_by_role("button", name="签收").first.click()
    page.get_by_text("已签收 1/2").wait_for()  # htmx swapped the card in place
    row = bulletin.recipients.get(organisation=world.oc_a1)
    assert row.acknowledged_by_id == world.oc_member.pk
    page.goto(f"/bulletins/{bulletin.pk}/")
    assert "已签收" in page.content()
    assert serious_axe_violations(page) == []


def test_pn5_owners_committee_answers_an_opinion_on_a_phone(phone, live_server):
    from sanfang.reports import services as reports
    from sanfang.reports.kinds import ReportType

    context, page = phone
    world = make_world()
    report = reports.file_report(
        actor=world.oc_member,
        compound=world.compound_a1,
        report_type=ReportType.COMMON_INCOME,
        reporting_org=world.oc_a1,
        title="二季度公共收益报告",
        summary="电梯广告与停车收入。",
        fields={
            "period": "二季度",
            "items": "电梯广告",
            "income": "1000",
            "costs": "100",
            "use": "转入维修资金",
        },
    )
    opinion = reports.give_opinion(actor=world.street_official, report=report, text="请公示明细。")
    _sign_in(context, live_server, world.oc_member)
    page.goto(f"/reports/{report.pk}/")
    assert serious_axe_violations(page) == []
    page.get_by_label("答复").fill("已在公示栏公示。")
    page.get_by_role("button", name="答复").click()
    page.wait_for_load_state()
    opinion.refresh_from_db()
    assert opinion.answer == "已在公示栏公示。"


def test_pn3_residents_committee_sends_an_urgent_bulletin_through_the_form(phone, live_server):
    from sanfang.bulletins.models import Bulletin

    context, page = phone
    world = make_world()
    _sign_in(context, live_server, world.rc_member)
    page.goto(f"/bulletins/new/?community={world.community_a.code}")
    assert serious_axe_violations(page) == []
    page.get_by_label("紧急程度").select_option("urgent")
    page.get_by_label("标题").fill("多名居民反映地下车库积水")
    page.get_by_label("内容").fill("请物业今日排查排水泵。")
    page.get_by_role("button", name="发出").click()
    page.wait_for_load_state()
    bulletin = Bulletin.objects.get()
    assert bulletin.urgency == "urgent" and bulletin.recipients.count() >= 3
    assert serious_axe_violations(page) == []

    page.goto("/reports/new/")
    assert serious_axe_violations(page) == []
