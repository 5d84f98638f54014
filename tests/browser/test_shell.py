"""The interface shell in a real browser: login and landing, large type, language, accessibility."""

import pytest

from sanfang.core.testing import PASSWORD, make_world

from .conftest import axe_violations, shot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_member_logs_in_by_phone_and_lands_on_todos(page, viewport):
    world = make_world()
    sign_in(page, world.epmc_lead.phone, PASSWORD)
    assert page.url.endswith("/todos/")
    assert page.get_by_role("heading", name="我的待办").is_visible()
    shot(page, f"todos-{viewport[0]}")


def test_wrong_password_says_so_in_chinese_and_stays_on_login(page):
    world = make_world()
    sign_in(page, world.epmc_lead.phone, "wrong-password")
    assert "/login/" in page.url
    assert page.get_by_role("alert").inner_text().strip() == "手机号（用户名）或密码不正确。"


def test_large_type_mode_raises_type_by_at_least_a_quarter_without_overflow(page):
    page.goto("/login/")
    base = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    page.get_by_role("button", name="长者模式（大字）").click()
    page.wait_for_load_state()
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert large / base >= 1.25
    overflow = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )
    assert not overflow


def test_language_switch_to_english_sets_the_page_language(page):
    page.goto("/login/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"


@pytest.mark.parametrize("path", ["/", "/login/", "/directory/register/", "/directory/compounds/?q=家园"])
def test_public_pages_have_no_serious_accessibility_violations(page, path):
    make_world()
    page.goto(path)
    assert axe_violations(page) == []


def test_login_works_by_keyboard_alone(page):
    world = make_world()
    page.goto("/login/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    for _ in range(6):
        if page.evaluate("document.activeElement.id") == "id_username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type(world.oc_member.phone)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/todos/")
