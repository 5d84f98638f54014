"""Issue 8 item 1, the cases journeys, each on a phone (taps) and a desktop (the keyboard alone):
a resident scans the board's QR code, reports a problem with a photo and follows and rates it; the office triages it;
a routine case is solved by the three parties and rated. Every page visited is scanned by axe-core (item 2) and the
user guide's pictures are taken on the way (item 4)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from sanfang.cases import services
from sanfang.cases.models import Case, CaseClass, Category, Rating, Status

from .conftest import activate, enter_text, guide_shot, tab_to
from .journeys import assert_accessible, assert_large_type_fits, decode_qr, jpeg_photo, sign_in_as, tidy_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def journey_world(settings, live_server, tmp_path):
    from sanfang.core.testing import make_world

    settings.SITE_URL = live_server.url  # the QR codes and links point at the server under test
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    tidy_world(world)
    return world


def _choose(page, device: str, select, label: str) -> None:
    """Pick an option: the phone's native picker; on the desktop, arrow keys on the focused list."""
    if device == "phone":
        select.select_option(label=label)
        return
    tab_to(page, select)
    options = select.evaluate("el => Array.from(el.options).map(o => o.text.trim())")
    target = options.index(label)
    for _ in range(len(options)):
        current = select.evaluate("el => el.selectedIndex")
        if current == target:
            return
        page.keyboard.press("ArrowDown" if current < target else "ArrowUp")
    raise AssertionError(f"could not choose {label} by keyboard")


def _rate(page, device: str, label: str) -> None:
    """Pick a rating: a tap; on the desktop, Tab into the radio group and arrow keys to the answer."""
    radio = page.get_by_role("radio", name=label, exact=True)
    if device == "phone":
        radio.tap()
    else:
        tab_to(
            page, page.locator("input[type=radio][name=rating]:checked, input[type=radio][name=rating]").first
        )
        for _ in range(5):
            if radio.is_checked():
                break
            page.keyboard.press("ArrowDown")
    assert radio.is_checked()


def _open_details(page, device: str, summary_text: str):
    summary = page.locator("summary", has_text=summary_text)
    if summary.evaluate("el => el.parentElement.open"):
        return summary.locator("xpath=..")
    activate(page, device, summary)
    assert summary.evaluate("el => el.parentElement.open")
    return summary.locator("xpath=..")


def _submit(page, device: str, button) -> None:
    with page.expect_navigation():
        activate(page, device, button)


def _flash(page) -> str:
    return page.locator(".flash").inner_text()


