"""Issue 10 item 2: the API fuzzed with schemathesis against its own OpenAPI document (`/api/v1/openapi.json`).

Every operation of the document gets two generated valid requests and two deliberately invalid ones, each sent
in-process to the WSGI application three times: anonymously, with the API token of the community's joint-meeting
office and with that of a county official (between them every kind of object of the world is in scope). Valid
requests name real objects of the security world (tests/security/world.py, the permission matrix's rows) so that
successful answers are checked as well as refusals. Every answer must

- not be a server error (5xx),
- have a status code the document lists for that operation,
- have the content type the document gives for that status,
- match the response schema the document gives for that status.

Each request runs in a transaction that is rolled back afterwards, so every example meets the same world. The
number of examples is small and fixed (`derandomize`): the run is bounded and reproducible.

Below the fuzzing, one focused test for each fault it found, so that each stays fixed even where a few generated
examples would not happen to meet it again.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from . import matrix
from .harness import parse_args, parse_row
from .routes import openapi

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Who sends each request: nobody, the community's joint-meeting office (meetings, cases, board, bulletins,
# reports of community A) and a county official (campaigns, roll-ups, every street's appraisal).
PERSONAS = ("anonymous", "epmc_lead", "county_official")

schema = schemathesis.openapi.from_dict(openapi())
schema.app = WSGIHandler()
# One test per operation, parametrized here rather than by schemathesis' pytest plugin: under pytest 9 the plugin
# gives every operation's item the same node id, which pytest-xdist cannot tell apart.
OPERATIONS = tuple(result.ok() for result in schema.get_all_operations())
EXAMPLES = 2  # of each kind, valid and invalid, per operation: seconds, not minutes, for the whole API


@pytest.fixture(scope="module")
def fuzz_world(security_world):
    """The security world plus an API token per persona. Django closes "old" connections at the start and end of
    every request; these requests run inside the module's transaction, so (as Django's own test client does) the
    connection is left alone meanwhile."""
    from sanfang.core.api_auth import issue_token

    security_world.headers = {"anonymous": {}}
    for persona in PERSONAS[1:]:
        _token, raw = issue_token(getattr(security_world.world, persona), "fuzzing")
        security_world.headers[persona] = {"Authorization": f"Bearer {raw}"}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield security_world
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_path_parameters(world, operation_id: str) -> dict[str, object] | None:
    """The path parameters of the permission matrix's row for this operation: real objects of community A."""
    rule = matrix.API.get(operation_id)
    if rule is None or not rule[0]:
        return None
    return {name: world.ids[key] for name, key in parse_args(rule[0]).items()}


def _can_be_sent_invalid(operation) -> bool:
    """Whether some input of the operation has a value the document forbids: a body, a query parameter, or a path
    parameter constrained beyond "a string" (any text is a valid free-text path segment, so an operation taking
    only those cannot be sent invalid, and asking for an invalid request would be unsatisfiable)."""
    spec = operation.definition.raw
    if spec.get("requestBody"):
        return True
    for parameter in spec.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter["in"] == "query" or schema.get("type") != "string" or set(schema) - {"type", "title"}:
            return True
    return False


def _send(world, persona: str, case):
    cache.clear()  # rate-limit counters: each request is judged on its own
    with transaction.atomic():
        response = case.call(headers=world.headers[persona])
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_issue10_every_api_answer_conforms_to_the_openapi_document_and_none_is_a_server_error(
    fuzz_world, operation
):
    # Valid requests name real objects, so that successful answers are checked too; invalid ones keep generated
    # paths (mostly a 404 or a 422, which must be documented as well).
    real = _real_path_parameters(fuzz_world, operation.definition.raw["operationId"])
    kinds = [operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real)]
    if _can_be_sent_invalid(operation):
        kinds.append(operation.as_strategy(GenerationMode.NEGATIVE))
    for cases in kinds:

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(cases)
        def fuzz(case):
            for persona in PERSONAS:
                response = _send(fuzz_world, persona, case)
                try:
                    case.validate_response(response, checks=CHECKS)
                except BaseException as exc:
                    exc.add_note(f"sent as: {persona}")
                    raise

        fuzz()


# --- the faults fuzzing found, one focused test each ------------------------------------------------------


def _operation(operation_id: str):
    for path, methods in openapi()["paths"].items():
        for method, spec in methods.items():
            if spec["operationId"] == operation_id:
                return schema[path][method.upper()]
    raise AssertionError(f"no operation {operation_id}")


def test_issue10_no_two_api_schemas_share_a_name_so_none_is_documented_by_its_namesake():
    """django-ninja files every schema under its class name in `components/schemas`, the last one read winning:
    meetings' and publicity's `ItemOut`, bulletins' and reports' `RecipientOut`, campaigns' and reports'
    `ReportOut` (and six more) documented one another's answers and request bodies."""
    from ninja import Schema

    import sanfang.api  # noqa: F401 - imports every app's API module

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("sanfang."):
            names[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: sorted(where) for name, where in names.items() if len(where) > 1} == {}


# Operations whose answers a namesake schema documented, each read by a persona the matrix lets read it.
ONCE_MISDOCUMENTED = (
    ("sanfang_meetings_api_get_meeting", "epmc_lead"),  # participants, agenda (and start_time, below)
    ("sanfang_meetings_api_list_items", "epmc_lead"),  # meetings' agenda items
    ("sanfang_publicity_api_list_items", "epmc_lead"),  # the board's items
    ("sanfang_publicity_api_get_board", "anonymous"),  # the board's commitments and disclosures
    ("sanfang_appraisal_api_list_participants", "epmc_lead"),
    ("sanfang_bulletins_api_get_bulletin", "epmc_lead"),  # a bulletin's recipients
    ("sanfang_reports_api_get_report", "epmc_lead"),  # a report and its recipients
    ("sanfang_campaigns_api_get_report", "county_official"),  # a street's progress report
)


