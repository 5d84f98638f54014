"""Journey: a joint meeting goes from agenda to signed minutes (JM-2, JM-3, JM-4; issue 8 items 1 and 2).

On the demo county's home community (城东社区): the office calls an ad-hoc meeting for today, the owners'
committee and the property company propose items, the office screens them and drafts the notice, the convener
signs it and it goes to the four parties, the office records attendance and drafts the minutes, the convener
signs them, and a member reads the signed minutes and downloads the .docx. Desktop by keyboard alone, phone by
taps; axe on every page visited; pictures for the user guide.
"""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from docx import Document

from sanfang.meetings.models import AgendaItem, Distribution, Meeting, MeetingDocument

from .operate import assert_accessible, load_demo, operator

pytestmark = pytest.mark.django_db(transaction=True)


def test_jm4_a_meeting_goes_from_agenda_to_signed_minutes_by_keyboard_and_by_taps(page, viewport):
    load_demo()
    ui = operator(page, viewport)
    today = timezone.localdate().isoformat()

    # JM-3: the office calls an ad-hoc meeting for today, with its reason.
    ui.sign_in("office")
    ui.follow("联席会议")
    assert_accessible(page, "meetings list")
    ui.picture("meetings-list", of=page.locator("main"))
    ui.follow("召开临时会议")
    ui.type_date(page.get_by_label("会议日期"), today)
    ui.fill(page.get_by_label("地点"), "城东社区党群服务中心二楼会议室")
    ui.fill(page.get_by_label("召开事由"), "幸福家园二次供水水箱清洗后水质投诉集中，需三方当面协调")
    assert_accessible(page, "ad-hoc meeting form")
    ui.picture("meetings-new", of=page.locator("main"))
    ui.press("安排会议")
    assert page.get_by_text("临时会议已安排。").is_visible()
    meeting = Meeting.objects.get(kind=Meeting.Kind.AD_HOC, date=timezone.localdate())
    meeting_url = page.url

    # JM-2: two of the parties propose items for it.
    for who, kind, title in [
        ("oc", "三方共性意见建议", "二次供水水箱清洗频次与水质检测结果公示"),
        ("company", "协调物业管理矛盾", "水箱清洗期间停水通知不到位的处理"),
    ]:
        ui.switch_to(who)
        ui.follow("联席会议")
        ui.follow("提出议题")
        if not page.get_by_label("社区").input_value():  # the company serves more than one community
            ui.select(page.get_by_label("社区"), "城东社区")
        ui.select(page.get_by_label("议题类别"), kind)
        ui.fill(page.get_by_role("textbox", name="议题", exact=True), title)
        ui.fill(page.get_by_label("说明"), "请联席会议研究，三方当面说明情况。")
        if who == "oc":
            assert_accessible(page, "raise an item")
            ui.picture("meetings-raise", of=page.locator("main"))
        ui.press("提交议题")
        assert page.get_by_text("议题已提交").is_visible()
    assert meeting.agenda_items.filter(status=AgendaItem.Status.PROPOSED).count() == 2

    # JM-4: the office screens both into the agenda and drafts the notice from it.
    ui.switch_to("office")
    page.goto(meeting_url)
    assert_accessible(page, "meeting page, items to screen")
    ui.picture("meetings-screen", of=page.locator("#agenda"))
    for _ in range(2):
        ui.press("列入")
    accepted = set(meeting.agenda_items.accepted().values_list("title", flat=True))
    assert {"二次供水水箱清洗频次与水质检测结果公示", "水箱清洗期间停水通知不到位的处理"} <= accepted
    ui.press("根据议程起草通知")
    assert_accessible(page, "notice draft")
    ui.press("提请召集人审签")
    assert page.get_by_text("已提请召集人审签。").is_visible()

    # The convener finds it among the to-dos and signs it; it goes to the four parties.
    ui.switch_to("party")
    assert_accessible(page, "convener's to-dos")
    ui.picture("meetings-convener-todos", start=page.locator("h1"))
    ui.follow("待审签：关于召开", exact=False)
    assert_accessible(page, "notice to sign")
    ui.picture("meetings-sign", start=page.locator("h1"))
    ui.press("审签并分送")
    assert page.get_by_text("已审签并分送").is_visible()
    notice = meeting.documents.get(kind=MeetingDocument.Kind.NOTICE)
    assert notice.is_signed
    assert Distribution.objects.filter(document=notice).count() >= 4

    # JM-3: the office records attendance on the day and confirms the meeting was held.
    ui.switch_to("office")
    page.goto(meeting_url + "#attendance")
    rows = page.locator("#attendance tbody tr")
    absent = rows.nth(rows.count() - 1)
    ui.fill(absent.get_by_label("缺席原因"), "外出参加培训")
    ui.press("记缺席", within=absent)
    for _ in range(rows.count() - 1):
        pending = page.locator("#attendance tbody tr", has=page.locator(".tag", has_text="待签到"))
        ui.press("签到", within=pending.first)
    assert_accessible(page, "attendance recorded")
    ui.picture("meetings-attendance", start=page.locator("#attendance"))
    ui.press("确认会议已召开")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD

    # JM-4/JM-5: minutes drafted item by item, one agreed matter with its owner and deadline.
    ui.follow("起草会议纪要")
    for n, box in enumerate(page.locator("textarea[name^=discussion_]").all()):
        ui.fill(box, f"三方逐项说明情况，业主代表提出意见（第{n + 1}项）。")
    for box in page.locator("textarea[name^=decision_]").all():
        ui.fill(box, "会议同意由物业公司限期整改，联席会议办公室督办。")
    assert_accessible(page, "minutes form")
    ui.picture("meetings-minutes", of=page.locator("main"))
    ui.press("保存纪要草稿")
    page.goto(meeting_url + "#resolutions")
    ui.activate(page.get_by_text("录入议定事项", exact=True))
    ui.fill(page.get_by_label("议定事项"), "每季度清洗二次供水水箱一次，清洗后三日内公示水质检测报告")
    ui.select(page.get_by_label("责任方"), "物业")
    ui.fill(page.get_by_label("办理期限（工作日）"), "10")
    ui.press("录入")
    assert meeting.resolutions.count() == 1
    minutes = meeting.documents.get(kind=MeetingDocument.Kind.MINUTES)
    page.goto(f"/meetings/documents/{minutes.pk}/")
    ui.press("提请召集人审签")

    # The convener signs the minutes off.
    ui.switch_to("party")
    ui.follow(re.compile(r"^待审签：.*纪要"))
    ui.press("审签并分送")
    minutes.refresh_from_db()
    assert minutes.is_signed

    # A member (the owners' committee) reads the signed minutes and downloads the .docx.
    ui.switch_to("oc")
    page.goto(meeting_url + "#documents")
    ui.follow(minutes.title)
    assert page.get_by_text("审签").first.is_visible()
    assert_accessible(page, "signed minutes, member's view")
    ui.picture("meetings-signed-minutes", start=page.locator("h1"))
    with page.expect_download() as download:
        ui.activate(page.get_by_role("link", name="下载 .docx"))
    text = "\n".join(p.text for p in Document(io.BytesIO(download.value.path().read_bytes())).paragraphs)
    assert "每季度清洗二次供水水箱一次" in text
    assert (
        Distribution.objects.filter(document=minutes, person__username="oc")
        .exclude(message__read_at=None)
        .exists()
    )
