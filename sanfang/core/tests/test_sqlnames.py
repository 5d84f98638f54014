"""The names hand-written queries use come from the models' metadata, quoted for the database in use."""

from django.db import connection

from sanfang.cases.models import Case
from sanfang.core.models import Message
from sanfang.core.sqlnames import column, table


def test_a_relation_is_named_by_its_column_and_every_name_is_quoted():
    q = connection.ops.quote_name
    assert table(Case) == q("cases_case")
    assert column(Case, "compound", "c") == f"c.{q('compound_id')}"
    assert column(Message, "read_at") == q("read_at")
    assert column(Case, "id", table(Case)) == f"{q('cases_case')}.{q('id')}"
