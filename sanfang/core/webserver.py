"""The gunicorn command line `sanfang serve` runs in production, in one place so that the benchmark serves every
system with exactly it (bench/run.py) and a test keeps it in step with deploy/gunicorn.conf.py.

Workers are recycled after about MAX_REQUESTS requests (± MAX_REQUESTS_JITTER, so that they do not all restart
at once): whatever a worker might keep growing by is bounded by its lifetime, and a replacement starts at the size
of a fresh process (issue 9). Measured on the county data set, a worker grows from ~90 MB to ~99 MB over its first
2,500 requests (templates, translations, caches filled on first use) and then stays there through 6,000; starting a
worker costs ~1.5 s of CPU (Django, every app's views, the API's schemas, the first render of each page). So a
replacement every 2,000 requests cost ~0.7 ms of CPU on every request — as much as the floor's whole request —
for no memory back; every 10,000 it is ~0.15 ms, and a slow leak is still cut off.
"""

from __future__ import annotations

import sys

MAX_REQUESTS = 10_000
MAX_REQUESTS_JITTER = 1_000


def gunicorn_argv(
    *, bind: str, workers: int, app: str = "sanfang.wsgi:application", python: str = sys.executable
) -> list[str]:
    return [
        python,
        "-m",
        "gunicorn",
        app,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--max-requests",
        str(MAX_REQUESTS),
        "--max-requests-jitter",
        str(MAX_REQUESTS_JITTER),
        "--access-logfile",
        "-",
    ]
