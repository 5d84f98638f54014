"""Issue 8.3: a report's .docx comes out in the language of the person who downloads it; the report is data."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from docx import Document

from sanfang.reports import services

from .factories import file_fund_use

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        dt.datetime(2026, 6, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


def _text(response):
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_issue8_report_docx_labels_follow_the_readers_language(world, login):
    report = file_fund_use(world)
    services.give_opinion(actor=world.rc_member, report=report, text="请说明分摊依据")
    url = f"/reports/{report.pk}/docx/"

    chinese = _text(login(world.party_secretary).get(url))
    assert "报告单位" in chinese and "意见与答复" in chinese and "申请使用金额（元）" in chinese

    world.party_secretary.language = "en"
    world.party_secretary.save(update_fields=["language"])
    english = _text(login(world.party_secretary).get(url))
    for label in (
        "Reporting organisation",
        "Opinions and answers",
        "Amount requested (yuan)",
        "Not answered yet",
    ):
        assert label in english
    for label in ("报告单位", "意见与答复", "申请使用金额", "尚未答复", "导出时间"):
        assert label not in english
    assert "请说明分摊依据" in english  # what people wrote stays as written
