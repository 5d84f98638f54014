"""Joint meeting pages: thin views that read through permissions and write through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfang.core import jobs
from sanfang.core.errors import DomainError, RuleViolation
from sanfang.core.files import serve_upload
from sanfang.core.lazy import lazy_module
from sanfang.core.models import Message
from sanfang.directory.models import Organisation, Place
from sanfang.directory.scopes import Role, get_scope

from . import forms, permissions, services
from .models import (
    AgendaItem,
    Meeting,
    MeetingDocument,
    Participant,
    ProgressNote,
    Resolution,
    Summary,
)

# openpyxl / python-docx only when a document is asked for (core/lazy.py)
documents = lazy_module(__package__ + ".documents")


def _office_communities(user):
    scope = get_scope(user)
    if scope.is_superuser:
        return Place.objects.communities()
    ids = [
        g.place_id
        for g in scope.grants_for(Role.RESIDENTS_COMMITTEE)
        if g.leads_epmc and g.place_kind == "community"
    ]
    return Place.objects.filter(pk__in=ids)


def _raiser_communities(user):
    scope = get_scope(user)
    if scope.is_superuser:
        return Place.objects.communities()
    return Place.objects.communities().filter(scope.place_q("path", roles=permissions.RAISER_ROLES))


def _fail(request, exc: DomainError | PermissionDenied):
    if isinstance(exc, PermissionDenied):
        raise exc
    messages.error(request, exc.message)


@login_required
def meeting_list(request):
    qs = Meeting.objects.visible_to(request.user).select_related("community", "convener")
    status = request.GET.get("status", "")
    if status in Meeting.Status.values:
        qs = qs.filter(status=status)
    community = request.GET.get("community", "")
    if community:
        qs = qs.filter(community__code=community)
    page = Paginator(qs.order_by("-date", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/list.html",
        {
            "page": page,
            "statuses": Meeting.Status.choices,
            "status": status,
            "can_call": _office_communities(request.user).exists()
            or any(g.is_head for g in get_scope(request.user).grants_for(Role.PARTY_ORG)),
            "can_raise": _raiser_communities(request.user).exists(),
        },
    )


@login_required
def meeting_new(request):
    scope = get_scope(request.user)
    communities = _office_communities(request.user) | Place.objects.filter(
        pk__in=[g.place_id for g in scope.grants_for(Role.PARTY_ORG) if g.is_head]
    )
    if not communities.exists():
        raise PermissionDenied
    communities = communities.distinct()
    # The office of one community (the usual case) need not pick it from a list of one.
    initial = {"community": communities.first()} if communities.count() == 1 else {}
    form = forms.AdHocMeetingForm(request.POST or None, communities=communities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.call_ad_hoc_meeting(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("临时会议已安排。"))
            return redirect("meetings:meeting", pk=meeting.pk)
    return render(request, "meetings/new.html", {"form": form})


@login_required
def meeting_detail(request, pk: int):
    meeting = permissions.get_meeting_for(request.user, pk)
    user = request.user
    office = permissions.is_office(user, meeting.community)
    participants = list(meeting.participants.select_related("person", "compound").order_by("id"))
    items = list(
        meeting.agenda_items.select_related("raised_by", "raised_org", "resolution").order_by(
            "position", "id"
        )
    )
    docs = list(meeting.documents.select_related("signed_by").order_by("kind", "id"))
    resolutions = list(meeting.resolutions.select_related("owner", "agenda_item").order_by("id"))
    can_sign = permissions.can_sign_off(user, meeting)
    see_drafts = office or can_sign or permissions.can_oversee(user, meeting)
    ctx = {
        "meeting": meeting,
        "participants": participants,
        "members": [p for p in participants if p.is_member],
        "attendees": [p for p in participants if not p.is_member],
        "quorum": services.quorum(meeting, participants),
        "quorum_met": services.quorum_met(meeting, participants),
        "accepted": [i for i in items if i.status == AgendaItem.Status.ACCEPTED],
        "to_screen": [i for i in items if i.status == AgendaItem.Status.PROPOSED],
        "screened": [
            i for i in items if i.status not in (AgendaItem.Status.ACCEPTED, AgendaItem.Status.PROPOSED)
        ],
        "documents": [d for d in docs if d.is_signed or see_drafts],
        "notice": next((d for d in docs if d.kind == MeetingDocument.Kind.NOTICE), None),
        "minutes": next((d for d in docs if d.kind == MeetingDocument.Kind.MINUTES), None),
        "resolutions": resolutions,
        "is_office": office,
        "can_sign": can_sign,
        "can_entrust": permissions.can_entrust(user, meeting) and meeting.is_open,
        "entrust_choices": list(permissions.compound_party_heads(meeting.community))
        if permissions.can_entrust(user, meeting)
        else [],
        "can_raise": permissions.can_raise_item(user, meeting.community) and meeting.agenda_open,
        "my_participation": [p for p in participants if p.person_id == user.pk],
        "participant_form": forms.ParticipantForm() if office else None,
        "edit_form": forms.MeetingEditForm(
            initial={
                "version": meeting.version,
                "date": meeting.date,
                "start_time": meeting.start_time,
                "venue": meeting.venue,
            }
        )
        if office and meeting.status == Meeting.Status.PLANNED
        else None,
        "resolution_form": forms.ResolutionForm(
            owners=Organisation.objects.filter(
                pk__in=[o.pk for o in services.owner_choices(meeting.community)]
            ),
            items=meeting.agenda_items.accepted(),
        )
        if office and meeting.status == Meeting.Status.HELD
        else None,
        "merge_targets": [i for i in items if i.status == AgendaItem.Status.ACCEPTED],
        "today": timezone.localdate(),
    }
    return render(request, "meetings/meeting.html", ctx)


def _meeting_for_action(request, pk, allowed) -> Meeting:
    """The meeting of a POST action, access first: 404 for an outsider, 403 for a reader the action is not
    for — both before the form is read, so a validation message never tells an outsider anything."""
    meeting = permissions.get_meeting_for(request.user, pk)
    if not allowed(request.user, meeting):
        raise PermissionDenied
    return meeting


def _office(user, meeting: Meeting) -> bool:
    return permissions.is_office(user, meeting.community)


def _post_action(request, meeting: Meeting, action, success):
    pk = meeting.pk
    try:
        action(meeting)
    except DomainError as exc:
        _fail(request, exc)
    else:
        if success:
            messages.success(request, success)
    return redirect("meetings:meeting", pk=pk)


@login_required
@require_POST
def meeting_edit(request, pk: int):
    meeting = _meeting_for_action(request, pk, _office)
    form = forms.MeetingEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写完整的日期、时间和地点。"))
        return redirect("meetings:meeting", pk=pk)
    return _post_action(
        request,
        meeting,
        lambda m: services.update_meeting(actor=request.user, meeting=m, **form.cleaned_data),
        _("已保存。"),
    )


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    meeting = _meeting_for_action(request, pk, lambda u, m: _office(u, m) or permissions.can_sign_off(u, m))
    return _post_action(
        request,
        meeting,
        lambda m: services.cancel_meeting(
            actor=request.user, meeting=m, reason=request.POST.get("reason", "")
        ),
        _("会议已取消，未审议的议题将顺延到下次会议。"),
    )


@login_required
@require_POST
def meeting_entrust(request, pk: int):
    from sanfang.directory.models import Person

    meeting = _meeting_for_action(request, pk, permissions.can_entrust)
    person = Person.objects.filter(pk=request.POST.get("person") or 0).first()
    if person is None:
        messages.error(request, _("请选择受委托的召集人。"))
        return redirect("meetings:meeting", pk=pk)
    return _post_action(
        request,
        meeting,
        lambda m: services.entrust_convener(actor=request.user, meeting=m, person=person),
        _("已委托召集人。"),
    )


@login_required
@require_POST
def meeting_held(request, pk: int):
    return _post_action(
        request,
        _meeting_for_action(request, pk, _office),
        lambda m: services.mark_held(actor=request.user, meeting=m),
        _("已确认会议召开，请起草会议纪要。"),
    )


@login_required
@require_POST
def participant_add(request, pk: int):
    meeting = _meeting_for_action(request, pk, _office)
    form = forms.ParticipantForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写身份和姓名。"))
        return redirect("meetings:meeting", pk=pk)
    return _post_action(
        request,
        meeting,
        lambda m: services.add_participant(actor=request.user, meeting=m, **form.cleaned_data),
        _("已添加。"),
    )


def _participant(request, pk, pid) -> Participant:
    meeting = permissions.get_meeting_for(request.user, pk)
    return get_object_or_404(Participant, pk=pid, meeting=meeting)


@login_required
@require_POST
def participant_remove(request, pk: int, pid: int):
    p = _participant(request, pk, pid)
    try:
        services.remove_participant(actor=request.user, participant=p)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("meetings:meeting", pk=pk)


@login_required
@require_POST
def participant_attendance(request, pk: int, pid: int):
    p = _participant(request, pk, pid)
    try:
        services.record_attendance(
            actor=request.user,
            participant=p,
            present=request.POST.get("present") == "1",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        _fail(request, exc)
    return redirect(reverse("meetings:meeting", args=[pk]) + "#attendance")


@login_required
def checkin(request, pk: int, token: str):
    """The page the meeting's QR code opens: a participant signs in for themself (JM-3)."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if token != meeting.checkin_token:
        raise Http404
    mine = list(meeting.participants.filter(person=request.user))
    done = False
    if request.method == "POST":
        try:
            mine = services.self_sign_in(actor=request.user, meeting=meeting, token=token)
            done = True
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "meetings/checkin.html", {"meeting": meeting, "mine": mine, "done": done})


