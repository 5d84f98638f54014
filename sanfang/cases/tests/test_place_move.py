"""A compound moved to another community (or a community to another street) takes its open cases and unfinished
major matters along: the new community's office and street handle them from then on, the move is on each case's
timeline and in the audit trail, and the new office hears of them. Closed cases stay with the community and street
that handled them (their history and statistics)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanfang.cases import permissions, services
from sanfang.cases.models import Case, MajorMatter, MatterKind, Status
from sanfang.core.models import AuditEvent, Message
from sanfang.core.testing import appoint, make_org, make_person
from sanfang.directory.models import OrgKind, Place

pytestmark = pytest.mark.django_db


def _report(world, text: str) -> Case:
    return services.submit_case(
        actor=world.resident, compound=world.compound_a1, category="other", title="", description=text
    )


@pytest.fixture
def office_b(world):
    """Community B's Residents' Committee with its head, who hears of new cases there."""
    rc_b = make_org(OrgKind.RESIDENTS_COMMITTEE, world.community_b, name="港湾社区居民委员会")
    head = make_person(name="港湾主任")
    appoint(head, rc_b, "主任", is_head=True)
    return head


def _move_a1_to_b(world) -> Place:
    compound = Place.objects.get(pk=world.compound_a1.pk)
    compound.parent = world.community_b
    compound.full_clean()
    compound.save()
    return compound


def test_open_cases_and_matters_follow_the_compound_closed_ones_stay(world, office_b):
    open_case, closed_case = _report(world, "三楼楼道灯不亮"), _report(world, "垃圾清运不及时")
    Case.objects.filter(pk=closed_case.pk).update(status=Status.CLOSED)
    ongoing = MajorMatter.objects.create(
        compound=world.compound_a1,
        community=world.community_a,
        kind=MatterKind.FUND_USE,
        title="维修资金使用",
    )
    done = MajorMatter.objects.create(
        compound=world.compound_a1,
        community=world.community_a,
        kind=MatterKind.FUND_USE,
        title="上一年度的维修",
        step="done",
    )
    version = Case.objects.get(pk=open_case.pk).version

    _move_a1_to_b(world)

    moved = Case.objects.get(pk=open_case.pk)
    assert (moved.community_id, moved.street_id) == (world.community_b.pk, world.street_b.pk)
    assert moved.version == version + 1  # a form opened before the move cannot silently write over it
    stayed = Case.objects.get(pk=closed_case.pk)
    assert (stayed.community_id, stayed.street_id) == (world.community_a.pk, world.street_a.pk)
    assert MajorMatter.objects.get(pk=ongoing.pk).community_id == world.community_b.pk
    assert MajorMatter.objects.get(pk=done.pk).community_id == world.community_a.pk

    event = moved.events.get(verb="moved")
    assert event.public and "港湾社区" in event.text and "富池镇" in event.text
    assert not stayed.events.filter(verb="moved").exists()
    audit = AuditEvent.objects.get(verb="case.moved")
    assert audit.target_id == str(moved.pk) and audit.actor_id is None  # the move itself names who made it
    assert audit.changes["community"][1] == "港湾社区"
    assert AuditEvent.objects.filter(verb="major_matter.moved").count() == 1
    assert Message.objects.filter(recipient=office_b, subject__contains=moved.tracking_no).exists()


def test_the_new_communitys_office_acts_on_the_moved_case_and_the_old_one_no_longer(world, office_b):
    case = _report(world, "电梯困人两次了")
    assert permissions.is_office(world.rc_member, case)
    assert not permissions.is_office(office_b, case)
    _move_a1_to_b(world)
    case = Case.objects.get(pk=case.pk)
    assert permissions.is_office(office_b, case)
    assert not permissions.is_office(world.rc_member, case)


def test_moving_a_community_to_another_street_moves_its_compounds_open_cases_to_that_street(world):
    in_a1 = _report(world, "小区路灯坏了")
    in_a2 = services.submit_case(
        actor=world.resident, compound=world.compound_a2, category="other", title="", description="绿化带被占"
    )
    community = Place.objects.get(pk=world.community_a.pk)
    community.parent = world.street_b
    community.save()
    for case in (in_a1, in_a2):
        case.refresh_from_db()
        assert (case.community_id, case.street_id) == (world.community_a.pk, world.street_b.pk)
        [event] = case.events.filter(verb="moved")
        assert (
            "富池镇" in event.text and "新街道" in event.text
        )  # the community stays: only its street changed
    assert not Message.objects.filter(subject__contains="随小区划入").exists()


def test_a_save_that_moves_nothing_touches_no_case(world):
    case = _report(world, "楼顶水管漏水")
    version = Case.objects.get(pk=case.pk).version
    compound = Place.objects.get(pk=world.compound_a1.pk)
    compound.name = "幸福家园（更名）"
    with CaptureQueriesContext(connection) as ctx:
        compound.save()
    assert not any("cases_case" in q["sql"] for q in ctx.captured_queries)
    assert Case.objects.get(pk=case.pk).version == version


def test_the_admin_records_who_moved_a_place(world, login):
    client = login(world.admin)
    compound = world.compound_a1
    url = f"/admin/directory/place/{compound.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data["parent"] = world.community_b.pk
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    audit = AuditEvent.objects.get(verb="place.move")
    assert audit.actor_id == world.admin.pk
    assert audit.changes["parent"][1] == "港湾社区"
    compound.refresh_from_db()
    assert compound.parent_id == world.community_b.pk
