"""The running tally of a round's ballots (issue 9): counted as each ballot is cast, checked by a full recount.

Closing a round used to walk every ballot (100,000 JSON ballots took about 34 s); it now reads `BallotTally`,
a few hundred rows. The rows are written only here:

- `count_ballot` adds one ballot, inside the transaction that creates it (`services.cast_ballot`, a matched
  paper ballot in `services.enter_paper_ballot`), with an atomic `INSERT … ON CONFLICT DO UPDATE SET n = n +
  excluded.n`, so parallel writers never lose an increment even without the round lock the services hold;
- `add_counts` adds many at once, for code that writes ballots in bulk (the demo, the benchmark generator);
- `rebuild` replaces a round's rows with a recount (the data migration, the repair after a mismatch).

Ballots are never edited or withdrawn (EV-3: one ballot per participant, no re-vote), so counts only grow.

`recount` counts the ballots themselves, in SQL over their JSON (not through `count_answers`, so a mistake in
the increments' counting cannot hide in the check), and `verify` compares the two. Publishing a result runs
it (`services.publish_results`) and so does `sanfang appraisal verify-tally`; a mismatch is logged as an error
and stops the publication. Counts are keyed by ids and answer values only: nothing here knows a voter.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction

from .models import Ballot, BallotTally, Round
from .scoring import score_key

logger = logging.getLogger(__name__)

# (subject id, criterion id, answer value); (subject id, None, "") counts the ballots answering for a subject
# and (None, None, "") the round's ballots.
Key = tuple[int | None, int | None, str]
BALLOTS: Key = (None, None, "")


def value_key(value) -> str:
    """The stored form of one answer: a level as it is, a score as the float's repr ("87.5", "90.0")."""
    if isinstance(value, str):
        return value
    return score_key(value)


def count_answers(ballots: Iterable[Mapping]) -> Counter[Key]:
    """Count the answers of ballots ({subject_id: {criterion_id: value}}): the recount and the bulk paths."""
    counts: Counter[Key] = Counter()
    for answers in ballots:
        counts[BALLOTS] += 1
        for sid, row in answers.items():
            subject_id = int(sid)
            counts[(subject_id, None, "")] += 1
            for cid, value in row.items():
                counts[(subject_id, int(cid), value_key(value))] += 1
    return counts


_ANSWER_SQL = (
    "INSERT INTO {table} (round_id, subject_id, criterion_id, value, n) VALUES {rows} "
    "ON CONFLICT (subject_id, criterion_id, value) WHERE criterion_id IS NOT NULL "
    "DO UPDATE SET n = {table}.n + excluded.n"
)
_SUBJECT_SQL = (
    "INSERT INTO {table} (round_id, subject_id, criterion_id, value, n) VALUES {rows} "
    "ON CONFLICT (subject_id) WHERE criterion_id IS NULL "
    "DO UPDATE SET n = {table}.n + excluded.n"
)
_ROUND_SQL = (
    "INSERT INTO {table} (round_id, subject_id, criterion_id, value, n) VALUES {rows} "
    "ON CONFLICT (round_id) WHERE subject_id IS NULL "
    "DO UPDATE SET n = {table}.n + excluded.n"
)
_BATCH = 500


def add_counts(round_id: int, counts: Mapping[Key, int]) -> None:
    """Add counts to a round's rows atomically (creating missing rows): safe with parallel writers."""
    table = connection.ops.quote_name(BallotTally._meta.db_table)
    rows: dict[str, list[tuple]] = {_ROUND_SQL: [], _SUBJECT_SQL: [], _ANSWER_SQL: []}
    for (s, c, v), n in counts.items():
        if n:
            sql = _ROUND_SQL if s is None else _SUBJECT_SQL if c is None else _ANSWER_SQL
            rows[sql].append((round_id, s, c, v, n))
    with transaction.atomic(), connection.cursor() as cur:
        # Always round row, subject rows, answer rows, each sorted: two writers touching the same rows lock
        # them in the same order (no deadlock).
        for sql, group in rows.items():
            group.sort(key=lambda r: (r[1] or 0, r[2] or 0, r[3]))
            for start in range(0, len(group), _BATCH):
                chunk = group[start : start + _BATCH]
                placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
                cur.execute(
                    sql.format(table=table, rows=placeholders),
                    [x for row in chunk for x in row],
                )


