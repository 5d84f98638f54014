"""Pages: the office's meeting list and page, sign-off, my resolutions, workbench, overview, summaries.
Outsiders get 404, wrong roles 403; list pages have bounded queries."""

import datetime as dt

from django.urls import reverse

from sanfang.core.testing import XSS
from sanfang.meetings import services
from sanfang.meetings.models import AgendaItem, MeetingDocument, Participant

TZ = dt.timezone(dt.timedelta(hours=8))


def test_jm4_office_sees_meeting_list_and_page_with_escaped_titles(world, meeting, login):
    client = login(world.epmc_lead)
    r = client.get(reverse("meetings:list"))
    assert r.status_code == 200
    assert "2026年4月三方联动联席会议" in r.content.decode()
    assert XSS.encode() not in r.content
    assert b"&lt;script&gt;" in r.content
    r = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "四方成员" in body and XSS not in body


def test_meeting_list_queries_are_bounded(world, meeting, login, django_assert_max_num_queries):
    for month in (6, 8, 10):
        services.create_regular_meeting(world.community_a, 2026, month)
    client = login(world.epmc_lead)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("meetings:list")).status_code == 200


def test_outsiders_get_404_for_a_meeting(world, meeting, login):
    for person in (world.other_street_official, world.resident, world.department_officer):
        r = login(person).get(reverse("meetings:meeting", args=[meeting.pk]))
        assert r.status_code == 404, person


def test_anonymous_visitor_is_sent_to_login(world, meeting, client):
    r = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_jm2_owners_committee_raises_an_item_through_the_page(world, meeting, login):
    client = login(world.oc_member)
    r = client.post(
        reverse("meetings:item-raise"),
        {"community": world.community_a.pk, "kind": "common", "title": "车位不足", "description": "夜间"},
    )
    assert r.status_code == 302
    item = AgendaItem.objects.get(title="车位不足")
    assert item.meeting == meeting and item.source == "owners_committee"
    assert client.get(reverse("meetings:my-items")).status_code == 200


def test_jm2_resident_cannot_open_the_raise_page(world, login):
    assert login(world.resident).get(reverse("meetings:item-raise")).status_code == 403


