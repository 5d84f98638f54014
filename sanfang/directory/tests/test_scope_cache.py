"""Issue 9: a person's scope is kept in the cache between requests (directory/scopes.py, "The cached scope"), and
every change of what it is computed from is in force at the very next request: positions, residencies,
organisations, places, contracts, the day, the person's own flags. The cache (per-process memory in tests) lives
on between the requests of a test, as it does between the requests of a web process."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sanfang.core import stamps
from sanfang.core.testing import make_person, make_resident
from sanfang.directory import services
from sanfang.directory.auth import PhoneOrUsernameBackend
from sanfang.directory.models import Person, Position, Residency, ServiceContract
from sanfang.directory.scopes import SCOPE_DIRECTORY_STAMP, Role, Scope, get_scope

pytestmark = pytest.mark.django_db

ME = "/api/v1/directory/me"


def next_request(client) -> Scope:
    """The scope the next request works with (its person's, as the view saw it)."""
    response = client.get(ME)
    assert response.status_code == 200, response.content
    return get_scope(response.wsgi_request.user)


def computes_grants(client) -> bool:
    """Whether the next request read positions or residencies instead of taking the grants from the cache."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(ME).status_code == 200
    return any(
        t in q["sql"] for q in ctx.captured_queries for t in ("directory_position", "directory_residency")
    )


def warm(client) -> Scope:
    """A request that computes and keeps the scope, then one served from the cache: the change that follows is
    tested against a scope that really was cached."""
    next_request(client)
    assert not computes_grants(client)
    return next_request(client)


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def test_a_cached_scope_costs_no_query_of_its_own(world, login):
    client = login(world.company_head)
    assert computes_grants(client)
    assert not computes_grants(client)
    with CaptureQueriesContext(connection) as ctx:
        client.get(ME)
    # the person with the stamps' tokens; the places of /me's answer (the session is read from its cache:
    # settings.SESSION_ENGINE)
    assert len(ctx) == 2


def test_an_ended_position_is_gone_at_the_next_request(world, login):
    client = login(world.rc_member)
    assert Role.RESIDENTS_COMMITTEE in warm(client).roles
    assert client.get("/cases/").status_code == 200
    position = Position.objects.get(person=world.rc_member)
    services.end_position(actor=world.party_secretary, position=position, on=yesterday())
    assert Role.RESIDENTS_COMMITTEE not in next_request(client).roles
    assert client.get("/cases/").status_code == 403


def test_a_new_position_is_in_force_at_the_next_request(world, login):
    person = make_person()
    client = login(person)
    assert warm(client).roles == frozenset()
    assert client.get("/cases/").status_code == 403
    services.appoint(actor=world.admin, person=person, organisation=world.street_office_a, title="科员")
    scope = next_request(client)
    assert scope.roles == {Role.STREET}
    assert scope.reaches(world.compound_a1) and not scope.reaches(world.compound_b1)
    assert client.get("/cases/").status_code == 200


def test_a_term_that_ends_today_lapses_when_the_day_turns(world, login):
    """Two hours apart, across midnight: the session and the cached entry are still alive, the day is not."""
    today = timezone.localdate()
    late = timezone.make_aware(dt.datetime.combine(today, dt.time(23)))
    with time_machine.travel(late, tick=False):
        person = make_person()
        services.appoint(
            actor=world.admin,
            person=person,
            organisation=world.street_office_a,
            title="科员",
            term_start=today - dt.timedelta(days=1),
            term_end=today,
        )
        client = login(person)
        assert warm(client).roles == {Role.STREET}
    with time_machine.travel(late + dt.timedelta(hours=2), tick=False):
        assert next_request(client).roles == frozenset()


def test_a_position_handed_to_another_person_leaves_the_first_at_the_next_request(world, login):
    """Saved whole, as the admin saves it: whom the position was taken from is not known, so every scope goes."""
    client = login(world.grid_worker)
    assert Role.GRID_WORKER in warm(client).roles
    position = Position.objects.get(person=world.grid_worker)
    position.person = make_person()
    position.save()
    assert Role.GRID_WORKER not in next_request(client).roles


def test_a_verified_residency_is_in_force_at_the_next_request(world, login):
    person = make_resident(world.compound_a1, verified=False)
    client = login(person)
    assert warm(client).roles == frozenset()
    residency = Residency.objects.get(person=person)
    services.verify_residency(actor=world.rc_member, residency=residency, approve=True)
    scope = next_request(client)
    assert scope.roles == {Role.RESIDENT}
    assert scope.reaches(world.compound_a1) and not scope.reaches(world.compound_a2)


def test_a_revoked_residency_is_gone_at_the_next_request(world, login):
    client = login(world.resident)
    assert warm(client).roles == {Role.RESIDENT}
    residency = Residency.objects.get(person=world.resident)
    residency.status = Residency.Status.REJECTED
    residency.save(update_fields=["status"])
    assert next_request(client).roles == frozenset()


def test_a_deleted_residency_is_gone_at_the_next_request(world, login):
    client = login(world.other_resident)
    assert warm(client).roles == {Role.RESIDENT}
    Residency.objects.filter(person=world.other_resident).delete()  # as the account's erasure does
    assert next_request(client).roles == frozenset()


def test_an_ended_contract_takes_the_compound_away_at_the_next_request(world, login):
    client = login(world.company_head)
    assert warm(client).reaches(world.compound_a1)
    contract = ServiceContract.objects.get(company=world.company_x, compound=world.compound_a1)
    contract.end = yesterday()
    contract.save(update_fields=["end"])
    scope = next_request(client)
    assert Role.PROPERTY_COMPANY in scope.roles  # still employed by the company
    assert not scope.reaches(world.compound_a1)


def test_a_new_contract_gives_the_compound_at_the_next_request(world, login):
    client = login(world.other_company_head)
    assert not warm(client).reaches(world.compound_b1)
    services.sign_contract(
        actor=world.admin, company=world.company_y, compound=world.compound_b1, start=yesterday()
    )
    assert next_request(client).reaches(world.compound_b1)


def test_an_organisation_moved_to_another_street_moves_its_staff_at_the_next_request(world, login):
    client = login(world.street_official)
    scope = warm(client)
    assert scope.reaches(world.compound_a1) and not scope.reaches(world.compound_b1)
    org = world.street_office_a
    org.place = world.street_b
    org.save()  # as the admin saves it
    scope = next_request(client)
    assert scope.reaches(world.compound_b1) and not scope.reaches(world.compound_a1)


def test_a_compound_moved_to_another_community_moves_its_residents_at_the_next_request(world, login):
    client = login(world.resident)
    assert warm(client).reaches(world.community_a)
    compound = world.compound_a1
    compound.parent = world.community_b
    compound.save()  # its path is rewritten in the same transaction as the stamp
    scope = next_request(client)
    assert scope.reaches(world.community_b) and not scope.reaches(world.community_a)


def test_superuser_and_active_flags_are_read_at_every_request(world, login):
    client = login(world.admin)
    assert warm(client).is_superuser
    world.admin.is_superuser = False
    world.admin.save(update_fields=["is_superuser"])
    assert not next_request(client).is_superuser
    world.admin.is_active = False
    world.admin.save(update_fields=["is_active"])
    assert client.get(ME).status_code == 401


def test_a_scope_computed_in_a_transaction_that_rolls_back_is_not_kept(world, login):
    person = make_person()
    client = login(person)
    assert warm(client).roles == frozenset()
    # The person as a request loads them (with the stamps' tokens of before the transaction).
    user = PhoneOrUsernameBackend().get_user(person.pk)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        services.appoint(actor=world.admin, person=person, organisation=world.street_office_a, title="科员")
        assert get_scope(user).roles == {Role.STREET}  # the transaction sees its own change
        raise Undo
    assert next_request(client).roles == frozenset()


def test_a_bulk_load_that_bumps_the_directory_stamp_is_in_force_at_the_next_request(world, login):
    """bulk_create sends no signals; the demo and benchmark loaders bump the stamp themselves."""
    person = make_person()
    client = login(person)
    assert warm(client).roles == frozenset()
    Position.objects.bulk_create(
        [
            Position(
                person=person, organisation=world.county_official.positions.get().organisation, title="科员"
            )
        ]
    )
    stamps.bump(SCOPE_DIRECTORY_STAMP)
    assert next_request(client).roles == {Role.COUNTY}


def test_every_persona_sees_the_same_scope_from_the_cache(world):
    """The cached grants are exactly the computed ones, for every role (the persona world)."""
    from sanfang.core.testing import PERSONAS

    for name in PERSONAS:
        person = getattr(world, name)
        computed = Scope(Person.objects.get(pk=person.pk))
        cached = Scope(PhoneOrUsernameBackend().get_user(person.pk))
        assert cached.grants == computed.grants, name
        assert cached._company_compounds == computed._company_compounds, name
        assert cached._few_under == computed._few_under, name
