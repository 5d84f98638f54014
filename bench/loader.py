"""Raw bulk inserts of model rows: COPY on PostgreSQL (psycopg 3), executemany on SQLite.

Rows are plain tuples in the order of the named fields; every other concrete field gets its default once per
table (so a generated row is what a service would have written, minus the Python objects). Ids are assigned by
the generator (so related rows can point at them without a round trip); `reset_sequences` moves the database's
id sequences past them afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models

_SKIP = object()


class RawJson(str):
    """A JSON column's value already encoded (a generator repeating a few documents encodes each once)."""


def _sqlite_datetime(value: dt.datetime) -> str:
    # Django's SQLite format: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]" (str() of a UTC datetime + "+00:00")
    return str(value.astimezone(dt.UTC))[:-6]


def _json(value) -> str:
    return value if isinstance(value, RawJson) else json.dumps(value, ensure_ascii=False)


def _sqlite_value(value):
    """A constant's value for SQLite (once per table)."""
    if isinstance(value, dt.datetime):
        return _sqlite_datetime(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, (dict, list)):
        return _json(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _sqlite_converter(field: models.Field):
    """How a column's values are written for SQLite; None when sqlite3 takes them as they are."""
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(field, (models.DateField, models.TimeField)):
        return lambda v: v.isoformat()
    if isinstance(field, models.UUIDField):
        return lambda v: v.hex
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.DecimalField):
        return str
    return None


def _pg_value(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


class Table:
    """One model's insert: the fields a row provides, constant defaults for the rest."""

    def __init__(self, model: type[models.Model], fields: list[str]):
        self.model = model
        meta = model._meta
        self.fields = [meta.get_field(name) for name in fields]
        provided = {f.name for f in self.fields}
        self.constants = []
        for field in meta.concrete_fields:
            if field.name in provided:
                continue
            if field.primary_key and isinstance(field, models.AutoField):
                continue
            default = field.get_default()
            if default is None and not field.null:
                raise ValueError(f"{model.__name__}.{field.name} needs a value (no default, not null)")
            self.constants.append((field, default))
        self.columns = [f.column for f in self.fields] + [f.column for f, _ in self.constants]
        self.json_positions = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]

    def constant_values(self, adapt) -> tuple:
        return tuple(adapt(v) for _, v in self.constants)


def _convert(rows: Iterable[tuple], converters: list[tuple[int, object]]) -> Iterable[tuple]:
    """The rows with the converted columns' non-null values converted (only those columns are touched)."""
    if not converters:
        yield from rows
        return
    for row in rows:
        row = list(row)
        for i, convert in converters:
            if row[i] is not None:
                row[i] = convert(row[i])
        yield row


def insert(model: type[models.Model], fields: list[str], rows: Iterable[tuple], batch: int = 20_000) -> int:
    """Insert the rows (tuples in `fields` order); returns how many."""
    table = Table(model, fields)
    name = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    count = 0
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        tail = table.constant_values(_pg_value)
        rows = _convert(rows, [(i, _json) for i in table.json_positions])
        with connection.connection.cursor() as cur, cur.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:  # noqa: S608 - identifiers from the model
            write = copy.write_row
            for row in rows:
                write((*row, *tail))
                count += 1
        return count
    tail = table.constant_values(_sqlite_value)
    marks = ", ".join(["?"] * len(table.columns))
    sql = f"INSERT INTO {name} ({cols}) VALUES ({marks})"  # noqa: S608 - identifiers from the model
    raw = connection.connection
    converters = [(i, c) for i, f in enumerate(table.fields) if (c := _sqlite_converter(f))]
    chunk: list[tuple] = []
    for row in _convert(rows, converters):
        chunk.append((*row, *tail))
        if len(chunk) >= batch:
            raw.executemany(sql, chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        raw.executemany(sql, chunk)
        count += len(chunk)
    return count


def next_id(model: type[models.Model]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    """After explicit ids: move PostgreSQL's id sequences past them (SQLite's AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)


@contextmanager
def bulk_mode(model_list: list[type[models.Model]]):
    """Load without the tables' secondary indexes, rebuilt afterwards (much faster than updating them row by
    row); unique constraints (and, on SQLite, foreign keys' own indexes) stay on throughout. PostgreSQL also, when the role may, skips per-row
    foreign-key triggers (the generator writes only ids it has just created; `check_foreign_keys` verifies
    that afterwards) and builds the indexes with more memory."""
    if not model_list:
        yield
        return
    tables = [m._meta.db_table for m in model_list]
    superuser = False
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s))",
                [tables, tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(
                "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                tables,
            )
        saved = cur.fetchall()
        if connection.vendor == "sqlite":
            # SQLite finds the rows a deferred foreign key waits for through the referencing column's index
            # when the referenced row arrives (a board item's current version): without it, every such insert
            # scans the table. So single-column indexes of foreign keys stay.
            fk_columns = {
                (m._meta.db_table, f.column)
                for m in model_list
                for f in m._meta.concrete_fields
                if f.is_relation
            }
            dropped = []
            for name, definition, table in saved:
                cur.execute(f"PRAGMA index_info({connection.ops.quote_name(name)})")
                columns = [row[2] for row in cur.fetchall()]
                if not (len(columns) == 1 and (table, columns[0]) in fk_columns):
                    dropped.append((name, definition))
            saved = dropped
        for name, _definition in saved:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = bool(cur.fetchone()[0])
            if superuser:
                cur.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            if superuser:
                cur.execute("SET LOCAL session_replication_role = DEFAULT")
            for _name, definition in saved:
                cur.execute(definition)


def check_foreign_keys(model_list: list[type[models.Model]]) -> None:
    """Every foreign key of the loaded tables points at an existing row (what the skipped triggers check)."""
    with connection.cursor() as cur:
        for model in model_list:
            for f in model._meta.concrete_fields:
                if not f.is_relation or not f.many_to_one and not f.one_to_one:
                    continue
                target = f.related_model._meta
                sql = (
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)} t "  # noqa: S608
                    f"LEFT JOIN {connection.ops.quote_name(target.db_table)} r "
                    f"ON r.{connection.ops.quote_name(f.target_field.column)} = t.{connection.ops.quote_name(f.column)} "
                    f"WHERE t.{connection.ops.quote_name(f.column)} IS NOT NULL AND r.{connection.ops.quote_name(f.target_field.column)} IS NULL"
                )
                cur.execute(sql)
                missing = cur.fetchone()[0]
                if missing:
                    raise RuntimeError(f"{model.__name__}.{f.name}: {missing} rows point at nothing")
