"""The JSON API calls the same services: meetings, agenda items, documents and sign-off, resolutions, summaries."""

import datetime as dt

from sanfang.meetings import services
from sanfang.meetings.models import AgendaItem, MeetingDocument

API = "/api/v1/meetings"
TZ = dt.timezone(dt.timedelta(hours=8))


def test_api_lists_meetings_in_scope_only(world, meeting, login, django_assert_max_num_queries):
    services.create_regular_meeting(world.community_b, 2026, 4)
    client = login(world.street_official)
    with django_assert_max_num_queries(12):
        r = client.get(f"{API}/meetings")
    assert r.status_code == 200
    assert [m["id"] for m in r.json()] == [meeting.pk]
    assert login(world.other_street_official).get(f"{API}/meetings/{meeting.pk}").status_code == 404


def test_api_requires_authentication(world, meeting, client):
    assert client.get(f"{API}/meetings").status_code == 401


def test_jm2_api_raise_and_screen_items(world, meeting, login):
    r = login(world.company_head).post(
        f"{API}/items",
        {"community": world.community_a.code, "kind": "coordination", "title": "垃圾清运"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    item_id = r.json()["id"]
    r = login(world.company_head).post(
        f"{API}/items/{item_id}/screen", {"decision": "accept"}, content_type="application/json"
    )
    assert r.status_code == 403
    r = login(world.epmc_lead).post(
        f"{API}/items/{item_id}/screen",
        {"decision": "decline", "reason": ""},
        content_type="application/json",
    )
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    r = login(world.epmc_lead).post(
        f"{API}/items/{item_id}/screen", {"decision": "accept"}, content_type="application/json"
    )
    assert r.json()["status"] == "accepted"
    r = login(world.resident).post(
        f"{API}/items",
        {"community": world.community_a.code, "kind": "common", "title": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403
    r = login(world.company_head).get(f"{API}/items?mine=true")
    assert [i["id"] for i in r.json()] == [item_id]


def test_jm4_api_sign_off_with_version_check(world, meeting, login):
    office = login(world.epmc_lead)
    r = office.post(f"{API}/meetings/{meeting.pk}/notice")
    assert r.status_code == 200
    doc = r.json()
    r = office.put(
        f"{API}/documents/{doc['id']}",
        {"version": 1, "title": doc["title"], "body": doc["body"] + "\n另"},
        content_type="application/json",
    )
    assert r.json()["version"] == 2
    r = office.post(f"{API}/documents/{doc['id']}/sign-off", {"version": 2}, content_type="application/json")
    assert r.status_code == 403
    convener = login(world.party_secretary)
    r = convener.post(
        f"{API}/documents/{doc['id']}/sign-off", {"version": 1}, content_type="application/json"
    )
    assert r.status_code == 409
    r = convener.post(
        f"{API}/documents/{doc['id']}/sign-off", {"version": 2}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["signed"] and r.json()["receipts"]
    r = login(world.epmc_lead).put(
        f"{API}/documents/{doc['id']}",
        {"version": 2, "title": "x", "body": "y"},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert MeetingDocument.objects.get(pk=doc["id"]).body != "y"


def test_jm4_api_hides_drafts_from_members(world, meeting, login):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    assert login(world.oc_member).get(f"{API}/documents/{doc.pk}").status_code == 404
    detail = login(world.oc_member).get(f"{API}/meetings/{meeting.pk}").json()
    assert detail["documents"] == []
    assert len(detail["quorum"]) == 4


def test_jm5_api_resolutions_mine_and_progress(world, meeting, login, frozen):
    item = services.raise_item(actor=world.oc_member, community=world.community_a, kind="common", title="x")
    services.screen_item(actor=world.epmc_lead, item=item, decision="accept")
    frozen.move_to(dt.datetime(2026, 4, 30, 9, tzinfo=TZ))
    office = login(world.epmc_lead)
    for p in meeting.participants.all():
        office.post(
            f"{API}/meetings/{meeting.pk}/participants/{p.pk}/attendance",
            {"present": True},
            content_type="application/json",
        )
    assert office.post(f"{API}/meetings/{meeting.pk}/held").status_code == 200
    r = office.post(
        f"{API}/meetings/{meeting.pk}/resolutions",
        {"text": "维修", "owner_id": world.company_x.pk, "working_days": 5, "agenda_item_id": item.pk},
        content_type="application/json",
    )
    assert r.status_code == 201
    res_id = r.json()["id"]
    company = login(world.company_head)
    r = company.get(f"{API}/resolutions?mine=true")
    assert [x["id"] for x in r.json()] == [res_id]
    assert login(world.other_company_head).get(f"{API}/resolutions?mine=true").json() == []
    r = login(world.other_company_head).post(
        f"{API}/resolutions/{res_id}/progress", {"text": "x"}, content_type="application/json"
    )
    assert r.status_code in (403, 404)
    company = login(world.company_head)
    r = company.post(
        f"{API}/resolutions/{res_id}/progress",
        {"text": "修好了", "done": True},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done"


def test_jm6_api_summary_cycle(world, meeting, login):
    r = login(world.epmc_lead).post(
        f"{API}/summaries",
        {"community": world.community_a.code, "kind": "half_year", "year": 2026, "half": 1},
        content_type="application/json",
    )
    assert r.status_code == 201
    s = r.json()
    r = login(world.party_secretary).post(
        f"{API}/summaries/{s['id']}/sign-off", {"version": s["version"]}, content_type="application/json"
    )
    assert r.json()["signed_at"]
    r = login(world.epmc_lead).post(f"{API}/summaries/{s['id']}/submit")
    assert r.json()["submitted_at"]


def test_jm3_api_ad_hoc_meeting_needs_reason(world, login, frozen):
    office = login(world.epmc_lead)
    r = office.post(
        f"{API}/meetings",
        {"community": world.community_a.code, "date": "2026-04-09", "reason": ""},
        content_type="application/json",
    )
    assert r.status_code == 400
    r = office.post(
        f"{API}/meetings",
        {"community": world.community_a.code, "date": "2026-04-09", "reason": "漏水"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["kind"] == "ad_hoc"


def test_jm5_api_street_overview(world, meeting, login):
    r = login(world.street_official).get(f"{API}/overview?street={world.street_a.code}")
    assert r.status_code == 200 and r.json()[0]["community"] == world.community_a.code
    assert (
        login(world.other_street_official).get(f"{API}/overview?street={world.street_a.code}").status_code
        == 403
    )
    assert AgendaItem.objects.count() == 0


def test_jm3_api_office_adjusts_participants_and_time(world, meeting, login):
    office = login(world.epmc_lead)
    r = office.post(
        f"{API}/meetings/{meeting.pk}/participants",
        {"role": "lawyer", "name": "张律师", "title": "社区法律顾问"},
        content_type="application/json",
    )
    assert r.status_code == 201
    pid = r.json()["id"]
    assert (
        login(world.company_head).delete(f"{API}/meetings/{meeting.pk}/participants/{pid}").status_code == 403
    )
    assert login(world.epmc_lead).delete(f"{API}/meetings/{meeting.pk}/participants/{pid}").status_code == 204
    office = login(world.epmc_lead)
    r = office.put(
        f"{API}/meetings/{meeting.pk}",
        {"version": 1, "date": "2026-05-12", "start_time": "09:00", "venue": "x"},
        content_type="application/json",
    )
    assert r.status_code == 400  # a regular meeting stays in the last week of the even month
    r = office.put(
        f"{API}/meetings/{meeting.pk}",
        {"version": 1, "date": "2026-04-29", "start_time": "14:30", "venue": "二楼"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = office.put(
        f"{API}/meetings/{meeting.pk}",
        {"version": 1, "date": "2026-04-28", "start_time": "14:30", "venue": "二楼"},
        content_type="application/json",
    )
    assert r.status_code == 409


def test_jm4_api_docx_and_addendum(world, meeting, login):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    r = login(world.oc_member).get(f"{API}/documents/{doc.pk}/docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert (
        login(world.oc_member)
        .post(f"{API}/documents/{doc.pk}/addendum", {"body": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    r = login(world.epmc_lead).post(
        f"{API}/documents/{doc.pk}/addendum", {"body": "更正地点"}, content_type="application/json"
    )
    assert r.status_code == 201 and not r.json()["signed"]


def test_jm4_api_workbench_for_convener_member_and_office(world, meeting, login):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.request_sign_off(actor=world.epmc_lead, document=doc)
    r = login(world.party_secretary).get(f"{API}/workbench")
    assert [d["id"] for d in r.json()["sign_off_queue"]] == [doc.pk]
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    r = login(world.oc_member).get(f"{API}/workbench").json()
    assert r["sign_off_queue"] == [] and [m["id"] for m in r["upcoming"]] == [meeting.pk]
    assert len(r["unread_documents"]) == 1
    r = login(world.epmc_lead).get(f"{API}/workbench").json()
    assert r["offices"][0]["next_meeting_id"] == meeting.pk


def test_openapi_document_lists_the_meeting_endpoints(db, client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/meetings/meetings" in paths
    assert "/api/v1/meetings/documents/{pk}/sign-off" in paths
    assert "/api/v1/meetings/resolutions" in paths
