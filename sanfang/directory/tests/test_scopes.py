"""The persona matrix: who sees which places and internal data (issue: accounts, roles and scopes)."""

import pytest

from sanfang.directory.models import Place, Residency
from sanfang.directory.permissions import can_manage_place, can_see_internal, residencies_visible_to
from sanfang.directory.scopes import Role, get_scope

pytestmark = pytest.mark.django_db


def test_property_company_sees_only_the_compounds_it_serves(world):
    visible = set(Place.objects.visible_to(world.company_head).values_list("pk", flat=True))
    assert world.compound_a1.pk in visible
    assert world.community_a.pk in visible  # the community its compound lies in
    assert world.compound_a2.pk not in visible  # served by another company
    assert world.compound_b1.pk not in visible


def test_property_company_never_sees_another_companys_residents(world):
    assert not residencies_visible_to(world.other_company_head).filter(compound=world.compound_a1).exists()
    assert residencies_visible_to(world.company_head).filter(person=world.resident).exists()
    assert not can_see_internal(world.other_company_head, world.compound_a1)


def test_street_never_sees_another_streets_places(world):
    visible = Place.objects.visible_to(world.other_street_official)
    assert not visible.filter(pk__in=[world.community_a.pk, world.compound_a1.pk]).exists()
    assert visible.filter(pk=world.compound_b1.pk).exists()
    assert not can_manage_place(world.other_street_official, world.community_a)
    assert can_manage_place(world.street_official, world.community_a)


def test_county_sees_every_street(world):
    visible = Place.objects.visible_to(world.county_official)
    assert visible.filter(pk__in=[world.compound_a1.pk, world.compound_b1.pk]).count() == 2


def test_resident_sees_own_compound_not_the_neighbours(world):
    scope = get_scope(world.resident)
    assert scope.roles == {Role.RESIDENT}
    assert scope.reaches(world.compound_a1)
    assert not scope.reaches(world.compound_a2)
    assert not residencies_visible_to(world.resident).exclude(person=world.resident).exists()


def test_pending_resident_has_no_role_until_verified(world):
    from sanfang.core.testing import make_resident

    pending = make_resident(world.compound_a1, verified=False)
    assert get_scope(pending).roles == frozenset()
    assert Residency.objects.get(person=pending).status == "pending"


def test_anonymous_visitor_has_no_scope(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Place.objects.visible_to(AnonymousUser()).exists()
    assert not residencies_visible_to(AnonymousUser()).exists()


def test_ended_position_no_longer_grants_its_role(world):
    from sanfang.directory.models import Position
    from sanfang.directory.services import end_position

    position = Position.objects.get(person=world.rc_member)
    end_position(actor=world.party_secretary, position=position, on=position.term_start)
    world.rc_member.refresh_from_db()
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime.combine(position.term_start + dt.timedelta(days=2), dt.time(12))):
        assert (
            Role.RESIDENTS_COMMITTEE
            not in get_scope(type(world.rc_member).objects.get(pk=world.rc_member.pk)).roles
        )
