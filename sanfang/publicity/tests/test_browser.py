"""PN-2 in a real browser (Debian's Chromium via Playwright): the board on a phone, the big screen, and the poster
printed to PDF on A4 and A3 — every PN-1 section and the fee items present. Skipped where Chromium is missing."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from sanfang.publicity import services
from sanfang.publicity.models import ItemKind, Party

from .conftest import SAMPLES, item_of

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SECTIONS = ("三方负责人", "年度服务承诺", "问题处理情况", "收费与资金公示", "公示事项及期限")
FEE_FACTS = (
    "收费对象",
    "服务内容",
    "服务标准",
    "计费方式",
    "收费起始时间",
    "收费项目",
    "价格管理形式",
    "收费依据",
    "12358",
)


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def board(world, no_cases):
    services.ensure_schedule(compounds=[world.compound_a1])
    for actor, item in (
        (world.company_head, item_of(world.compound_a1, ItemKind.PRICE_DISPLAY)),
        (world.epmc_lead, item_of(world.compound_a1, ItemKind.COMMITMENT, Party.RESIDENTS_COMMITTEE)),
    ):
        services.publish_item(actor=actor, item=item, content=SAMPLES[item.kind], version=0)
    return world


def _page(chromium, live_server, **context):
    ctx = chromium.new_context(base_url=live_server.url, locale="zh-CN", **context)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    return ctx, page


def test_pn2_the_board_reads_on_a_phone_without_sideways_scrolling(chromium, live_server, board):
    ctx, page = _page(chromium, live_server, viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(reverse("publicity:board", args=[board.compound_a1.code]))
    text = page.inner_text("main")
    for words in SECTIONS + FEE_FACTS:
        assert words in text, words
    assert not page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )
    if AXE.exists():
        page.evaluate(
            AXE.read_text()
        )  # not add_script_tag: the Content-Security-Policy blocks inline scripts
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == []
    ctx.close()


def test_pn2_the_big_screen_rotates_one_section_at_a_time(chromium, live_server, board):
    ctx, page = _page(chromium, live_server, viewport={"width": 1920, "height": 1080})
    page.goto(reverse("publicity:board-screen", args=[board.compound_a1.code]))
    page.wait_for_function("document.querySelectorAll('.slide.hidden').length === 4")
    ctx.close()


@pytest.mark.parametrize(("size", "width_pt"), [("A4", 595), ("A3", 842)])
def test_pn2_the_poster_prints_to_pdf_on_a4_and_a3(chromium, live_server, board, size, width_pt):
    ctx, page = _page(chromium, live_server)
    page.emulate_media(media="print")
    page.goto(reverse("publicity:board-poster", args=[board.compound_a1.code]) + f"?size={size}")
    text = page.inner_text("body")
    for words in SECTIONS + FEE_FACTS + ("打印日期", "扫码查看实时公示"):
        assert words in text, words
    assert page.locator(".qr svg").count() == 1
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes and round(float(boxes[0][0])) == width_pt
    ctx.close()
