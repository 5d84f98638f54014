"""Journey: a resident votes through an appraisal link (EV-1, EV-3; issue 8 items 1 and 2).

The street opens this year's round for 城东社区, the community party organisation runs it (takes the list from
the directory, adds a resident representative, issues the personal links), and the resident opens the link —
no account, no sign-in — and votes; the same link cannot vote a second time. Desktop by keyboard alone, phone
by taps; axe on every page visited; pictures for the user guide.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from sanfang.appraisal.models import Ballot, Participant, Round
from sanfang.directory.models import Person

from .operate import assert_accessible, load_demo, operator

pytestmark = pytest.mark.django_db(transaction=True)


def test_ev3_a_resident_votes_once_through_the_anonymous_link_by_keyboard_and_by_taps(page, viewport):
    load_demo()
    # The demo already holds this year's round of the home community; the journey opens it itself.
    Round.objects.filter(community__name="城东社区", year=timezone.localdate().year).delete()
    resident = Person.objects.get(username="resident")
    ui = operator(page, viewport)
    today = timezone.localdate().isoformat()

    # EV-1: the street opens the round (voting from today; the default window is December).
    ui.sign_in("street")
    ui.follow("年度评议")
    assert_accessible(page, "appraisal index, street")
    ui.select(page.get_by_label("社区", exact=True), "城东社区")
    ui.type_date(page.get_by_label("测评开始（可选）"), today)
    ui.picture("appraisal-open", of=page.locator("section.card").first)
    ui.press("开启")
    assert page.get_by_text("已开启年度评议。").is_visible()
    rnd = Round.objects.get(community__name="城东社区", year=timezone.localdate().year)
    assert rnd.voting_open()
    assert_accessible(page, "round page, street")

    # EV-1/EV-3: the community party organisation runs it: the list, one addition, the personal links.
    ui.switch_to("party")
    ui.follow("年度评议")
    ui.follow("兴国镇 · 城东社区")
    assert_accessible(page, "round page, party organisation")
    ui.picture("appraisal-round", start=page.locator("h1"))
    ui.follow("参评名单、增补人员、发放个人测评链接")
    ui.press("从名录同步")
    ui.fill(page.get_by_label("手机号"), resident.phone)
    ui.select(page.get_by_label("身份"), "居民代表")
    ui.press("增补")
    assert page.get_by_text(f"已增补 {resident.name}。").is_visible()
    assert_accessible(page, "participation list")
    ui.picture("appraisal-participants", start=page.locator("h1"))
    ui.press("为未发放者生成个人测评链接")
    assert_accessible(page, "personal links")
    card = page.locator("section.card", has=page.get_by_role("heading", name=resident.name, exact=True))
    ui.picture("appraisal-links", of=card)
    link = card.locator("p.meta").inner_text().strip()
    assert "/appraisal/v/" in link
    ui.sign_out()

    # EV-3: the resident opens the link on the phone (or at a computer) without signing in, and votes.
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text().endswith("年度评议测评")
    assert page.get_by_role("button", name="退出").count() == 0
    assert_accessible(page, "ballot")
    ui.picture("appraisal-ballot", start=page.locator("h1"))
    # The same link, opened a second time in another tab before the first vote is sent.
    second = page.context.new_page()
    second.goto(link)
    page.bring_to_front()
    ballots = Ballot.objects.filter(round=rnd).count()
    fill_ballot(ui)
    ui.press("提交（提交后不能修改）")
    assert page.get_by_role("heading", name="提交成功，谢谢参与！").is_visible()
    assert_accessible(page, "ballot received")
    ui.picture("appraisal-voted", of=page.locator("main"))
    assert Ballot.objects.filter(round=rnd).count() == ballots + 1
    assert Participant.objects.get(round=rnd, person=resident).has_voted

    # The same link cannot vote twice: the second tab's ballot is refused, and the link opened again says so.
    second.bring_to_front()
    ui2 = type(ui)(second)
    fill_ballot(ui2)
    ui2.press("提交（提交后不能修改）")
    # Voting spends the link: the ballot sent from the second tab finds no link to vote with.
    assert second.get_by_role("heading", name="链接无效").is_visible()
    assert Ballot.objects.filter(round=rnd).count() == ballots + 1
    page.bring_to_front()
    page.goto(link)
    assert page.get_by_role("button", name="提交（提交后不能修改）").count() == 0
    assert page.get_by_role("heading", name="链接无效").is_visible()
    assert_accessible(page, "used link")


def fill_ballot(ui) -> None:
    """Every criterion answered: 满意 for each level, 90 for each score."""
    page = ui.page
    levels = page.locator("input[type=radio][value=satisfied]")
    for n in range(levels.count()):
        ui.choose(levels.nth(n))
    scores = page.locator("input[type=number]")
    for n in range(scores.count()):
        ui.fill(scores.nth(n), "90")
