"""Staff pages: the responsible party keeps its disclosures up to date; the office and the street see the status."""

from django.urls import reverse

from sanfang.publicity.models import BoardItem, ItemKind, ItemStatus, ItemVersion, Party

from .conftest import item_of

PRICE_FORM = {
    "charged_party": "全体业主",
    "service_content": "保洁、秩序维护",
    "service_standard": "二级",
    "charging_method": "按建筑面积按月计收",
    "start_date": "2024-01-01",
    "items": "住宅物业服务费 | 1.20 元/平方米·月 | 政府指导价 | 1.10 元 | ±10% | 县发改局文件\n停车费 | 100 元/月 | 市场调节价",
    "basis": "物业服务合同",
    "company_phone": "",
    "note": "",
}


def test_the_company_publishes_its_price_display_through_the_form(login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    client = login(w.company_head)
    url = reverse("publicity:item-edit", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, PRICE_FORM | {"version": 0})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    content = item.current.content
    assert (
        content["items"][0]["price_form"] == "government_guided"
        and content["items"][1]["price_form"] == "market"
    )


def test_a_form_error_is_shown_in_chinese_and_nothing_is_published(login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    client = login(w.company_head)
    bad = PRICE_FORM | {"items": "住宅物业服务费 | 1.20 元 | 政府指导价", "version": 0}
    response = client.post(reverse("publicity:item-edit", args=[item.pk]), bad)
    assert response.status_code == 200 and "基准价和浮动幅度" in response.content.decode()
    assert not ItemVersion.objects.filter(item=item).exists()


def test_the_form_round_trips_published_content_for_the_next_version(login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    client = login(w.company_head)
    url = reverse("publicity:item-edit", args=[item.pk])
    client.post(url, PRICE_FORM | {"version": 0})
    html = client.get(url).content.decode()
    assert "住宅物业服务费 | 1.20 元/平方米·月 | 政府指导价" in html
    response = client.post(url, PRICE_FORM | {"version": 1, "note": "更正", "service_standard": "一级"})
    assert response.status_code == 302
    assert ItemVersion.objects.filter(item=item).count() == 2


def test_withdrawing_through_the_page_needs_a_reason(login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    client = login(w.company_head)
    client.post(reverse("publicity:item-edit", args=[item.pk]), PRICE_FORM | {"version": 0})
    client.post(reverse("publicity:item-withdraw", args=[item.pk]), {"version": 1, "reason": "合同终止"})
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN and item.current.note == "合同终止"


def test_an_outsider_company_gets_404_for_another_compounds_item(login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    client = login(w.other_company_head)
    assert client.get(reverse("publicity:item-edit", args=[item.pk])).status_code == 404
    assert (
        client.post(reverse("publicity:item-edit", args=[item.pk]), PRICE_FORM | {"version": 0}).status_code
        == 404
    )
    assert client.get(reverse("publicity:compound", args=[w.compound_a1.code])).status_code == 404


def test_the_office_sees_the_item_but_cannot_publish_the_companys_disclosure(login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    client = login(w.epmc_lead)
    response = client.get(reverse("publicity:item-edit", args=[item.pk]))
    assert response.status_code == 200 and "责任方公示" in response.content.decode()
    assert (
        client.post(reverse("publicity:item-edit", args=[item.pk]), PRICE_FORM | {"version": 0}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("publicity:item-withdraw", args=[item.pk]), {"version": 0, "reason": "x"}
        ).status_code
        == 403
    )


def test_residents_and_anonymous_visitors_have_no_staff_pages(client, login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    assert client.get(reverse("publicity:home")).status_code == 302  # to login
    resident = login(w.resident)
    assert resident.get(reverse("publicity:home")).status_code == 404
    assert resident.get(reverse("publicity:item-edit", args=[item.pk])).status_code == 404


def test_the_street_sees_every_compounds_disclosure_status_in_its_street_only(
    login, scheduled, django_assert_max_num_queries
):
    w = scheduled
    client = login(w.street_official)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("publicity:home")).content.decode()
    assert reverse("publicity:compound", args=[w.compound_a1.code]) in html
    assert reverse("publicity:compound", args=[w.compound_a2.code]) in html
    assert reverse("publicity:compound", args=[w.compound_b1.code]) not in html
    other = login(w.other_street_official)
    html = other.get(reverse("publicity:home")).content.decode()
    assert reverse("publicity:compound", args=[w.compound_a1.code]) not in html


def test_the_company_home_lists_what_it_must_publish_overdue_first(login, scheduled):
    w = scheduled
    html = login(w.company_head).get(reverse("publicity:home")).content.decode()
    assert "我方待公示事项" in html and "逾期未公示" in html
    assert reverse("publicity:compound", args=[w.compound_a2.code]) not in html


def test_the_oc_publishes_common_income_from_its_page(login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.COMMON_INCOME, period_key="2026Q3")
    client = login(w.oc_member)
    response = client.post(
        reverse("publicity:item-edit", args=[item.pk]),
        {
            "version": 0,
            "opening_balance": "0",
            "incomes": "广告 | 电梯广告 | 12000\n停车 | 地面车位 | 30000",
            "uses": "补充维修资金 | 20000",
            "custodian": "业主委员会",
            "remark": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current.content["closing_balance"] == "22000.00"


def test_the_charge_change_page_refuses_short_notice(login, scheduled, fee_gate):
    w = scheduled
    fee_gate["gate"] = {"id": 1, "title": "物业费调整", "status": "已介入", "gate_open": True}
    client = login(w.company_head)
    url = reverse("publicity:charge-change", args=[w.compound_a1.code])
    data = {
        "charge_item": "物业服务费",
        "old_standard": "1.2",
        "new_standard": "1.35",
        "effective_on": "2026-12-01",
        "reason": "成本上涨",
        "basis": "业主大会决定",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "至少提前一个月" in response.content.decode()
    assert client.post(url, data | {"effective_on": "2027-01-01"}).status_code == 302
    assert BoardItem.objects.filter(kind=ItemKind.CHARGE_CHANGE, compound=w.compound_a1).count() == 1
    assert login(w.oc_member).get(url).status_code == 403


def test_commitments_are_edited_line_by_line_with_fulfilment(login, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.COMMITMENT, Party.OWNERS_COMMITTEE)
    client = login(w.oc_member)
    response = client.post(
        reverse("publicity:item-edit", args=[item.pk]),
        {
            "version": 0,
            "entries": "每月接待业主一次 | 已兑现 | 全年 11 次\n推动增设充电桩 | 推进中",
            "note": "",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert [e["status"] for e in item.current.content["entries"]] == ["kept", "in_progress"]


def test_pn1_the_commission_statement_form_asks_for_each_cost_category(login, scheduled):
    from sanfang.directory.models import FeeRegime, ServiceContract
    from sanfang.publicity.content import COST_CATEGORIES

    w = scheduled
    ServiceContract.objects.filter(company=w.company_x).update(fee_regime=FeeRegime.COMMISSION)
    item = item_of(w.compound_a1, ItemKind.INCOME_STATEMENT)
    client = login(w.company_head)
    url = reverse("publicity:item-edit", args=[item.pk])
    html = client.get(url).content.decode()
    assert all(str(label) in html for _code, label in COST_CATEGORIES) and "酬金决算" in html
    data = {"version": 0, "incomes": "物业费 | 100000 | 95000", "summary": "", "note": ""}
    data |= {"commission_basis": "按 10% 提取", "commission_budget": "10000", "commission_actual": "9500"}
    response = client.post(url, data)
    assert response.status_code == 200 and "预算" in response.content.decode()  # categories missing
    for code, _label in COST_CATEGORIES:
        data[f"cost_{code}_budget"], data[f"cost_{code}_actual"] = "1000", "900"
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.current.content["commission"]["actual"] == "9500.00"


def test_the_street_exports_every_compounds_disclosure_status_as_xlsx(login, scheduled):
    import io

    from openpyxl import load_workbook

    w = scheduled
    from sanfang.core.testing import run_job

    job, response = run_job(login(w.street_official), reverse("publicity:status-export"))
    assert job.done == job.total > 0  # progress counted the items
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("街道（乡镇）", "社区", "小区", "小区代码")
    codes = {r[3] for r in rows[1:]}
    assert codes == {w.compound_a1.code, w.compound_a2.code}
    assert any(r[9] == "逾期未公示" for r in rows[1:])
    assert login(w.resident).get(reverse("publicity:status-export")).status_code == 404
    assert login(w.resident).post(reverse("publicity:status-export")).status_code == 404


def test_only_the_three_parties_generate_a_compounds_due_items(login, world):
    url = reverse("publicity:compound", args=[world.compound_a1.code])
    assert login(world.street_official).post(url, {"action": "schedule"}).status_code == 403
    assert not BoardItem.objects.exists()
    assert login(world.oc_member).post(url, {"action": "schedule"}).status_code == 302
    assert BoardItem.objects.filter(compound=world.compound_a1).exists()