def test_resident_scans_the_board_qr_reports_with_a_photo_follows_and_rates(page, viewport, journey_world):
    """Journey a: QR on the printed poster → board → report form with a photo → tracking number and private
    follow link → (the three parties solve it) → the resident rates the result through the same link."""
    device = viewport[0]
    world = journey_world
    compound = world.compound_a1

    page.goto(f"/b/{compound.code}/poster?size=A4")
    board_url = decode_qr(page.locator("figure.qr svg"))
    assert board_url == f"{page.url.split('/b/')[0]}/b/{compound.code}"

    page.goto(board_url)  # what the phone's camera opens
    assert_accessible(page)
    guide_shot(page, f"guide-resident-board-{device}")
    with page.expect_navigation():
        activate(page, device, page.get_by_role("link", name="反映问题"))
    assert page.get_by_role("heading", name="反映问题").is_visible()
    assert_accessible(page)

    _choose(page, device, page.get_by_label("问题类别"), str(Category.FACILITIES.label))
    enter_text(page, device, page.get_by_label("问题描述"), "2栋1单元三楼楼道灯坏了一周，晚上上下楼看不见。")
    _choose(page, device, page.get_by_label("楼栋"), "1栋")
    enter_text(page, device, page.get_by_label("单元 / 具体位置"), "1单元3楼")
    with page.expect_file_chooser() as chooser:
        activate(page, device, page.get_by_label("照片（选填）"), key="Space")
    chooser.value.set_files(jpeg_photo())
    enter_text(page, device, page.get_by_label("联系电话（选填）"), "13900001111")
    guide_shot(page, f"guide-resident-report-{device}")
    _submit(page, device, page.get_by_role("button", name="提交"))

    case = Case.objects.get(compound=compound)
    assert f"受理编号 {case.tracking_no}" in _flash(page)
    assert page.url.endswith(f"/cases/follow/{case.follow_token}/")
    follow_url = page.url
    assert case.photos.count() == 1 and case.category == Category.FACILITIES
    assert case.building == world.building_a1 and case.reporter_contact == "13900001111"
    photo = page.get_by_role("img", name="照片 1")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0"), "the photo does not show"
    assert_accessible(page)
    guide_shot(page, f"guide-resident-follow-{device}")

    # Meanwhile the office classifies it and the convener solves it (journeys b and c drive those pages).
    case = services.classify_case(actor=world.rc_member, case=case, case_class=CaseClass.ROUTINE)
    services.resolve_case(actor=world.epmc_lead, case=case, solution="已更换楼道灯并检查线路。")

    page.context.clear_cookies()  # days later, from the bookmarked private link
    page.goto(follow_url)
    assert "已更换楼道灯" in page.locator("main").inner_text()
    assert page.get_by_role("heading", name="请评价处理结果").is_visible()
    assert_accessible(page)
    _rate(page, device, "满意")
    enter_text(page, device, page.get_by_label("意见（选填）"), "修得很快，谢谢。")
    guide_shot(page, f"guide-resident-rate-{device}")
    _submit(page, device, page.get_by_role("button", name="提交评价"))

    assert "谢谢您的评价" in _flash(page)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.feedbacks.get().rating == Rating.SATISFIED

    page.goto(f"/b/{compound.code}")
    board = page.locator("main").inner_text()
    assert case.tracking_no in board and "13900001111" not in board  # the board never shows the reporter


def test_office_triages_a_new_report(page, viewport, journey_world):
    """Journey b: the community office (居委会) finds the new report in its 待受理 queue and classifies it as a
    routine case; the EPMC lead becomes the convener and the owners' committee and company heads co-handle it."""
    device = viewport[0]
    world = journey_world
    case = services.submit_case(
        actor=None,
        compound=world.compound_a1,
        category=Category.SANITATION,
        title="",
        description="3栋门口垃圾桶满了两天没人清运。",
        reporter_contact="13900002222",
    )

    sign_in_as(page, device, world.rc_member)
    with page.expect_navigation():
        activate(
            page, device, page.get_by_role("navigation", name="主导航").get_by_role("link", name="问题办理")
        )
    with page.expect_navigation():
        activate(page, device, page.get_by_role("link", name="待受理"))
    assert_accessible(page)
    guide_shot(page, f"guide-office-triage-{device}")
    with page.expect_navigation():
        activate(page, device, page.get_by_role("link", name=case.tracking_no))

    assert "13900002222" in page.locator("main").inner_text()  # handling staff see the contact
    assert_accessible(page)
    form = _open_details(page, device, "受理分类")
    _choose(page, device, form.get_by_label("分类"), str(CaseClass.ROUTINE.label))
    guide_shot(page, f"guide-office-classify-{device}")
    _submit(page, device, form.get_by_role("button", name="确定"))

    assert "已保存" in _flash(page)
    case.refresh_from_db()
    assert case.case_class == CaseClass.ROUTINE and case.status == Status.HANDLING
    assert case.handler == world.epmc_lead
    assert set(case.co_handlers.all()) == {world.oc_member, world.company_head}
    assert "办理中" in page.locator("main").inner_text()
    assert_accessible(page)