@login_required
def checkin_qr(request, pk: int):
    import segno

    meeting = permissions.get_meeting_for(request.user, pk, write=True)
    url = request.build_absolute_uri(reverse("meetings:checkin", args=[meeting.pk, meeting.checkin_token]))
    qr = segno.make(url, error="m")
    import io

    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=6, border=2)
    return HttpResponse(buf.getvalue(), content_type="image/svg+xml")


# --- Agenda -------------------------------------------------------------------------------------------


@login_required
def item_raise(request):
    communities = _raiser_communities(request.user)
    if not communities.exists():
        raise PermissionDenied
    initial = {}
    if request.GET.get("community"):
        initial["community"] = communities.filter(code=request.GET["community"]).first()
    if communities.count() == 1:
        initial["community"] = communities.first()
    form = forms.RaiseItemForm(request.POST or None, communities=communities, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.raise_item(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if item.meeting:
                messages.success(
                    request, _("议题已提交，将在%(title)s前审核。") % {"title": item.meeting.title}
                )
            else:
                messages.success(request, _("议题已提交；目前没有征集中的会议，将列入下次会议。"))
            return redirect("meetings:my-items")
    return render(request, "meetings/raise.html", {"form": form})


@login_required
def my_items(request):
    items = (
        AgendaItem.objects.filter(raised_by=request.user)
        .select_related("meeting", "community", "merged_into")
        .order_by("-raised_at", "-id")
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    can_raise = _raiser_communities(request.user).exists()
    return render(request, "meetings/my_items.html", {"page": page, "can_raise": can_raise})


@login_required
@require_POST
def item_screen(request, pk: int):
    item = get_object_or_404(AgendaItem.objects.select_related("community", "meeting"), pk=pk)
    if not permissions.can_see_community(request.user, item.community):
        raise Http404
    if not permissions.is_office(request.user, item.community):
        raise PermissionDenied
    merge_into = None
    if request.POST.get("merge_into"):
        merge_into = AgendaItem.objects.filter(
            pk=request.POST["merge_into"], community=item.community
        ).first()
    try:
        services.screen_item(
            actor=request.user,
            item=item,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            merge_into=merge_into,
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已审核：%(title)s") % {"title": item.title})
    if item.meeting_id:
        return redirect(reverse("meetings:meeting", args=[item.meeting_id]) + "#agenda")
    return redirect("meetings:workbench")


# --- Documents ----------------------------------------------------------------------------------------


@login_required
@require_POST
def notice_draft(request, pk: int):
    meeting = permissions.get_meeting_for(request.user, pk)
    try:
        doc = services.draft_notice(actor=request.user, meeting=meeting)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("meetings:meeting", pk=pk)
    messages.success(request, _("已根据议程生成通知草稿（第 %(v)d 版）。") % {"v": doc.version})
    return redirect("meetings:document", pk=doc.pk)


@login_required
def minutes_draft(request, pk: int):
    meeting = permissions.get_meeting_for(request.user, pk, write=True)
    items = list(meeting.agenda_items.accepted().order_by("position", "id"))
    doc = meeting.documents.filter(kind=MeetingDocument.Kind.MINUTES).first()
    content = doc.content if doc else {}
    if request.method == "POST":
        entries = {
            str(i.pk): {
                "discussion": request.POST.get(f"discussion_{i.pk}", ""),
                "decision": request.POST.get(f"decision_{i.pk}", ""),
            }
            for i in items
        }
        version = request.POST.get("version")
        try:
            doc = services.draft_minutes(
                actor=request.user,
                meeting=meeting,
                entries=entries,
                other=request.POST.get("other", ""),
                version=int(version) if version else None,
            )
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("纪要草稿已保存（第 %(v)d 版）。") % {"v": doc.version})
            return redirect("meetings:document", pk=doc.pk)
    rows = [(i, content.get("entries", {}).get(str(i.pk), {})) for i in items]
    return render(
        request,
        "meetings/minutes_form.html",
        {"meeting": meeting, "rows": rows, "doc": doc, "other": content.get("other", "")},
    )


@login_required
def document_detail(request, pk: int):
    doc = permissions.get_document_for(request.user, pk)
    meeting = doc.meeting
    office = permissions.is_office(request.user, meeting.community)
    if doc.is_signed:
        services.mark_read(person=request.user, document=doc)
    distributions = list(
        doc.distributions.select_related("organisation", "person", "message").order_by(
            F("organisation_id").asc(nulls_last=True), "id"
        )
    )
    return render(
        request,
        "meetings/document.html",
        {
            "doc": doc,
            "meeting": meeting,
            "versions": list(doc.versions.select_related("created_by")[:20]),
            "distributions": distributions,
            "read_count": sum(1 for d in distributions if d.read_at),
            "addenda": list(doc.addenda.all()),
            "is_office": office,
            "can_edit": office and not doc.is_signed,
            "can_sign": permissions.can_sign_off(request.user, meeting) and not doc.is_signed,
            "edit_form": forms.DocumentEditForm(
                initial={"version": doc.version, "title": doc.title, "body": doc.body}
            )
            if office and not doc.is_signed
            else None,
        },
    )


def _document_for_action(request, pk, allowed) -> MeetingDocument:
    """As `_meeting_for_action`, for a meeting document: access before the form is read."""
    doc = permissions.get_document_for(request.user, pk)
    if not allowed(request.user, doc.meeting):
        raise PermissionDenied
    return doc


def _doc_action(request, doc: MeetingDocument, action, success):
    pk = doc.pk
    try:
        result = action(doc)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("meetings:document", pk=pk)
    if success:
        messages.success(request, success)
    return redirect("meetings:document", pk=getattr(result, "pk", pk))


@login_required
@require_POST
def document_edit(request, pk: int):
    doc = _document_for_action(request, pk, _office)
    form = forms.DocumentEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("标题和正文都必须填写。"))
        return redirect("meetings:document", pk=pk)
    return _doc_action(
        request,
        doc,
        lambda d: services.edit_document(actor=request.user, document=d, **form.cleaned_data),
        _("已保存为新版本。"),
    )


@login_required
@require_POST
def document_request(request, pk: int):
    return _doc_action(
        request,
        _document_for_action(request, pk, _office),
        lambda d: services.request_sign_off(actor=request.user, document=d),
        _("已提请召集人审签。"),
    )


@login_required
@require_POST
def document_sign(request, pk: int):
    doc = _document_for_action(request, pk, permissions.can_sign_off)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("请确认审签的版本。"))
        return redirect("meetings:document", pk=pk)
    return _doc_action(
        request,
        doc,
        lambda d: services.sign_off(actor=request.user, document=d, version=version),
        _("已审签并分送党组织、居委会、业委会和物业服务企业。"),
    )


@login_required
@require_POST
def document_addendum(request, pk: int):
    return _doc_action(
        request,
        _document_for_action(request, pk, _office),
        lambda d: services.draft_addendum(actor=request.user, document=d, body=request.POST.get("body", "")),
        _("补充说明草稿已建立，请提请召集人审签。"),
    )


@login_required
def document_docx(request, pk: int):
    doc = permissions.get_document_for(request.user, pk)
    data = documents.document_docx(doc)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    from urllib.parse import quote

    filename = f"{doc.title}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- Resolutions ------------------------------------------------------------------------------------


@login_required
@require_POST
def resolution_add(request, pk: int):
    meeting = _meeting_for_action(request, pk, _office)
    owners = services.owner_choices(meeting.community)
    form = forms.ResolutionForm(
        request.POST,
        owners=Organisation.objects.filter(pk__in=[o.pk for o in owners]),
        items=meeting.agenda_items.accepted(),
    )
    if not form.is_valid():
        messages.error(request, _("请填写议定事项、责任方和期限。"))
        return redirect("meetings:meeting", pk=pk)
    try:
        services.add_resolution(actor=request.user, meeting=meeting, **form.cleaned_data)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("议定事项已录入。"))
    return redirect(reverse("meetings:meeting", args=[pk]) + "#resolutions")


