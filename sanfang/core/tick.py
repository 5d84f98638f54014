"""Scheduled sweeps run by `sanfang tick`: each app registers its own in `<app>/sweeps.py`.

Each sweep must be idempotent: running tick twice in a row changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

Sweep = Callable[[dt.datetime], int | None]


@dataclass
class _Entry:
    name: str
    func: Sweep
    description: str


_REGISTRY: dict[str, _Entry] = {}


def sweep(name: str, description: str = "") -> Callable[[Sweep], Sweep]:
    """Register a sweep. It receives the current time and returns how many things it did (or None)."""

    def decorator(func: Sweep) -> Sweep:
        doc = (func.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = _Entry(name, func, description or (doc[0] if doc else ""))
        return func

    return decorator


def registered() -> list[_Entry]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def run_all(now: dt.datetime, only: list[str] | None = None) -> dict[str, int | None | str]:
    """Run every registered sweep; one failing sweep is logged and does not stop the others."""
    results: dict[str, int | None | str] = {}
    for entry in registered():
        if only and entry.name not in only:
            continue
        try:
            results[entry.name] = entry.func(now)
        except Exception as exc:  # noqa: BLE001 - a broken sweep must not starve the others
            logger.exception("sweep %s failed", entry.name)
            results[entry.name] = f"error: {exc}"
    return results
