"""Joint meeting API: meetings, agenda items, documents and sign-off, attendance, resolutions, summaries.

Every write calls the same service as the pages; errors come back as {"detail": ...}.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from sanfang.core.api_types import LocalTime
from sanfang.directory.models import Organisation, Person, Place
from sanfang.directory.scopes import get_scope

from . import permissions, services
from .models import AgendaItem, Meeting, MeetingDocument, Participant, Resolution, Summary

router = Router(tags=["meetings"])


class MeetingParticipantOut(Schema):
    id: int
    role: str
    role_label: str
    is_member: bool
    name: str
    title: str
    attendance: str
    absence_reason: str


class QuorumOut(Schema):
    role: str
    label: str
    invited: int
    present: int


class AgendaItemOut(Schema):
    id: int
    meeting_id: int | None
    community: str
    kind: str
    kind_label: str
    title: str
    description: str
    source: str
    status: str
    status_label: str
    screen_reason: str
    resolution_id: int | None
    link_label: str
    link_url: str


class DocumentBrief(Schema):
    id: int
    kind: str
    title: str
    version: int
    signed: bool
    signed_version: int | None


class MeetingOut(Schema):
    id: int
    community: str
    community_name: str
    kind: str
    period: str
    title: str
    reason: str
    date: dt.date
    date_estimated: bool
    start_time: LocalTime
    venue: str
    status: str
    status_label: str
    convener: str | None
    convener_entrusted: bool
    agenda_opens_on: dt.date
    agenda_closes_on: dt.date
    held_on: dt.date | None
    version: int


class MeetingDetailOut(MeetingOut):
    participants: list[MeetingParticipantOut]
    quorum: list[QuorumOut]
    quorum_met: bool
    agenda: list[AgendaItemOut]
    documents: list[DocumentBrief]


class ReceiptOut(Schema):
    organisation: str | None
    person: str
    read_at: dt.datetime | None


class DocumentOut(DocumentBrief):
    meeting_id: int
    body: str
    signed_at: dt.datetime | None
    signed_by: str | None
    receipts: list[ReceiptOut]


class ResolutionOut(Schema):
    id: int
    meeting_id: int
    community: str
    text: str
    owner_id: int
    owner: str
    due_working_days: int | None
    due_on: dt.date | None
    due_estimated: bool
    status: str
    overdue: bool
    done_at: dt.datetime | None
    version: int


class SummaryOut(Schema):
    id: int
    community: str
    kind: str
    year: int
    period_start: dt.date
    period_end: dt.date
    figures: dict
    narrative: str
    suggestions: str
    version: int
    signed_at: dt.datetime | None
    submitted_at: dt.datetime | None


class AdHocIn(Schema):
    community: str
    date: dt.date
    reason: str
    start_time: LocalTime | None = None
    venue: str = ""


class ItemIn(Schema):
    community: str
    kind: str
    title: str
    description: str = ""


class ScreenIn(Schema):
    decision: str
    reason: str = ""
    merge_into: int | None = None


class SignIn(Schema):
    version: int


class EditIn(Schema):
    version: int
    title: str
    body: str


class MinutesIn(Schema):
    entries: dict[str, dict[str, str]] = {}
    other: str | None = None
    version: int | None = None


class AttendanceIn(Schema):
    present: bool
    reason: str = ""


class MeetingEditIn(Schema):
    version: int
    date: dt.date
    start_time: LocalTime
    venue: str


class CancelIn(Schema):
    reason: str


class MeetingParticipantIn(Schema):
    role: str
    person_id: int | None = None
    name: str = ""
    title: str = ""


class AddendumIn(Schema):
    body: str


class CheckinIn(Schema):
    token: str


class EntrustIn(Schema):
    person_id: int


class ResolutionIn(Schema):
    text: str
    owner_id: int
    working_days: int
    agenda_item_id: int | None = None


class ProgressIn(Schema):
    text: str
    done: bool = False


class SummaryIn(Schema):
    community: str
    kind: str
    year: int
    half: int = 1


class SummaryEditIn(Schema):
    version: int
    narrative: str
    suggestions: str


def _meeting_out(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "community": m.community.code,
        "community_name": m.community.name,
        "kind": m.kind,
        "period": m.period,
        "title": m.title,
        "reason": m.reason,
        "date": m.date,
        "date_estimated": m.date_estimated,
        "start_time": m.start_time,
        "venue": m.venue,
        "status": m.status,
        "status_label": m.get_status_display(),
        "convener": m.convener.name if m.convener_id else None,
        "convener_entrusted": m.convener_entrusted,
        "agenda_opens_on": m.agenda_opens_on,
        "agenda_closes_on": m.agenda_closes_on,
        "held_on": m.held_on,
        "version": m.version,
    }


def _participant_out(p: Participant) -> dict:
    return {
        "id": p.pk,
        "role": p.role,
        "role_label": p.get_role_display(),
        "is_member": p.is_member,
        "name": p.name,
        "title": p.title,
        "attendance": p.attendance,
        "absence_reason": p.absence_reason,
    }


def _item_out(i: AgendaItem) -> dict:
    return {
        "id": i.pk,
        "meeting_id": i.meeting_id,
        "community": i.community.code,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "title": i.title,
        "description": i.description,
        "source": i.source,
        "status": i.status,
        "status_label": i.get_status_display(),
        "screen_reason": i.screen_reason,
        "resolution_id": i.resolution_id,
        "link_label": i.link_label,
        "link_url": i.link_url,
    }


def _doc_brief(d: MeetingDocument) -> dict:
    return {
        "id": d.pk,
        "kind": d.kind,
        "title": d.title,
        "version": d.version,
        "signed": d.is_signed,
        "signed_version": d.signed_version,
    }


def _detail(request, m: Meeting) -> dict:
    participants = list(m.participants.order_by("id"))
    office = permissions.is_office(request.user, m.community)
    see_drafts = (
        office or permissions.can_sign_off(request.user, m) or permissions.can_oversee(request.user, m)
    )
    return {
        **_meeting_out(m),
        "participants": [_participant_out(p) for p in participants],
        "quorum": services.quorum(m, participants),
        "quorum_met": services.quorum_met(m, participants),
        "agenda": [
            _item_out(i) for i in m.agenda_items.select_related("community").order_by("position", "id")
        ],
        "documents": [_doc_brief(d) for d in m.documents.order_by("kind", "id") if d.is_signed or see_drafts],
    }


def _res_out(r: Resolution) -> dict:
    return {
        "id": r.pk,
        "meeting_id": r.meeting_id,
        "community": r.community.code,
        "text": r.text,
        "owner_id": r.owner_id,
        "owner": r.owner.name,
        "due_working_days": r.due_working_days,
        "due_on": r.due_on,
        "due_estimated": r.due_estimated,
        "status": r.status,
        "overdue": r.is_overdue,
        "done_at": r.done_at,
        "version": r.version,
    }


def _community(code: str) -> Place:
    place = Place.objects.communities().filter(code=code).first()
    if place is None:
        raise Http404
    return place


# --- Meetings ---------------------------------------------------------------------------------------


@router.get("/meetings", response=list[MeetingOut], summary="联席会议列表")
def list_meetings(
    request, community: str | None = None, status: str | None = None, limit: int = 50, offset: int = 0
):
    qs = Meeting.objects.visible_to(request.user).select_related("community", "convener")
    if community:
        qs = qs.filter(community__code=community)
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_meeting_out(m) for m in qs.order_by("-date", "-id")[offset : offset + limit]]


@router.post("/meetings", response={201: MeetingOut}, summary="召开临时会议（JM-3）")
def create_ad_hoc(request, payload: AdHocIn):
    m = services.call_ad_hoc_meeting(
        actor=request.user,
        community=_community(payload.community),
        date=payload.date,
        reason=payload.reason,
        start_time=payload.start_time,
        venue=payload.venue,
    )
    return Status(201, _meeting_out(m))


@router.get("/meetings/{pk}", response=MeetingDetailOut, summary="会议详情：议程、参会人员、出席、文书")
def get_meeting(request, pk: int):
    return _detail(request, permissions.get_meeting_for(request.user, pk))


@router.put("/meetings/{pk}", response=MeetingOut, summary="修改时间地点（通知签发前；版本号不符返回 409）")
def update_meeting(request, pk: int, payload: MeetingEditIn):
    m = permissions.get_meeting_for(request.user, pk)
    return _meeting_out(
        services.update_meeting(
            actor=request.user,
            meeting=m,
            version=payload.version,
            date=payload.date,
            start_time=payload.start_time,
            venue=payload.venue,
        )
    )


@router.post("/meetings/{pk}/cancel", response=MeetingOut, summary="取消会议（须写明原因）")
def cancel_meeting(request, pk: int, payload: CancelIn):
    m = permissions.get_meeting_for(request.user, pk)
    return _meeting_out(services.cancel_meeting(actor=request.user, meeting=m, reason=payload.reason))


@router.post(
    "/meetings/{pk}/participants", response={201: MeetingParticipantOut}, summary="添加参会或列席人员"
)
def add_participant(request, pk: int, payload: MeetingParticipantIn):
    m = permissions.get_meeting_for(request.user, pk)
    person = get_object_or_404(Person, pk=payload.person_id) if payload.person_id else None
    p = services.add_participant(
        actor=request.user,
        meeting=m,
        role=payload.role,
        person=person,
        name=payload.name,
        title=payload.title,
    )
    return Status(201, _participant_out(p))


@router.delete("/meetings/{pk}/participants/{pid}", response={204: None}, summary="移出参会名单")
def remove_participant(request, pk: int, pid: int):
    m = permissions.get_meeting_for(request.user, pk)
    services.remove_participant(
        actor=request.user, participant=get_object_or_404(Participant, pk=pid, meeting=m)
    )
    return Status(204, None)


@router.post("/meetings/{pk}/entrust", response=MeetingOut, summary="委托小区党组织负责人召集（JM-1）")
def entrust(request, pk: int, payload: EntrustIn):
    m = permissions.get_meeting_for(request.user, pk)
    person = get_object_or_404(Person, pk=payload.person_id)
    return _meeting_out(services.entrust_convener(actor=request.user, meeting=m, person=person))


@router.post(
    "/meetings/{pk}/participants/{pid}/attendance", response=MeetingParticipantOut, summary="签到或记录缺席"
)
def attendance(request, pk: int, pid: int, payload: AttendanceIn):
    m = permissions.get_meeting_for(request.user, pk)
    p = get_object_or_404(Participant, pk=pid, meeting=m)
    p = services.record_attendance(
        actor=request.user, participant=p, present=payload.present, reason=payload.reason
    )
    return _participant_out(p)


@router.post("/meetings/{pk}/checkin", response=MeetingDetailOut, summary="参会人扫码签到")
def checkin(request, pk: int, payload: CheckinIn):
    m = get_object_or_404(Meeting, pk=pk)
    services.self_sign_in(actor=request.user, meeting=m, token=payload.token)
    return _detail(request, permissions.get_meeting_for(request.user, pk))


@router.post("/meetings/{pk}/held", response=MeetingOut, summary="确认会议已召开")
def held(request, pk: int):
    m = permissions.get_meeting_for(request.user, pk)
    return _meeting_out(services.mark_held(actor=request.user, meeting=m))


@router.post("/meetings/{pk}/notice", response=DocumentOut, summary="根据议程起草会议通知（JM-4）")
def notice(request, pk: int):
    m = permissions.get_meeting_for(request.user, pk)
    return _doc_out(services.draft_notice(actor=request.user, meeting=m))


@router.post("/meetings/{pk}/minutes", response=DocumentOut, summary="起草或修改会议纪要（JM-4）")
def minutes(request, pk: int, payload: MinutesIn):
    m = permissions.get_meeting_for(request.user, pk)
    doc = services.draft_minutes(
        actor=request.user, meeting=m, entries=payload.entries, other=payload.other, version=payload.version
    )
    return _doc_out(doc)


@router.post("/meetings/{pk}/resolutions", response={201: ResolutionOut}, summary="录入议定事项（JM-5）")
def add_resolution(request, pk: int, payload: ResolutionIn):
    m = permissions.get_meeting_for(request.user, pk)
    owner = get_object_or_404(Organisation, pk=payload.owner_id)
    item = None
    if payload.agenda_item_id:
        item = get_object_or_404(AgendaItem, pk=payload.agenda_item_id, meeting=m)
    r = services.add_resolution(
        actor=request.user,
        meeting=m,
        text=payload.text,
        owner=owner,
        working_days=payload.working_days,
        agenda_item=item,
    )
    return Status(201, _res_out(Resolution.objects.select_related("community", "owner").get(pk=r.pk)))


# --- Agenda items -----------------------------------------------------------------------------------


@router.get("/items", response=list[AgendaItemOut], summary="议题列表")
def list_items(
    request,
    community: str | None = None,
    status: str | None = None,
    mine: bool = False,
    limit: int = 50,
    offset: int = 0,
):
    scope = get_scope(request.user)
    qs = AgendaItem.objects.select_related("community")
    if mine:
        qs = qs.filter(raised_by=request.user)
    elif not scope.is_superuser:
        qs = qs.filter(scope.place_q("community__path", roles=permissions.READER_ROLES))
    if community:
        qs = qs.filter(community__code=community)
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_item_out(i) for i in qs.order_by("-raised_at", "-id")[offset : offset + limit]]


@router.post("/items", response={201: AgendaItemOut}, summary="提出议题（JM-2）")
def raise_item(request, payload: ItemIn):
    item = services.raise_item(
        actor=request.user,
        community=_community(payload.community),
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, _item_out(item))


@router.post(
    "/items/{pk}/screen", response=AgendaItemOut, summary="审核议题：列入、推迟、合并、不予列入（JM-4）"
)
def screen(request, pk: int, payload: ScreenIn):
    item = get_object_or_404(AgendaItem.objects.select_related("community"), pk=pk)
    if not permissions.can_see_community(request.user, item.community):
        raise Http404
    target = None
    if payload.merge_into:
        target = AgendaItem.objects.filter(pk=payload.merge_into, community=item.community).first()
    item = services.screen_item(
        actor=request.user, item=item, decision=payload.decision, reason=payload.reason, merge_into=target
    )
    return _item_out(item)


# --- Documents --------------------------------------------------------------------------------------


def _doc_out(d: MeetingDocument) -> dict:
    d = MeetingDocument.objects.select_related("signed_by").get(pk=d.pk)
    return {
        **_doc_brief(d),
        "meeting_id": d.meeting_id,
        "body": d.body,
        "signed_at": d.signed_at,
        "signed_by": d.signed_by.name if d.signed_by_id else None,
        "receipts": [
            {
                "organisation": x.organisation.name if x.organisation_id else None,
                "person": x.person.name,
                "read_at": x.read_at,
            }
            for x in d.distributions.select_related("organisation", "person", "message").order_by("id")
        ],
    }


@router.get("/documents/{pk}", response=DocumentOut, summary="会议文书（草稿仅办公室和召集人可见）")
def get_document(request, pk: int):
    doc = permissions.get_document_for(request.user, pk)
    services.mark_read(person=request.user, document=doc)
    return _doc_out(doc)


@router.put("/documents/{pk}", response=DocumentOut, summary="修改草稿（版本号不符返回 409）")
def edit_document(request, pk: int, payload: EditIn):
    doc = permissions.get_document_for(request.user, pk)
    return _doc_out(
        services.edit_document(
            actor=request.user, document=doc, version=payload.version, title=payload.title, body=payload.body
        )
    )


@router.post("/documents/{pk}/request-sign-off", response=DocumentOut, summary="提请召集人审签")
def request_sign(request, pk: int):
    doc = permissions.get_document_for(request.user, pk)
    return _doc_out(services.request_sign_off(actor=request.user, document=doc))


@router.post("/documents/{pk}/sign-off", response=DocumentOut, summary="召集人审签指定版本并分送（JM-4）")
def sign(request, pk: int, payload: SignIn):
    doc = permissions.get_document_for(request.user, pk)
    return _doc_out(services.sign_off(actor=request.user, document=doc, version=payload.version))


@router.post(
    "/documents/{pk}/addendum", response={201: DocumentOut}, summary="为已签发文书起草补充说明（JM-4）"
)
def addendum(request, pk: int, payload: AddendumIn):
    doc = permissions.get_document_for(request.user, pk)
    return Status(201, _doc_out(services.draft_addendum(actor=request.user, document=doc, body=payload.body)))


@router.get("/documents/{pk}/docx", summary="下载 .docx（公文格式）")
def document_docx(request, pk: int):
    from urllib.parse import quote

    from django.http import HttpResponse

    from .documents import document_docx as render

    doc = permissions.get_document_for(request.user, pk)
    response = HttpResponse(
        render(doc), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(doc.title)}.docx"
    return response


# --- Resolutions ------------------------------------------------------------------------------------


@router.get("/resolutions", response=list[ResolutionOut], summary="议定事项（mine=true：我方负责的）")
def list_resolutions(
    request,
    community: str | None = None,
    state: str | None = None,
    mine: bool = False,
    limit: int = 50,
    offset: int = 0,
):
    qs = Resolution.objects.visible_to(request.user).select_related("community", "owner")
    if mine:
        qs = qs.filter(owner_id__in=get_scope(request.user).organisation_ids)
    if community:
        qs = qs.filter(community__code=community)
    if state == "overdue":
        qs = qs.overdue()
    elif state in Resolution.Status.values:
        qs = qs.filter(status=state)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_res_out(r) for r in qs.order_by("due_on", "id")[offset : offset + limit]]


@router.get("/resolutions/{pk}", response=ResolutionOut, summary="议定事项详情")
def get_resolution(request, pk: int):
    return _res_out(permissions.get_resolution_for(request.user, pk))


@router.post(
    "/resolutions/{pk}/progress", response=ResolutionOut, summary="报告办理进展；done=true 办结（JM-5）"
)
def progress(request, pk: int, payload: ProgressIn):
    r = permissions.get_resolution_for(request.user, pk)
    services.add_progress(actor=request.user, resolution=r, text=payload.text, done=payload.done)
    return _res_out(permissions.get_resolution_for(request.user, pk))


# --- Summaries --------------------------------------------------------------------------------------


def _summary_out(s: Summary) -> dict:
    return {
        "id": s.pk,
        "community": s.community.code,
        "kind": s.kind,
        "year": s.year,
        "period_start": s.period_start,
        "period_end": s.period_end,
        "figures": s.figures,
        "narrative": s.narrative,
        "suggestions": s.suggestions,
        "version": s.version,
        "signed_at": s.signed_at,
        "submitted_at": s.submitted_at,
    }


@router.post("/summaries", response={201: SummaryOut}, summary="根据数据生成半年小结或年度总结（JM-6）")
def create_summary(request, payload: SummaryIn):
    s = services.generate_summary(
        actor=request.user,
        community=_community(payload.community),
        kind=payload.kind,
        year=payload.year,
        half=payload.half,
    )
    return Status(201, _summary_out(s))


@router.get("/summaries/{pk}", response=SummaryOut, summary="工作总结")
def get_summary(request, pk: int):
    return _summary_out(permissions.get_summary_for(request.user, pk))


@router.put("/summaries/{pk}", response=SummaryOut, summary="修改总结草稿")
def edit_summary(request, pk: int, payload: SummaryEditIn):
    s = permissions.get_summary_for(request.user, pk)
    return _summary_out(
        services.edit_summary(
            actor=request.user,
            summary=s,
            version=payload.version,
            narrative=payload.narrative,
            suggestions=payload.suggestions,
        )
    )


@router.post("/summaries/{pk}/sign-off", response=SummaryOut, summary="审签总结（JM-6）")
def sign_summary(request, pk: int, payload: SignIn):
    s = permissions.get_summary_for(request.user, pk)
    return _summary_out(services.sign_summary(actor=request.user, summary=s, version=payload.version))


@router.post("/summaries/{pk}/submit", response=SummaryOut, summary="报送社区党组织（JM-6）")
def submit_summary(request, pk: int):
    s = permissions.get_summary_for(request.user, pk)
    return _summary_out(services.submit_summary(actor=request.user, summary=s))


@router.get("/overview", summary="街道联席会议总览：按期召开、超期事项")
def overview(request, street: str, year: int | None = None):
    place = Place.objects.streets().filter(code=street).first()
    if place is None:
        raise Http404
    if not permissions.can_view_overview(request.user, place):
        raise PermissionDenied
    rows = services.street_overview(place, year or timezone.localdate().year)
    return [
        {
            "community": r["community"].code,
            "name": r["community"].name,
            **{k: v for k, v in r.items() if k != "community"},
        }
        for r in rows
    ]


class QueueItemOut(Schema):
    id: int
    kind: str
    title: str
    version: int
    meeting_id: int
    meeting_date: dt.date


class UnreadOut(Schema):
    message_id: int
    subject: str
    url: str
    sent_at: dt.datetime


class OfficeOut(Schema):
    community: str
    next_meeting_id: int | None
    items_to_screen: int
    overdue_resolutions: int


class WorkbenchOut(Schema):
    sign_off_queue: list[QueueItemOut]
    upcoming: list[MeetingOut]
    unread_documents: list[UnreadOut]
    offices: list[OfficeOut]


@router.get(
    "/workbench", response=WorkbenchOut, summary="我的联席会议工作台：待审签、近期会议、待阅文书、办公室待办"
)
def workbench(request):
    from sanfang.core.models import Message
    from sanfang.directory.scopes import Role

    user = request.user
    today = timezone.localdate()
    queue = (
        MeetingDocument.objects.filter(
            meeting__convener=user, signed_at__isnull=True, sign_requested_at__isnull=False
        )
        .select_related("meeting")
        .order_by("sign_requested_at", "id")
    )
    upcoming = (
        Meeting.objects.filter(participants__person=user, date__gte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("community", "convener")
        .distinct()
        .order_by("date", "id")[:20]
    )
    unread = Message.objects.filter(
        recipient=user, key__startswith="meetings:doc:", read_at__isnull=True
    ).order_by("-created_at", "-id")[:50]
    scope = get_scope(user)
    office_ids = [g.place_id for g in scope.grants_for(Role.RESIDENTS_COMMITTEE) if g.leads_epmc]
    offices = []
    for community in Place.objects.filter(pk__in=office_ids).order_by("path"):
        nxt = services.next_meeting(community, include_notified=True)
        offices.append(
            {
                "community": community.code,
                "next_meeting_id": nxt.pk if nxt else None,
                "items_to_screen": AgendaItem.objects.filter(
                    community=community, status=AgendaItem.Status.PROPOSED
                ).count(),
                "overdue_resolutions": Resolution.objects.overdue(today).filter(community=community).count(),
            }
        )
    return {
        "sign_off_queue": [
            {
                "id": d.pk,
                "kind": d.kind,
                "title": d.title,
                "version": d.version,
                "meeting_id": d.meeting_id,
                "meeting_date": d.meeting.date,
            }
            for d in queue
        ],
        "upcoming": [_meeting_out(m) for m in upcoming],
        "unread_documents": [
            {"message_id": m.pk, "subject": m.subject, "url": m.url, "sent_at": m.created_at} for m in unread
        ],
        "offices": offices,
    }
