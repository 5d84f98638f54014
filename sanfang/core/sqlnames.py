"""Table and column names for the few queries written out by hand — on hot paths, where compiling the ORM's query
cost more CPU than running it (issue 9; docs/performance.md). Every name comes from the models' metadata and is
quoted for the database in use, so a hand-written query follows a renamed table or a `db_column`; every value
stays a parameter."""

from __future__ import annotations

from django.db import connection


def table(model) -> str:
    """The model's table, quoted."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model, field: str, alias: str = "") -> str:
    """The column of the model's field, quoted, after `alias.` when given. A relation by its field's name:
    `column(Case, "compound", "c")` is `c."compound_id"`."""
    name = connection.ops.quote_name(model._meta.get_field(field).column)
    return f"{alias}.{name}" if alias else name
