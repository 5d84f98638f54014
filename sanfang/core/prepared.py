"""Prepared statements and migrations (issue 9: `server_side_binding`, `prepare_threshold` in settings.py).

PostgreSQL refuses to run a prepared statement whose result changed shape since it was prepared — "cached plan must
not change result type" — and keeps refusing on that connection. An upgrade migrates before the web workers reload
(docs/deploy.md, 升级), so a migration that changes the type of a column a hot query reads would fail that query in
every running worker until its connection is replaced. The hand-written readers name their columns
(sqlnames.every_column), so an added column changes nothing; for the rest, a connection that meets the error is
closed at the end of the request, and the next request gets a fresh one with no prepared statements."""

from __future__ import annotations

import time

from django.db import DatabaseError

STALE_PLAN = "cached plan must not change result type"


def forget_stale_plans(execute, sql, params, many, context):
    """An execute wrapper: on a stale prepared statement, mark the connection to be closed after this request."""
    try:
        return execute(sql, params, many, context)
    except DatabaseError as exc:
        if STALE_PLAN in str(exc):
            context["connection"].close_at = time.monotonic()
        raise


def install(sender, connection, **kwargs) -> None:
    """`connection_created`: wrap the PostgreSQL connections that prepare statements."""
    if connection.vendor == "postgresql" and forget_stale_plans not in connection.execute_wrappers:
        # First, the outermost: `connection.execute_wrapper()` blocks pop the last one when they end.
        connection.execute_wrappers.insert(0, forget_stale_plans)
