"""Issue 9: `stamps.token_sql`, the one "token of stamp K" subquery the board, the public case page and the
signed-in person's row are read with (publicity/board.py, cases/public.py, directory/scopes.py)."""

import pytest
from django.db import connection

from sanfang.core import stamps
from sanfang.core.models import Stamp

pytestmark = pytest.mark.django_db


def select(*subqueries: tuple[str, list]) -> tuple:
    sql = "SELECT " + ", ".join(s for s, _ in subqueries)
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for _, params in subqueries for p in params])
        return cursor.fetchone()


def test_token_sql_reads_the_current_token_or_null():
    (token,) = stamps.read("test:a")
    assert select(stamps.token_sql("test:a"), stamps.token_sql("test:never")) == (token, None)
    stamps.bump("test:a")
    assert select(stamps.token_sql("test:a")) == stamps.read("test:a") != (token,)


def test_token_sql_of_the_outer_row_names_the_key_by_prefix_and_column():
    stamps.bump("test:7", "test:8")
    q = connection.ops.quote_name
    sub, params = stamps.token_sql("test:", of="n.v")
    with connection.cursor() as cursor:
        sql = f"SELECT n.v, {sub} FROM (SELECT 7 AS v UNION ALL SELECT 9) n ORDER BY n.v"  # noqa: S608
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    assert rows == [(7, Stamp.objects.get(key="test:7").token), (9, None)]
    assert q(Stamp._meta.db_table) in sub and "test:" not in sub  # the prefix is a parameter, not SQL
