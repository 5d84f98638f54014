"""Accessibility on the demo county (issue 8, item 2).

- axe-core finds no serious or critical violation on any public page, nor on the main staff pages of every
  persona (to-dos, place page, meetings, cases, board, appraisal round, campaign overview, audit trail);
- the large-type mode (长者模式) raises the computed type of every page's text by at least 1.25×, with nothing
  pushed out sideways (no container wider than its box) on a phone;
- text contrast meets WCAG 2.2 AA (axe's color-contrast rule, 4.5:1 and 3:1 for large text) in both modes.

One test per check walks every page, so the demo county is loaded once per check, and a failure lists every page
at fault at once.
"""

from __future__ import annotations

import pytest

from sanfang.appraisal.models import Round
from sanfang.campaigns.models import Campaign
from sanfang.cases.models import Case
from sanfang.core.demo import DEMO_PASSWORD
from sanfang.directory.models import Residency
from sanfang.meetings.models import Meeting

from .conftest import AXE, axe_violations, guide_shot
from .operate import load_demo

pytestmark = pytest.mark.django_db(transaction=True)


def _public_pages() -> list[str]:
    compound = Residency.objects.get(person__username="resident").compound
    case = Case.objects.filter(compound=compound).exclude(tracking_no="").order_by("id").first()
    past_round = Round.objects.filter(community=compound.parent, published_on__isnull=False).first()
    pages = [
        "/",
        "/login/",
        "/directory/register/",
        "/directory/compounds/?q=幸福",
        f"/b/{compound.code}",
        f"/b/{compound.code}/screen",
        f"/b/{compound.code}/share",
        f"/cases/report/{compound.code}/",
    ]
    if case is not None:
        pages.append(f"/cases/public/{case.tracking_no}/")
    if past_round is not None:
        pages.append(f"/appraisal/r/{past_round.pk}/")
    return pages


def _staff_pages() -> dict[str, list[str]]:
    """The main pages of each persona, as its menu leads there (home community 城东社区 of 兴国镇)."""
    compound = Residency.objects.get(person__username="resident").compound
    community = compound.parent
    street, county = community.parent, community.parent.parent
    meeting = (
        Meeting.objects.filter(community=community, status=Meeting.Status.CLOSED).order_by("-date").first()
    )
    rnd = Round.objects.filter(community=community).order_by("-year").first()
    campaign = Campaign.objects.order_by("id").first()
    case = Case.objects.filter(compound=compound).order_by("id").first()
    common = ["/todos/", "/meetings/", f"/meetings/{meeting.pk}/", "/cases/", f"/cases/{case.pk}/"]
    return {
        "county": [
            "/todos/",
            f"/directory/places/{county.code}/",
            "/campaigns/",
            f"/campaigns/{campaign.pk}/",
            "/cases/overview/",
            "/audit/",
        ],
        "street": [
            "/todos/",
            f"/directory/places/{street.code}/",
            "/meetings/overview/",
            "/appraisal/",
            f"/appraisal/rounds/{rnd.pk}/",
            "/cases/summonses/",
            "/audit/",
        ],
        "party": [*common, f"/directory/places/{community.code}/", f"/appraisal/rounds/{rnd.pk}/", "/audit/"],
        "office": [
            *common,
            "/meetings/workbench/",
            f"/publicity/compounds/{compound.code}/",
            f"/campaigns/{campaign.pk}/",
            "/campaigns/epmc/",
        ],
        "oc": ["/todos/", "/meetings/", "/cases/", f"/publicity/compounds/{compound.code}/"],
        "company": ["/todos/", "/cases/", "/publicity/", f"/appraisal/rounds/{rnd.pk}/"],
        "dept": ["/todos/", "/cases/summonses/"],
        "resident": ["/todos/", "/cases/mine/", f"/b/{compound.code}", "/directory/me/"],
        "admin": ["/todos/", "/directory/places/", "/audit/"],
    }


