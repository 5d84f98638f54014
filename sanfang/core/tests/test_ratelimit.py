"""Issue 10 item 7: the rate-limit counter loses no count under concurrency, on every cache the settings use.

Production without Redis counts on Django's file cache, whose `add`/`incr` read and rewrite a file: without the
lock in `sanfang.core.ratelimit`, two workers that read 5 both write 6. These tests hammer one counter from
many threads (and from forked processes, like gunicorn's workers) and expect every hit to be counted.
"""

from __future__ import annotations

import multiprocessing
import threading

import pytest
import time_machine
from django.core.cache import caches
from django.test import RequestFactory
from django.test.utils import override_settings

from sanfang.core import ratelimit

THREADS = 16
HITS = 25


def _file_cache(tmp_path):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    )


def _locmem():
    return override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}}
    )


def _hammer(key: str) -> list[int]:
    """Every thread starts at once and counts HITS times; return every value the counter handed out."""
    start = threading.Barrier(THREADS)
    seen: list[int] = []
    lock = threading.Lock()

    def work():
        start.wait()
        mine = [ratelimit.increment(key, timeout=3600) for _ in range(HITS)]
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seen


@pytest.mark.parametrize("backend", ["file", "locmem"])
def test_issue10_concurrent_hits_from_threads_are_each_counted_once(tmp_path, backend):
    with _file_cache(tmp_path) if backend == "file" else _locmem():
        caches["default"].clear()
        seen = _hammer("rl:threads")
        # No count lost and none handed out twice: the values are exactly 1 … N.
        assert sorted(seen) == list(range(1, THREADS * HITS + 1))
        assert caches["default"].get("rl:threads") == THREADS * HITS


def _child(key: str, hits: int, out) -> None:
    out.put([ratelimit.increment(key, timeout=3600) for _ in range(hits)])


def test_issue10_concurrent_hits_from_worker_processes_on_the_file_cache_are_each_counted_once(tmp_path):
    """gunicorn's workers are processes sharing the cache directory: the lock holds between them too."""
    with _file_cache(tmp_path):
        caches["default"].clear()
        ctx = multiprocessing.get_context("fork")
        out = ctx.Queue()
        children = [ctx.Process(target=_child, args=("rl:procs", HITS, out)) for _ in range(4)]
        for child in children:
            child.start()
        seen = [value for _ in children for value in out.get(timeout=60)]
        for child in children:
            child.join(timeout=60)
            assert child.exitcode == 0
        assert sorted(seen) == list(range(1, 4 * HITS + 1))


def test_issue10_file_cache_counter_keeps_its_whole_window(tmp_path):
    """Django's generic `incr` rewrote the entry with the default five-minute timeout, so an hourly limit
    forgot its count after five quiet minutes; the counter now lives for the window it was created for."""
    with _file_cache(tmp_path), time_machine.travel(0, tick=False) as clock:
        caches["default"].clear()
        assert ratelimit.increment("rl:window", timeout=3600) == 1
        assert ratelimit.increment("rl:window", timeout=3600) == 2
        clock.shift(600)
        assert ratelimit.increment("rl:window", timeout=3600) == 3
        # Each hit keeps the counter for a whole window from then on (hit() names a new key for each window).
        clock.shift(3700)
        assert ratelimit.increment("rl:window", timeout=3600) == 1


def test_issue10_the_limit_holds_exactly_under_concurrent_requests(tmp_path):
    """Thirty simultaneous sign-ups from one address against a limit of ten: exactly ten pass."""
    request = RequestFactory().post("/directory/register/", REMOTE_ADDR="203.0.113.9")
    start = threading.Barrier(30)
    passed, refused = [], []

    def attempt():
        start.wait()
        try:
            ratelimit.hit(request, "register", rate="10/h")
        except ratelimit.RateLimited:
            refused.append(1)
        else:
            passed.append(1)

    with _file_cache(tmp_path):
        caches["default"].clear()
        threads = [threading.Thread(target=attempt) for _ in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert (len(passed), len(refused)) == (10, 20)
