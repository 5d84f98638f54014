"""The full joint meeting cycle through the services: JM-1 convener, JM-2 agenda, JM-3 attendance,
JM-4 notice/minutes sign-off and distribution, JM-5 follow-up."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.models import AuditEvent, Message
from sanfang.meetings import services
from sanfang.meetings.models import (
    AgendaItem,
    AgendaKind,
    Meeting,
    MeetingDocument,
    Participant,
    Resolution,
    SignedDocumentLocked,
)

TZ = dt.timezone(dt.timedelta(hours=8))


def _at(frozen, y, m, d, h=9):
    frozen.move_to(dt.datetime(y, m, d, h, 0, tzinfo=TZ))


def test_jm1_convener_is_the_party_org_head(world, meeting):
    assert meeting.convener == world.party_secretary
    assert "党委书记" in meeting.convener_title


def test_jm1_party_org_head_may_entrust_a_compound_party_org_head(world, meeting):
    services.entrust_convener(actor=world.party_secretary, meeting=meeting, person=world.compound_party_head)
    meeting.refresh_from_db()
    assert meeting.convener == world.compound_party_head and meeting.convener_entrusted


def test_jm1_only_a_compound_party_org_head_can_be_entrusted(world, meeting):
    with pytest.raises(RuleViolation):
        services.entrust_convener(actor=world.party_secretary, meeting=meeting, person=world.company_head)


def test_jm1_owners_committee_member_cannot_entrust_a_convener(world, meeting):
    with pytest.raises(PermissionDenied):
        services.entrust_convener(actor=world.oc_member, meeting=meeting, person=world.compound_party_head)


def test_jm3_default_members_and_attendees_come_from_the_directory(world, meeting):
    roles = {(p.person_id, p.role) for p in meeting.participants.all()}
    assert (world.party_secretary.pk, Participant.Role.PARTY_ORG) in roles
    assert (world.epmc_lead.pk, Participant.Role.RESIDENTS_COMMITTEE) in roles
    assert (world.oc_member.pk, Participant.Role.OWNERS_COMMITTEE) in roles
    assert (world.company_head.pk, Participant.Role.PROPERTY_COMPANY) in roles
    assert (world.other_company_head.pk, Participant.Role.PROPERTY_COMPANY) in roles
    assert (world.compound_party_head.pk, Participant.Role.COMPOUND_PARTY_ORG) in roles
    assert (world.grid_worker.pk, Participant.Role.GRID_WORKER) in roles
    attendee = meeting.participants.get(role=Participant.Role.GRID_WORKER)
    assert not attendee.is_member


def test_jm3_quorum_shows_each_of_the_four_member_roles(world, meeting, frozen):
    _at(frozen, 2026, 4, 30)
    assert not services.quorum_met(meeting)
    for p in meeting.participants.filter(role__in=Participant.MEMBER_ROLES):
        services.record_attendance(actor=world.epmc_lead, participant=p, present=True)
    assert services.quorum_met(meeting)
    assert [q["present"] > 0 for q in services.quorum(meeting)] == [True] * 4


def test_jm3_absence_needs_a_reason(world, meeting):
    p = meeting.participants.get(person=world.company_head)
    with pytest.raises(RuleViolation):
        services.record_attendance(actor=world.epmc_lead, participant=p, present=False, reason="")
    services.record_attendance(actor=world.epmc_lead, participant=p, present=False, reason="外出培训")
    p.refresh_from_db()
    assert p.attendance == Participant.Attendance.ABSENT and p.absence_reason == "外出培训"


def test_jm3_attendee_signs_in_by_scanning_the_qr_code_on_the_day(world, meeting, frozen):
    with pytest.raises(RuleViolation):
        services.self_sign_in(actor=world.oc_member, meeting=meeting, token=meeting.checkin_token)
    _at(frozen, 2026, 4, 30)
    with pytest.raises(RuleViolation):
        services.self_sign_in(actor=world.oc_member, meeting=meeting, token="wrong")
    with pytest.raises(RuleViolation):
        services.self_sign_in(actor=world.resident, meeting=meeting, token=meeting.checkin_token)
    services.self_sign_in(actor=world.oc_member, meeting=meeting, token=meeting.checkin_token)
    p = meeting.participants.get(person=world.oc_member)
    assert p.attendance == Participant.Attendance.PRESENT and p.self_signed


def test_jm2_three_parties_and_party_org_raise_items_of_the_four_kinds(world, meeting):
    for person, kind in [
        (world.oc_member, AgendaKind.COMMON),
        (world.company_head, AgendaKind.COORDINATION),
        (world.party_secretary, AgendaKind.POLICY),
        (world.rc_member, AgendaKind.RULES_MAJOR),
    ]:
        item = services.raise_item(actor=person, community=world.community_a, kind=kind, title=f"议题{kind}")
        assert item.meeting == meeting
    sources = set(meeting.agenda_items.values_list("source", flat=True))
    assert sources == {"owners_committee", "property_company", "party_org", "residents_committee"}


def test_jm2_resident_and_outsider_company_cannot_raise_items(world, meeting):
    with pytest.raises(PermissionDenied):
        services.raise_item(actor=world.resident, community=world.community_a, kind="common", title="x")
    with pytest.raises(PermissionDenied):
        services.raise_item(
            actor=world.other_street_official, community=world.community_a, kind="common", title="x"
        )


def test_jm2_follow_up_kind_cannot_be_raised_by_hand(world, meeting):
    with pytest.raises(RuleViolation):
        services.raise_item(actor=world.oc_member, community=world.community_a, kind="follow_up", title="x")


def test_jm2_agenda_propose_extension_links_a_case(world, meeting):
    from sanfang.core import extensions

    source = world.compound_a1  # any model instance stands in for a case
    item = extensions.first(
        "agenda.propose", world.epmc_lead, world.compound_a1, "major", "电梯更新", "说明", source
    )
    assert isinstance(item, AgendaItem)
    assert item.community == world.community_a and item.kind == AgendaKind.RULES_MAJOR
    assert item.link_type == "directory.place" and item.link_id == str(source.pk)
    again = extensions.first(
        "agenda.propose", world.epmc_lead, world.community_a, "major", "电梯更新", "", source
    )
    assert again.pk == item.pk


def test_jm4_office_screens_items_and_decline_reason_reaches_the_raiser(world, meeting):
    a = services.raise_item(actor=world.oc_member, community=world.community_a, kind="common", title="停车难")
    b = services.raise_item(
        actor=world.company_head, community=world.community_a, kind="common", title="停车位"
    )
    c = services.raise_item(
        actor=world.company_head, community=world.community_a, kind="common", title="广告"
    )
    with pytest.raises(PermissionDenied):
        services.screen_item(actor=world.company_head, item=a, decision="accept")
    services.screen_item(actor=world.epmc_lead, item=a, decision="accept")
    services.screen_item(actor=world.epmc_lead, item=b, decision="merge", merge_into=a)
    with pytest.raises(RuleViolation):
        services.screen_item(actor=world.epmc_lead, item=c, decision="decline", reason="")
    services.screen_item(actor=world.epmc_lead, item=c, decision="decline", reason="不属于联席会议职责")
    c.refresh_from_db()
    assert c.status == AgendaItem.Status.DECLINED and c.screen_reason == "不属于联席会议职责"
    msg = Message.objects.get(recipient=world.company_head, key__startswith=f"meetings:item:{c.pk}:screen")
    assert msg.body == "不属于联席会议职责"


def test_jm4_deferred_item_carries_over_to_the_next_meeting(world, meeting, frozen):
    item = services.raise_item(
        actor=world.oc_member, community=world.community_a, kind="common", title="绿化"
    )
    services.screen_item(actor=world.epmc_lead, item=item, decision="defer")
    item.refresh_from_db()
    assert item.meeting is None and item.status == AgendaItem.Status.PROPOSED
    june, _ = services.create_regular_meeting(world.community_a, 2026, 6)
    item.refresh_from_db()
    assert item.meeting == june


def _held_meeting(world, meeting, frozen):
    item = services.raise_item(
        actor=world.oc_member, community=world.community_a, kind="common", title="停车难"
    )
    services.screen_item(actor=world.epmc_lead, item=item, decision="accept")
    notice = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=notice, version=notice.version)
    _at(frozen, 2026, 4, 30)
    for p in meeting.participants.all():
        services.record_attendance(actor=world.epmc_lead, participant=p, present=True)
    services.mark_held(actor=world.epmc_lead, meeting=meeting)
    return item


def test_jm3_jm4_notice_is_drafted_from_the_agenda_with_the_naming_rule(world, meeting):
    item = services.raise_item(
        actor=world.oc_member, community=world.community_a, kind="common", title="停车难"
    )
    services.screen_item(actor=world.epmc_lead, item=item, decision="accept")
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    assert "停车难" in doc.body
    name = world.party_secretary.name
    # JM-3: "position + name" at the first mention, then the name alone.
    first = doc.body.index(name)
    assert doc.body[first - 4 : first] == "党委书记"
    later = doc.body.index(name, first + 1)
    assert "党委书记" not in doc.body[later - 4 : later]
    assert doc.body.count(f"党委书记{name}") == 1


def test_jm4_only_the_convener_signs_off_and_a_stale_version_is_refused(world, meeting):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    doc = services.edit_document(
        actor=world.epmc_lead, document=doc, version=1, title=doc.title, body=doc.body + "\n补充"
    )
    assert doc.version == 2
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=world.epmc_lead, document=doc, version=2)
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=world.street_official, document=doc, version=2)
    with pytest.raises(Conflict):
        services.sign_off(actor=world.party_secretary, document=doc, version=1)
    services.sign_off(actor=world.party_secretary, document=doc, version=2)
    doc.refresh_from_db()
    assert doc.signed_version == 2 and doc.signed_by == world.party_secretary
    assert AuditEvent.objects.filter(verb="meetings.notice.sign_off", actor=world.party_secretary).exists()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.NOTIFIED


def test_jm4_edit_with_a_stale_version_is_a_conflict(world, meeting):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.edit_document(actor=world.epmc_lead, document=doc, version=1, title="t", body="b")
    with pytest.raises(Conflict):
        services.edit_document(actor=world.epmc_lead, document=doc, version=1, title="t2", body="b2")


def test_jm4_nothing_is_distributed_before_sign_off(world, meeting):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.request_sign_off(actor=world.epmc_lead, document=doc)
    assert not Message.objects.filter(key__startswith=f"meetings:doc:{doc.pk}:v").exists()
    with pytest.raises(RuleViolation):
        services.distribute(document=doc)
    # The convener was asked to sign, nobody else was told anything.
    assert Message.objects.filter(recipient=world.party_secretary, key__contains=":request:").exists()


def test_jm4_signed_notice_goes_to_the_four_organisations_with_read_receipts(world, meeting):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    orgs = set(doc.distributions.values_list("organisation__kind", flat=True))
    assert {"party_org", "residents_committee", "owners_committee", "property_company"} <= orgs
    recipients = set(doc.distributions.values_list("person_id", flat=True))
    assert {
        world.oc_member.pk,
        world.company_head.pk,
        world.rc_member.pk,
        world.party_secretary.pk,
    } <= recipients
    dist = doc.distributions.filter(person=world.oc_member).first()
    assert dist.read_at is None
    services.mark_read(person=world.oc_member, document=doc)
    dist.refresh_from_db()
    assert dist.read_at is not None


def test_jm4_signed_document_is_locked_on_every_path(world, meeting):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    doc.refresh_from_db()
    with pytest.raises(RuleViolation):
        services.edit_document(actor=world.epmc_lead, document=doc, version=doc.version, title="x", body="y")
    doc.body = "篡改"
    with pytest.raises(SignedDocumentLocked):
        doc.save()
    with pytest.raises(SignedDocumentLocked):
        MeetingDocument.objects.get(pk=doc.pk).delete()


def test_jm4_signed_document_is_corrected_only_by_a_signed_addendum(world, meeting):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    add = services.draft_addendum(actor=world.epmc_lead, document=doc, body="会议地点改为二楼会议室。")
    assert add.corrects == doc and not add.is_signed
    services.sign_off(actor=world.party_secretary, document=add, version=add.version)
    add.refresh_from_db()
    assert add.is_signed and add.distributions.exists()


def test_jm4_minutes_per_agenda_item_signed_and_distributed(world, meeting, frozen):
    item = _held_meeting(world, meeting, frozen)
    with pytest.raises(PermissionDenied):
        services.draft_minutes(actor=world.company_head, meeting=meeting)
    doc = services.draft_minutes(
        actor=world.epmc_lead,
        meeting=meeting,
        entries={str(item.pk): {"discussion": "业主反映夜间停车难", "decision": "物业施划临时车位"}},
    )
    services.add_resolution(
        actor=world.epmc_lead,
        meeting=meeting,
        text="施划临时车位",
        owner=world.company_x,
        working_days=10,
        agenda_item=item,
    )
    doc.refresh_from_db()
    assert "物业施划临时车位" in doc.body and "施划临时车位（责任方" in doc.body
    assert doc.version == 2  # the resolution refreshed the draft
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    with pytest.raises(RuleViolation):
        services.record_attendance(
            actor=world.epmc_lead, participant=meeting.participants.first(), present=False, reason="x"
        )


def test_jm4_docx_of_notice_uses_official_layout(world, meeting):
    import io

    from docx import Document

    from sanfang.meetings.documents import document_docx

    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    data = document_docx(doc)
    parsed = Document(io.BytesIO(data))
    texts = [p.text for p in parsed.paragraphs]
    assert doc.title in texts
    assert any("联席会议办公室" in t for t in texts)
    assert parsed.sections[0].top_margin.mm == pytest.approx(37, abs=0.5)


def test_jm5_resolution_has_owner_deadline_in_working_days_and_progress(world, meeting, frozen):
    _held_meeting(world, meeting, frozen)
    res = services.add_resolution(
        actor=world.epmc_lead, meeting=meeting, text="修复路灯", owner=world.company_x, working_days=5
    )
    # 2026-04-30 + 5 working days: May Day holiday 1–5 May, 9 May is a make-up working day.
    assert res.due_on == dt.date(2026, 5, 11)
    assert res.due_working_days == 5
    with pytest.raises(PermissionDenied):
        services.add_progress(actor=world.other_company_head, resolution=res, text="x")
    services.add_progress(actor=world.company_staff, resolution=res, text="已采购灯具")
    services.add_progress(actor=world.company_head, resolution=res, text="已修复", done=True)
    res.refresh_from_db()
    assert res.status == Resolution.Status.DONE and res.done_on_time


def test_jm5_resolution_deadline_must_be_a_positive_number_of_working_days(world, meeting, frozen):
    _held_meeting(world, meeting, frozen)
    with pytest.raises(RuleViolation):
        services.add_resolution(
            actor=world.epmc_lead, meeting=meeting, text="x", owner=world.company_x, working_days=0
        )
    with pytest.raises(RuleViolation):
        services.add_resolution(
            actor=world.epmc_lead, meeting=meeting, text="x", owner=world.department, working_days=3
        )


def test_jm5_overdue_resolution_is_flagged_and_put_on_the_next_agenda_until_done(world, meeting, frozen):
    _held_meeting(world, meeting, frozen)
    res = services.add_resolution(
        actor=world.epmc_lead, meeting=meeting, text="清理楼道杂物", owner=world.oc_a1, working_days=3
    )
    june, _ = services.create_regular_meeting(world.community_a, 2026, 6)
    assert not june.agenda_items.filter(resolution=res).exists()
    _at(frozen, 2026, 5, 20)
    n = services.flag_overdue_resolutions(dt.date(2026, 5, 20))
    assert n >= 1
    res.refresh_from_db()
    assert res.flagged_at is not None
    follow = june.agenda_items.get(resolution=res)
    assert follow.kind == AgendaKind.FOLLOW_UP and follow.status == AgendaItem.Status.ACCEPTED
    assert Message.objects.filter(
        recipient=world.oc_member, key=f"meetings:resolution:{res.pk}:overdue"
    ).exists()
    assert Message.objects.filter(
        recipient=world.epmc_lead, key=f"meetings:resolution:{res.pk}:overdue"
    ).exists()
    # Idempotent: no second flag, no second item.
    services.flag_overdue_resolutions(dt.date(2026, 5, 21))
    assert june.agenda_items.filter(resolution=res).count() == 1
    assert Message.objects.filter(key=f"meetings:resolution:{res.pk}:overdue").count() == 2
    # Still open at the following meeting: listed again; done: no more.
    services.add_progress(actor=world.oc_member, resolution=res, text="已清理", done=True)
    aug, _ = services.create_regular_meeting(world.community_a, 2026, 8)
    assert not aug.agenda_items.filter(resolution=res).exists()


def test_jm5_overdue_still_open_is_listed_on_each_following_meeting(world, meeting, frozen):
    _held_meeting(world, meeting, frozen)
    res = services.add_resolution(
        actor=world.epmc_lead, meeting=meeting, text="x", owner=world.oc_a1, working_days=3
    )
    _at(frozen, 2026, 6, 10)
    june, _ = services.create_regular_meeting(world.community_a, 2026, 6)
    assert june.agenda_items.filter(resolution=res, kind="follow_up").exists()


def test_jm4_signed_document_cannot_change_through_bulk_update_or_delete(world, meeting):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    with pytest.raises(SignedDocumentLocked):
        MeetingDocument.objects.filter(pk=doc.pk).update(body="篡改")
    with pytest.raises(SignedDocumentLocked):
        MeetingDocument.objects.filter(pk=doc.pk).delete()
    MeetingDocument.objects.filter(pk=doc.pk).update(
        distributed_at=doc.signed_at
    )  # bookkeeping stays possible


def test_jm4_signed_document_cannot_change_through_the_admin(world, meeting, login):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    client = login(world.admin)
    url = f"/admin/meetings/meetingdocument/{doc.pk}/change/"
    r = client.get(url)
    assert r.status_code == 200
    client.post(url, {"title": "篡改", "body": "篡改", "kind": "notice", "version": 9, "meeting": meeting.pk})
    doc.refresh_from_db()
    assert doc.body != "篡改" and doc.version == 1
    r = client.post(f"/admin/meetings/meetingdocument/{doc.pk}/delete/", {"post": "yes"})
    assert MeetingDocument.objects.filter(pk=doc.pk).exists()


def test_jm3_position_title_does_not_repeat_the_organisation_suffix(world):
    from sanfang.directory.models import Position

    pos = Position.objects.get(person=world.party_secretary)
    assert services.position_title(pos) == "城东社区党委书记"
    pos = Position.objects.get(person=world.compound_party_head)
    assert services.position_title(pos) == "幸福家园党支部书记"
    pos = Position.objects.get(person=world.oc_member)
    assert services.position_title(pos) == "幸福家园业主委员会业委会主任"


def test_jm2_a_case_escalated_by_the_grid_worker_reaches_the_agenda(world, meeting):
    from sanfang.core import extensions

    item = extensions.first(
        "agenda.propose",
        actor=world.grid_worker,
        community=world.community_a,
        kind="case",
        title="楼道堆物屡劝不改",
        description="网格员多次劝导无效",
        source=world.building_a1,
    )
    assert item.meeting == meeting and item.source == AgendaItem.Source.CASE
    assert item.kind == AgendaKind.COORDINATION
    with pytest.raises(PermissionDenied):
        extensions.first(
            "agenda.propose", world.resident, world.community_a, "case", "x", "", world.compound_a1
        )
    system = extensions.first(
        "agenda.propose", None, world.community_a, "rules_major", "报告", "", world.compound_a2
    )
    assert system.raised_by is None and system.kind == AgendaKind.RULES_MAJOR


def test_jm3_participants_are_reminded_the_working_day_before(world, meeting, frozen):
    doc = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    services.sign_off(actor=world.party_secretary, document=doc, version=doc.version)
    assert services.remind_participants(dt.date(2026, 4, 28)) == 0
    assert services.remind_participants(dt.date(2026, 4, 29)) == 1
    services.remind_participants(dt.date(2026, 4, 29))
    assert (
        Message.objects.filter(key=f"meetings:meeting:{meeting.pk}:remind", recipient=world.oc_member).count()
        == 1
    )