def test_jm4_wrong_role_cannot_screen_an_item(world, meeting, login):
    item = services.raise_item(actor=world.oc_member, community=world.community_a, kind="common", title="x")
    r = login(world.company_head).post(
        reverse("meetings:item-screen", args=[item.pk]), {"decision": "accept"}
    )
    assert r.status_code == 403
    r = login(world.other_street_official).post(
        reverse("meetings:item-screen", args=[item.pk]), {"decision": "accept"}
    )
    assert r.status_code == 404
    r = login(world.epmc_lead).post(reverse("meetings:item-screen", args=[item.pk]), {"decision": "decline"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.PROPOSED  # no reason given: nothing changed


def test_jm4_full_cycle_in_the_browser(world, meeting, login, frozen):
    office = login(world.epmc_lead)
    item = services.raise_item(
        actor=world.oc_member, community=world.community_a, kind="common", title="停车难"
    )
    office.post(reverse("meetings:item-screen", args=[item.pk]), {"decision": "accept"})
    r = office.post(reverse("meetings:notice-draft", args=[meeting.pk]))
    notice = MeetingDocument.objects.get(meeting=meeting, kind="notice")
    assert r["Location"] == reverse("meetings:document", args=[notice.pk])
    assert office.get(r["Location"]).status_code == 200
    office.post(reverse("meetings:document-request", args=[notice.pk]))
    # Drafts are not for the members.
    assert login(world.oc_member).get(reverse("meetings:document", args=[notice.pk])).status_code == 404
    convener = login(world.party_secretary)
    assert "待我审签" in convener.get(reverse("meetings:workbench")).content.decode()
    r = convener.post(reverse("meetings:document-sign", args=[notice.pk]), {"version": notice.version})
    notice.refresh_from_db()
    assert notice.is_signed
    member = login(world.oc_member)
    assert member.get(reverse("meetings:document", args=[notice.pk])).status_code == 200
    assert notice.distributions.get(person=world.oc_member, organisation__kind="owners_committee").read_at
    r = member.get(reverse("meetings:document-docx", args=[notice.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    frozen.move_to(dt.datetime(2026, 4, 30, 9, tzinfo=TZ))
    office = login(world.epmc_lead)
    for p in meeting.participants.all():
        office.post(reverse("meetings:attendance", args=[meeting.pk, p.pk]), {"present": "1"})
    assert (
        meeting.participants.filter(attendance=Participant.Attendance.PRESENT).count()
        == meeting.participants.count()
    )
    office.post(reverse("meetings:meeting-held", args=[meeting.pk]))
    assert office.get(reverse("meetings:minutes-draft", args=[meeting.pk])).status_code == 200
    office.post(
        reverse("meetings:minutes-draft", args=[meeting.pk]),
        {f"discussion_{item.pk}": "讨论", f"decision_{item.pk}": "议定划线"},
    )
    office.post(
        reverse("meetings:resolution-add", args=[meeting.pk]),
        {"text": "划定车位", "owner": world.company_x.pk, "working_days": 10, "agenda_item": item.pk},
    )
    minutes = MeetingDocument.objects.get(meeting=meeting, kind="minutes")
    assert "划定车位" in minutes.body
    login(world.party_secretary).post(
        reverse("meetings:document-sign", args=[minutes.pk]), {"version": minutes.version}
    )
    minutes.refresh_from_db()
    assert minutes.is_signed
    # A signed document cannot be edited through the page.
    r = login(world.epmc_lead).post(
        reverse("meetings:document-edit", args=[minutes.pk]),
        {"version": minutes.version, "title": "x", "body": "y"},
    )
    minutes.refresh_from_db()
    assert minutes.body != "y"
    # The owner party follows its resolution up.
    company = login(world.company_head)
    r = company.get(reverse("meetings:my-resolutions"))
    assert "划定车位" in r.content.decode()
    res = meeting.resolutions.get()
    company.post(reverse("meetings:resolution", args=[res.pk]), {"text": "已划线", "done": "on"})
    res.refresh_from_db()
    assert res.status == "done"


def test_jm4_stale_sign_off_from_the_page_changes_nothing(world, meeting, login):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.edit_document(actor=world.epmc_lead, document=doc, version=1, title=doc.title, body="新正文")
    login(world.party_secretary).post(reverse("meetings:document-sign", args=[doc.pk]), {"version": 1})
    doc.refresh_from_db()
    assert not doc.is_signed


def test_jm4_office_cannot_sign_off_through_the_page(world, meeting, login):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    r = login(world.epmc_lead).post(
        reverse("meetings:document-sign", args=[doc.pk]), {"version": doc.version}
    )
    assert r.status_code == 403


def test_jm3_checkin_page_signs_the_participant_in(world, meeting, login, frozen):
    frozen.move_to(dt.datetime(2026, 4, 30, 9, tzinfo=TZ))
    client = login(world.company_head)
    url = reverse("meetings:checkin", args=[meeting.pk, meeting.checkin_token])
    assert client.get(url).status_code == 200
    client.post(url)
    assert meeting.participants.get(person=world.company_head).attendance == "present"
    assert client.get(reverse("meetings:checkin", args=[meeting.pk, "bad"])).status_code == 404
    qr = login(world.epmc_lead).get(reverse("meetings:checkin-qr", args=[meeting.pk]))
    assert qr.status_code == 200 and b"<svg" in qr.content


def test_jm3_ad_hoc_meeting_page(world, login, frozen):
    client = login(world.epmc_lead)
    assert client.get(reverse("meetings:new")).status_code == 200
    r = client.post(
        reverse("meetings:new"), {"community": world.community_a.pk, "date": "2026-04-09", "reason": ""}
    )
    assert r.status_code == 200 and "事由" in r.content.decode()
    r = client.post(
        reverse("meetings:new"),
        {"community": world.community_a.pk, "date": "2026-04-09", "reason": "电梯事故"},
    )
    assert r.status_code == 302
    assert login(world.company_head).get(reverse("meetings:new")).status_code == 403


def test_jm3_schedule_page_shows_planned_dates(world, login, frozen):
    client = login(world.epmc_lead)
    r = client.get(reverse("meetings:schedule", args=[world.community_a.code]))
    assert r.status_code == 200 and "2026-04-30" in r.content.decode()
    client.post(
        reverse("meetings:schedule", args=[world.community_a.code]),
        {"weekday": 0, "start_time": "14:30", "venue": "二楼会议室", "agenda_close_working_days": 3},
    )
    assert services.schedule_of(world.community_a).weekday == 0
    assert (
        login(world.company_head).get(reverse("meetings:schedule", args=[world.community_a.code])).status_code
        == 403
    )


def test_jm5_street_overview_for_the_street_only(world, meeting, login):
    r = login(world.street_official).get(reverse("meetings:overview"))
    assert r.status_code == 200 and world.community_a.name.replace(XSS, "") in r.content.decode()
    assert login(world.company_head).get(reverse("meetings:overview")).status_code == 403
    r = login(world.other_street_official).get(
        reverse("meetings:overview") + f"?street={world.street_a.code}"
    )
    assert world.community_a.name.replace(XSS, "") not in r.content.decode()


def test_jm6_summary_pages(world, meeting, login, frozen):
    office = login(world.epmc_lead)
    assert office.get(reverse("meetings:summaries")).status_code == 200
    from sanfang.core.testing import run_job
    from sanfang.meetings.models import Summary

    # Issue 8.5: the draft is made by the worker; the job's page then leads to the summary.
    job, _ = run_job(
        office,
        reverse("meetings:summaries"),
        {"community": world.community_a.pk, "kind": "half_year", "year": 2026, "half": 1},
    )
    s = Summary.objects.get()
    assert job.state == "done" and job.result_url == reverse("meetings:summary", args=[s.pk])
    assert office.get(job.result_url).status_code == 200
    assert office.get(job.get_absolute_url()).content.decode().count(job.result_url) >= 1
    # Refreshing the figures is a job as well; the version moves on.
    job, _ = run_job(office, reverse("meetings:summary-action", args=[s.pk, "refresh"]))
    assert job.state == "done" and Summary.objects.get().version == s.version + 1
    s.refresh_from_db()
    login(world.party_secretary).post(
        reverse("meetings:summary-action", args=[s.pk, "sign"]), {"version": s.version}
    )
    s.refresh_from_db()
    assert s.is_signed
    login(world.epmc_lead).post(reverse("meetings:summary-action", args=[s.pk, "submit"]))
    s.refresh_from_db()
    assert s.submitted_at
    assert login(world.epmc_lead).get(reverse("meetings:summary-docx", args=[s.pk])).status_code == 200
    assert login(world.other_street_official).get(reverse("meetings:summary", args=[s.pk])).status_code == 404
    assert login(world.company_head).post(reverse("meetings:summaries"), {}).status_code == 403
    # Signed: a refresh is refused at once, no job is queued.
    r = login(world.epmc_lead).post(reverse("meetings:summary-action", args=[s.pk, "refresh"]))
    assert r.status_code == 302 and r["Location"] == reverse("meetings:summary", args=[s.pk])
    assert Summary.objects.get().version == s.version


def test_todos_for_convener_office_and_owner(world, meeting, login, frozen):
    from sanfang.meetings.hooks import meeting_todos as todos_for

    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.request_sign_off(actor=world.epmc_lead, document=doc)
    assert any("待审签" in t.title for t in todos_for(world.party_secretary))
    services.raise_item(actor=world.oc_member, community=world.community_a, kind="common", title="x")
    assert any("待审核" in t.title for t in todos_for(world.epmc_lead))
    assert any("议题征集中" in t.title for t in todos_for(world.company_head))
    assert todos_for(world.resident) == []


def test_meeting_page_queries_are_bounded(world, meeting, login, django_assert_max_num_queries):
    for n in range(6):
        item = services.raise_item(
            actor=world.oc_member, community=world.community_a, kind="common", title=f"议题{n}"
        )
        if n % 2:
            services.screen_item(actor=world.epmc_lead, item=item, decision="accept")
    services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    client = login(world.epmc_lead)
    with django_assert_max_num_queries(40):
        r = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert r.status_code == 200


def test_jm1_party_secretary_sees_the_entrust_form_and_the_office_does_not(world, meeting, login):
    url = reverse("meetings:meeting", args=[meeting.pk])
    assert "委托召集人" in login(world.party_secretary).get(url).content.decode()
    assert "委托召集人" not in login(world.epmc_lead).get(url).content.decode()
    r = login(world.epmc_lead).post(
        reverse("meetings:meeting-entrust", args=[meeting.pk]), {"person": world.compound_party_head.pk}
    )
    assert r.status_code == 403


def test_jm4_workbench_lists_items_waiting_for_the_next_meeting(world, login, frozen):
    item = services.raise_item(
        actor=world.oc_member, community=world.community_a, kind="common", title="等待下次会议"
    )
    assert item.meeting is None
    body = login(world.epmc_lead).get(reverse("meetings:workbench")).content.decode()
    assert "等待下次会议" in body
    assert login(world.company_head).get(reverse("meetings:workbench")).status_code == 200


def test_office_adjusts_participants_and_cancels_through_the_pages(world, meeting, login):
    office = login(world.epmc_lead)
    r = office.post(
        reverse("meetings:participant-add", args=[meeting.pk]),
        {"role": "lawyer", "name": "张律师", "title": "社区律师"},
    )
    assert r.status_code == 302
    p = meeting.participants.get(name="张律师")
    assert not p.is_member
    office.post(reverse("meetings:participant-remove", args=[meeting.pk, p.pk]))
    assert not meeting.participants.filter(name="张律师").exists()
    r = login(world.oc_member).post(reverse("meetings:meeting-cancel", args=[meeting.pk]), {"reason": "x"})
    assert r.status_code == 403
    office = login(world.epmc_lead)
    office.post(reverse("meetings:meeting-cancel", args=[meeting.pk]), {"reason": ""})
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    office.post(reverse("meetings:meeting-cancel", args=[meeting.pk]), {"reason": "与防汛工作冲突"})
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


def test_jm4_addendum_and_jm5_reopen_through_the_pages(world, meeting, login, frozen):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    office = login(world.epmc_lead)
    r = office.post(reverse("meetings:document-addendum", args=[doc.pk]), {"body": "地点改为二楼"})
    add = MeetingDocument.objects.get(kind="addendum")
    assert r["Location"] == reverse("meetings:document", args=[add.pk])
    assert "二楼" in office.get(r["Location"]).content.decode()
    frozen.move_to(dt.datetime(2026, 4, 30, 9, tzinfo=TZ))
    for p in meeting.participants.all():
        services.record_attendance(actor=world.epmc_lead, participant=p, present=True)
    services.mark_held(actor=world.epmc_lead, meeting=meeting)
    res = services.add_resolution(
        actor=world.epmc_lead, meeting=meeting, text="修门禁", owner=world.company_x, working_days=5
    )
    services.add_progress(actor=world.company_head, resolution=res, text="已修", done=True)
    r = login(world.company_head).post(
        reverse("meetings:resolution-reopen", args=[res.pk]), {"reason": "没修好"}
    )
    assert r.status_code == 403
    login(world.epmc_lead).post(
        reverse("meetings:resolution-reopen", args=[res.pk]), {"reason": "门禁仍故障"}
    )
    res.refresh_from_db()
    assert res.status == "open"
    assert (
        "门禁仍故障"
        in login(world.company_head).get(reverse("meetings:resolution", args=[res.pk])).content.decode()
    )


def test_edit_forms_carry_the_version_hidden(world, meeting, login):
    body = login(world.epmc_lead).get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert 'type="hidden" name="version" value="1"' in body
    assert ">Version" not in body
