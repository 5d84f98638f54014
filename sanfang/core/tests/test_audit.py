"""The audit trail: every change of state with actor, verb, target and client address; append-only in the ORM
and in the database; readable — filtered by who, what and when — only within the reader's scope."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, transaction

from sanfang.core import audit
from sanfang.core.models import AuditEvent
from sanfang.directory import services
from sanfang.directory.models import OrgKind, Place

pytestmark = pytest.mark.django_db


def test_a_service_called_from_a_request_records_actor_verb_target_and_client_address(world, login):
    client = login(world.street_official)
    response = client.post(
        f"/directory/places/{world.community_a.code}/children/",
        {"name": "新建小区", "code": "AUD0001"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    place = Place.objects.get(code="AUD0001")
    event = AuditEvent.objects.for_target(place).get()
    assert event.actor == world.street_official
    assert event.actor_label == str(world.street_official)
    assert event.verb == "place.create"
    assert event.target_repr == str(place)
    assert event.place == place
    assert event.ip == "10.1.2.3"
    assert event.at is not None
    assert "新建小区" in event.summary


def test_a_service_called_outside_a_request_has_no_address(world):
    org = services.create_organisation(
        actor=world.street_official, kind=OrgKind.GRID, name="第二网格", place=world.community_a
    )
    event = AuditEvent.objects.for_target(org).get()
    assert event.ip is None and event.verb == "organisation.create" and event.place == world.community_a


def test_a_failed_service_leaves_no_audit_event(world):
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017, PT011 - RuleViolation for the duplicate code
        services.create_place(
            actor=world.street_official,
            kind="compound",
            name="重复",
            code=world.compound_a1.code,
            parent=world.community_a,
        )
    assert AuditEvent.objects.count() == before


def test_changes_are_stored_as_json(world):
    event = audit.record(
        actor=world.rc_member,
        verb="test.change",
        target=world.compound_a1,
        changes={"due_on": [dt.date(2026, 3, 2), None], "org": world.rc_a},
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.changes == {"due_on": ["2026-03-02", None], "org": str(world.rc_a)}


def test_system_actor_is_labelled(world):
    event = audit.record(actor=None, verb="sweep.run")
    assert event.actor is None and event.actor_label == "系统"


def test_audit_events_cannot_be_updated_or_deleted_through_the_orm(world):
    event = audit.record(actor=world.rc_member, verb="test.verb", target=world.compound_a1)
    event.summary = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == ""


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_update_is_refused_by_the_database(world):
    event = audit.record(actor=world.rc_member, verb="test.verb", target=world.compound_a1)
    with pytest.raises((DatabaseError, IntegrityError)):
        _raw("UPDATE core_auditevent SET summary = %s WHERE id = %s", ["forged", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger exists on PostgreSQL")
def test_on_postgresql_raw_sql_delete_is_refused_by_the_trigger(world):
    event = audit.record(actor=world.rc_member, verb="test.verb", target=world.compound_a1)
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.fixture
def trail(world):
    """Events in street A (compound A1), in street B (compound B1), and one without a place."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        a = audit.record(
            actor=world.rc_member, verb="meeting.schedule", target=world.compound_a1, summary="A"
        )
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        b = audit.record(
            actor=world.other_street_official, verb="case.close", target=world.compound_b1, summary="B"
        )
    own = audit.record(actor=world.company_head, verb="profile.update", summary="own")
    return a, b, own


def _rows(response):
    return response.context["page"].object_list


def test_audit_page_shows_only_events_in_scope(world, trail, login):
    a, b, own = trail
    assert set(_rows(login(world.street_official).get("/audit/"))) == {a}
    assert set(_rows(login(world.other_street_official).get("/audit/"))) == {b}
    assert {a, b} <= set(_rows(login(world.county_official).get("/audit/")))
    assert set(_rows(login(world.party_secretary).get("/audit/"))) == {a}
    # Without an oversight role a person sees only their own actions.
    assert set(_rows(login(world.company_head).get("/audit/"))) == {own}
    assert set(_rows(login(world.resident).get("/audit/"))) == set()
    assert {a, b, own} <= set(_rows(login(world.admin).get("/audit/")))


def test_street_official_of_another_street_does_not_see_street_a_events(world, trail, login):
    a, _b, _own = trail
    page = login(world.other_street_official).get("/audit/").content.decode()
    assert "meeting.schedule" not in page
    assert "case.close" in page
    assert AuditEvent.objects.filter(pk=a.pk).exists()


def test_audit_page_filters_by_who_what_and_when(world, trail, login):
    a, b, _own = trail
    client = login(world.county_official)
    assert set(_rows(client.get("/audit/", {"verb": "case"}))) == {b}
    assert set(_rows(client.get("/audit/", {"who": world.rc_member.name[:4]}))) >= {a}
    assert b not in set(_rows(client.get("/audit/", {"who": world.rc_member.name})))
    assert set(_rows(client.get("/audit/", {"since": "2026-03-05", "until": "2026-03-31"}))) == {b}
    assert set(_rows(client.get("/audit/", {"until": "2026-03-05"}))) == {a}
    bad = client.get("/audit/", {"since": "not-a-date"})
    assert bad.status_code == 200
    assert "日期格式" in bad.content.decode()


def test_audit_page_needs_login_and_escapes_text(world, trail, client, login):
    assert client.get("/audit/").status_code == 302
    page = login(world.county_official).get("/audit/").content.decode()
    assert "<script>alert(1)</script>" not in page  # compound names carry the XSS canary


def test_audit_page_query_count_is_bounded(world, trail, login, django_assert_max_num_queries):
    for n in range(30):
        audit.record(actor=world.rc_member, verb=f"bulk.{n}", target=world.compound_a1)
    client = login(world.county_official)
    with django_assert_max_num_queries(15):
        assert client.get("/audit/").status_code == 200
