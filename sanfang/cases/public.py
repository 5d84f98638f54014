"""The public page of one case (PN-1), rendered once per state of what it shows and served from the cache (issue 9).

The page shows exactly what the compound's board shows of the case (`services.board_case`): the case's own
fields, its public events and its summonses, which replace the stamp "board:<compound id>" in the same
transaction as any change (hooks.py), and names from the directory — the compound, a building, the summoned
organisations — which replace "board:directory" (hooks.py and publicity/hooks.py). The day (a case closed more
than 180 days ago leaves the board), the language and the time zone are in the key. So, as for the board
(core/stamps.py): a reader that sees a new token also sees the new data, and an entry is never served once
anything it shows has changed. A cached visit is one query: the case's compound and the two tokens.

Nothing private is cached here: the reporter, their contact, photos and non-public events never reach
`board_case`'s summary.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from sanfang.core import page_cache, stamps
from sanfang.core.sqlnames import column, table

from . import services
from .models import Case

CACHE_SECONDS = getattr(settings, "BOARD_CACHE_SECONDS", 900)
# The board's stamps (publicity/board.py uses the same keys): cases/hooks.py replaces both.
DIRECTORY_STAMP = "board:directory"


def board_stamp(compound_id: int) -> str:
    return f"board:{compound_id}"


def _stamped(tracking_no: str) -> tuple[int, int, str | None, str | None] | None:
    """(case id, compound id, board token, directory token) in one plain query, or None for an unknown number.
    (Built by the ORM, compiling the query would cost more CPU than the rest of a cached visit.)"""
    c = partial(column, Case, alias="c")
    board_sql, board_params = stamps.token_sql("board:", of=c("compound"))
    directory_sql, directory_params = stamps.token_sql(DIRECTORY_STAMP)
    # Names from the models' metadata (core/sqlnames.py); every value is a parameter.
    sql = (
        f"SELECT {c('id')}, {c('compound')}, {board_sql}, {directory_sql} "  # noqa: S608
        f"FROM {table(Case)} c WHERE {c('tracking_no')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*board_params, *directory_params, tracking_no])
        row = cursor.fetchone()
    return (row[0], row[1], row[2], row[3]) if row else None


def rendered_case(tracking_no: str) -> dict[str, str] | None:
    """The page's own parts ("title": plain text, "body": HTML) of the case as its board shows it today, or
    None when there is no such case on a board (unknown, not yet classified, or closed long ago)."""
    found = _stamped(tracking_no)
    if found is None:
        return None
    case_id, compound_id, *tokens = found
    if None in tokens:  # a key never stamped yet: give it its first token
        tokens = list(stamps.read(board_stamp(compound_id), DIRECTORY_STAMP))
    today = timezone.localdate()
    key = page_cache.key(
        "cases:public",
        str(case_id),
        get_language() or "",
        timezone.get_current_timezone_name(),
        today.isoformat(),
        *tokens,
    )
    parts = caches[page_cache.CACHE].get(key)
    if parts is None:
        shown = services.board_case(case_id, today=today)
        if shown is None:
            parts = {}  # not on the board: remembered too, under the same stamps and day
        else:
            case, data = shown
            parts = {
                "title": data["title"],
                "body": render_to_string("cases/_public_body.html", {"c": data, "compound": case.compound}),
            }
        caches[page_cache.CACHE].set(key, parts, CACHE_SECONDS)
    return parts or None
