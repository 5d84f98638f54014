"""My to-dos: each app contributes the items a person must act on, registered in `<app>/todos.py`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class Todo:
    title: str
    url: str
    app: str
    due: object | None = None  # a date, when there is one
    overdue: bool = False
    urgent: bool = False
    detail: str = ""
    meta: dict = field(default_factory=dict)


Provider = Callable[[object], Iterable[Todo]]
_PROVIDERS: list[Provider] = []


def provider(func: Provider) -> Provider:
    """Register a function(user) -> iterable of Todo. Keep each to a bounded number of queries."""
    _PROVIDERS.append(func)
    return func


def todos_for(user) -> list[Todo]:
    items: list[Todo] = []
    for func in _PROVIDERS:
        items.extend(func(user))
    # Urgent and overdue first, then by due date (undated last).
    items.sort(key=lambda t: (not t.urgent, not t.overdue, t.due is None, str(t.due or "")))
    return items
