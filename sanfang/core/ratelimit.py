"""A small fixed-window rate limit on the cache, for public submissions (login, sign-up, cases, ballots …).

Each scope has a default rate below; `settings.RATE_LIMITS` overrides any of them (e.g. for a county whose
residents all vote from one office network). An uncaught `RateLimited` becomes the Chinese 429 page
(`sanfang.core.errors_views.ErrorPagesMiddleware`, with Retry-After); the API answers 429 with the same message.

The count is atomic on every cache the settings use: Redis (SET NX, INCR) and the in-process memory cache (its
own lock) increment atomically; Django's file cache reads and rewrites a file for `add` and `incr`, so two
gunicorn workers could both read 5 and both write 6 — there every count is taken under an exclusive `flock` on
a lock file in the cache directory (one machine shares one directory; several machines use Redis). The counter
lives outside the database on purpose: a request whose transaction rolls back still counts.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.utils.translation import gettext as _

from .errors import DomainError
from .middleware import client_ip


class RateLimited(DomainError):
    status = 429

    def __init__(self, message: str, *, retry_after: int = 60):
        super().__init__(message)
        self.retry_after = retry_after


# Per client address unless a key is given (objections count per person). Ballots are generous because a
# whole community may vote from one network (the office Wi-Fi at a residents' meeting, a carrier's NAT).
DEFAULT_RATES = {
    "login": "30/m",
    "login.totp": "30/m",
    "register": "10/h",
    "cases.report": "20/h",
    "cases.feedback": "30/h",
    "appraisal.ballot": "120/h",
    "appraisal.objection": "10/h",
}


def rate_for(scope: str) -> str:
    return getattr(settings, "RATE_LIMITS", {}).get(scope) or DEFAULT_RATES[scope]


def parse(rate: str) -> tuple[int, int]:
    """ "10/m", "30/h", "100/d" -> (count, seconds)."""
    count, _sep, unit = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit[:1]]


def hit(request, scope: str, rate: str | None = None, key: str | None = None) -> None:
    """Count one attempt of `scope` from this client (or `key`); raise RateLimited past the rate."""
    limit, window = parse(rate or rate_for(scope))
    who = key or client_ip(request) or "unknown"
    bucket = int(time.time() // window)
    digest = hashlib.sha256(f"{scope}:{who}".encode()).hexdigest()[:32]
    cache_key = f"rl:{digest}:{bucket}"
    count = increment(cache_key, timeout=window + 5)
    if count > limit:
        now = int(time.time())
        raise RateLimited(_("操作太频繁，请稍后再试。"), retry_after=window - now % window)


def increment(key: str, *, timeout: int) -> int:
    """Add one to the counter `key` (created at 1, kept for `timeout` seconds) and return its new value,
    without losing a count to a concurrent request."""
    backend = caches["default"]
    if isinstance(backend, FileBasedCache):
        # Under the lock a plain read and write is atomic; it also keeps `timeout` (Django's generic `incr`
        # rewrites the entry with the default five minutes, which silently shortened every hourly window).
        with _file_lock(backend):
            count = (backend.get(key) or 0) + 1
            backend.set(key, count, timeout=timeout)
            return count
    while True:
        if backend.add(key, 1, timeout=timeout):
            return 1
        try:
            return backend.incr(key)
        except ValueError:  # expired between add and incr: the next add starts a new window
            continue


@contextmanager
def _file_lock(backend: FileBasedCache) -> Iterator[None]:
    """An exclusive lock over the file cache's rate counters, between processes and threads alike."""
    os.makedirs(backend._dir, exist_ok=True)
    # Each call opens its own descriptor, so the lock also holds between threads of one process.
    fd = os.open(os.path.join(backend._dir, "ratelimit.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
