"""How a journey operates the interface: by keyboard alone on the desktop, by taps on the phone (issue 8, item 2).

`operator(page, viewport)` returns a `Keyboard` or a `Taps`; both have the same verbs, so one journey is written
once and runs both ways. The keyboard operator reaches every control with Tab / Shift+Tab only and acts with
Enter, Space, arrows and typing — if a control cannot be reached that way, the journey fails there.
Journeys run on the demo county (`sanfang demo`), whose personas and names the user guide uses.
"""

from __future__ import annotations

from django.core.management import call_command

from sanfang.core.demo import DEMO_PASSWORD

from .conftest import axe_violations, guide_shot

MAX_TABS = 150


def load_demo() -> None:
    call_command("demo", verbosity=0)


def assert_accessible(page, where: str = "") -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    found = axe_violations(page)
    assert found == [], f"{where or page.url}: {found}"


class Operator:
    def __init__(self, page):
        self.page = page

    def picture(self, name: str, *, of=None, start=None) -> None:
        """A picture for the user guide, taken on the phone only (the guide is phone-sized): the element `of`,
        or the screen scrolled so that `start` is at its top."""
        if self.kind != "taps":
            return
        if start is not None:
            start.first.evaluate("el => el.scrollIntoView({block: 'start'})")
        guide_shot(self.page, name, of=of)

    # --- navigation shared by both -------------------------------------------------------------------

    def sign_out(self) -> None:
        with self.page.expect_navigation():
            self.activate(self.page.get_by_role("button", name="退出"))

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        page = self.page
        if not page.url.rstrip("/").endswith("/login"):
            page.goto("/login/")
        self.fill(page.get_by_label("手机号或用户名"), username)
        self.fill(page.get_by_label("密码"), password)
        with page.expect_navigation():
            self.activate(page.get_by_role("button", name="登录"))

    def switch_to(self, username: str) -> None:
        if self.page.get_by_role("button", name="退出").count():
            self.sign_out()
        self.sign_in(username)

    def follow(self, name: str, *, exact: bool = True, within=None) -> None:
        """Follow the link with this accessible name and wait for the page."""
        scope = within if within is not None else self.page
        with self.page.expect_navigation():
            self.activate(scope.get_by_role("link", name=name, exact=exact).first)

    def press(self, name: str, *, exact: bool = True, within=None) -> None:
        """Press the button with this accessible name and wait for the next page."""
        scope = within if within is not None else self.page
        with self.page.expect_navigation():
            self.activate(scope.get_by_role("button", name=name, exact=exact).first)


class Keyboard(Operator):
    """Tab / Shift+Tab to a control, then Enter, Space, arrows or typing. No mouse, no element.click()."""

    kind = "keyboard"

    def focus(self, locator) -> None:
        page = self.page
        target = locator.element_handle()
        assert target is not None, f"no such control: {locator}"
        for _ in range(MAX_TABS):
            where = page.evaluate(
                """(el) => {
                    const a = document.activeElement;
                    if (a === el) return 0;
                    if (!a || a === document.body) return 1;
                    return (a.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) ? 1 : -1;
                }""",
                target,
            )
            if where == 0:
                return
            page.keyboard.press("Tab" if where > 0 else "Shift+Tab")
        raise AssertionError(f"not reachable by Tab within {MAX_TABS} presses: {locator}")

    def activate(self, locator) -> None:
        self.focus(locator)
        tag = locator.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
        # Links and buttons both answer Enter; checkboxes and radios answer Space.
        self.page.keyboard.press("Space" if tag in ("input:checkbox", "input:radio") else "Enter")

    def check(self, locator) -> None:
        self.focus(locator)
        if not locator.is_checked():
            self.page.keyboard.press("Space")
        assert locator.is_checked()

    def choose(self, locator) -> None:
        """A radio button: Tab reaches its group (one stop per group), the arrow keys move to it."""
        page = self.page
        name = locator.get_attribute("name")
        target = locator.element_handle()
        for _ in range(MAX_TABS):
            if page.evaluate("(n) => document.activeElement && document.activeElement.name === n", name):
                break
            before = page.evaluate(
                "(el) => !!document.activeElement && document.activeElement !== document.body"
                " && !!(document.activeElement.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING)",
                target,
            )
            page.keyboard.press("Shift+Tab" if before else "Tab")
        else:
            raise AssertionError(f"radio group {name} not reachable by Tab")
        radios = page.locator(f'input[type=radio][name="{name}"]')
        want = [r.evaluate("(el, t) => el === t", target) for r in radios.element_handles()].index(True)
        for _ in range(radios.count()):
            now = page.evaluate(
                "(n) => [...document.querySelectorAll(`input[type=radio][name='${n}']`)]"
                ".indexOf(document.activeElement)",
                name,
            )
            if now == want:
                break
            page.keyboard.press("ArrowDown" if want > now else "ArrowUp")
        if not locator.is_checked():
            page.keyboard.press("Space")
        assert locator.is_checked()

    def fill(self, locator, text: str) -> None:
        self.focus(locator)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def type_date(self, locator, iso: str) -> None:
        """A date field takes its digits in the browser's order: month, day, year (en-US, Debian's default
        Chromium) or year, month, day (a Chinese system locale)."""
        year, month, day = iso.split("-")
        self.focus(locator)
        self.page.keyboard.type(month + day + year)
        if locator.input_value() != iso:
            locator.fill("")
            self.focus(locator)
            for n, part in enumerate((year, month, day)):
                if n:
                    self.page.keyboard.press("ArrowRight")
                self.page.keyboard.type(part)
        assert locator.input_value() == iso, locator.input_value()

    def select(self, locator, label: str) -> None:
        """A closed <select> moves its choice with the arrow keys."""
        self.focus(locator)
        labels = [t.strip() for t in locator.locator("option").all_inner_texts()]
        want = next(i for i, t in enumerate(labels) if t == label or label in t)
        now = locator.evaluate("el => el.selectedIndex")
        key = "ArrowDown" if want > now else "ArrowUp"
        for _ in range(abs(want - now)):
            self.page.keyboard.press(key)
        assert locator.evaluate("el => el.selectedIndex") == want


class Taps(Operator):
    """A phone: taps on controls, the on-screen keyboard's typing into fields, the native picker for selects."""

    kind = "taps"

    def activate(self, locator) -> None:
        locator.scroll_into_view_if_needed()
        locator.tap()

    def check(self, locator) -> None:
        if not locator.is_checked():
            locator.tap()
        assert locator.is_checked()

    choose = check

    def fill(self, locator, text: str) -> None:
        locator.tap()
        locator.fill(text)

    def type_date(self, locator, iso: str) -> None:
        # The phone's native date picker cannot be driven by taps from here; it sets the same value.
        locator.fill(iso)

    def select(self, locator, label: str) -> None:
        labels = [t.strip() for t in locator.locator("option").all_inner_texts()]
        locator.select_option(index=next(i for i, t in enumerate(labels) if t == label or label in t))


def operator(page, viewport) -> Operator:
    return Keyboard(page) if viewport[0] == "desktop" else Taps(page)