def _sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("手机号或用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def _open(page, path: str, faults: dict, where: str) -> bool:
    response = page.goto(path)
    if response is None or response.status != 200:
        faults[where] = f"HTTP {response.status if response else '—'}"
        return False
    return True


def _contrast_violations(page) -> list:
    """axe's color-contrast rule only (WCAG 2 AA: 4.5:1, 3:1 for large text)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # by the DevTools protocol: the CSP forbids an inline <script>
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}})"
    )
    return [[n["target"] for n in v["nodes"]][:5] for v in result["violations"]]


# Text whose size the large-type mode must raise: headings, body text, table cells, form labels and controls.
SAMPLE_TEXT = "main h1, main p, main li, main td, main label, main button, main input, main select, main a"

MEASURE = """(selector) => {
  const sizes = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;  // not displayed
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '');
    sizes.push([name, parseFloat(getComputedStyle(el).fontSize)]);
    if (sizes.length >= 40) break;
  }
  return sizes;
}"""

OVERFLOW = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page ${doc.scrollWidth}>${doc.clientWidth}`);
  for (const el of document.querySelectorAll('header, nav, main, main > *, footer, .card, form, fieldset')) {
    if (el.closest('.table-wrap')) continue;  // a wide table scrolls inside its own box, by design
    const style = getComputedStyle(el);
    if (style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} ${el.scrollWidth}>${el.clientWidth}`);
    }
  }
  return out.slice(0, 5);
}"""


@pytest.fixture
def desktop_only(viewport):
    if viewport[0] != "desktop":
        pytest.skip("staff pages are scanned at the desktop size; the journeys scan them on the phone")


@pytest.fixture
def phone_only(viewport):
    if viewport[0] != "phone":
        pytest.skip("the large-type mode is checked where it matters most, on a phone")


def test_every_public_page_has_no_serious_or_critical_axe_violation(page, viewport):
    load_demo()
    faults = {}
    for path in _public_pages():
        if _open(page, path, faults, path):
            found = axe_violations(page)
            if found:
                faults[path] = found
    assert faults == {}


def test_main_staff_pages_of_every_persona_have_no_serious_or_critical_axe_violation(page, desktop_only):
    load_demo()
    faults = {}
    for persona, paths in _staff_pages().items():
        _sign_in(page, persona)
        for path in paths:
            where = f"{persona} {path}"
            if _open(page, path, faults, where):
                found = axe_violations(page)
                if found:
                    faults[where] = found
    assert faults == {}


def test_large_type_mode_raises_type_a_quarter_with_nothing_cut_off_and_contrast_aa(page, phone_only):
    load_demo()
    faults = {}
    # The big-screen display has no header and no switch: its type is already sized for a screen across a room.
    groups = [(None, [p for p in _public_pages() if not p.endswith("/screen")])]
    staff = _staff_pages()
    groups += [
        (persona, staff[persona]) for persona in ("resident", "office", "party", "oc", "company", "street")
    ]
    for persona, paths in groups:
        if persona is None:
            page.context.clear_cookies()
        else:
            _sign_in(page, persona)
        standard = {}
        for path in paths:
            if _open(page, path, faults, f"{persona or 'public'} {path}"):
                standard[path] = page.evaluate(MEASURE, SAMPLE_TEXT)
        # The switch is in every page's header; it holds for the session (and the person's profile).
        _switch(page, "长者模式（大字）")
        for path, before in standard.items():
            where = f"{persona or 'public'} {path}"
            page.goto(path)
            after = page.evaluate(MEASURE, SAMPLE_TEXT)
            if len(after) != len(before) or not after:
                faults[where] = f"text elements differ: {len(before)} vs {len(after)}"
            else:
                small = [
                    f"{name} {a:g}px→{b:g}px"
                    for (name, a), (_same, b) in zip(before, after, strict=True)
                    if a and b / a < 1.25
                ]
                if small:
                    faults[where] = small[:5]
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                faults[where + " (cut off)"] = overflow
            contrast = _contrast_violations(page)
            if contrast:
                faults[where + " (contrast)"] = contrast
            if persona is None and path.startswith("/b/") and path.count("/") == 2:  # the board itself
                guide_shot(page, "large-type-board")
        _switch(page, "标准字号")
    assert faults == {}


def _switch(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