def test_routine_case_is_solved_by_the_three_parties_and_rated(page, viewport, journey_world):
    """Journey c (CS-2): the property company posts its progress, the owners' committee records a home visit, the
    EPMC lead (居委会) closes the case with the solution; the resident rates it through the follow link."""
    device = viewport[0]
    world = journey_world
    case = services.submit_case(
        actor=None,
        compound=world.compound_a1,
        category=Category.FACILITIES,
        title="",
        description="1栋电梯按钮失灵，老人上下楼困难。",
        reporter_contact="13900003333",
    )
    case = services.classify_case(actor=world.rc_member, case=case, case_class=CaseClass.ROUTINE)

    def open_my_case(person):
        sign_in_as(page, device, person)
        with page.expect_navigation():
            activate(
                page,
                device,
                page.get_by_role("navigation", name="主导航").get_by_role("link", name="问题办理"),
            )
        with page.expect_navigation():
            activate(page, device, page.get_by_role("link", name="我办理的"))
        with page.expect_navigation():
            activate(page, device, page.get_by_role("link", name=case.tracking_no))
        assert page.get_by_role("heading", name=case.title).is_visible()

    # The property company: repairs under way, posted publicly.
    open_my_case(world.company_head)
    form = _open_details(page, device, "发布进展（公示）")
    enter_text(page, device, form.get_by_label("内容"), "已联系电梯维保单位，明天上午更换按钮。")
    guide_shot(page, f"guide-company-progress-{device}")
    _submit(page, device, form.get_by_role("button", name="发布"))
    assert "已保存" in _flash(page)
    assert_accessible(page)

    # The owners' committee: a home visit to the residents of the building.
    open_my_case(world.oc_member)
    form = _open_details(page, device, "上门走访")
    _choose(page, device, form.get_by_label("形式"), "上门走访")
    assert form.get_by_label("日期").input_value() == str(timezone.localdate())  # today, unless changed
    enter_text(page, device, form.get_by_label("参加人数"), "6")
    enter_text(
        page, device, form.get_by_label("情况摘要"), "走访1栋住户，说明维修安排，住户同意周末停梯两小时。"
    )
    _submit(page, device, form.get_by_role("button", name="记录"))
    assert "已保存" in _flash(page), _flash(page)
    assert case.engagements.get().participants_count == 6

    # The residents' committee's EPMC lead, who convenes the case, closes it with the solution.
    open_my_case(world.epmc_lead)
    assert "已联系电梯维保单位" in page.locator("main").inner_text()
    form = _open_details(page, device, "办结（写明解决方案）")
    enter_text(page, device, form.get_by_label("内容"), "电梯按钮已更换，维保单位检测合格。")
    guide_shot(page, f"guide-rc-resolve-{device}")
    _submit(page, device, form.get_by_role("button", name="办结"))
    assert "已保存" in _flash(page)
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert_accessible(page)

    # The resident rates it.
    page.context.clear_cookies()
    page.goto(f"/cases/follow/{case.follow_token}/")
    _rate(page, device, "基本满意")
    _submit(page, device, page.get_by_role("button", name="提交评价"))
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.feedbacks.get().rating == Rating.BASIC
    page.goto(f"/cases/public/{case.tracking_no}/")
    text = page.locator("main").inner_text()
    assert re.search("已关闭|已办结", text) and "13900003333" not in text
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_large_type_mode_fits_every_cases_journey_page_on_a_phone(page, viewport, journey_world):
    """Issue 8 item 2: 长者模式 raises the type by at least a quarter with nothing cut off, on each page the cases
    journeys visit (board, report form, follow page, triage queue, case page)."""
    world = journey_world
    case = services.submit_case(
        actor=None,
        compound=world.compound_a1,
        category=Category.FACILITIES,
        title="",
        description="1栋电梯按钮失灵，老人上下楼困难。",
        reporter_contact="13900004444",
    )
    for path in (f"/b/{world.compound_a1.code}", f"/cases/report/{world.compound_a1.code}/"):
        page.goto(path)
        assert_large_type_fits(page)
    page.goto(f"/cases/follow/{case.follow_token}/")
    assert_large_type_fits(page)
    sign_in_as(page, "phone", world.rc_member)
    for path in ("/cases/?view=org&status=new", f"/cases/{case.pk}/"):
        page.goto(path)
        assert_large_type_fits(page)
