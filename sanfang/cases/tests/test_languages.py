"""Issue 8, item 3: the case documents a person downloads are written in that person's language."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from docx import Document

from sanfang.cases import services
from sanfang.cases.models import CaseClass

NOW = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request as an English reader leaves English active in this thread (the middleware activates, nothing
    deactivates); later tests expect the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def major_case(world):
    with time_machine.travel(NOW, tick=False):
        case = services.submit_case(
            actor=world.resident,
            compound=world.compound_a1,
            category="facilities",
            title="",
            description="3栋外墙瓷砖脱落，砸坏了楼下的车",
        )
        case = services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.MAJOR)
        services.record_investigation(
            actor=world.epmc_lead,
            case=case,
            held_on=dt.date(2026, 3, 9),
            participants=[
                {"role": "residents_committee", "name": "王委员"},
                {"role": "owners_committee", "name": "李主任"},
                {"role": "property_company", "name": "张经理"},
            ],
            findings="外墙脱落涉及 3 栋 2 单元，共 24 户",
            proposed_solution="申请使用维修资金修复外墙",
        )
    return case


def _downloads(client, case):
    from sanfang.core.testing import run_job

    _job, ledger = run_job(client, "/cases/export.xlsx?view=org")  # a background job (issue 8.5)
    report = client.get(f"/cases/{case.pk}/investigation.docx")  # one document: still synchronous
    assert report.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(ledger.data)).active.iter_rows(values_only=True))
    text = "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
    return rows, text


def test_i8_case_ledger_and_investigation_report_are_written_in_the_requesting_persons_language(
    world, login, major_case
):
    world.epmc_lead.language = "en"
    world.epmc_lead.save(update_fields=["language"])
    rows, text = _downloads(login(world.epmc_lead), major_case)
    assert rows[0][:3] == ("Tracking no.", "Compound", "Category")
    assert rows[1][2] == "Facility and equipment repair" and rows[1][4] == "Major problem"
    assert "Investigation report on the problem" in text and "4. Proposed solution" in text
    # a translated position and a Chinese name are kept apart; the date is an English date
    assert "Owners' Committee 李主任" in text and "March 9, 2026" in text
    assert not any(chinese in text for chinese in ("报送", "调查研究", "拟定解决方案", "年3月"))

    # Chinese stays the default for a person who has not chosen English.
    world.epmc_lead.language = ""
    world.epmc_lead.save(update_fields=["language"])
    rows, text = _downloads(login(world.epmc_lead), major_case)
    assert rows[0][0] == "受理编号" and rows[1][2] == "设施设备维修"
    assert "调查研究报告" in text and "业主委员会李主任" in text and "2026年3月9日" in text


def test_i8_an_officer_reading_english_still_writes_the_timeline_and_board_in_chinese(world, login):
    """The timeline is a public record (the board, the reporter's page): it is written in the platform's language
    whoever acts, and only its labels are shown in the reader's language."""
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        case = services.submit_case(
            actor=world.resident,
            compound=world.compound_a1,
            category="facilities",
            title="",
            description="2单元楼道灯坏了一个月",
        )
        services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
    submitted, classified = case.events.order_by("id")
    assert submitted.text == "收到问题反映（居民网上反映）" and submitted.actor_label == "反映人"
    assert classified.text == "受理，分类为“日常问题”"
    assert [p["progress"][-1]["text"] for p in services.board_cases(world.compound_a1)] == [classified.text]
    with translation.override("en"):
        assert submitted.actor_label_display == "Reporter"
    client = login(world.epmc_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Reporter" in page and "Accepted and classified as" not in page
