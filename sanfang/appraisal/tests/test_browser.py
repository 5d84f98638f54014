"""The phone ballot in a real Chromium (EV-3): a resident opens the personal link, answers, submits.

Marked `browser` (run by `make test-browser`); skipped where Chromium is not installed.
"""

import datetime as dt
import os
import shutil

import pytest
from django.utils import timezone

from sanfang.appraisal import services
from sanfang.appraisal.models import Ballot
from sanfang.core.testing import make_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


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
        yield page
        browser.close()


def test_ev3_resident_answers_the_ballot_on_a_phone_through_the_personal_link(phone):
    world = make_world()
    std = services.create_standard(actor=world.street_official, street=world.street_a, name="标准")
    services.add_default_criteria(actor=world.street_official, standard=std)
    services.publish_standard(actor=world.street_official, standard=std)
    today = timezone.localdate()
    rnd = services.open_round(
        actor=world.street_official,
        community=world.community_a,
        year=today.year,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    services.add_participant(actor=world.epmc_lead, round=rnd, person=world.resident)
    [(_participant, url)] = services.issue_links(
        actor=world.epmc_lead, round=rnd, participants=[rnd.participants.get(person=world.resident)]
    )
    phone.goto(url)
    assert phone.get_by_role("heading", level=1).inner_text().endswith("年度评议测评")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )
    assert not overflow
    for radio in phone.locator("input[type=radio][value=satisfied]").all():
        radio.check()
    for box in phone.locator("input[type=number]").all():
        box.fill("90")
    phone.get_by_role("button", name="提交（提交后不能修改）").click()
    phone.wait_for_load_state()
    assert "提交成功" in phone.content()
    assert Ballot.objects.filter(round=rnd).count() == 1
