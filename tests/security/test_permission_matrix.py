"""Issue 10 item 1: the permission matrix — every HTML route and every API operation × every persona.

Routes come from the URL configuration (`get_resolver()`, walked recursively) and from the OpenAPI document, so
a new route fails `test_every_route_has_a_rule_in_the_permission_matrix` until someone decides who may reach it.
Every URL parameter is filled with a real object of community A / compound A1 (tests/security/world.py). Each
persona's answer is compared with the expected row of `matrix.py`; every probe runs in a rolled-back transaction,
and every refused one (401/403/404/405/redirect to login) must not have issued a single write to the database.
The invariants below hold whatever the table says, so a leak cannot be "approved" by editing a row.

To re-record the observed rows after a deliberate change: `SANFANG_MATRIX_RECORD=/tmp/rows.py pytest …` writes
them out; review every changed cell before copying it into matrix.py.
"""

from __future__ import annotations

import os
import re

import pytest

from . import matrix
from .bodies import request_kwargs
from .harness import DENIED, clients_for, parse_args, parse_row, probe, row
from .routes import admin_routes, api_operations, api_patterns, html_routes, openapi
from .world import PERSONAS

pytestmark = pytest.mark.django_db

RECORD = os.environ.get("SANFANG_MATRIX_RECORD")
OUTSIDERS = ("other_street_official", "other_company_head", "other_resident")
SKIPPED = "·"


def _record(kind: str, key: str, text: str) -> None:
    if RECORD:
        with open(RECORD, "a", encoding="utf-8") as out:
            out.write(f"{kind}\t{key}\t{text}\n")


def _check(
    objects,
    key: str,
    method: str,
    url: str,
    expected_text: str,
    *,
    on_objects: bool,
    refused=frozenset(),
    skip=frozenset(),
    **kwargs,
):
    """Probe every persona (but those in `skip`, marked "·"); return the observed row and the disagreements
    with the expected row and the invariants. `refused`: personas refused on GET, who may not write by POST
    either; on a route about an object of community A (`on_objects`) no outsider writes anything."""
    observed, problems = {}, []
    for persona in PERSONAS:
        if persona in skip:
            observed[persona] = SKIPPED
            continue
        result = probe(objects.clients[persona], method, url, **kwargs)
        observed[persona] = result.status
        outsider = persona in ("anonymous", *OUTSIDERS) and on_objects
        may_write = not outsider or key in matrix.PUBLIC or key in matrix.OUTSIDER_WRITES
        if result.writes and (result.status in DENIED or persona in refused or not may_write):
            problems.append(f"{persona} answered {result.status} and wrote: {result.writes[:2]}")
    _record(method, key, row(observed))
    expected = parse_row(expected_text)
    for persona in PERSONAS:
        if observed[persona] != expected[persona]:
            problems.append(f"{persona}: expected {expected[persona]}, got {observed[persona]}")
    if observed["anonymous"] not in DENIED and key not in matrix.PUBLIC:
        problems.append(f"anonymous got {observed['anonymous']} on a route not in matrix.PUBLIC")
    return observed, [f"{method} {url} [{key}] {p}" for p in problems]


@pytest.fixture(scope="module")
def matrix_world(security_world):
    security_world.clients = clients_for(security_world.world)
    return security_world


# --- coverage: no route escapes the matrix --------------------------------------------------------------


def test_every_route_has_a_rule_in_the_permission_matrix():
    missing = [f"route {r.key} ({r.route}) is not in the permission matrix" for r in html_routes()]
    missing = [m for m, r in zip(missing, html_routes(), strict=True) if r.key not in matrix.HTML]
    missing += [
        f"API operation {op.key} ({op.method} {op.path}) is not in the permission matrix"
        for op in api_operations()
        if op.key not in matrix.API
    ]
    assert missing == []


def test_the_permission_matrix_names_no_route_that_no_longer_exists():
    assert set(matrix.HTML) - {r.key for r in html_routes()} == set()
    assert set(matrix.API) - {op.key for op in api_operations()} == set()


def test_every_api_pattern_is_described_by_the_openapi_document():
    """The API's URL patterns and the OpenAPI document agree, so walking the document walks the API."""
    documented = {op.path.removeprefix("/api/v1/") for op in api_operations()}
    undocumented = []
    for route, name in api_patterns():
        if name in ("api:openapi-json", "api:openapi-view", "api:api-root"):
            continue
        path = route.removeprefix("api/v1/")
        import re

        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
        if path not in documented:
            undocumented.append(route)
    assert undocumented == []
    assert openapi()["paths"]


# --- the matrix -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", html_routes(), ids=lambda r: r.key)
def test_html_route_answers_each_persona_as_the_matrix_says(matrix_world, route):
    rule = matrix.HTML.get(route.key)
    assert rule is not None, f"route {route.key} is not in the permission matrix"
    args, get_row, post_row = rule
    url = route.url({p: matrix_world.ids[obj] for p, obj in parse_args(args).items()})
    on_objects = bool(route.params)
    observed, problems = _check(matrix_world, route.key, "GET", url, get_row, on_objects=on_objects)
    refused = frozenset(p for p, status in observed.items() if status in DENIED - {"405"})
    # A persona who may open the page submits its form in the app's own tests; here POST probes the others
    # (and everyone on a POST-only action, whose GET says nothing).
    allowed = frozenset(p for p, status in observed.items() if status not in DENIED)
    _observed, more = _check(
        matrix_world, route.key, "POST", url, post_row, on_objects=on_objects, refused=refused, skip=allowed
    )
    assert problems + more == []


