"""Issue 9: the public board is rendered once per state of its data and cached — and never served stale.

Every kind of change the board shows is made through the services (or a plain model save, as the admin does)
and must be on the very next request: a new disclosure, a case's new state and progress, a summons' reply, a
responsible person's contact, the day turning (overdue items). The cache itself is proven to be used: the
second request reads neither items nor cases.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanfang.cases import services as cases
from sanfang.cases.models import Case, CaseClass
from sanfang.core import stamps
from sanfang.directory.models import Position
from sanfang.publicity import board as boards
from sanfang.publicity import services
from sanfang.publicity.models import BoardItem, ItemKind, ItemStatus

from .conftest import SAMPLES, item_of

pytestmark = pytest.mark.django_db


def page(client, w) -> str:
    response = client.get(reverse("publicity:board", args=[w.compound_a1.code]))
    assert response.status_code == 200
    return response.content.decode()


def body(html: str) -> str:
    return html[html.index("<main") :]  # the head carries the per-request CSRF token


def sql_of(client, w) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        page(client, w)
    return [q["sql"] for q in ctx.captured_queries]


def test_issue9_board_is_served_from_the_cache_until_its_data_changes(client, scheduled, monkeypatch):
    w = scheduled
    first = page(client, w)
    calls = []
    monkeypatch.setattr(boards, "build_board", lambda *a, **kw: calls.append(1) or pytest.fail("rebuilt"))
    sql = sql_of(client, w)
    assert body(page(client, w)) == body(first)
    assert calls == []
    assert not any("publicity_boarditem" in q or "cases_case" in q for q in sql)
    assert len(sql) == 1  # the compound with its stamps


def test_issue9_a_new_disclosure_is_on_the_board_at_once(client, scheduled):
    w = scheduled
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    services.publish_item(actor=w.company_head, item=item, content=SAMPLES[item.kind], version=0)
    assert "1.20 元/平方米·月" in page(client, w)
    item.refresh_from_db()
    corrected = {**SAMPLES[item.kind], "service_standard": "一级服务标准（更正）"}
    services.publish_item(
        actor=w.company_head, item=item, content=corrected, version=item.version, note="更正"
    )
    html = page(client, w)
    assert "一级服务标准（更正）" in html
    assert "共 2 个版本" in html
    item.refresh_from_db()
    services.withdraw_item(
        actor=w.company_head, item=item, reason="价格主管部门要求重新核定", version=item.version
    )
    html = page(client, w)
    assert "共 3 个版本" in html and "已撤回" in html


def test_issue9_a_case_change_is_on_the_board_at_once(client, scheduled):
    w = scheduled
    page(client, w)
    case = cases.submit_case(
        actor=w.resident, compound=w.compound_a1, category="other", title="", description="楼道灯不亮"
    )
    assert case.tracking_no not in page(client, w)  # not classified: not public yet
    case = cases.classify_case(actor=w.epmc_lead, case=case, case_class=CaseClass.MAJOR)
    assert case.tracking_no in page(client, w)
    cases.update_progress(actor=w.epmc_lead, case=case, text="已联系电工明日上门")
    assert "已联系电工明日上门" in page(client, w)
    Case.objects.get(pk=case.pk).delete()  # as the admin would: its events and summonses go with it
    assert case.tracking_no not in page(client, w)


def test_issue9_a_contact_changed_in_the_directory_is_on_every_board_at_once(client, scheduled):
    w = scheduled
    position = Position.objects.get(person=w.epmc_lead)
    assert position.contact in page(client, w)
    position.contact = "0714-7300999"
    position.save()
    assert "0714-7300999" in page(client, w)


def test_issue9_the_board_turns_overdue_with_the_day(client, scheduled, frozen):
    w = scheduled
    item = (
        BoardItem.objects.filter(compound=w.compound_a1, status=ItemStatus.DUE, due_on__isnull=False)
        .order_by("due_on", "id")
        .first()
    )
    due = item.due_on
    frozen.move_to(dt.datetime.combine(due, dt.time(12)))
    before = page(client, w)
    frozen.move_to(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(12)))
    after = page(client, w)
    assert before.count("逾期未公示") < after.count("逾期未公示")


def test_issue9_stamps_change_in_the_saving_transaction_and_are_random(scheduled):
    w = scheduled
    key = boards.board_stamp(w.compound_a1.pk)
    (before,) = stamps.read(key)
    assert stamps.read(key) == (before,)
    item = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    services.publish_item(actor=w.company_head, item=item, content=SAMPLES[item.kind], version=0)
    (after,) = stamps.read(key)
    assert after != before and len(after) == 32
    (other,) = stamps.read(boards.board_stamp(w.compound_a2.pk))
    assert other not in (before, after)