@pytest.mark.parametrize(("operation_id", "persona"), ONCE_MISDOCUMENTED)
def test_issue10_answers_once_documented_by_a_namesake_schema_conform_to_the_document(
    fuzz_world, operation_id, persona
):
    assert parse_row(matrix.API[operation_id][1])[persona] == "200"
    operation = _operation(operation_id)
    case = operation.Case(path_parameters=_real_path_parameters(fuzz_world, operation_id))
    response = _send(fuzz_world, persona, case)
    assert response.status_code == 200
    assert response.json(), "an empty answer would prove nothing about its items"
    case.validate_response(response, checks=CHECKS)


def test_issue10_no_field_claims_openapi_time_format_which_requires_an_offset():
    """OpenAPI's `format: time` is RFC 3339's full-time ("09:00:00+08:00"); a meeting's start time is sent as
    the local wall-clock time "09:00:00", so it is documented as that (sanfang/core/api_types.py)."""
    text = json.dumps(openapi())
    assert '"format": "time"' not in text
    start_time = openapi()["components"]["schemas"]["MeetingOut"]["properties"]["start_time"]
    assert start_time["type"] == "string" and "pattern" in start_time


def test_issue10_a_start_time_with_an_offset_is_refused_in_chinese_and_changes_nothing(fuzz_world):
    """An offset is refused rather than silently dropped or shifted (on SQLite, storing it was a 500)."""
    from sanfang.meetings.models import Meeting

    meeting = Meeting.objects.get(pk=fuzz_world.ids["meeting"])
    client = Client(HTTP_AUTHORIZATION=fuzz_world.headers["epmc_lead"]["Authorization"])
    body = {
        "version": meeting.version,
        "date": str(meeting.date),
        "start_time": "14:30+08:00",
        "venue": "二楼",
    }
    response = client.put(f"/api/v1/meetings/meetings/{meeting.pk}", body, content_type="application/json")
    assert response.status_code == 422
    assert "请填写当地时间" in json.dumps(response.json(), ensure_ascii=False)
    meeting.refresh_from_db()
    assert meeting.start_time.isoformat() == "09:00:00" and meeting.venue != "二楼"
    body["start_time"] = "14:30"
    with transaction.atomic():
        response = client.put(
            f"/api/v1/meetings/meetings/{meeting.pk}", body, content_type="application/json"
        )
        assert response.status_code == 200 and response.json()["start_time"] == "14:30:00"
        transaction.set_rollback(True)


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/meetings/nothing/", "/api/v2/", "/api/"])
def test_issue10_an_unknown_api_path_is_a_json_404_in_the_apis_error_shape(fuzz_world, path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "没有这个接口：请核对地址（接口说明见 /api/v1/docs）。"}


def test_issue10_a_method_an_api_path_does_not_take_is_a_json_405_naming_the_allowed_ones(fuzz_world):
    response = Client().delete("/api/v1/directory/places")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "此接口不接受 DELETE 请求，可用的方法：GET。"}


def test_issue10_a_request_refused_before_the_api_saw_it_is_a_json_400(fuzz_world):
    """A NUL in the query string is refused by middleware (sanfang/core/middleware.py), before any API view."""
    response = Client().get("/api/v1/directory/places", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "请求地址中含有无效字符。"}


def test_issue10_an_unexpected_error_in_an_api_view_is_a_json_500(fuzz_world, monkeypatch):
    def broken(user):
        raise RuntimeError("a bug")

    monkeypatch.setattr("sanfang.directory.api.get_scope", broken)
    client = Client(
        raise_request_exception=False,
        HTTP_AUTHORIZATION=fuzz_world.headers["epmc_lead"]["Authorization"],
    )
    response = client.get("/api/v1/directory/me")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "要么全部保存，要么完全没有变化" in response.json()["detail"]


def test_issue10_djangos_own_403_and_413_under_the_api_are_json_while_pages_stay_html():
    from django.core.exceptions import PermissionDenied, RequestDataTooBig

    from sanfang.core import errors_views

    api, page = RequestFactory().get("/api/v1/cases/"), RequestFactory().get("/cases/")
    forbidden = errors_views.forbidden(api, PermissionDenied())
    assert forbidden.status_code == 403 and json.loads(forbidden.content) == {"detail": "您无权进行此操作。"}
    too_big = errors_views.bad_request(api, RequestDataTooBig())
    assert too_big.status_code == 413 and json.loads(too_big.content) == {
        "detail": "提交的内容超过了允许的大小。"
    }
    assert errors_views.bad_request(page, RequestDataTooBig())["Content-Type"].startswith("text/html")


def test_issue10_a_nul_character_in_a_json_body_is_a_chinese_400_and_nothing_is_stored(fuzz_world):
    """PostgreSQL refuses NUL in every text column: a NUL in a JSON body was a 500 there (found by the fuzzing on
    PostgreSQL), and stored as sent on SQLite. It is refused before any view, on every database alike."""
    from sanfang.meetings.models import Meeting

    client = Client(HTTP_AUTHORIZATION=fuzz_world.headers["epmc_lead"]["Authorization"])
    before = Meeting.objects.count()
    body = {"community": fuzz_world.ids["community"], "date": "2026-12-15", "reason": "临时\x00会议"}
    response = client.post("/api/v1/meetings/meetings", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "提交的内容中含有无效字符（NUL），没有保存任何内容。"}
    response = client.post("/api/v1/meetings/meetings", {"x\x00": 1}, content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert Meeting.objects.count() == before