@login_required
def resolution_detail(request, pk: int):
    res = permissions.get_resolution_for(request.user, pk)
    can_work = permissions.can_work_on_resolution(request.user, res)
    form = forms.ProgressForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.add_progress(actor=request.user, resolution=res, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("进展已记录。"))
                return redirect("meetings:resolution", pk=pk)
    return render(
        request,
        "meetings/resolution.html",
        {
            "res": res,
            "notes": list(res.notes.select_related("author")),
            "follow_ups": list(res.follow_up_items.select_related("meeting")),
            "form": form if can_work and res.status == Resolution.Status.OPEN else None,
            "can_reopen": permissions.is_office(request.user, res.community)
            and res.status == Resolution.Status.DONE,
        },
    )


@login_required
def evidence(request, pk: int, nid: int):
    """A progress note's evidence, to those who may read the resolution (never a public media URL)."""
    res = permissions.get_resolution_for(request.user, pk)
    note = get_object_or_404(ProgressNote, pk=nid, resolution=res)
    suffix = note.evidence.name.rsplit(".", 1)[-1] if "." in note.evidence.name else "bin"
    name = _("议定事项%(res)s佐证材料%(note)s") % {"res": res.pk, "note": note.pk} + f".{suffix}"
    return serve_upload(note.evidence, filename=name)


