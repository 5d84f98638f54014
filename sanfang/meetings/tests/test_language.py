"""Issue 8.3: meeting documents come out in the reader's language — the .docx frame follows the person who downloads
it (page or API token), and a draft is written in the language of the person who drafts it."""

import io

from django.urls import reverse
from docx import Document

from sanfang.core.api_auth import issue_token
from sanfang.meetings import services


def _text(response):
    assert response.status_code == 200 and response.content[:2] == b"PK"
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_issue8_notice_docx_frame_is_in_the_downloaders_language(world, meeting, login):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    url = reverse("meetings:document-docx", args=[doc.pk])

    chinese = _text(login(world.epmc_lead).get(url))
    assert f"{world.community_a.name}三方联动联席会议办公室" in chinese
    assert "未经审签，不得分送" in chinese

    world.epmc_lead.language = "en"
    world.epmc_lead.save(update_fields=["language"])
    english = _text(login(world.epmc_lead).get(url))
    assert f"Joint Meeting Office of {world.community_a.name}" in english
    assert "Draft, version 1. Not signed off; do not distribute" in english
    assert "未经审签" not in english
    assert doc.title in english  # the document itself is data: drafted in Chinese, it stays Chinese


def test_issue8_api_token_downloads_the_docx_in_the_token_owners_language(world, meeting, client):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    world.epmc_lead.language = "en"
    world.epmc_lead.save(update_fields=["language"])
    _token, raw = issue_token(world.epmc_lead, "script")
    response = client.get(f"/api/v1/meetings/documents/{doc.pk}/docx", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert f"Joint Meeting Office of {world.community_a.name}" in _text(response)


def test_issue8_notice_drafted_in_english_has_english_frame_dates_and_numbering(world, meeting):
    from django.utils import translation

    with translation.override("en"):
        doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    assert doc.title == f"Notice of the {world.community_a.name} three-party joint meeting"
    assert "1. Agenda" in doc.body and "3. Arrangements" in doc.body
    assert "2026" in doc.body and "年" not in doc.body.replace(world.community_a.name, "")
    with translation.override("zh-hans"):
        chinese = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    assert "一、会议议题" in chinese.body and "2026年" in chinese.body
