"""Whole public pages cached per state of their data and filled in per visitor (issue 9).

A page that anonymous visitors read in large numbers (the public board) is the same for every such visitor
in the same state of its data, language and display mode — except for two things the base layout writes for
each request: the CSRF token (the header's preferences form, `<meta name="csrf-token">`, htmx's headers) and
the address to come back to after that form (`next`, the request's own path and query string). So the page is
rendered once with random markers in those two places and kept in the cache as literal byte chunks with named
slots between them; a visit fills the slots with the visitor's own token and path and joins the bytes.

What a cached page can never carry to another visitor:

- a CSRF token: the slot is filled per request with `csrf_token(request)` (the visitor's own secret, newly
  masked), the token the template would have written (Django's get_token, with cheaper random draws);
- a CSP nonce: a page whose rendering read `request.csp_nonce` is served but never cached;
- anything of a signed-in person or a flash message: only `shared_visitor` requests (anonymous, no message
  waiting) are served from here; the caller renders the others as before;
- another state of the data: the caller's key holds the stamps it read before the data (core/stamps.py), the
  language, the time zone, the day and the display mode.

Browsers (and nginx in front) revalidate with the ETag: a hash of the key and the visitor's CSRF secret, since
the page they hold carries a token for that secret; a matching `If-None-Match` costs the stamps' query (or
not even that, publicity/board.py) and a 304. `Cache-Control: private, no-cache`: a shared cache must not store a page with a visitor's token, and a
browser asks every time. `Last-Modified` says when this state was first rendered; `If-Modified-Since` alone is
not answered with a 304, because a time cannot tell that the visitor's CSRF secret changed meanwhile.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.html import escape
from django.utils.http import http_date

CSRF, NEXT = b"csrf", b"next"
CACHE = "pages"  # settings.CACHES: apart from the rate-limit counters in the default cache


# --- the release ------------------------------------------------------------------------------------------------
#
# A page rendered by one release of the code must not be served, nor confirmed by a 304, after a deploy that
# changes what the page looks like: the release is part of every key made by `key` (the boards' pages and parts,
# the public case pages), and the ETag is made from the key.


def files_digest(root) -> str:
    """A hash of the files under `root` that shape a page — templates, static files, code, translations'
    sources — with their paths. Compiled files (.pyc, .mo) and tests are left out: the former are made from
    files that are in it and may differ byte for byte between machines."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.suffix in (".pyc", ".mo") or {"tests", "__pycache__"} & set(rel.parts):
            continue
        digest.update(f"{rel.as_posix()}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def code_release() -> str:
    """The installed package's version and the `files_digest` of the package, once per process (~50 ms)."""
    import importlib.metadata
    from pathlib import Path

    import sanfang

    try:
        version = importlib.metadata.version("sanfang")
    except importlib.metadata.PackageNotFoundError:
        version = "0"
    return f"{version}+{files_digest(Path(sanfang.__file__).resolve().parent)}"


def release() -> str:
    """settings.RELEASE (SANFANG_RELEASE) or, when it is empty, the installed code's `code_release`."""
    return settings.RELEASE or code_release()


def key(*parts: str) -> str:
    """A page-cache key: the parts naming what the page shows, and the release that renders it. Every cached page
    and every part of one is keyed with this, so a new release misses the cache and changes the ETag."""
    return ":".join((*parts, release()))


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


# --- the visitor's CSRF token --------------------------------------------------------------------------------
#
# Django's get_token draws each of a token's random characters with its own call to the operating system's
# random source (`secrets.choice`): 64 calls for a new visitor's secret and its mask, ~0.2 ms of CPU — as much as
# the rest of a cached visit. `csrf_token` makes the same token (a new secret in request.META["CSRF_COOKIE"] for
# CsrfViewMiddleware to set as the cookie, and the secret masked anew with a random mask, as get_token does) from
# one call to the same source: each byte below 248 (= 4 × 62) gives one of the 62 allowed characters with equal
# chance, the few others are dropped. tests/…/test_board_page_cache.py checks it against Django's own checks.

_ALPHABET = len(CSRF_ALLOWED_CHARS)
_USABLE = 256 - 256 % _ALPHABET
_TO_CHAR = bytes(ord(CSRF_ALLOWED_CHARS[b % _ALPHABET]) if b < _USABLE else 0 for b in range(256))
_UNUSABLE = bytes(range(_USABLE, 256))
_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}


