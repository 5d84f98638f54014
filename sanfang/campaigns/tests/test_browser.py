"""WN-3 in a real browser (Debian's Chromium via Playwright): the RC fills and submits the survey form on a phone.
Skipped where Chromium is missing."""

from __future__ import annotations

import os
import shutil

import pytest

from sanfang.campaigns import services
from sanfang.campaigns.models import CompoundSurvey, SurveyStatus

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def _phone_as(chromium, live_server, client, person):
    client.force_login(person, backend="sanfang.directory.auth.PhoneOrUsernameBackend")
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_wn3_rc_fills_and_submits_the_survey_form_on_a_phone(
    chromium, live_server, client, world, campaign, frozen
):
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    context = _phone_as(chromium, live_server, client, world.rc_member)
    page = context.new_page()
    page.goto(f"/campaigns/surveys/{survey.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.fill("#id_address", "城东路1号")
    page.fill("#id_year_built", "2008")
    page.fill("#id_households", "320")
    page.fill("#id_fee_standard", "住宅 1.20 元/㎡·月")
    page.click("button[name=submit]")
    page.wait_for_load_state()
    assert "已提交街道审核" in page.content()
    context.close()
    survey = CompoundSurvey.objects.get(pk=survey.pk)
    assert survey.status == SurveyStatus.SUBMITTED and survey.households == 320
