from __future__ import annotations

from django.db import connection

from .nav import items_for
from .sqlnames import column, table


def shell(request):
    """What the base layout needs: large-type mode, the menu and the unread count."""
    user = getattr(request, "user", None)
    large = request.session.get("large_type") if hasattr(request, "session") else None
    if user is not None and user.is_authenticated:
        large = user.large_type if large is None else large
    ctx = {"large_type": bool(large)}
    if user is not None and user.is_authenticated:
        ctx["nav_items"] = items_for(request)
        ctx["unread_count"] = unread_count(user.pk)
    return ctx


def unread_count(person_id: int) -> int:
    """The person's unread messages, on every signed-in page: one plain query on the (recipient, read_at) index.
    (Built by the ORM, compiling the count cost more CPU than running it: issue 9.)"""
    from .models import Message

    # Names from the model's metadata (core/sqlnames.py); the value is a parameter.
    sql = (
        f"SELECT COUNT(*) FROM {table(Message)} "  # noqa: S608
        f"WHERE {column(Message, 'recipient')} = %s AND {column(Message, 'read_at')} IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id])
        return cursor.fetchone()[0]
