"""The machinery of the permission matrix: one world per module, a signed-in client per persona, probes that
roll back whatever they changed and report whether they wrote to the database at all."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .world import PERSONAS

# Tables a request may write without changing anything a person owns: the session of the signed-in client.
BOOKKEEPING_TABLES = ("django_session",)
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


@dataclass(frozen=True)
class Probe:
    status: str  # "200", "404", … "L" for a redirect to the login page, "R" for another redirect
    writes: tuple[str, ...]  # the write statements the request issued (rolled back afterwards)


def clients_for(world) -> dict[str, Client]:
    clients = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(
                getattr(world, persona), backend="sanfang.directory.auth.PhoneOrUsernameBackend"
            )
        clients[persona] = client
    return clients


def answer(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response.get("Location", "")
        return "L" if location.startswith("/login/") or "/admin/login/" in location else "R"
    return str(response.status_code)


def probe(client: Client, method: str, url: str, **kwargs) -> Probe:
    """Send one request inside a transaction that is always rolled back; report its answer and its writes.

    The client's cookies are restored too, so a probe of /logout/ does not sign the persona out of the rest."""
    cookies = copy.deepcopy(client.cookies)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if method == "GET":
            response = client.get(url, **kwargs)
        elif method == "POST":
            response = client.post(url, **kwargs)
        else:
            response = client.generic(method, url, **kwargs)
        transaction.set_rollback(True)
    client.cookies = cookies
    writes = tuple(
        q["sql"]
        for q in queries.captured_queries
        if _WRITE.match(q["sql"]) and not any(t in q["sql"] for t in BOOKKEEPING_TABLES)
    )
    return Probe(status=answer(response), writes=writes)


DENIED = frozenset({"L", "401", "403", "404", "405"})


def row(statuses: dict[str, str]) -> str:
    return " ".join(statuses[p] for p in PERSONAS)


def parse_row(text: str) -> dict[str, str]:
    cells = text.split()
    assert len(cells) == len(PERSONAS), f"a row needs {len(PERSONAS)} answers, one per persona: {text!r}"
    return dict(zip(PERSONAS, cells, strict=True))


def parse_args(text: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in text.split())
