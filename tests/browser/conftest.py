"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

Skipped, with a message, where no Chromium is installed (`make test` on a bare machine); `.ci/run` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# The user guide's pictures (docs/guide/img/). Written there only when SANFANG_GUIDE_IMAGES=1 (`make guide-images`)
# and the guide shows them, so an ordinary test run leaves the committed images alone.
GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--lang=zh-CN",  # the browser's own controls (file picker, date fields) in Chinese, as users see them
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(params=["phone", "desktop"])
def viewport(request):
    return request.param, PHONE if request.param == "phone" else DESKTOP


@pytest.fixture
def page(request, browser, viewport, live_server):
    name, size = viewport
    context = browser.new_context(
        viewport=size,
        locale="zh-CN",
        base_url=live_server.url,
        is_mobile=name == "phone",
        has_touch=name == "phone",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    if getattr(request.node, "browser_failed", False):
        # What the page showed when the test failed, for whoever reads the CI log.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}.png"), full_page=True)
    context.close()


def shot(page, name: str) -> Path:
    """Save a screenshot (used by the user guide) and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# The pictures taken in this run (names without .png): at the end of a whole browser run, every picture the guide
# shows must be among them (pytest_sessionfinish below), so the guide cannot keep a picture of an old interface.
TAKEN: set[str] = set()
IMAGE_REF = re.compile(r"!\[[^\]]*\]\(img/([^)\s]+)\.png\)")


def guide_pictures() -> set[str]:
    """The names of the pictures docs/guide/*.md show (img/<name>.png)."""
    return {
        name for md in GUIDE_IMAGES.parent.glob("*.md") for name in IMAGE_REF.findall(md.read_text("utf-8"))
    }


def _guide_shows(name: str) -> bool:
    """Under SANFANG_GUIDE_IMAGES=1, the pictures the guide shows go to docs/guide/img/ (the others, e.g. the
    desktop variants, to var/screenshots/guide/)."""
    if os.environ.get("SANFANG_GUIDE_IMAGES") != "1":
        return False
    return name in guide_pictures()


def guide_shot(page, name: str, *, of=None, full_page: bool = False) -> Path:
    """Save a picture for the user guide as `<name>.png`: the element `of` (a locator) when given, else the
    viewport (or the full page). Keep them phone-sized and to the point, so the committed PNGs stay small.

    docs/guide/ may reference only images some browser test names here (tests/test_guide.py checks both ways).
    """
    folder = GUIDE_IMAGES if _guide_shows(name) else ARTIFACTS / "guide"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    if of is not None:
        of.first.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full_page)
    TAKEN.add(name)
    return path


def _whole_browser_run(session) -> bool:
    """The check below needs every journey: on when `make test-browser` / `make guide-images` ask for it
    (SANFANG_GUIDE_CHECK=1), off for a run narrowed by -k or to some files (a developer re-running one test)."""
    config = session.config
    if os.environ.get("SANFANG_GUIDE_CHECK") != "1" or config.option.keyword:
        return False
    return all(Path(arg.split("::")[0]).resolve() in ROOTS for arg in config.args)


ROOTS = {Path(__file__).resolve().parents[2] / d for d in ("", "sanfang", "tests")}


def missing_guide_pictures(taken: set[str]) -> list[str]:
    return sorted(guide_pictures() - taken)


def pytest_sessionfinish(session, exitstatus):
    """Issue 8.4: a whole browser run takes every picture the user guide shows, from the interface as it is now;
    a picture the guide shows that no test took in this run fails the run (its journey failed, was skipped, or no
    longer takes it)."""
    if not _whole_browser_run(session):
        return
    if not TAKEN and CHROMIUM is None:
        return  # no browser here: every browser test was skipped, with its own message
    missing = missing_guide_pictures(TAKEN)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if missing:
        if reporter:
            reporter.write_line(
                "FAILED guide pictures: the user guide shows pictures this run did not take "
                "(docs/guide/img/): " + ", ".join(f"{m}.png" for m in missing),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter:
        reporter.write_line(
            f"guide pictures: all {len(guide_pictures())} shown by the guide taken in this run"
        )


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; return the violations of the given impacts."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm install); accessibility check skipped")
    # Evaluated by the DevTools protocol: a <script> tag with the source inline would be blocked by the CSP.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("手机号或用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def tab_to(page, locator, limit: int = 80) -> None:
    """Press Tab (keyboard alone) until `locator` has the focus; fail, naming it, when it is never reached.

    Shift+Tab when the target comes before the focused element, as a person would, rather than round the page.
    """
    target = locator.first
    target.wait_for(state="attached")
    backwards = target.evaluate(
        """el => {
            const now = document.activeElement;
            if (!now || now === document.body || now === el) return false;
            return Boolean(now.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
        }"""
    )
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tab never reaches {locator} in {limit} presses: not operable by keyboard alone")


def activate(page, device: str, locator, key: str = "Enter") -> None:
    """Use a control the way the device's person does: a tap on the phone, Tab then Enter (or Space) on the desktop."""
    if device == "phone":
        locator.first.tap()
    else:
        tab_to(page, locator)
        page.keyboard.press(key)


def enter_text(page, device: str, locator, text: str) -> None:
    """Type into a field: tap it then type on the phone; Tab to it then type on the desktop."""
    if device == "phone":
        locator.first.tap()
    else:
        tab_to(page, locator)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
