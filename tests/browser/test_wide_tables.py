"""Wide tables on a 360-px phone (issue 8 items 2 and 5): names stay whole and the table scrolls sideways.

The meeting's attendance table broke names one character per line on a phone: every column was squeezed to the
width of one Chinese character. Tables now keep a readable minimum column width and scroll inside their
.table-wrap, which becomes a focusable, labelled region while it overflows (axe "scrollable-region-focusable").
The same holds for the other wide staff tables checked below.
"""

from __future__ import annotations

import pytest

from sanfang.meetings.models import Meeting

from .operate import assert_accessible, load_demo, operator

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_PHONE = {"width": 360, "height": 740}

# How many line boxes an element's text takes, and how wide it is in units of its own font size.
MEASURE = """el => {
  const size = parseFloat(getComputedStyle(el).fontSize);
  const tops = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
  }
  tops.sort((a, b) => a - b);
  // Line boxes: tops further apart than half a character (a tag's text sits a little lower than plain text).
  const lines = tops.filter((t, i) => i === 0 || t - tops[i - 1] > size / 2).length;
  return {lines, ems: el.getBoundingClientRect().width / size, text: el.textContent.trim()};
}"""

REGION = """el => ({
  scrolls: el.scrollWidth > el.clientWidth,
  tabindex: el.getAttribute("tabindex"),
  role: el.getAttribute("role"),
  label: el.getAttribute("aria-label"),
})"""


@pytest.fixture
def small_phone(browser, live_server):
    context = browser.new_context(
        viewport=SMALL_PHONE, locale="zh-CN", base_url=live_server.url, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _assert_short_texts_on_one_line(page, cells, what: str) -> int:
    """Every cell holding a short text (a name, a date, a two-character heading) shows it on one line."""
    checked = 0
    for i in range(cells.count()):
        m = cells.nth(i).evaluate(MEASURE)
        if m["text"] and len(m["text"]) <= 4:
            assert m["lines"] == 1, (
                f"{what}: {m['text']!r} is broken over {m['lines']} lines, {m['ems']:.1f} em wide ({page.url})"
            )
            assert m["ems"] >= len(m["text"]), f"{what}: the cell of {m['text']!r} is {m['ems']:.1f} em wide"
            checked += 1
    return checked


def _assert_scroll_region(page, wrap, what: str) -> None:
    region = wrap.evaluate(REGION)
    if region["scrolls"]:
        assert region["tabindex"] == "0" and region["role"] == "region", f"{what}: {region}"
        assert region["label"], f"{what}: the scrolling region has no name"
        wrap.focus()
        page.keyboard.press("ArrowRight")  # a keyboard user can scroll it once it has focus
        page.wait_for_function("el => el.scrollLeft > 0", arg=wrap.element_handle(), timeout=3000)
        wrap.evaluate("el => { el.scrollLeft = 0; }")


def test_issue8_attendance_names_stay_whole_on_a_360px_phone_and_the_table_scrolls(small_phone):
    page = small_phone
    load_demo()
    meeting = (
        Meeting.objects.filter(community__name="城东社区", participants__isnull=False)
        .distinct()
        .order_by("-date")
        .first()
    )
    operator(page, ("phone", SMALL_PHONE)).sign_in("office")
    page.goto(f"/meetings/{meeting.pk}/#attendance")
    rows = page.locator("#attendance tbody tr")
    assert rows.count() >= 4
    names = page.locator("#attendance tbody td:nth-child(2)")
    assert _assert_short_texts_on_one_line(page, names, "attendance names") == names.count()
    _assert_short_texts_on_one_line(page, page.locator("#attendance thead th"), "attendance headings")
    wrap = page.locator("#attendance .table-wrap")
    assert wrap.evaluate(REGION)["scrolls"], "at 360 px the attendance table is wider than the screen"
    _assert_scroll_region(page, wrap, "attendance")
    assert wrap.get_attribute("aria-label") == "参会人员与签到"
    assert_accessible(page, "meeting page on a 360-px phone")


# Other wide tables, as the people who use them see them.
PAGES = {
    "office": ["/meetings/", "/publicity/", "/cases/"],
    "street": ["/meetings/overview/", "/bulletins/overview/", "/reports/overview/"],
}


def test_issue8_other_wide_tables_keep_short_texts_whole_on_a_360px_phone(small_phone):
    page = small_phone
    load_demo()
    ui = operator(page, ("phone", SMALL_PHONE))
    for who, urls in PAGES.items():
        ui.switch_to(who)
        for url in urls:
            page.goto(url)
            wraps = page.locator("main .table-wrap")
            assert wraps.count(), f"{url}: no table"
            for i in range(wraps.count()):
                wrap = wraps.nth(i)
                _assert_short_texts_on_one_line(page, wrap.locator("th, td"), url)
                _assert_scroll_region(page, wrap, url)
            assert_accessible(page, f"{url} on a 360-px phone")