def count_ballot(round_id: int, answers: Mapping) -> None:
    """Add one ballot's answers; call it in the transaction that creates the ballot."""
    add_counts(round_id, count_answers([answers]))


def read(rnd: Round) -> Counter[Key]:
    """The counts kept for a round (a few hundred rows)."""
    return Counter(
        {
            (s, c, v): n
            for s, c, v, n in BallotTally.objects.filter(round=rnd).values_list(
                "subject_id", "criterion_id", "value", "n"
            )
            if n
        }
    )


# Per database: the JSON object iterator, and the answer value as JSON text (decoded here, so a score keeps
# its type: a level "basic" comes back as '"basic"', a score as '87.5').
_JSON_EACH = {
    "postgresql": ("jsonb_each", "c.value::text"),
    "sqlite": ("json_each", "json_quote(c.value)"),
}


def recount(rnd: Round) -> Counter[Key]:
    """Count every ballot of the round again, in the database, by a path independent of the increments: the
    reference the kept counts must equal. (Elsewhere than PostgreSQL or SQLite, by walking the ballots.)"""
    if connection.vendor not in _JSON_EACH:
        return count_answers(rnd.ballots.values_list("answers", flat=True).iterator(chunk_size=2000))
    each, value = _JSON_EACH[connection.vendor]
    table = connection.ops.quote_name(Ballot._meta.db_table)
    counts: Counter[Key] = Counter()
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table} WHERE round_id = %s", [rnd.pk])  # noqa: S608 - identifiers from the model
        counts[BALLOTS] = cur.fetchone()[0]
        cur.execute(
            f"SELECT s.key, count(*) FROM {table} b, {each}(b.answers) s WHERE b.round_id = %s GROUP BY s.key",  # noqa: S608
            [rnd.pk],
        )
        for sid, n in cur.fetchall():
            counts[(int(sid), None, "")] += n
        cur.execute(
            f"SELECT s.key, c.key, {value}, count(*) FROM {table} b, {each}(b.answers) s, {each}(s.value) c "  # noqa: S608
            "WHERE b.round_id = %s GROUP BY 1, 2, 3",
            [rnd.pk],
        )
        for sid, cid, answer, n in cur.fetchall():
            counts[(int(sid), int(cid), value_key(json.loads(answer)))] += n
    return +counts


@dataclass
class Check:
    round_id: int
    ballots: int
    differences: list[tuple[Key, int, int]] = field(default_factory=list)  # (key, kept, recounted)

    @property
    def ok(self) -> bool:
        return not self.differences


def verify(rnd: Round) -> Check:
    """Compare the kept counts with a full recount of the ballots; a difference is logged as an error."""
    kept = read(rnd)
    counted = recount(rnd)
    diffs = sorted(
        ((key, kept.get(key, 0), counted.get(key, 0)) for key in set(kept) | set(counted)),
        key=lambda d: (d[0][0] or 0, d[0][1] or 0, d[0][2]),
    )
    check = Check(
        round_id=rnd.pk,
        ballots=counted[BALLOTS],
        differences=[d for d in diffs if d[1] != d[2]],
    )
    if not check.ok:
        # No counts in the message: the round may still be open, and its log is no place for results.
        logger.error(
            "appraisal tally of round %s differs from the recount of its ballots at %d places",
            rnd.pk,
            len(check.differences),
        )
    return check


@transaction.atomic
def rebuild(rnd: Round) -> int:
    """Replace a round's kept counts with a recount of its ballots; returns the number of rows written."""
    Round.objects.select_for_update().get(pk=rnd.pk)  # no ballot is cast meanwhile
    BallotTally.objects.filter(round=rnd).delete()
    counts = recount(rnd)
    add_counts(rnd.pk, counts)
    return len(counts)
