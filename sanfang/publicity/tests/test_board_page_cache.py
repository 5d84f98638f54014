"""Issue 9: anonymous visitors get the whole board page from the cache (core/page_cache.py), filled in with their
own CSRF token and return address, and revalidate their copy by its ETag — yet no visitor ever gets another
visitor's token, another state of the data, another language or display mode, a signed-in person's page or a
CSP nonce made for someone else.

test_board_cache.py proves that every change of the board's data is on the next request (its anonymous client
goes through this cache too); here: what the whole page adds.
"""

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from sanfang.core import page_cache, ratelimit
from sanfang.directory.models import Place
from sanfang.publicity import services
from sanfang.publicity.models import ItemKind

from .conftest import SAMPLES, item_of

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def url(w, query: str = "") -> str:
    return reverse("publicity:board", args=[w.compound_a1.code]) + query


def tokens(html: str) -> set[str]:
    found = set(TOKEN.findall(html))
    found |= set(re.findall(r'<meta name="csrf-token" content="([^"]+)"', html))
    found |= set(re.findall(r'"X-CSRFToken": "([^"]+)"', html))
    return found


def without_tokens(html: str) -> str:
    for token in tokens(html):
        html = html.replace(token, "TOKEN")
    return html


def no_rendering(monkeypatch):
    monkeypatch.setattr(page_cache, "render_to_string", lambda *a, **kw: pytest.fail("rendered again"))


def test_issue9_an_anonymous_visit_is_the_cached_page_for_one_query(client, scheduled, monkeypatch):
    first = client.get(url(scheduled))
    no_rendering(monkeypatch)
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url(scheduled))
    assert second.status_code == 200 and len(ctx) == 1  # the compound's id with its stamps
    assert without_tokens(second.content.decode()) == without_tokens(first.content.decode())
    assert "private" in second["Cache-Control"] and "no-cache" in second["Cache-Control"]
    assert second["ETag"] == first["ETag"] and second["Last-Modified"] == first["Last-Modified"]


def test_issue9_the_cached_page_is_what_the_template_renders(client, scheduled, monkeypatch):
    """The page filled in from the cache equals the page rendered for this visitor (tokens aside), so the
    markers and slots leave nothing behind and change nothing else."""
    path = url(scheduled, "?large=1&from=singlemessage&x=%22%3E%3Cscript%3E")
    client.get(path)
    cached = client.get(path).content.decode()
    assert cached.count('name="next"') == 1 and not re.search(r"[0-9a-f]{32}(csrf|next)", cached)
    mine = f"/b/{scheduled.compound_a1.code}?large=1&amp;from=singlemessage&amp;x=%22%3E%3Cscript%3E"
    assert f'name="next" value="{mine}"' in cached  # the visitor's own address, escaped
    # The same page rendered per request, as for a visitor who is not shared.
    monkeypatch.setattr(page_cache, "shared_visitor", lambda request: False)
    rendered = Client().get(path)
    assert "ETag" not in rendered
    assert without_tokens(rendered.content.decode()) == without_tokens(cached)


def test_issue9_every_visitor_gets_their_own_csrf_token_from_the_cached_page(scheduled):
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice.get(url(scheduled))
    pages = {name: c.get(url(scheduled)).content.decode() for name, c in (("alice", alice), ("bob", bob))}
    for name, c in (("alice", alice), ("bob", bob)):
        (token,) = tokens(pages[name])  # the form, the meta tag and htmx's headers carry the same token
        assert _unmask_cipher_token(token) == c.cookies["csrftoken"].value
    assert alice.cookies["csrftoken"].value != bob.cookies["csrftoken"].value
    # Bob's token works for Bob: the language switch in the page's header.
    (token,) = tokens(pages["bob"])
    response = bob.post(
        "/preferences/", {"csrfmiddlewaretoken": token, "language": "en", "next": url(scheduled)}
    )
    assert response.status_code == 302 and response["Location"] == url(scheduled)
    # and Alice's does not (it is hers alone).
    (token,) = tokens(pages["alice"])
    assert bob.post("/preferences/", {"csrfmiddlewaretoken": token, "language": "zh-hans"}).status_code == 403


def test_issue9_language_and_large_type_are_never_served_from_another_variant(client, scheduled):
    zh = client.get(url(scheduled)).content.decode()
    assert '<html lang="zh-Hans" class="">' in zh and "公示栏" in zh
    client.cookies["django_language"] = "en"
    en = client.get(url(scheduled)).content.decode()
    assert '<html lang="en"' in en and "Public board" in en and "公示栏 ·" not in en
    del client.cookies["django_language"]
    assert without_tokens(client.get(url(scheduled)).content.decode()) == without_tokens(zh)
    large = client.get(url(scheduled, "?large=1")).content.decode()
    assert 'class="large-type"' in large and "标准字号" in large
    assert 'class="large-type"' not in client.get(url(scheduled)).content.decode()
    # 长者模式 chosen with the header's button: kept in the visitor's session.
    client.post("/preferences/", {"large_type": "1", "next": url(scheduled)})
    assert 'class="large-type"' in client.get(url(scheduled)).content.decode()
    assert 'class="large-type"' not in Client().get(url(scheduled)).content.decode()


