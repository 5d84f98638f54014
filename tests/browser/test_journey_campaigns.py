"""Issue 8 item 1, the county reads the campaign overview (WN-3/WN-4 roll-up), on a phone (taps) and a desktop (the
keyboard alone): from the navigation to the campaign, its street-by-street roll-up, one street's report and the
roll-up table as .xlsx (a background job with a progress page, issue 8 item 5). Every page visited is scanned by axe-core (item 2); the guide's pictures are taken on the way."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from sanfang.campaigns import services
from sanfang.campaigns.models import Conclusion

from .conftest import activate, guide_shot
from .journeys import assert_accessible, assert_large_type_fits, sign_in_as, tidy_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign_world(settings, live_server):
    """A campaign in its third week: one compound surveyed, approved, investigated (one problem), the street's
    progress report submitted; the other street has reported nothing yet."""
    from sanfang.core.testing import make_world

    settings.SITE_URL = live_server.url
    world = make_world()
    tidy_world(world)
    today = timezone.localdate()
    campaign = services.open_campaign(
        actor=world.county_official,
        county=world.county,
        title="专业化物业服务收费信息不透明问题专项整治",
        purpose="让业主明明白白消费",
        survey_due=today + dt.timedelta(days=10),
        investigation_due=today + dt.timedelta(days=20),
        report_due=today + dt.timedelta(days=25),
    )
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    survey = services.save_survey(
        actor=world.rc_member,
        survey=survey,
        version=survey.version,
        address="兴国镇城东路1号",
        year_built=2008,
        households=320,
        fee_standard="住宅 1.20 元/㎡·月",
    )
    survey = services.submit_survey(actor=world.rc_member, survey=survey, version=survey.version)
    survey = services.review_survey(
        actor=world.street_official, survey=survey, approve=True, version=survey.version
    )
    survey = services.review_survey(
        actor=world.county_official, survey=survey, approve=True, version=survey.version
    )
    investigation = services.open_investigation(
        actor=world.street_official, survey=survey, investigators="街道专班"
    )
    services.add_problem(
        actor=world.street_official,
        investigation=investigation,
        description="收费公示缺少收费依据",
        owner=world.company_x,
        working_days=10,
    )
    investigation.refresh_from_db()
    investigation = services.update_investigation(
        actor=world.street_official,
        investigation=investigation,
        version=investigation.version,
        findings="收费公示栏缺少收费依据，其余项目齐全。",
        checklist={i.pk: {"result": "ok", "note": ""} for i in investigation.checklist.all()},
    )
    services.conclude_investigation(
        actor=world.street_official,
        investigation=investigation,
        conclusion=Conclusion.MOSTLY,
        version=investigation.version,
    )
    report = services.report_for(campaign, world.street_a)
    report = services.save_report(
        actor=world.street_official,
        report=report,
        version=report.version,
        basic_situation="全镇完成摸排，1个小区纳入整治。",
        measures="成立专班逐一核查收费公示。",
        problems="个别小区收费依据未公示。",
        suggestions="将收费公示纳入年度评议。",
        contact_name="王芳",
        contact_phone="0714-7300002",
    )
    services.submit_report(actor=world.street_official, report=report, version=report.version)
    return world, campaign


def test_county_reads_the_campaign_overview(page, viewport, campaign_world):
    """Journey d: the county official opens 专项整治 from the navigation, reads the roll-up by street (surveyed,
    approved, investigated, problems, reports in or missing), opens one street's report, and downloads the table."""
    device = viewport[0]
    world, campaign = campaign_world

    sign_in_as(page, device, world.county_official)
    with page.expect_navigation():
        activate(
            page, device, page.get_by_role("navigation", name="主导航").get_by_role("link", name="专项整治")
        )
    assert_accessible(page)
    with page.expect_navigation():
        activate(page, device, page.get_by_role("link", name=campaign.title))
    assert page.get_by_role("heading", name=campaign.title, exact=True).is_visible()
    assert_accessible(page)

    bars = page.get_by_role("progressbar", name=f"{world.street_a.name} 摸排")
    assert bars.get_attribute("value") == "50"  # 1 of the street's 2 compounds surveyed
    label_px = page.locator(".bars .chart-label").first.evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert label_px >= 14, "the chart's labels must stay readable on a phone"

    table = page.locator("table.stat-table")
    row_a = table.locator("tbody tr", has=page.get_by_role("rowheader", name=world.street_a.name))
    row_b = table.locator("tbody tr", has=page.get_by_role("rowheader", name=world.street_b.name))
    cells_a = row_a.locator("td").all_inner_texts()
    # 小区总数 2, 已摸排 1, 已审定 1, 纳入整治 1, 已调查核实 1, 基本规范 1, 发现问题 1; the report is in.
    assert cells_a[:5] == ["2", "1", "1", "1", "1"] and cells_a[8] == "1"
    assert "已报送" in cells_a[-1]
    assert "未报送" in row_b.locator("td").last.inner_text()
    page.locator("figure.chart").scroll_into_view_if_needed()
    guide_shot(page, f"guide-county-campaign-{device}")

    # Item 5: the table is made by a background job; its page shows the progress, then offers the file.
    with page.expect_navigation():
        activate(page, device, page.get_by_role("button", name="导出进展汇总表（.xlsx）"))
    assert "/jobs/" in page.url
    page.get_by_role("link", name="下载", exact=False).wait_for()
    assert page.get_by_role("progressbar", name="完成进度").get_attribute("value") == "100"
    assert_accessible(page)
    with page.expect_download() as download:
        activate(page, device, page.get_by_role("link", name="下载", exact=False))
    from openpyxl import load_workbook

    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read())).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert world.street_a.name in values and world.street_b.name in values

    page.go_back()
    with page.expect_navigation():
        activate(page, device, row_a.get_by_role("link", name="已报送"))
    text = page.locator("main").inner_text()
    assert "成立专班逐一核查收费公示" in text and world.street_a.name in text
    assert_accessible(page)
    guide_shot(page, f"guide-county-street-report-{device}")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_large_type_mode_fits_the_campaign_overview_on_a_phone(page, viewport, campaign_world):
    """Issue 8 item 2: 长者模式 on the county's pages: at least 1.25x type, nothing wider than the phone."""
    world, campaign = campaign_world
    sign_in_as(page, "phone", world.county_official)
    for path in ("/campaigns/", f"/campaigns/{campaign.pk}/"):
        page.goto(path)
        assert_large_type_fits(page)
