"""Issue 8, item 3: the result table and the circulation notice are written in the language of whoever downloads them."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from docx import Document

from sanfang.appraisal import services
from sanfang.appraisal.models import CreditEntry, Level

from .conftest import vote


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request as an English reader leaves English active in this thread (the middleware activates, nothing
    deactivates); later tests expect the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _circulated(world, rnd, december):
    vote(rnd.participants.get(person=world.resident), level=Level.SATISFIED, score=95)
    vote(rnd.participants.get(person=world.rc_member), level=Level.BASIC, score=85)
    vote(rnd.participants.get(person=world.oc_member), level=Level.SATISFIED, score=90)
    services.close_round(actor=world.party_secretary, round=rnd)
    services.publish_results(actor=world.party_secretary, round=rnd)
    december.move_to(dt.datetime(2026, 12, 18, 10, tzinfo=dt.UTC))
    services.approve_round(actor=world.street_official, round=rnd)
    return services.circulate_round(actor=world.street_official, round=rnd)


def _downloads(client, world, rnd):
    """Both documents are background jobs (issue 8.5): request each, run the worker's step, take the file."""
    from sanfang.core.testing import run_job

    _job, table = run_job(client, reverse("appraisal:results-xlsx", args=[rnd.pk]))
    _job, notice = run_job(client, reverse("appraisal:circulation-docx", args=[world.street_a.pk, 2026]))
    book = openpyxl.load_workbook(io.BytesIO(table.data))
    doc = Document(io.BytesIO(notice.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    header = [c.text for c in doc.tables[0].rows[0].cells]
    return table, book, notice, text, header


def test_i8_result_table_and_circulation_notice_are_written_in_the_requesting_persons_language(
    world, rnd, login, december
):
    with translation.override("en"):  # the officials who run the round read the site in English
        rnd = _circulated(world, rnd, december)
    # the credit record is a permanent record: it is written in the platform's language whoever circulates
    assert "年度评议" in CreditEntry.objects.get(company=world.company_x).text
    world.street_official.language = "en"
    world.street_official.save(update_fields=["language"])
    table, book, notice, text, header = _downloads(login(world.street_official), world, rnd)
    assert book.sheetnames == ["Appraisal results", "Raw distribution", "Objective indicators"]
    sheet = book["Appraisal results"]
    assert sheet["A1"].value.endswith("2026 annual appraisal results (Circulated (locked))")
    assert [c.value for c in sheet[4]][1:4] == ["Appraised organisation", "Valid ratings", "Rating score"]
    assert "annual appraisal results.xlsx" in unquote(table["Content-Disposition"])
    # the default criteria are stored in Chinese but are catalogue entries, so they read in English too
    criteria = {row[1] for row in book["Raw distribution"].iter_rows(min_row=2, values_only=True)}
    assert "Responds to complaints promptly" in criteria and "投诉响应及时" not in criteria
    assert text.startswith("Circulation notice on the results of the 2026 three-party appraisal")
    assert "December 18, 2026" in text and "年" not in text.replace(world.street_a.name, "")
    assert header == ["Rank", "Community", "Appraised organisation", "Overall score", "Grade"]
    assert "circulation notice.docx" in unquote(notice["Content-Disposition"])

    # Chinese stays the default for a person who has not chosen English.
    world.street_official.language = ""
    world.street_official.save(update_fields=["language"])
    table, book, notice, text, header = _downloads(login(world.street_official), world, rnd)
    assert book.sheetnames == ["评议结果", "原始分布", "客观指标"]
    assert "投诉响应及时" in {row[1] for row in book["原始分布"].iter_rows(min_row=2, values_only=True)}
    assert text.startswith("关于") and "2026年12月18日" in text and header[0] == "名次"
