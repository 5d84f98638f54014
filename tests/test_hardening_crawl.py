"""Issue 10, item 7 over the whole demo site: every page a persona can reach carries the Content-Security-Policy
(without 'unsafe-inline') and the other security headers, holds no inline script, style or event handler (the
policy would block them, so the page would silently break), and every POST form carries the CSRF token.

The crawl is the one of tests/test_crawl.py (the demo county, each persona following the links it is shown);
the template scan covers the pages a crawl cannot reach (personal ballot links, printouts)."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sanfang.directory.models import Person, Residency
from tests.test_crawl import SKIP, demo  # noqa: F401 - `demo` is the module fixture that loads the demo county

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = ["admin", "street", "oc", "company", "rc", "resident", None]
LIMIT = 45


class InlineFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy blocks, and POST forms without the CSRF token."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline: list[str] = []
        self.forms_without_token: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value or "" for name, value in attrs}
        if tag == "script" and "src" not in names and names.get("type", "") != "application/json":
            self.inline.append("<script> without src")
        if tag == "style":
            self.inline.append("<style> block")
        for name, value in names.items():
            if name == "style":
                self.inline.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                "javascript:"
            ):
                self.inline.append(f"<{tag} {name}=javascript:…>")
        if tag == "form":
            self._form = {
                "post": names.get("method", "get").lower() == "post",
                "token": False,
                "action": names,
            }
        if tag == "input" and self._form is not None and names.get("name") == "csrfmiddlewaretoken":
            self._form["token"] = bool(names.get("value"))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            if self._form["post"] and not self._form["token"]:
                self.forms_without_token.append(self._form["action"].get("action", "(this page)"))
            self._form = None


def inspect(body: str) -> InlineFinder:
    finder = InlineFinder()
    finder.feed(body)
    finder.close()
    return finder


def crawl(client: Client, start: list[str], limit: int) -> dict[str, object]:
    """Like tests/test_crawl.py, but keeps whole responses (their headers are what this module checks)."""
    seen: dict[str, object] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for href in re.findall(r'href="(/[^"#]*)"', response.content.decode(errors="replace")):
                href = href.replace("&amp;", "&")
                if not any(s in href for s in SKIP) and href not in seen:
                    queue.append(href)
    return seen


@pytest.fixture(scope="module")
def site(demo, django_db_blocker):  # noqa: F811 - the imported fixture, requested by name
    """persona -> {url: response}, crawled once for the whole module."""
    with django_db_blocker.unblock():
        home = Residency.objects.get(person__username="resident").compound
        extra = [
            f"/b/{home.code}",
            reverse("publicity:board-screen", args=[home.code]),
            reverse("publicity:board-poster", args=[home.code]),
            reverse("publicity:board-poster", args=[home.code]) + "?size=A3",
            reverse("cases:report", args=[home.code]),
            "/login/",
            "/directory/register/",
            "/no-such-page/",
        ]
        pages = {}
        for username in PERSONAS:
            client = Client()
            if username:
                client.force_login(
                    Person.objects.get(username=username),
                    backend="sanfang.directory.auth.PhoneOrUsernameBackend",
                )
            pages[username] = crawl(client, ["/todos/" if username else "/", *extra], LIMIT)
        yield pages


def _html(pages):
    return {
        url: r.content.decode(errors="replace")
        for url, r in pages.items()
        if "text/html" in r.get("Content-Type", "")
    }


@pytest.mark.parametrize("username", PERSONAS)
def test_csp_header_without_unsafe_inline_on_every_crawled_response(site, username):
    pages = site[username]
    assert len(pages) > 5
    missing = [url for url, r in pages.items() if "Content-Security-Policy" not in r.headers]
    assert missing == []
    for r in pages.values():
        policy = r.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.parametrize("username", PERSONAS)
def test_every_crawled_response_has_nosniff_referrer_permissions_policy_and_frame_denial(site, username):
    for url, r in site[username].items():
        assert r.headers.get("X-Content-Type-Options") == "nosniff", url
        assert r.headers.get("Referrer-Policy") == "same-origin", url
        assert r.headers.get("X-Frame-Options") == "DENY", url
        assert "camera=()" in r.headers.get("Permissions-Policy", ""), url


@pytest.mark.parametrize("username", PERSONAS)
def test_no_crawled_page_holds_inline_script_style_or_event_handlers(site, username):
    found = {url: inspect(body).inline for url, body in _html(site[username]).items()}
    assert {url: items for url, items in found.items() if items} == {}


@pytest.mark.parametrize("username", PERSONAS)
def test_every_post_form_on_a_crawled_page_carries_the_csrf_token(site, username):
    pages = _html(site[username])
    found = {url: inspect(body).forms_without_token for url, body in pages.items()}
    assert {url: forms for url, forms in found.items() if forms} == {}
    assert any('method="post"' in body for body in pages.values())  # the check saw forms at all


def _templates() -> list[Path]:
    return sorted(p for p in (ROOT / "sanfang").rglob("templates/**/*.html"))


def test_no_template_holds_inline_script_style_or_event_handlers():
    """Also the pages no crawl reaches: personal ballot links, paper ballots, printouts, e-mails shown in the browser."""
    offenders = {}
    for path in _templates():
        # Template tags inside a tag would read as attribute names ({% if on %}…): blank them out first.
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}", " ", path.read_text(), flags=re.S)
        items = inspect(re.sub(r"\{\{.*?\}\}", "x", text, flags=re.S)).inline
        if items:
            offenders[str(path.relative_to(ROOT))] = items
    assert len(_templates()) > 50
    assert offenders == {}


def test_the_inline_finder_catches_each_kind_of_inline_construct():
    """The finder itself can fail: each construct the policy blocks is reported."""
    body = (
        '<script>alert(1)</script><style>p{}</style><p style="color:red">x</p>'
        '<button onclick="go()">x</button><a href="javascript:go()">x</a>'
        '<form method="post" action="/x"></form><form method="post"><input name="csrfmiddlewaretoken" value="t"></form>'
        '<script src="/static/a.js"></script>'
    )
    finder = inspect(body)
    assert len(finder.inline) == 5
    assert finder.forms_without_token == ["/x"]
