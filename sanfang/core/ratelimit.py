"""A small fixed-window rate limit on the cache, for public submissions (login, sign-up, cases, ballots …)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import DomainError
from .middleware import client_ip


class RateLimited(DomainError):
    status = 429


def parse(rate: str) -> tuple[int, int]:
    """ "10/m", "30/h", "100/d" -> (count, seconds)."""
    count, _sep, unit = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit[:1]]


def hit(request, scope: str, rate: str, key: str | None = None) -> None:
    """Count one attempt of `scope` from this client (or `key`); raise RateLimited past the rate."""
    limit, window = parse(rate)
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
        raise RateLimited(_("操作太频繁，请稍后再试。"))