def test_issue9_a_renamed_compound_is_on_the_cached_page_at_once(client, scheduled):
    assert escape(scheduled.compound_a1.name) in client.get(url(scheduled)).content.decode()
    compound = Place.objects.get(pk=scheduled.compound_a1.pk)
    compound.name = "改名后的小区"
    compound.save()
    html = client.get(url(scheduled)).content.decode()
    assert "<title>改名后的小区 · " in html and "<h1>改名后的小区" in html


def test_issue9_a_browser_revalidates_its_copy_and_gets_a_304_until_the_board_changes(client, scheduled):
    first = client.get(url(scheduled))
    again = client.get(url(scheduled), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    # Another visitor's copy (another CSRF secret) is not this one's: a full page, with their own token.
    stranger = Client().get(url(scheduled), headers={"if-none-match": first["ETag"]})
    assert stranger.status_code == 200 and stranger["ETag"] != first["ETag"]
    # Nor is the other language's or the other display mode's.
    assert client.get(url(scheduled, "?large=1"), headers={"if-none-match": first["ETag"]}).status_code == 200
    # A time alone cannot tell a changed secret: If-Modified-Since is answered in full.
    assert (
        client.get(url(scheduled), headers={"if-modified-since": first["Last-Modified"]}).status_code == 200
    )
    item = item_of(scheduled.compound_a1, ItemKind.PRICE_DISPLAY)
    services.publish_item(actor=scheduled.company_head, item=item, content=SAMPLES[item.kind], version=0)
    changed = client.get(url(scheduled), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "1.20 元/平方米·月" in changed.content.decode()


def test_issue9_a_signed_in_visitor_never_gets_the_shared_page_nor_leaves_theirs(client, scheduled, login):
    w = scheduled
    Client().get(url(w))  # the anonymous page is in the cache
    staff = login(w.company_head)
    mine = staff.get(url(w))
    html = mine.content.decode()
    assert (
        escape(w.company_head.name) in html
        and reverse("publicity:compound", args=[w.compound_a1.code]) in html
    )
    assert "ETag" not in mine and "登录" not in html.split("<main", 1)[0]
    anonymous = Client().get(url(w)).content.decode()
    assert escape(w.company_head.name) not in anonymous.split("<main", 1)[0]
    assert reverse("publicity:compound", args=[w.compound_a1.code]) not in anonymous


def test_issue9_a_flash_message_is_shown_to_its_visitor_and_never_cached(client, scheduled):
    client.get(url(scheduled))
    storage = CookieStorage(None)
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "已切换为大字模式")])
    shown = client.get(url(scheduled))
    assert "已切换为大字模式" in shown.content.decode() and "ETag" not in shown
    assert "已切换为大字模式" not in Client().get(url(scheduled)).content.decode()


def test_issue9_a_page_that_uses_the_csp_nonce_is_rendered_for_each_visitor(client, scheduled, monkeypatch):
    """The board has no nonce (the policy allows no inline script or style at all), but should a template ever
    use one, its page must not be kept: another visitor would get a nonce made for someone else."""
    render = page_cache.render_to_string

    def with_nonce(template_name, context, request):
        return render(template_name, context, request=request).replace(
            "</body>", f'<script nonce="{request.csp_nonce}" src="/static/x.js"></script></body>'
        )

    monkeypatch.setattr(page_cache, "render_to_string", with_nonce)
    pages = [client.get(url(scheduled)) for _ in range(2)]
    nonces = [re.search(r'nonce="([^"]+)"', p.content.decode()).group(1) for p in pages]
    assert nonces[0] != nonces[1]
    assert all(p["Cache-Control"] == "no-store" and "ETag" not in p for p in pages)


def test_issue9_the_board_policy_carries_no_nonce_and_no_inline_allowance(client, scheduled):
    policy = client.get(url(scheduled))["Content-Security-Policy"]
    assert "nonce-" not in policy and "unsafe-inline" not in policy and "script-src 'self'" in policy


