"""Table and column names for the few queries written out by hand — on hot paths, where compiling the ORM's query
cost more CPU than running it (issue 9; docs/performance.md). Every name comes from the models' metadata and is
quoted for the database in use, so a hand-written query follows a renamed table or a `db_column`; every value
stays a parameter."""

from __future__ import annotations

import functools

from django.db import connection


def table(model) -> str:
    """The model's table, quoted."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model, field: str, alias: str = "") -> str:
    """The column of the model's field, quoted, after `alias.` when given. A relation by its field's name:
    `column(Case, "compound", "c")` is `c."compound_id"`."""
    name = connection.ops.quote_name(model._meta.get_field(field).column)
    return f"{alias}.{name}" if alias else name


@functools.cache
def every_column(model, alias: str) -> str:
    """Every column of the model, named one by one (`alias."id", alias."name", …`), for a raw query that loads whole
    instances. Not `alias.*`: PostgreSQL refuses to run a prepared statement whose result's shape changed ("cached
    plan must not change result type"), so a `*` would break every running worker between a migration that adds a
    column and their restart; a named list keeps its shape."""
    return ", ".join(column(model, field.name, alias) for field in model._meta.concrete_fields)
