"""Whole public pages cached per state of their data and filled in per visitor (issue 9).

A page that anonymous visitors read in large numbers (the public board) is the same for every such visitor
in the same state of its data, language and display mode — except for two things the base layout writes for
each request: the CSRF token (the header's preferences form, `<meta name="csrf-token">`, htmx's headers) and
the address to come back to after that form (`next`, the request's own path and query string). So the page is
rendered once with random markers in those two places and kept in the cache as literal byte chunks with named
slots between them; a visit fills the slots with the visitor's own token and path and joins the bytes.

What a cached page can never carry to another visitor:

- a CSRF token: the slot is filled per request with `get_token(request)` (the visitor's own secret, newly
  masked), exactly as the template would have;
- a CSP nonce: a page whose rendering read `request.csp_nonce` is served but never cached;
- anything of a signed-in person or a flash message: only `shared_visitor` requests (anonymous, no message
  waiting) are served from here; the caller renders the others as before;
- another state of the data: the caller's key holds the stamps it read before the data (core/stamps.py), the
  language, the time zone, the day and the display mode.

Browsers (and nginx in front) revalidate with the ETag: a hash of the key and the visitor's CSRF secret, since
the page they hold carries a token for that secret; a matching `If-None-Match` costs the stamps' query and a
304. `Cache-Control: private, no-cache`: a shared cache must not store a page with a visitor's token, and a
browser asks every time. `Last-Modified` says when this state was first rendered; `If-Modified-Since` alone is
not answered with a 304, because a time cannot tell that the visitor's CSRF secret changed meanwhile.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.http import http_date

CSRF, NEXT = b"csrf", b"next"
CACHE = "pages"  # settings.CACHES: apart from the rate-limit counters in the default cache


def shared_visitor(request: HttpRequest) -> bool:
    """An anonymous visitor with no flash message waiting: what the shared page shows them depends only on
    the cache key (reading the messages' length does not consume them)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not len(messages.get_messages(request))


def render(request: HttpRequest, template_name: str, context: dict) -> tuple[tuple[bytes, ...], bool]:
    """The page as chunks — literal bytes at even positions, slot names (CSRF, NEXT) between them — and
    whether it may be shared (not when its rendering used the request's CSP nonce)."""
    marker = secrets.token_hex(16)  # unguessable: no text of the page can forge a slot
    html = render_to_string(template_name, {**context, "csrf_token": f"{marker}csrf"}, request=request)
    shareable = getattr(request, "_csp_nonce", None) is None
    # The layout writes the request's path once, in the preferences form's hidden `next` field.
    here = f'name="next" value="{escape(request.get_full_path())}"'
    html = html.replace(here, f'name="next" value="{marker}next"')
    parts = re.split(f"{marker}(csrf|next)", html)
    return tuple(part.encode() for part in parts), shareable


def fill(chunks: tuple[bytes, ...], request: HttpRequest, token: str) -> bytes:
    """The visitor's page: their CSRF token (masked anew, as the template would have) and return address."""
    values = {CSRF: token.encode(), NEXT: str(escape(request.get_full_path())).encode()}
    out = list(chunks)
    for i in range(1, len(out), 2):
        out[i] = values[out[i]]
    return b"".join(out)


def etag(key: str, secret: str) -> str:
    """Names the state (the key) and the visitor's CSRF secret (their copy carries a token for it)."""
    return f'W/"{salted_hmac("sanfang.page_cache", f"{key}|{secret}").hexdigest()[:32]}"'


def respond(
    request: HttpRequest, key: str, template_name: str, context: Callable[[], dict], timeout: int
) -> HttpResponse:
    """The page for a `shared_visitor`: a 304 when their copy is of this state, else the cached page filled in
    for them (rendered and cached first when this state has not been rendered yet)."""
    # The visitor's CSRF secret (CsrfViewMiddleware read their cookie); a new visitor gets one now.
    token = None if "CSRF_COOKIE" in request.META else get_token(request)
    response = HttpResponse(content_type="text/html; charset=utf-8")
    response["ETag"] = etag(key, request.META["CSRF_COOKIE"])
    patch_cache_control(response, private=True, no_cache=True)
    # Before the cache: a copy of this state with a token for this secret is current, wherever it came from.
    not_modified = get_conditional_response(request, etag=response["ETag"], response=response)
    if not_modified is not response:
        return not_modified
    token = token or get_token(request)  # one masked token per response, as a template render makes
    store = caches[CACHE]
    entry = store.get(key)
    if entry is None:
        chunks, shareable = render(request, template_name, context())
        entry = (chunks, time.time())
        if not shareable:  # a per-request nonce inside: this visitor's page only, and no copy kept anywhere
            del response["ETag"]
            response["Cache-Control"] = "no-store"
            response.content = fill(chunks, request, token)
            return response
        store.set(key, entry, timeout)
    response["Last-Modified"] = http_date(entry[1])
    response.content = fill(entry[0], request, token)
    return response
