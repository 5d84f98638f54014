"""Journey: one compound through a whole year of all four systems (WN-2; issue 8 item 1).

幸福家园 of 城东社区, on the demo county. The months that cannot pass in a test — the regular meetings of
February to October with their signed minutes, the cases and the board's history — are the demo's data, set up
through the services; everything this year's people do next happens in the browser, by keyboard alone:

- JM: the company reports an agreed matter done (JM-5); the office drafts the annual summary from the data (JM-6);
- CS: a resident reports a problem from the compound's public board; the office sees it in the triage list;
- PN: the board shows the compound's commitments, fees and problems (PN-1); the company files a written report
  (PN-4) and the street receives it;
- EV: in December the resident votes, the party organisation closes the round, and the preliminary results show
  the objective indicators the other three systems produced (EV-3, EV-4), publicised on the public page (EV-5).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from sanfang.appraisal.models import Ballot, Round
from sanfang.cases.models import Case
from sanfang.directory.models import Residency
from sanfang.meetings.models import Meeting, Resolution, Summary
from sanfang.reports.models import Report

from .operate import Keyboard, assert_accessible, load_demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desktop(viewport):
    if viewport[0] != "desktop":
        pytest.skip("the whole-year journey runs on the desktop, by keyboard alone")


def test_wn2_one_compound_lives_a_year_of_meetings_cases_board_reports_and_the_december_appraisal(
    page, desktop
):
    load_demo()
    ui = Keyboard(page)
    compound = Residency.objects.get(person__username="resident").compound
    community = compound.parent
    year = timezone.localdate().year
    held = Meeting.objects.filter(community=community, period__startswith=f"{year}-", status="closed").count()
    assert held >= 4, "the demo holds this year's regular meetings"

    # PN-1/PN-2: anyone opens the compound's public board: commitments, fees, problems and their progress.
    page.goto(f"/b/{compound.code}")
    board = page.locator("main").inner_text()
    for section in ("年度服务承诺", "收费"):
        assert section in board, section
    assert_accessible(page, "public board")

    # CS: a resident reports a problem from the board; the office finds it among the new reports.
    ui.follow("反映问题")
    ui.select(page.get_by_label("问题类别"), "设施设备维修")
    ui.fill(page.get_by_label("问题描述"), "3栋地下车库排水沟堵塞，下雨后积水没过脚踝。")
    ui.press("提交")
    case = Case.objects.filter(compound=compound).order_by("-id").first()
    assert "地下车库排水沟" in case.description
    ui.sign_in("office")
    ui.follow("问题办理")
    assert page.get_by_text(case.tracking_no).first.is_visible()
    assert_accessible(page, "triage list")

    # JM-5: the company reports an agreed matter of an earlier meeting done.
    ui.switch_to("company")
    ui.follow("议定事项")
    assert_accessible(page, "company's agreed matters")
    resolution = Resolution.objects.filter(owner__kind="property_company", status="open", community=community)
    resolution = resolution.order_by("due_on", "id").first()
    ui.follow(resolution.text[:20], exact=False)
    ui.fill(page.get_by_label("办理进展"), "已按会议要求办理完毕，现场照片已上传到公示栏。")
    ui.check(page.get_by_label("已办结"))
    ui.press("提交进展")
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.DONE

    # PN-4: the company reports the change of its project manager in writing; the street receives it.
    ui.follow("报告")
    ui.follow("新报告")
    ui.select(page.get_by_label("报告类型"), "变更物业服务企业项目负责人")
    ui.press("下一步")
    ui.fill(page.get_by_role("textbox", name="标题"), "关于幸福家园项目经理变更的报告")
    ui.fill(
        page.get_by_role("textbox", name="报告内容", exact=True),
        "因工作调整，幸福家园项目经理自12月1日起变更，特此报告。",
    )
    ui.fill(page.get_by_role("textbox", name="岗位", exact=True), "项目经理")
    ui.fill(page.get_by_role("textbox", name="原负责人", exact=True), "吴俊杰")
    ui.fill(page.get_by_role("textbox", name="新负责人", exact=True), "陈立新")
    ui.fill(page.get_by_role("textbox", name="新负责人联系电话", exact=True), "0714-7300123")
    ui.type_date(page.get_by_label("变更生效日期"), f"{year}-12-01")
    ui.fill(page.get_by_role("textbox", name="变更原因", exact=True), "原项目经理调任公司总部。")
    assert_accessible(page, "report form")
    ui.press("报送")
    report = Report.objects.get(title="关于幸福家园项目经理变更的报告")
    ui.switch_to("street")
    ui.follow("报告")
    ui.follow(report.title)
    ui.press("确认接收")
    assert_accessible(page, "report received by the street")

    # JM-6: the office drafts the annual summary from the year's data.
    ui.switch_to("office")
    ui.follow("联席会议")
    assert page.locator("main tbody tr").count() >= held
    ui.follow("工作总结")
    ui.select(page.get_by_label("类型"), "年度工作总结")
    ui.fill(page.get_by_label("年度"), str(year))
    ui.press("生成")
    summary = Summary.objects.get(community=community, kind="annual", year=year)
    assert summary.figures["meetings_held"] >= held
    assert_accessible(page, "annual summary draft")

    # EV: December. The resident votes (signed in, from the to-dos); the party organisation closes the round.
    rnd = Round.objects.get(community=community, year=year)
    ui.switch_to("resident")
    ui.follow("参加", exact=False)
    if "/vote/" not in page.url:
        ui.follow("参加测评（匿名）")
    ballots = Ballot.objects.filter(round=rnd).count()
    levels = page.locator("input[type=radio][value=satisfied]")
    for n in range(levels.count()):
        ui.choose(levels.nth(n))
    scores = page.locator("input[type=number]")
    for n in range(scores.count()):
        ui.fill(scores.nth(n), "85")
    ui.press("提交（提交后不能修改）")
    assert Ballot.objects.filter(round=rnd).count() == ballots + 1

    ui.switch_to("party")
    ui.follow("年度评议")
    ui.follow("兴国镇 · 城东社区")
    assert "测评进行中" in page.locator("main").inner_text()
    ui.press("结束测评，形成初步结果")
    rnd.refresh_from_db()
    assert rnd.status != Round.Status.OPEN
    # EV-4: the preliminary results show, beside the ballots, the indicators the other systems produced.
    results = page.locator("main").inner_text()
    assert_accessible(page, "preliminary results")
    for indicator in ("联席会议", "问题"):
        assert indicator in results, indicator
    # EV-5: the preliminary result is publicised; its public page needs no account.
    ui.follow(f"城东社区 {year}")  # the breadcrumb back to the round
    ui.press("在社区公示初步结果", exact=False)
    rnd.refresh_from_db()
    assert rnd.published_on is not None
    page.context.clear_cookies()
    page.goto(f"/appraisal/r/{rnd.pk}/")
    assert_accessible(page, "public result")
    assert "城东社区" in page.locator("main").inner_text()