def test_issue9_board_pages_never_push_the_rate_limit_counters_out_of_the_cache(
    client, scheduled, tmp_path, rf
):
    """Rendered pages are kept in a cache of their own ("pages"): a full file cache deletes a third of its entries,
    and a rate-limit counter deleted would start again from zero — however many boards are visited."""
    file_cache = "django.core.cache.backends.filebased.FileBasedCache"
    small = {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}
    with override_settings(
        CACHES={
            "default": {"BACKEND": file_cache, "LOCATION": str(tmp_path / "cache"), "OPTIONS": small},
            "pages": {"BACKEND": file_cache, "LOCATION": str(tmp_path / "pages"), "OPTIONS": small},
            # Sessions have a cache of their own unless Redis holds them (settings.py): kept as it is.
            **{k: v for k, v in settings.CACHES.items() if k == "sessions"},
        }
    ):
        for _ in range(3):
            ratelimit.hit(rf.post("/login/"), "login")
        counters = sorted((tmp_path / "cache").glob("*.djcache"))
        w = scheduled
        for compound in (w.compound_a1, w.compound_a2, w.compound_b1):
            for language in ("zh-hans", "en"):
                client.cookies["django_language"] = language
                for query in ("", "?large=1"):
                    assert client.get(f"/b/{compound.code}{query}").status_code == 200
        assert sorted((tmp_path / "cache").glob("*.djcache")) == counters
        assert len(list((tmp_path / "pages").glob("*.djcache"))) <= 4  # the pages' own cache was culled
        with pytest.raises(ratelimit.RateLimited):
            for _ in range(28):
                ratelimit.hit(rf.post("/login/"), "login")  # 30 a minute: the first three still count


def test_issue9_the_cached_pages_csrf_token_is_one_django_makes_and_accepts(rf):
    """page_cache.csrf_token is get_token with cheaper random draws: a new visitor's secret goes into the cookie,
    every call masks it anew, and Django's own format check and unmasking accept the result."""
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _check_token_format, _unmask_cipher_token

    request = rf.get("/b/x")
    first = page_cache.csrf_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # CsrfViewMiddleware sets the cookie
    assert len(secret) == 32 and set(secret) <= set(CSRF_ALLOWED_CHARS)
    _check_token_format(first)
    second = page_cache.csrf_token(request)
    assert second != first and request.META["CSRF_COOKIE"] == secret
    assert _unmask_cipher_token(first) == _unmask_cipher_token(second) == secret
    assert page_cache.csrf_token(rf.get("/b/x")) != first  # another visitor, another secret
    # Every one of the 62 characters is drawn (bytes are mapped without dropping part of the alphabet).
    assert set(page_cache.random_chars(62 * 100)) == set(CSRF_ALLOWED_CHARS)


def test_issue9_a_new_release_misses_the_cached_page_and_changes_its_etag(
    client, scheduled, settings, monkeypatch
):
    """After a deploy that changes the templates, no page of the release before is served, and no browser's copy
    of one is confirmed by a 304 (settings.RELEASE, core/page_cache.py `key`)."""
    settings.RELEASE = "2026.12.1"
    first = client.get(url(scheduled))
    assert client.get(url(scheduled), headers={"if-none-match": first["ETag"]}).status_code == 304
    renders = []
    render = page_cache.render_to_string
    monkeypatch.setattr(
        page_cache, "render_to_string", lambda *a, **kw: renders.append(1) or render(*a, **kw)
    )
    settings.RELEASE = "2026.12.2"
    after = client.get(url(scheduled), headers={"if-none-match": first["ETag"]})
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert renders == [1]  # the whole page rendered anew under the new release
    assert client.get(url(scheduled), headers={"if-none-match": after["ETag"]}).status_code == 304


def test_issue9_the_release_derived_from_the_code_changes_with_a_template(tmp_path):
    """Without SANFANG_RELEASE the release is the package's version and a hash of its files: a changed template,
    static file or module changes it; compiled files and tests do not."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "board.html").write_text("<h1>{{ title }}</h1>")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.css").write_text("h1 { color: red }")
    before = page_cache.files_digest(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("assert True")
    (tmp_path / "static" / "app.pyc").write_bytes(b"\0")
    assert page_cache.files_digest(tmp_path) == before
    (tmp_path / "templates" / "board.html").write_text("<h2>{{ title }}</h2>")
    changed = page_cache.files_digest(tmp_path)
    assert changed != before
    (tmp_path / "static" / "app.css").write_text("h1 { color: blue }")
    assert page_cache.files_digest(tmp_path) not in (before, changed)
    import importlib.metadata
    from pathlib import Path

    import sanfang

    package = Path(sanfang.__file__).resolve().parent
    expected = f"{importlib.metadata.version('sanfang')}+{page_cache.files_digest(package)}"
    assert page_cache.code_release() == expected


def test_issue9_sanfang_release_names_the_release(settings):
    settings.RELEASE = ""
    assert page_cache.release() == page_cache.code_release()
    settings.RELEASE = "v2026.12.06"
    assert page_cache.release() == "v2026.12.06" and page_cache.key("a", "b") == "a:b:v2026.12.06"
