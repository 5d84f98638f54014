"""The gunicorn command line `sanfang serve` runs in production, in one place so that the benchmark serves every
system with exactly it (bench/run.py) and a test keeps it in step with deploy/gunicorn.conf.py.

Workers are recycled after about MAX_REQUESTS requests (± MAX_REQUESTS_JITTER, so that they do not all restart
at once): whatever a worker keeps growing by — fragmentation, caches of templates, translations and query plans —
is bounded by its lifetime, and a replacement starts at the size of a fresh process (issue 9).
"""

from __future__ import annotations

import sys

MAX_REQUESTS = 2000
MAX_REQUESTS_JITTER = 200


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
