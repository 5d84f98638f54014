"""Main-menu entries, registered by each app in its hooks.py and shown to the roles they concern."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: tuple[str, ...] | None  # None: every signed-in person
    order: int


_ENTRIES: list[NavEntry] = []


def register(label, url_name: str, *, roles: Iterable[str] | None = None, order: int = 50) -> None:
    if any(e.url_name == url_name for e in _ENTRIES):
        return
    _ENTRIES.append(NavEntry(label, url_name, tuple(roles) if roles is not None else None, order))


@functools.cache
def _address(url_name: str, prefix: str) -> str:
    """A menu entry's address, reversed once per process and script prefix (issue 9: the menu is on every page,
    and its dozen reverse() calls were a tenth of a staff list's CPU). The URLconf does not change while the
    process runs."""
    return reverse(url_name)


@receiver(setting_changed)
def _forget_addresses(setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _address.cache_clear()


def items_for(request) -> list[dict]:
    from sanfang.directory.scopes import get_scope

    scope = get_scope(request.user)
    path = request.path
    out = []
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if entry.roles is not None and not scope.is_superuser and not scope.roles.intersection(entry.roles):
            continue
        url = _address(entry.url_name, get_script_prefix())
        out.append(
            {"label": entry.label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
        )
    return out