@login_required
@require_POST
def resolution_reopen(request, pk: int):
    res = permissions.get_resolution_for(request.user, pk)
    try:
        services.reopen_resolution(actor=request.user, resolution=res, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("meetings:resolution", pk=pk)


@login_required
def my_resolutions(request):
    """The owner parties' list of what they must carry out (JM-5)."""
    scope = get_scope(request.user)
    qs = (
        Resolution.objects.filter(owner_id__in=scope.organisation_ids)
        .select_related("meeting", "owner", "community")
        .order_by("status", "due_on", "id")
    )
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.filter(status=Resolution.Status.OPEN)
    elif state == "overdue":
        qs = qs.overdue()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/my_resolutions.html",
        {
            "page": page,
            "state": state,
            "today": timezone.localdate(),
            "has_org": bool(scope.organisation_ids) or scope.is_superuser,
        },
    )


# --- Workbench, sign-off queue, member view, street overview -----------------------------------------------


@login_required
def workbench(request):
    user = request.user
    today = timezone.localdate()
    offices = []
    for community in _office_communities(user).order_by("path")[:20]:
        nxt = services.next_meeting(community, include_notified=True)
        offices.append(
            {
                "community": community,
                "next": nxt,
                "to_screen": AgendaItem.objects.filter(
                    community=community, status=AgendaItem.Status.PROPOSED
                ).count(),
                "pooled": list(
                    AgendaItem.objects.pooled()
                    .filter(community=community)
                    .select_related("raised_by")
                    .order_by("raised_at", "id")[:20]
                ),
                "held_without_minutes": Meeting.objects.filter(
                    community=community, status=Meeting.Status.HELD
                ).order_by("date")[:5],
                "past_unheld": Meeting.objects.filter(
                    community=community, status__in=Meeting.OPEN_STATUSES, date__lt=today
                ).order_by("date")[:5],
                "overdue": Resolution.objects.overdue(today)
                .filter(community=community)
                .select_related("owner")[:10],
            }
        )
    sign_queue = list(
        MeetingDocument.objects.filter(
            meeting__convener=user, signed_at__isnull=True, sign_requested_at__isnull=False
        )
        .select_related("meeting__community")
        .order_by("sign_requested_at")
    )
    summaries_to_sign = list(
        Summary.objects.filter(signed_at__isnull=True)
        .select_related("community")
        .filter(community__in=[g.place_id for g in get_scope(user).grants_for(Role.PARTY_ORG) if g.is_head])
    )
    upcoming = list(
        Meeting.objects.filter(participants__person=user, date__gte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("community")
        .distinct()
        .order_by("date")[:10]
    )
    unread = list(
        Message.objects.filter(
            recipient=user, key__startswith="meetings:doc:", read_at__isnull=True
        ).order_by("-created_at")[:20]
    )
    return render(
        request,
        "meetings/workbench.html",
        {
            "offices": offices,
            "sign_queue": sign_queue,
            "summaries_to_sign": summaries_to_sign,
            "upcoming": upcoming,
            "unread": unread,
            "today": today,
        },
    )


@login_required
def overview(request):
    scope = get_scope(request.user)
    streets = Place.objects.streets().filter(scope.place_q("path", roles=(Role.STREET, Role.COUNTY)))
    if scope.is_superuser:
        streets = Place.objects.streets()
    streets = list(streets.order_by("path")[:50])
    if not streets:
        raise PermissionDenied
    code = request.GET.get("street") or streets[0].code
    street = next((s for s in streets if s.code == code), streets[0])
    year = int(request.GET.get("year") or timezone.localdate().year)
    rows = services.street_overview(street, year)
    return render(
        request, "meetings/overview.html", {"streets": streets, "street": street, "year": year, "rows": rows}
    )


@login_required
def schedule_edit(request, code: str):
    community = get_object_or_404(Place, code=code, kind="community")
    if not (
        permissions.is_office(request.user, community)
        or permissions.is_party_org_head(request.user, community)
    ):
        raise PermissionDenied
    sched = services.schedule_of(community)
    form = forms.ScheduleForm(
        request.POST or None,
        initial={
            "weekday": sched.weekday,
            "start_time": sched.start_time,
            "venue": sched.venue,
            "agenda_close_working_days": sched.agenda_close_working_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_schedule(actor=request.user, community=community, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("例会安排已保存。"))
            return redirect("meetings:schedule", code=code)
    year = timezone.localdate().year
    plan = services.plan_dates(community, year) + services.plan_dates(community, year + 1)
    return render(request, "meetings/schedule.html", {"community": community, "form": form, "plan": plan})


# --- Summaries (JM-6) ---------------------------------------------------------------------------------


@login_required
def summary_list(request):
    scope = get_scope(request.user)
    qs = Summary.objects.select_related("community")
    if not scope.is_superuser:
        qs = qs.filter(scope.place_q("community__path", roles=permissions.READER_ROLES))
    communities = _office_communities(request.user)
    form = None
    if communities.exists():
        form = forms.SummaryGenerateForm(
            request.POST or None,
            communities=communities,
            initial={
                "year": timezone.localdate().year,
                "half": 1 if timezone.localdate().month <= 6 else 2,
                **({"community": communities.first()} if communities.count() == 1 else {}),
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            # JM-6 drafts count a half-year's or a year's records: the worker makes them (issue 8.5).
            job = _summary_job(request, data["community"], data["kind"], data["year"], data.get("half") or 1)
            if job is not None:
                return redirect(job)
            form.add_error(None, _("该总结已签发，不能重新生成。"))
    elif request.method == "POST":
        raise PermissionDenied
    page = Paginator(qs.order_by("-period_end", "community__path", "kind", "id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "meetings/summaries.html", {"page": page, "form": form})


def _summary_job(request, community, kind: str, year: int, half: int):
    """Queue the draft (or refresh) of a summary as a job for an office member; None if it is already signed."""
    if not permissions.is_office(request.user, community):
        raise PermissionDenied
    start, _end = services.summary_period(kind, year, half)
    if (
        Summary.objects.filter(community=community, kind=kind, period_start=start)
        .exclude(signed_at=None)
        .exists()
    ):
        return None
    label = Summary.Kind(kind).label if kind in Summary.Kind.values else kind
    return jobs.submit(
        actor=request.user,
        kind="meetings.summary",
        title=_("生成%(community)s %(year)s 年%(kind)s")
        % {"community": community.name, "year": year, "kind": label},
        params={
            "community": community.pk,
            "kind": kind,
            "year": year,
            "half": half,
            "back": reverse("meetings:summaries"),
        },
        place=community,
    )


@login_required
def summary_detail(request, pk: int):
    s = permissions.get_summary_for(request.user, pk)
    office = permissions.is_office(request.user, s.community)
    form = None
    if office and not s.is_signed:
        form = forms.SummaryEditForm(
            request.POST or None,
            initial={"version": s.version, "narrative": s.narrative, "suggestions": s.suggestions},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.edit_summary(actor=request.user, summary=s, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("meetings:summary", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "meetings/summary.html",
        {
            "s": s,
            "f": s.figures,
            "form": form,
            "is_office": office,
            "can_sign": permissions.can_sign_summary(request.user, s) and not s.is_signed,
            "can_submit": s.is_signed
            and not s.submitted_at
            and (office or permissions.can_sign_summary(request.user, s)),
            "text": documents.summary_text(s),
        },
    )


@login_required
@require_POST
def summary_action(request, pk: int, action: str):
    s = permissions.get_summary_for(request.user, pk)
    allowed = {
        "sign": permissions.can_sign_summary,
        "submit": lambda u, x: permissions.is_office(u, x.community) or permissions.can_sign_summary(u, x),
        "refresh": lambda u, x: permissions.is_office(u, x.community),
    }
    if action not in allowed:
        raise Http404
    if not allowed[action](request.user, s):
        raise PermissionDenied
    try:
        if action == "sign":
            version = request.POST.get("version", "")
            services.sign_summary(
                actor=request.user, summary=s, version=int(version) if version.isdigit() else 0
            )
            messages.success(request, _("总结已审签。"))
        elif action == "submit":
            services.submit_summary(actor=request.user, summary=s)
            messages.success(request, _("总结已报送社区党组织。"))
        elif action == "refresh":
            job = _summary_job(request, s.community, s.kind, s.year, 1 if s.period_start.month == 1 else 2)
            if job is None:
                raise RuleViolation(_("该总结已签发，不能重新生成。"))
            return redirect(job)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("meetings:summary", pk=pk)


@login_required
def summary_docx(request, pk: int):
    s = permissions.get_summary_for(request.user, pk)
    from urllib.parse import quote

    response = HttpResponse(
        documents.summary_docx(s),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(str(s))}.docx"
    return response
