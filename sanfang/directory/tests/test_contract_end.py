"""Ending a property-service contract early (the owners dismiss the company, or it withdraws): the company stops
being the compound's serving company after its last day — on the board and in its staff's scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from sanfang.core.errors import RuleViolation
from sanfang.core.models import AuditEvent
from sanfang.directory import services
from sanfang.directory.models import ServiceContract
from sanfang.directory.scopes import Role, get_scope

pytestmark = pytest.mark.django_db


def _contract(world):
    return ServiceContract.objects.get(compound=world.compound_a1, company=world.company_x)


def test_ending_a_contract_ends_the_companys_service_after_its_last_day(world):
    today = timezone.localdate()
    contract = services.end_contract(
        actor=world.rc_member,
        contract=_contract(world),
        on=today - dt.timedelta(days=1),
        reason="业主大会决定解聘",
    )
    assert contract.end == today - dt.timedelta(days=1)
    assert not ServiceContract.objects.in_force().filter(pk=contract.pk).exists()
    assert not get_scope(world.company_head).has_role(Role.PROPERTY_COMPANY, at=world.compound_a1)
    event = AuditEvent.objects.get(verb="contract.end")
    assert event.actor_id == world.rc_member.pk
    assert "业主大会决定解聘" in event.summary


def test_a_contract_is_ended_early_never_lengthened_and_with_a_reason(world):
    contract = _contract(world)
    with pytest.raises(RuleViolation, match="原因"):
        services.end_contract(actor=world.rc_member, contract=contract, on=timezone.localdate(), reason=" ")
    with pytest.raises(RuleViolation, match="早于合同开始"):
        services.end_contract(
            actor=world.rc_member, contract=contract, on=contract.start - dt.timedelta(days=1), reason="退出"
        )
    services.end_contract(actor=world.rc_member, contract=contract, on=timezone.localdate(), reason="退出")
    with pytest.raises(RuleViolation, match="提前结束"):
        services.end_contract(
            actor=world.rc_member,
            contract=contract,
            on=timezone.localdate() + dt.timedelta(days=30),
            reason="延长",
        )
    assert AuditEvent.objects.filter(verb="contract.end").count() == 1


def test_only_those_who_manage_the_compound_end_its_contract(world):
    for outsider in (world.company_head, world.other_street_official, world.resident):
        with pytest.raises(PermissionDenied):
            services.end_contract(
                actor=outsider, contract=_contract(world), on=timezone.localdate(), reason="x"
            )
    assert _contract(world).end is None


def test_the_place_page_ends_a_contract_with_its_own_form(world, login):
    client = login(world.rc_member)
    page = client.get(reverse("directory:place", args=[world.compound_a1.code])).content.decode()
    contract = _contract(world)
    assert f'id="id_c{contract.pk}-reason"' in page
    url = reverse("directory:contract-end", args=[world.compound_a1.code, contract.pk])

    refused = client.post(url, {f"c{contract.pk}-end": str(timezone.localdate())}, follow=True)
    assert "请填写服务最后一天和结束原因" in refused.content.decode()
    assert _contract(world).end is None

    done = client.post(
        url,
        {f"c{contract.pk}-end": str(timezone.localdate()), f"c{contract.pk}-reason": "企业退出"},
        follow=True,
    )
    assert "合同已结束" in done.content.decode()
    assert _contract(world).end == timezone.localdate()
    # An ended contract offers no second form.
    page = client.get(reverse("directory:place", args=[world.compound_a1.code])).content.decode()
    assert f'id="id_c{contract.pk}-reason"' not in page