@pytest.mark.parametrize("operation", api_operations(), ids=lambda op: f"{op.method} {op.key}")
def test_api_operation_answers_each_persona_as_the_matrix_says(matrix_world, operation):
    rule = matrix.API.get(operation.key)
    assert rule is not None, f"API operation {operation.key} is not in the permission matrix"
    args, expected = rule
    url = operation.url({p: matrix_world.ids[obj] for p, obj in parse_args(args).items()})
    _observed, problems = _check(
        matrix_world,
        operation.key,
        operation.method,
        url,
        expected,
        on_objects=bool(operation.params),
        **request_kwargs(operation),
    )
    assert problems == []


def test_outsiders_never_read_an_object_of_compound_a1(matrix_world):
    """Zero leaks: an object of compound A1 (not published on the public board) is invisible to every outsider,
    and its very existence is private (404, not 403)."""
    leaks = []
    for key, (args, get_row, _post_row) in matrix.HTML.items():
        if key in matrix.PUBLIC or not set(parse_args(args).values()) & matrix.COMPOUND_OBJECTS:
            continue
        expected = parse_row(get_row)
        for persona in OUTSIDERS:
            if expected[persona] not in ("404", "405"):
                leaks.append(f"{persona} on {key}: {expected[persona]}")
    for key, (args, api_row) in matrix.API.items():
        if key in matrix.PUBLIC or not set(parse_args(args).values()) & matrix.COMPOUND_OBJECTS:
            continue
        expected = parse_row(api_row)
        for persona in OUTSIDERS:
            if expected[persona] != "404" and expected[persona] not in ("401", "422"):
                leaks.append(f"{persona} on {key}: {expected[persona]}")
    assert leaks == []


def test_django_admin_is_for_superusers_only(matrix_world):
    """Every route of Django's admin sends anyone who is not a superuser to the admin's login page."""
    assert len(admin_routes()) > 50
    clients = matrix_world.clients
    assert probe(clients["admin"], "GET", "/admin/").status == "200"
    problems = []
    for route in admin_routes():
        if "<" in route or route in ("admin/login/", "admin/logout/"):
            continue  # object routes share their view (and its guard) with the listed ones
        for persona in ("anonymous", "county_official", "resident"):
            result = probe(clients[persona], "GET", "/" + route)
            if result.status not in ("L", "404"):
                problems.append(f"{persona} on /{route}: {result.status}")
    assert problems == []


# --- links: what a persona is shown, it may open ------------------------------------------------------------

LINK_SKIP = ("/logout", "/static/", "/admin/", ".docx", ".xlsx", ".svg")
# Every page of the world, in every app (the appraisal pages once linked organisation histories and credit
# records, a community's campaign page its street's page, a report its follow-up form, all 404 for the reader).
LINKED_FROM = ("",)
# Any address under MEDIA_URL, in any attribute or script (href, src, action, srcset, data-*).
MEDIA_REF = re.compile(r"""["'\s(=,](?:https?://[^/"'\s]+)?/media/[^"'\s)>]*""")


def _pages_seen_by(matrix_world, persona: str) -> dict[str, str]:
    """The HTML of every page of the world the matrix says `persona` may open (fetched once per persona)."""
    seen = matrix_world.__dict__.setdefault("pages_seen", {})
    if persona not in seen:
        client = matrix_world.clients[persona]
        pages = {}
        for route in html_routes():
            args, get_row, _post_row = matrix.HTML[route.key]
            if route.route.startswith(LINKED_FROM) and parse_row(get_row)[persona] == "200":
                url = route.url({p: matrix_world.ids[obj] for p, obj in parse_args(args).items()})
                response = client.get(url)
                if "text/html" in response.get("Content-Type", ""):
                    pages[url] = response.content.decode()
        seen[persona] = pages
    return seen[persona]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_links_a_persona_is_shown_do_not_404_for_that_persona(matrix_world, persona):
    """Every page a persona may open links only pages the persona may open too (a name the reader may not
    follow is shown as plain text): no link on a page of the world leads that persona to a 404."""
    import html

    client = matrix_world.clients[persona]
    links: dict[str, str] = {}
    for page, body in _pages_seen_by(matrix_world, persona).items():
        for href in re.findall(r'href="(/[^"#]*)', body):
            href = html.unescape(href)
            path = href.split("?", 1)[0]
            if not path.startswith(LINK_SKIP) and not path.endswith(LINK_SKIP):
                links.setdefault(href, page)
    dead = [
        f"{href} (linked from {page})" for href, page in links.items() if client.get(href).status_code == 404
    ]
    assert dead == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_issue10_no_page_gives_any_persona_a_media_url(matrix_world, persona):
    """Uploads (case photos, report and campaign attachments, self-report documents, meeting evidence) are
    reached only through permission-checked views: no page any persona may open, the administrator's
    included, names an address under /media/ (a guessable path that would skip the check)."""
    found = [
        f"{m.group(0)[1:]} on {page}"
        for page, body in _pages_seen_by(matrix_world, persona).items()
        for m in MEDIA_REF.finditer(body)
    ]
    assert found == []
