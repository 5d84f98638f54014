"""The residents' register (居民名册): the verified residents of the compounds a person may verify, where the
Residents' Committee or the company serving the compound records that a resident moved out, with a reason.

Who keeps it is the rule that verifies residents (`permissions.can_verify_residency`): the community's Residents'
Committee and party organisation, and the company serving the compound under a contract in force. Oversight
(street, county) verifies nowhere, so its register is empty and it has no move-out button; the action answers 404
to anyone outside the register, so a residency's existence is not told.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from sanfang.core.models import AuditEvent
from sanfang.core.testing import XSS, make_resident
from sanfang.directory import permissions
from sanfang.directory.models import Residency
from sanfang.directory.scopes import Role, get_scope

pytestmark = pytest.mark.django_db

REGISTER = "/directory/residents/"


def _residency(person) -> Residency:
    return Residency.objects.select_related("compound", "building").get(person=person)


def _moved_out(pk: int) -> str:
    return reverse("directory:residency-moved-out", args=[pk])


@pytest.fixture
def residents(world):
    """Residents across the world: two more in A1 (one in a building), one in A2 (community A, company Y), one in
    B1 (community B), a pending one and a moved-out one in A1; the RC member also lives in A1."""
    res = {
        "a1": make_resident(world.compound_a1, name="李四", phone="13812345678"),
        "a1_building": make_resident(world.compound_a1, name="王五"),
        "a2": make_resident(world.compound_a2, name="赵六"),
        "b1": make_resident(world.compound_b1, name="钱七"),
        "pending": make_resident(world.compound_a1, verified=False, name="孙申请"),
        "gone": make_resident(world.compound_a1, name="周迁走"),
    }
    Residency.objects.filter(person=res["a1_building"]).update(building=world.building_a1, room="2单元 301")
    Residency.objects.filter(person=res["gone"]).update(status=Residency.Status.MOVED_OUT)
    Residency.objects.create(
        person=world.rc_member, compound=world.compound_a1, room="9-901", status="verified"
    )
    return res


def test_the_rc_lists_the_verified_residents_of_its_community_not_another_nor_itself(world, residents, login):
    page = login(world.rc_member).get(REGISTER).content.decode()
    for name in ("李四", "王五", "赵六"):
        assert name in page
    assert world.resident.name.split("<")[0] in page
    assert "钱七" not in page  # community B
    assert "孙申请" not in page and "周迁走" not in page  # pending and moved out are not on the register
    assert "9-901" not in page  # the worker's own home: recorded on their own profile, not here
    assert _moved_out(_residency(residents["a1"]).pk) in page
    assert XSS not in page and escape(XSS) in page  # names and compound names are escaped


def test_the_company_serving_a_compound_lists_its_residents_only(world, residents, login):
    page = login(world.company_head).get(REGISTER).content.decode()
    assert "李四" in page and "王五" in page
    assert "赵六" not in page and "钱七" not in page  # A2 is served by company Y
    other = login(world.other_company_head).get(REGISTER).content.decode()
    assert "赵六" in other and "李四" not in other


def test_oversight_verifies_nowhere_so_its_register_is_empty_and_it_cannot_record_a_move_out(
    world, residents, login
):
    """The street (and county) may read a compound's internal data but `can_verify_residency` does not give them
    the residents: no list, no button, and the action is a 404 like any residency outside one's register."""
    residency = _residency(residents["a1"])
    assert not permissions.can_verify_residency(world.street_official, residency)
    client = login(world.street_official)
    page = client.get(REGISTER).content.decode()
    assert "李四" not in page and "residency-moved-out" not in page and "/moved-out/" not in page
    assert "不负责核实居民" in page
    assert client.post(_moved_out(residency.pk), {"reason": "电话告知"}).status_code == 404
    assert _residency(residents["a1"]).status == Residency.Status.VERIFIED


