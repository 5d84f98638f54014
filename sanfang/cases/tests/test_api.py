"""The cases API: public routes without personal data, scoped lists with bounded queries, route actions."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sanfang.cases import services
from sanfang.cases.models import Case, CaseClass, MajorMatter, Status

pytestmark = pytest.mark.django_db

SECRET_PHONE = "13912345678"
SECRET_NAME = "秘密李四"


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def _submit(client, world):
    return client.post(
        f"/api/v1/cases/report/{world.compound_a1.code}",
        {
            "category": "facilities",
            "description": "路灯不亮已经一周",
            "reporter_name": SECRET_NAME,
            "reporter_contact": SECRET_PHONE,
        },
    )


def test_anonymous_report_and_follow_through_the_api_never_expose_the_reporter(client, world):
    resp = _submit(client, world)
    assert resp.status_code == 201, resp.content
    token = resp.json()["follow_token"]
    case = Case.objects.get()
    services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
    for url in (
        f"/api/v1/cases/follow/{token}",
        f"/api/v1/cases/board/{world.compound_a1.code}",
    ):
        r = client.get(url)
        assert r.status_code == 200
        text = r.content.decode()
        assert SECRET_PHONE not in text and SECRET_NAME not in text
    assert client.get("/api/v1/cases/follow/guess").status_code == 404


def test_api_report_rejects_bad_input_with_one_error_shape(client, world):
    resp = client.post(
        f"/api/v1/cases/report/{world.compound_a1.code}", {"category": "nope", "description": "x"}
    )
    assert resp.status_code == 400 and "detail" in resp.json()
    assert Case.objects.count() == 0


def test_list_is_scoped_and_query_bounded(login, world, django_assert_max_num_queries):
    for i in range(6):
        services.submit_case(
            actor=world.resident,
            compound=world.compound_a1,
            category="other",
            title="",
            description=f"问题描述第{i}条",
        )
    services.submit_case(
        actor=world.other_resident,
        compound=world.compound_a2,
        category="other",
        title="",
        description="和谐苑的问题",
    )
    client = login(world.company_head)
    with django_assert_max_num_queries(12):
        resp = client.get("/api/v1/cases/")
    assert resp.status_code == 200
    assert len(resp.json()) == 6  # company X serves A1 only
    assert len(login(world.party_secretary).get("/api/v1/cases/").json()) == 7
    assert login(world.other_street_official).get("/api/v1/cases/").json() == []


def test_list_rows_are_the_rows_of_the_full_read(login, world):
    """Issue 9: the list reads plain values, the detail reads the case whole; each row of the list is what the
    detail says of the same case (with a handler and without, open and overdue, resolved)."""
    made = [
        services.submit_case(
            actor=world.resident,
            compound=world.compound_a1,
            category="other",
            title="",
            description=f"楼道灯不亮第{i}处",
        )
        for i in range(3)
    ]
    services.classify_case(actor=world.epmc_lead, case=made[0], case_class=CaseClass.ROUTINE)
    Case.objects.filter(pk=made[1].pk).update(due_on=dt.date(2020, 1, 1), status=Status.HANDLING)
    Case.objects.filter(pk=made[2].pk).update(status=Status.RESOLVED, due_on=dt.date(2020, 1, 1))
    client = login(world.party_secretary)
    rows = client.get("/api/v1/cases/").json()
    assert [r["id"] for r in rows] == list(
        Case.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    for row in rows:
        detail = client.get(f"/api/v1/cases/{row['id']}").json()
        assert row == {key: detail[key] for key in row}
    assert any(r["handler"] for r in rows) and any(r["handler"] is None for r in rows)
    assert [r["overdue"] for r in rows].count(True) == 1


def test_list_requires_authentication(client, world):
    assert client.get("/api/v1/cases/").status_code == 401


def test_detail_for_outsider_is_404_and_contact_is_for_staff_only(login, world):
    r = _submit(login(world.resident), world)
    case = Case.objects.get(tracking_no=r.json()["tracking_no"])
    assert login(world.other_company_head).get(f"/api/v1/cases/{case.pk}").status_code == 404
    staff = login(world.epmc_lead).get(f"/api/v1/cases/{case.pk}").json()
    assert staff["reporter_contact"] == SECRET_PHONE
    own = login(world.resident).get(f"/api/v1/cases/{case.pk}").json()
    assert own["reporter_contact"] == ""


def test_routine_case_end_to_end_through_the_api(login, client, world):
    """CS-2 via the API, then the reporter rates it through the follow link."""
    token = _submit(client, world).json()["follow_token"]
    case = Case.objects.get()
    office = login(world.epmc_lead)
    r = _post(office, f"/api/v1/cases/{case.pk}/classify", {"case_class": "routine", "version": case.version})
    assert r.status_code == 200 and r.json()["status"] == "handling"
    r = _post(office, f"/api/v1/cases/{case.pk}/classify", {"case_class": "major", "version": 1})
    assert r.status_code == 409
    company = login(world.company_head)
    r = _post(company, f"/api/v1/cases/{case.pk}/resolve", {"text": "已更换路灯灯泡"})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    client.logout()
    r = _post(client, f"/api/v1/cases/follow/{token}/feedback", {"rating": "satisfied"})
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_beyond_remit_summons_answered_by_two_departments_one_late(login, world):
    """CS-4 via the API: summons to the street, two departments report in, one after its deadline."""
    import time_machine

    from sanfang.core.testing import appoint, make_org, make_person
    from sanfang.directory.models import OrgKind

    dept2 = make_org(OrgKind.DEPARTMENT, world.county, name="县供电公司")
    officer2 = make_person()
    appoint(officer2, dept2, "客户经理")
    with time_machine.travel(dt.datetime(2026, 5, 11, 2, 0, tzinfo=dt.UTC), tick=False):
        case = services.submit_case(
            actor=world.resident,
            compound=world.compound_a1,
            category="water_power",
            title="",
            description="小区配电房老化频繁停电",
        )
        services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.BEYOND_REMIT)
        assert (
            _post(
                login(world.epmc_lead),
                f"/api/v1/cases/{case.pk}/propose",
                {"proposal": "需供电和住建部门协调"},
            ).status_code
            == 200
        )
        assert (
            _post(
                login(world.epmc_lead), f"/api/v1/cases/{case.pk}/summons", {"request": "x" * 5}
            ).status_code
            == 403
        )
        assert (
            _post(
                login(world.party_secretary),
                f"/api/v1/cases/{case.pk}/summons",
                {"request": "请街道协调配电改造"},
            ).status_code
            == 200
        )
        r = _post(
            login(world.street_official),
            f"/api/v1/cases/{case.pk}/summon-departments",
            {"to_org_ids": [world.department.pk, dept2.pk], "request": "请两单位报到"},
        )
        assert r.status_code == 200
        ids = {s["to_org"]: s["id"] for s in r.json()["summonses"] if s["level"] == "department"}
        r = _post(
            login(world.department_officer),
            f"/api/v1/cases/summonses/{ids[world.department.name]}/report-in",
            {"reply": "纳入老旧小区改造", "actions": "6月施工"},
        )
        assert r.status_code == 200 and r.json()["late"] is False
    with time_machine.travel(dt.datetime(2026, 5, 29, 2, 0, tzinfo=dt.UTC), tick=False):
        overdue = login(world.street_official).get("/api/v1/cases/summonses/?show=overdue").json()
        assert [s["to_org"] for s in overdue] == ["县供电公司"]
        r = _post(
            login(officer2),
            f"/api/v1/cases/summonses/{ids['县供电公司']}/report-in",
            {"reply": "已更换变压器"},
        )
        assert r.status_code == 200 and r.json()["late"] is True
        r = _post(login(world.epmc_lead), f"/api/v1/cases/{case.pk}/resolve", {"text": "配电改造完成"})
        assert r.json()["status"] == Status.RESOLVED
        board = login(world.resident).get(f"/api/v1/cases/board/{world.compound_a1.code}").json()
        assert "已更换变压器" in board[0]["reply"]


def test_major_matter_gate_through_the_api(login, world):
    """CS-7: a fee adjustment is held until street and party org acknowledge."""
    r = _post(
        login(world.oc_member),
        "/api/v1/cases/matters/",
        {"compound": world.compound_a1.code, "kind": "fee_change", "title": "调整物业费"},
    )
    assert r.status_code == 201
    pk = r.json()["id"]
    assert _post(login(world.oc_member), f"/api/v1/cases/matters/{pk}/advance", {}).status_code == 400
    office = login(world.epmc_lead)
    _post(office, f"/api/v1/cases/matters/{pk}/invite", {"party": "street"})
    _post(office, f"/api/v1/cases/matters/{pk}/invite", {"party": "party_org"})
    _post(login(world.street_official), f"/api/v1/cases/matters/{pk}/acknowledge", {"party": "street"})
    assert _post(login(world.oc_member), f"/api/v1/cases/matters/{pk}/advance", {}).status_code == 400
    _post(login(world.party_secretary), f"/api/v1/cases/matters/{pk}/acknowledge", {"party": "party_org"})
    r = _post(login(world.oc_member), f"/api/v1/cases/matters/{pk}/advance", {})
    assert r.status_code == 200 and r.json()["step"] == "plan"
    assert MajorMatter.objects.get().gate_open


def test_rates_endpoint(login, world):
    services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="other",
        title="",
        description="问题描述足够长",
    )
    today = dt.date.today()
    r = login(world.street_official).get(
        f"/api/v1/cases/rates?start={today.replace(month=1, day=1)}&end={today.replace(month=12, day=31)}"
    )
    assert r.status_code == 200, r.content
    assert r.json()["received"] == 1


def test_api_report_with_a_photo_and_board_has_no_photo_or_reporter(client, world):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 128, 0)).save(buf, format="PNG")
    resp = client.post(
        f"/api/v1/cases/report/{world.compound_a1.code}",
        {
            "category": "greening",
            "description": "草坪被挖坏了",
            "reporter_contact": SECRET_PHONE,
            "photos": [SimpleUploadedFile("a.png", buf.getvalue(), content_type="image/png")],
        },
    )
    assert resp.status_code == 201, resp.content
    case = Case.objects.get()
    assert case.photos.count() == 1
    services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
    text = client.get(f"/api/v1/cases/board/{world.compound_a1.code}").content.decode()
    assert SECRET_PHONE not in text and "photos" not in text


def test_openapi_document_includes_the_cases_routes(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/cases/report/{code}" in paths
    assert "/api/v1/cases/matters/{pk}/advance" in paths


@pytest.mark.parametrize("reader", ["epmc_lead", "street_official", "resident"])
def test_detail_read_with_only_the_shown_columns_answers_as_the_full_read(
    login, world, reader, django_assert_num_queries
):
    """Issue 9: GET /api/v1/cases/{pk} reads only what it shows of the people, places and organisations around
    the case; its answer is the one the full read gives (reporter in full, masked or hidden; building and unit,
    handler, holder, co-handlers, summonses, photos, timeline), in no more queries."""
    from django.test import RequestFactory
    from ninja.responses import NinjaJSONEncoder

    from sanfang.cases import api
    from sanfang.cases.models import CasePhoto, Summons, SummonsLevel
    from sanfang.core.testing import make_person

    case = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="facilities",
        title="",
        description="单元楼道灯不亮",
        building=world.building_a1,
        unit="2单元",
    )
    services.classify_case(actor=world.epmc_lead, case=case, case_class=CaseClass.ROUTINE)
    case.co_handlers.add(world.oc_member, make_person(name="协办人"))
    Summons.objects.create(
        case=case,
        level=SummonsLevel.STREET,
        from_org=world.party_org_a,
        to_org=world.street_office_a,
        request="请街道协调",
        due_on=dt.date(2026, 1, 5),
    )
    CasePhoto.objects.create(case=case, image="cases/x.jpg", width=4, height=3, size=100)
    person = getattr(world, reader)
    client = login(person)
    client.get(f"/api/v1/cases/{case.pk}")  # the person's scope is computed and kept
    # person; the case with its compound, people and building; co-handlers, events, photos, summonses (was 7: the
    # session is read from its cache now)
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    request = RequestFactory().get("/")
    request.user = type(person).objects.get(pk=person.pk)
    full = api._case_out(request, api._get(request, case.pk))
    assert response.json() == json.loads(json.dumps(full.dict(), cls=NinjaJSONEncoder))
    shown = response.json()
    assert shown["location"] == "1栋 2单元", shown
    assert shown["handler"] and shown["holder"] and "协办人" in shown["co_handlers"], shown
    assert shown["summonses"][0]["to_org"] == world.street_office_a.name and len(shown["photo_urls"]) == 1
    if reader == "street_official":
        assert shown["reporter_contact"] and shown["reporter_contact"] != world.resident.phone  # masked
