"""PN-1/PN-2: the public board and its outputs — phone page, big screen, A4/A3 poster with QR code, share text."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from sanfang.core import extensions
from sanfang.core.testing import XSS
from sanfang.publicity import services
from sanfang.publicity.models import ItemKind, Party

from .conftest import SAMPLES, item_of


@pytest.fixture
def published(scheduled, no_cases):
    """A1's board with its price display, this year's RC commitments and one common-income quarter published."""
    w = scheduled
    for actor, item in (
        (w.company_head, item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)),
        (w.epmc_lead, item_of(w.compound_a1, ItemKind.COMMITMENT, Party.RESIDENTS_COMMITTEE)),
        (w.oc_member, item_of(w.compound_a1, ItemKind.COMMON_INCOME, period_key="2026Q3")),
    ):
        services.publish_item(actor=actor, item=item, content=SAMPLES[item.kind], version=0)
    no_cases.append(
        lambda compound: [
            {
                "tracking_no": "CS-2026-0001",
                "case_class": "major",
                "case_class_label": "重大",
                "status": "open",
                "status_label": "处理中",
                "title": f"地下车库渗水{XSS}",
                "summary": "车库顶板渗水",
                "solution": "",
                "reported_to": "兴国镇人民政府",
                "reply": "已安排住建局现场查看",
                "progress": [{"at": dt.date(2026, 11, 1), "text": "住建局现场查看"}],
                "url": "",
            },
            {
                "case_class": "routine",
                "title": "路灯不亮",
                "solution": "物业 3 日内更换灯具",
                "status_label": "已办结",
            },
        ]
    )
    return w


def board_url(w, name="publicity:board", **kw):
    return reverse(name, args=[w.compound_a1.code]) + (f"?{kw['q']}" if "q" in kw else "")


def test_pn1_anyone_reads_the_board_without_login_with_every_section(client, published):
    w = published
    response = client.get(board_url(w))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "三方负责人及联系方式",
        "年度服务承诺及兑现情况",
        "问题处理情况",
        "收费与资金公示",
        "公示事项及期限",
    ):
        assert heading in html
    # the fee items a price display must show
    for fact in (
        "收费对象",
        "服务内容",
        "服务标准",
        "计费方式",
        "收费起始时间",
        "收费项目",
        "政府指导价",
        "基准价",
        "浮动幅度",
        "市场调节价",
        "收费依据",
        "12358",
        "包干制",
    ):
        assert fact in html, fact
    # cases from the "board.cases" extension point: reported unit and reply of a major case; routine solution
    assert "兴国镇人民政府" in html and "已安排住建局现场查看" in html and "物业 3 日内更换灯具" in html
    assert XSS not in html and "&lt;script&gt;" in html


def test_pn1_people_come_from_public_positions_with_their_published_contact(client, published):
    w = published
    html = client.get(board_url(w)).content.decode()
    assert w.epmc_lead.name.replace("<", "&lt;").replace(">", "&gt;") in html
    assert "0714-7300001" in html
    assert w.rc_member.phone not in html  # not public


def test_pn1_no_resident_personal_data_on_the_board(client, published):
    w = published
    html = client.get(board_url(w)).content.decode()
    for resident in (w.resident, w.other_resident):
        assert resident.phone not in html
        assert resident.name.split("<")[0] not in html


def test_pn1_an_overdue_disclosure_shows_publicly_as_overdue(client, published):
    html = client.get(board_url(published)).content.decode()
    assert "逾期未公示" in html
    assert "2025 年度物业服务收支情况" in html


def test_pn2_each_item_shows_published_and_changed_times_and_links_its_history(client, published):
    w = published
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    html = client.get(board_url(w)).content.decode()
    assert "首次公示" in html and "最近更新" in html
    assert reverse("publicity:item-history", args=[w.compound_a1.code, item.pk]) in html


def test_pn2_history_shows_every_version_and_what_changed(client, published):
    w = published
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    item.refresh_from_db()
    services.publish_item(
        actor=w.company_head,
        item=item,
        content=SAMPLES[ItemKind.PRICE_DISPLAY] | {"charging_method": "按套内面积按月计收"},
        version=1,
        note="计费方式更正",
    )
    html = client.get(reverse("publicity:item-history", args=[w.compound_a1.code, item.pk])).content.decode()
    assert "第 1 版" in html and "第 2 版" in html and "计费方式更正" in html
    assert "按建筑面积按月计收" in html and "按套内面积按月计收" in html


def test_pn2_big_screen_mode_rotates_sections_and_refreshes(client, published):
    html = client.get(board_url(published, "publicity:board-screen")).content.decode()
    # screen.js rotates and reloads; the reader can pause both (no <meta> refresh, which nobody could stop).
    assert 'data-reload="600"' in html and "data-rotate" in html and "screen.js" in html
    assert 'http-equiv="refresh"' not in html and "data-pause" in html
    assert html.count('class="slide"') == 5 and "12358" in html


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_pn2_the_poster_prints_on_a4_and_a3_with_print_date_and_qr_code(client, published, size):
    w = published
    html = client.get(board_url(w, "publicity:board-poster") + f"?size={size}").content.decode()
    # The page size lives in a static stylesheet per size (the Content-Security-Policy allows no inline <style>).
    assert f"publicity/poster-{size.lower()}.css" in html
    css = Path(__file__).resolve().parents[1] / "static" / "publicity" / f"poster-{size.lower()}.css"
    assert f"size: {size} portrait" in css.read_text()
    assert "<svg" in html and "2026-11-24" in html and "打印日期" in html
    assert f"/b/{w.compound_a1.code}" in html


def test_pn2_share_text_for_the_wechat_group_is_plain_text_with_the_link(client, published):
    w = published
    response = client.get(board_url(w, "publicity:board-share") + "?format=txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f"/b/{w.compound_a1.code}" in text and "12358" in text and "逾期未公示" in text


def test_pn2_the_qr_code_is_an_svg(client, published):
    response = client.get(board_url(published, "publicity:board-qr"))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content


def test_pn2_large_type_mode(client, published):
    html = client.get(board_url(published) + "?large=1").content.decode()
    assert 'class="large-type"' in html


def test_pn2_the_public_verification_page_reports_an_intact_chain(client, published):
    html = client.get(board_url(published, "publicity:board-verify")).content.decode()
    assert "完整" in html and "共 3 个版本" in html


def test_unknown_compound_is_404(client, db):
    assert client.get("/b/NOPE").status_code == 404


def test_the_board_page_has_a_bounded_number_of_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        assert client.get(board_url(published)).status_code == 200


def test_cases_extension_point_is_consumed_not_imported(published):
    assert extensions.has("board.cases")


def test_a_failing_cases_provider_does_not_take_the_public_board_down(client, scheduled, no_cases):
    def broken(compound):
        raise RuntimeError("cases app is down")

    no_cases.append(broken)
    response = client.get(board_url(scheduled))
    assert response.status_code == 200 and "问题处理情况" in response.content.decode()


def test_a_withdrawn_item_shows_as_withdrawn_with_its_reason(client, published):
    w = published
    item = item_of(w.compound_a1, ItemKind.COMMON_INCOME, period_key="2026Q3")
    item.refresh_from_db()
    services.withdraw_item(
        actor=w.oc_member, item=item, reason="金额有误，核对后重新公示", version=item.version
    )
    html = client.get(board_url(w)).content.decode()
    assert "已撤回" in html and "金额有误，核对后重新公示" in html


def test_pn2_the_big_screen_carries_the_qr_code_to_the_live_page(client, published):
    html = client.get(board_url(published, "publicity:board-screen")).content.decode()
    assert "<svg" in html and 'class="screen-mode"' in html


def test_the_openapi_document_describes_the_board_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/publicity/boards/{code}" in paths
    assert "/api/v1/publicity/items/{item_id}/publish" in paths


def test_the_board_reads_in_english_too(client, published):
    client.cookies["django_language"] = "en"  # the visitor chose English with the switch
    html = client.get(board_url(published)).content.decode()
    assert "Public board" in html and "Price complaint hotline" in html and "Overdue, not published" in html


def test_an_item_is_only_reachable_under_its_own_compound(client, published):
    w = published
    other = item_of(w.compound_a2, ItemKind.PRICE_DISPLAY)
    assert (
        client.get(reverse("publicity:item-history", args=[w.compound_a1.code, other.pk])).status_code == 404
    )


def test_pn1_an_announced_charge_change_is_shown_at_the_top_of_the_board(client, published, fee_gate):
    w = published
    fee_gate["gate"] = {"id": 1, "title": "物业费调整", "status": "已介入", "gate_open": True}
    change = {
        "charge_item": "地面停车服务费",
        "old_standard": "100 元/月",
        "new_standard": "120 元/月",
        "effective_on": "2027-01-01",
        "reason": "成本上涨",
        "basis": "业主大会决定",
    }
    services.publish_charge_change(actor=w.company_head, compound=w.compound_a1, content=change)
    html = client.get(board_url(w)).content.decode()
    assert "地面停车服务费：100 元/月 → 120 元/月，2027-01-01 起执行。" in html