def test_anonymous_visitors_are_sent_to_log_in(world, residents, client):
    for response in (
        client.get(REGISTER),
        client.post(_moved_out(_residency(residents["a1"]).pk), {"reason": "电话告知"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert _residency(residents["a1"]).status == Residency.Status.VERIFIED


def test_phone_numbers_are_masked_on_the_register(world, residents, login):
    page = login(world.rc_member).get(REGISTER).content.decode()
    assert "13812345678" not in page
    assert "138****5678" in page


def test_the_rc_records_a_move_out_with_a_reason_from_the_register(world, residents, login):
    residency = _residency(residents["a1_building"])
    client = login(world.rc_member)
    response = client.post(_moved_out(residency.pk) + "?q=王&page=1", {"reason": "居民电话告知，房屋已出售"})
    # Back to the same search and page of the register.
    assert response.status_code == 302 and response["Location"] == REGISTER + "?q=%E7%8E%8B&page=1"
    page = client.get(response["Location"]).content.decode()
    assert "已登记迁出" in page and "王五" in page and "1栋 2单元 301" in page
    assert escape(world.compound_a1.name) in page  # the message names the compound, escaped
    residency.refresh_from_db()
    assert residency.status == Residency.Status.MOVED_OUT and residency.ended_at is not None
    event = AuditEvent.objects.get(verb="residency.end")
    assert event.actor_id == world.rc_member.pk and event.summary == "居民电话告知，房屋已出售"
    assert not get_scope(residents["a1_building"]).has_role(Role.RESIDENT, at=world.compound_a1)
    # Off the register: no second button, and a second post is a 404 (it is no longer on the register).
    assert _moved_out(residency.pk) not in client.get(REGISTER).content.decode()
    assert client.post(_moved_out(residency.pk), {"reason": "再次"}).status_code == 404


def test_the_serving_company_records_a_move_out_too(world, residents, login):
    residency = _residency(residents["a1"])
    login(world.company_staff).post(_moved_out(residency.pk), {"reason": "房屋已过户"})
    assert _residency(residents["a1"]).status == Residency.Status.MOVED_OUT
    assert AuditEvent.objects.get(verb="residency.end").summary == "房屋已过户"


def test_an_empty_reason_changes_nothing_and_says_why(world, residents, login):
    residency = _residency(residents["a1"])
    client = login(world.rc_member)
    response = client.post(_moved_out(residency.pk), {"reason": "   "}, follow=True)
    assert response.status_code == 200
    assert "请写明依据" in response.content.decode()  # the service's own message
    assert _residency(residents["a1"]).status == Residency.Status.VERIFIED
    assert _residency(residents["a1"]).ended_at is None
    assert not AuditEvent.objects.filter(verb="residency.end").exists()


def test_a_residency_outside_ones_register_is_a_404(world, residents, login):
    def answer(person, pk: int) -> int:
        return login(person).post(_moved_out(pk), {"reason": "电话告知"}).status_code

    b1, a2 = _residency(residents["b1"]), _residency(residents["a2"])
    assert answer(world.rc_member, b1.pk) == 404  # community B
    assert answer(world.company_head, a2.pk) == 404  # served by company Y
    assert answer(world.other_street_official, a2.pk) == 404
    assert (
        answer(world.rc_member, _residency(residents["pending"]).pk) == 404
    )  # not verified: not on the register
    assert answer(world.rc_member, 987654) == 404  # no such residency: the same answer
    assert {r.status for r in (_residency(residents["b1"]), _residency(residents["a2"]))} == {"verified"}
    assert not AuditEvent.objects.filter(verb="residency.end").exists()


def test_a_resident_cannot_use_the_staff_action_for_someone_else_or_themselves(world, residents, login):
    client = login(world.resident)
    assert client.post(_moved_out(_residency(residents["a1"]).pk), {"reason": "x"}).status_code == 404
    assert client.post(_moved_out(_residency(world.resident).pk), {"reason": "x"}).status_code == 404
    assert "李四" not in client.get(REGISTER).content.decode()
    assert _residency(residents["a1"]).status == _residency(world.resident).status == "verified"


def test_the_rc_cannot_record_its_own_move_out_here(world, residents, login):
    own = Residency.objects.get(person=world.rc_member)
    assert login(world.rc_member).post(_moved_out(own.pk), {"reason": "x"}).status_code == 404


def test_the_action_takes_only_a_post(world, residents, login):
    assert login(world.rc_member).get(_moved_out(_residency(residents["a1"]).pk)).status_code == 405


def test_search_finds_by_name_room_or_compound_and_filters_by_compound(world, residents, login):
    client = login(world.rc_member)

    def names(**params):
        page = client.get(REGISTER, params).content.decode()
        return {n for n in ("李四", "王五", "赵六") if n in page}

    assert names(q="李四") == {"李四"}
    assert names(q="301") == {"王五"}
    assert names(q="和谐苑") == {"赵六"}  # compound A2's name
    assert names(compound=world.compound_a2.code) == {"赵六"}
    assert names(compound=world.compound_a1.code, q="王") == {"王五"}
    assert names(compound=world.compound_b1.code) == set()  # another community's compound: nothing, no error
    assert "没有找到匹配的居民" in client.get(REGISTER, {"q": "不存在的人"}).content.decode()


def test_the_compound_menu_is_offered_only_to_those_with_several_compounds(world, residents, login):
    rc_page = login(world.rc_member).get(REGISTER).content.decode()
    assert 'id="f-compound"' in rc_page and world.compound_a2.code in rc_page  # community A: A1 and A2
    company_page = login(world.company_head).get(REGISTER).content.decode()
    assert 'id="f-compound"' not in company_page  # company X serves A1 only


def test_the_register_is_ordered_by_compound_building_and_room(world, residents, login):
    for room in ("3室", "1室"):
        make_resident(world.compound_a2, name=f"和谐苑{room}").residencies.update(room=room)
    page = login(world.rc_member).get(REGISTER, {"compound": world.compound_a2.code}).content.decode()
    assert page.index("和谐苑1室") < page.index("和谐苑3室")  # by room within a compound, not by signing up
    page = login(world.rc_member).get(REGISTER, {"compound": world.compound_a1.code}).content.decode()
    assert page.index("李四") < page.index("王五")  # no building before 1栋


def test_the_register_and_the_pending_page_link_each_other_and_the_menu_offers_it(world, residents, login):
    client = login(world.rc_member)
    register = client.get(REGISTER).content.decode()
    pending = client.get(reverse("directory:residents-pending")).content.decode()
    assert reverse("directory:residents-pending") in register
    assert f'href="{REGISTER}"' in pending
    place = client.get(reverse("directory:place", args=[world.compound_a1.code])).content.decode()
    assert f"{REGISTER}?compound={world.compound_a1.code}" in place
    # The menu offers the register to those who keep it, not to oversight or residents.
    assert "居民名册" in client.get(reverse("core:todos")).content.decode()
    for person in (world.street_official, world.resident):
        assert "居民名册" not in login(person).get(reverse("core:todos")).content.decode()


def test_the_register_reads_a_constant_number_of_queries_whatever_its_length(world, login):
    client = login(world.rc_member)

    def count() -> int:
        client.get(REGISTER)  # warm the session and scope caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(REGISTER).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        make_resident(world.compound_a1)
    few = count()
    for n in range(30):
        person = make_resident(world.compound_a2 if n % 2 else world.compound_a1)
        if n % 4 == 0:
            person.residencies.update(building=world.building_a1)  # A1's building
    many = count()
    assert Residency.objects.filter(status="verified").count() > 30
    assert few == many


def test_residency_address_says_compound_building_and_room(world):
    residency = Residency(compound=world.compound_a1, building=world.building_a1, room="2单元 301")
    assert residency.address == f"{world.compound_a1.name} 1栋 2单元 301"
    assert Residency(compound=world.compound_a2, room="5室").address == "和谐苑 5室"
