"""A small fixed-window rate limit on the cache, for public submissions (login, sign-up, cases, ballots …).

Each scope has a default rate below; `settings.RATE_LIMITS` overrides any of them (e.g. for a county whose
residents all vote from one office network). An uncaught `RateLimited` becomes the Chinese 429 page
(`sanfang.core.errors_views.ErrorPagesMiddleware`, with Retry-After); the API answers 429 with the same message.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
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
    if cache.add(cache_key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 5)
            count = 1
    if count > limit:
        now = int(time.time())
        raise RateLimited(_("操作太频繁，请稍后再试。"), retry_after=window - now % window)
