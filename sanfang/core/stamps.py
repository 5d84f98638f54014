"""Stamps: keys for caches that are never stale (issue 9).

A stamp is a random token stored in the database under a key ("board:42", "board:directory"). Every change of
the data behind a cached page replaces the token of its key **in the same transaction** as the change (model
signals, connected by the app that owns the data with `watch`). A page is cached under the tokens it read
before reading its data, so:

- a reader that sees the new token also sees the new data (one transaction committed both);
- a reader that read the old token and then the new data only caches the new data under a token no longer
  current — wasted, never served;
- tokens are random, not counters, so a token names one state of the data even across a restored backup or a
  re-created database while a file or Redis cache outlives it.

Because the tokens live in the database, every web process agrees on them whatever the cache backend is
(per-process memory included). Writes that bypass model signals (`QuerySet.update`, `bulk_create`, raw SQL)
must call `bump` themselves.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable, Iterable

from django.db import connection
from django.db.models.signals import post_delete, post_save

from .models import Stamp
from .sqlnames import column, table


def _token() -> str:
    return uuid.uuid4().hex


def bump(*keys: str) -> None:
    """Give each key a new token (inside the caller's transaction, if any)."""
    if keys:
        RecentReads.forget_all()  # this process's own change is on its next read, not a second later
    for key in keys:
        token = _token()
        if Stamp.objects.filter(key=key).update(token=token):
            continue
        Stamp.objects.bulk_create([Stamp(key=key, token=token)], ignore_conflicts=True)
        # A concurrent first bump may have inserted its own token: ours must win, it comes with later data.
        Stamp.objects.filter(key=key).update(token=token)


def read(*keys: str) -> tuple[str, ...]:
    """The current tokens of the keys, in order (one query; a key never stamped gets its first token)."""
    found = dict(Stamp.objects.filter(key__in=keys).values_list("key", "token"))
    missing = [k for k in keys if k not in found]
    if missing:
        Stamp.objects.bulk_create([Stamp(key=k, token=_token()) for k in missing], ignore_conflicts=True)
        found.update(Stamp.objects.filter(key__in=missing).values_list("key", "token"))
    return tuple(found[k] for k in keys)


def token_sql(key: str, of: str = "") -> tuple[str, list[str]]:
    """A scalar subquery giving the token of one stamp (NULL if the key was never stamped) and its parameters, to
    put in a SELECT list: a row is then read with the tokens of the stamps it depends on in one plain query.

    `token_sql("board:directory")`: the token of that key. `token_sql("board:", of='p."id"')`: the token of
    the key "board:<id>" of the outer query's row (`of` is SQL of the caller's own, never a value). A subquery
    on the unique key rather than an outer join: the same result, and PostgreSQL plans it in about half the time
    (measured on the board's query). The parameters come in the order of the subquery's place in the SQL."""
    # Names from the model's metadata (core/sqlnames.py); the key (or its prefix) is a parameter.
    key_sql = f"%s || {of}" if of else "%s"
    token, key_column = column(Stamp, "token", "st"), column(Stamp, "key", "st")
    return f"(SELECT {token} FROM {table(Stamp)} st WHERE {key_column} = {key_sql})", [key]  # noqa: S608


class RecentReads:
    """Values read with their stamps' tokens, kept in this process for at most `seconds` so that a page read in
    large numbers (the public board) is served without touching the database at all: a change made by another
    process is then on that page at most `seconds` after it committed — the lag such a page accepts, written in
    docs/performance.md. A change made through this process (`bump`) empties every memo at once.

    Reads inside a transaction are neither served from the memo nor kept: the transaction may have changed the
    stamps itself and may still roll back. The entry's age counts from before its read, so nothing read before
    a commit outlives the commit by more than `seconds`. Bounded: at `size` entries the memo starts again."""

    _all: list[RecentReads] = []

    def __init__(self, seconds: float, size: int = 4096, clock: Callable[[], float] = time.monotonic):
        self.seconds, self.size, self.clock = seconds, size, clock
        self._entries: dict[Hashable, tuple[float, object]] = {}
        RecentReads._all.append(self)

    def get(self, key: Hashable, read: Callable[[], object]) -> object:
        """The value of `read()` for `key`, from the memo if it was read less than `seconds` ago. A None read
        is not kept (an unknown address must not fill the memo)."""
        if self.seconds <= 0 or connection.in_atomic_block:
            return read()
        now = self.clock()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self.seconds:
            return entry[1]
        value = read()
        if value is not None:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = (now, value)
        return value

    def forget(self) -> None:
        self._entries.clear()

    @classmethod
    def forget_all(cls) -> None:
        for memo in cls._all:
            memo.forget()


def watch(model, keys_of: Callable[[object, dict], Iterable[str]], uid: str) -> None:
    """Bump the keys `keys_of(instance, signal_kwargs)` names whenever an instance of the model is saved or
    deleted (the signal runs inside the saving transaction)."""

    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):
            return  # loading a fixture or a backup: no cache can hold pages of rows not yet in this database
        keys = [k for k in keys_of(instance, kwargs) if k]
        if keys:
            bump(*keys)

    post_save.connect(changed, sender=model, dispatch_uid=f"stamps-save-{uid}", weak=False)
    post_delete.connect(changed, sender=model, dispatch_uid=f"stamps-delete-{uid}", weak=False)
