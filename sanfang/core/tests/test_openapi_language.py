"""Issue 8.3: the OpenAPI document (and so the API's documentation page) comes in English for an English
request — `?lang=en`, the reader's chosen language, or an integrator's `Accept-Language: en` — and in Chinese
otherwise; it is built for each request, so one language never leaks into the other's document."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/openapi.json"
CJK = re.compile(r"[\u3400-\u9fff]")


def _texts(schema) -> list[str]:
    """The document's human-readable texts: its title and description, each summary and each answer's text."""
    texts = [schema["info"]["title"], schema["info"]["description"]]
    for operations in schema["paths"].values():
        for operation in operations.values():
            texts.append(operation["summary"])
            texts += [r["description"] for r in operation["responses"].values()]
    return texts


def test_issue8_openapi_document_is_chinese_by_default_even_for_an_english_page_visitor(client):
    response = client.get(URL)
    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
    schema = response.json()
    assert schema["info"]["title"] == "三方联动平台 API"
    assert schema["paths"]["/api/v1/directory/places"]["get"]["summary"] == "地点列表（公开）"


@pytest.mark.parametrize(
    "how", [{"data": {"lang": "en"}}, {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}], ids=["query", "header"]
)
def test_issue8_openapi_document_in_english_has_no_chinese_left(client, how):
    response = client.get(URL, **how)
    assert response.status_code == 200 and response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]
    schema = response.json()
    assert schema["info"]["title"] == "Sanfang (three-party coordination) platform API"
    assert schema["paths"]["/api/v1/directory/places"]["get"]["summary"] == "Places (public)"
    chinese = [t for t in _texts(schema) if CJK.search(t)]
    assert chinese == [], chinese[:10]


def test_issue8_openapi_document_follows_the_signed_in_readers_language(world, login):
    world.county_official.language = "en"
    world.county_official.save(update_fields=["language"])
    schema = login(world.county_official).get(URL).json()
    assert schema["paths"]["/api/v1/directory/places"]["get"]["summary"] == "Places (public)"


def test_issue8_english_and_chinese_documents_alternate_without_leaking(client):
    for _round in range(2):
        chinese = client.get(URL).json()
        english = client.get(URL, {"lang": "en"}).json()
        assert chinese["paths"]["/api/v1/directory/places"]["get"]["summary"] == "地点列表（公开）"
        assert english["paths"]["/api/v1/directory/places"]["get"]["summary"] == "Places (public)"
        assert chinese["paths"]["/api/v1/directory/places"]["get"]["responses"]["404"]["description"] == (
            "对象不存在，或不在您的工作范围内。"
        )


def test_issue8_every_operation_summary_is_a_catalogue_entry():
    """`sanfang makemessages_py` picks each route's `summary=` up, so tests/test_translations.py demands its
    English like any `_()` string."""
    from sanfang.core import catalogues

    msgids = {m.msgid for m in catalogues.extract_app("cases")}
    assert "居民反映问题（可匿名）" in msgids
