"""A resident moves out: they record it on their profile (or the RC / the serving company records it, with a
reason). The row and its history stay; the person no longer counts as a resident there, and can register again
when they move back."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sanfang.core.errors import RuleViolation
from sanfang.core.models import AuditEvent
from sanfang.directory import services
from sanfang.directory.models import Person, Residency
from sanfang.directory.scopes import Role, get_scope

pytestmark = pytest.mark.django_db


def _residency(world):
    return Residency.objects.get(person=world.resident, compound=world.compound_a1)


def test_a_resident_records_moving_out_on_their_profile(world, login):
    client = login(world.resident)
    assert get_scope(world.resident).has_role(Role.RESIDENT, at=world.compound_a1)
    residency = _residency(world)
    profile = client.get(reverse("directory:profile")).content.decode()
    assert reverse("directory:residency-end", args=[residency.pk]) in profile

    done = client.post(reverse("directory:residency-end", args=[residency.pk]), follow=True)
    assert "已登记迁出" in done.content.decode()
    residency.refresh_from_db()
    assert residency.status == Residency.Status.MOVED_OUT and residency.ended_at is not None
    fresh = Person.objects.get(pk=world.resident.pk)  # as the next request reads the person
    assert not get_scope(fresh).has_role(Role.RESIDENT, at=world.compound_a1)
    assert AuditEvent.objects.filter(verb="residency.end", actor_id=world.resident.pk).count() == 1
    # Nothing left to end: no second button, and a second post changes nothing.
    assert reverse("directory:residency-end", args=[residency.pk]) not in done.content.decode()
    again = client.post(reverse("directory:residency-end", args=[residency.pk]), follow=True)
    assert "无需注销" in again.content.decode()
    assert AuditEvent.objects.filter(verb="residency.end").count() == 1


def test_nobody_ends_another_persons_residency_from_the_profile_route(world, login):
    url = reverse("directory:residency-end", args=[_residency(world).pk])
    for other in (world.other_resident, world.rc_member, world.company_head):
        assert login(other).post(url).status_code == 404
    assert _residency(world).status == Residency.Status.VERIFIED


def test_the_rc_or_serving_company_records_it_with_a_reason_outsiders_cannot(world):
    with pytest.raises(RuleViolation, match="依据"):
        services.end_residency(actor=world.rc_member, residency=_residency(world), reason="")
    for outsider in (world.other_company_head, world.other_street_official, world.other_resident):
        with pytest.raises(PermissionDenied):
            services.end_residency(actor=outsider, residency=_residency(world), reason="电话告知")
    assert _residency(world).status == Residency.Status.VERIFIED
    services.end_residency(actor=world.company_head, residency=_residency(world), reason="房屋已过户")
    assert _residency(world).status == Residency.Status.MOVED_OUT
    assert AuditEvent.objects.get(verb="residency.end").summary == "房屋已过户"


def test_moving_back_registers_the_same_address_again_for_verification(world):
    residency = _residency(world)
    services.end_residency(actor=world.resident, residency=residency)
    again = services.claim_residency(
        actor=world.resident, compound=world.compound_a1, building=residency.building, room=residency.room
    )
    assert again.pk == residency.pk
    assert again.status == Residency.Status.PENDING and again.ended_at is None and again.verified_by is None
    assert not get_scope(world.resident).has_role(Role.RESIDENT, at=world.compound_a1)
    with pytest.raises(RuleViolation, match="已经登记过"):
        services.claim_residency(
            actor=world.resident, compound=world.compound_a1, building=residency.building, room=residency.room
        )