def random_chars(n: int) -> str:
    """n characters drawn uniformly from Django's CSRF alphabet (letters and digits), from os.urandom."""
    out = b""
    while len(out) < n:
        out += os.urandom(n + 8).translate(_TO_CHAR, _UNUSABLE)
    return out[:n].decode()


def csrf_token(request: HttpRequest) -> str:
    """What `django.middleware.csrf.get_token` returns and records, with its random strings from `random_chars`:
    the visitor's secret (a new one when they have none) masked with a new mask, and the cookie to be (re)set."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random_chars(CSRF_SECRET_LENGTH)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[x] + _INDEX[y]) % _ALPHABET] for x, y in zip(secret, mask, strict=True)
    )
    return mask + cipher


def fill(chunks: tuple[bytes, ...], request: HttpRequest, token: str) -> bytes:
    """The visitor's page: their CSRF token (masked anew, as the template would have) and return address."""
    values = {CSRF: token.encode(), NEXT: str(escape(request.get_full_path())).encode()}
    out = list(chunks)
    for i in range(1, len(out), 2):
        out[i] = values[out[i]]
    return b"".join(out)


@functools.cache
def _etag_key(secret_key: str) -> bytes:
    return hashlib.blake2b(b"sanfang.page_cache.etag|" + secret_key.encode(), digest_size=32).digest()


def etag(key: str, secret: str) -> str:
    """Names the state (the key) and the visitor's CSRF secret (their copy carries a token for it), in a hash
    keyed with the site's SECRET_KEY (BLAKE2's own keyed mode) so that the tag tells nothing about the secret."""
    mac = hashlib.blake2b(f"{key}|{secret}".encode(), key=_etag_key(settings.SECRET_KEY), digest_size=16)
    return f'W/"{mac.hexdigest()}"'


# The request headers get_conditional_response answers for a GET: without any, it has nothing to do.
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")


def respond(
    request: HttpRequest, key: str, template_name: str, context: Callable[[], dict], timeout: int
) -> HttpResponse:
    """The page for a `shared_visitor`: a 304 when their copy is of this state, else the cached page filled in
    for them (rendered and cached first when this state has not been rendered yet)."""
    # The visitor's CSRF secret (CsrfViewMiddleware read their cookie); a new visitor gets one now.
    token = None if "CSRF_COOKIE" in request.META else csrf_token(request)
    response = HttpResponse(content_type="text/html; charset=utf-8")
    response["ETag"] = etag(key, request.META["CSRF_COOKIE"])
    response["Cache-Control"] = "private, no-cache"
    # Before the cache: a copy of this state with a token for this secret is current, wherever it came from.
    if any(header in request.META for header in CONDITIONAL):
        not_modified = get_conditional_response(request, etag=response["ETag"], response=response)
        if not_modified is not response:
            return not_modified
    token = token or csrf_token(request)  # one masked token per response, as a template render makes
    store = caches[CACHE]
    entry = store.get(key)
    if entry is None:
        chunks, shareable = render(request, template_name, context())
        if not shareable:  # a per-request nonce inside: this visitor's page only, and no copy kept anywhere
            del response["ETag"]
            response["Cache-Control"] = "no-store"
            response.content = fill(chunks, request, token)
            return response
        entry = (chunks, http_date(time.time()))
        store.set(key, entry, timeout)
    response["Last-Modified"] = entry[1]
    response.content = fill(entry[0], request, token)
    return response
