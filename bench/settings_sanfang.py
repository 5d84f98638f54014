"""Sanfang's own settings for the benchmark; the one change: the anonymous-report rate limit (20 an hour per
address) is lifted, because every benchmark request comes from 127.0.0.1."""

from sanfang.settings import *  # noqa: F403

CASES_REPORT_RATE = "100000000/h"
