"""Appraisal pages: thin callers of services. Results are shown only once a round is closed (EV-3)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfang.core import job_views, ratelimit
from sanfang.core.errors import DomainError
from sanfang.core.files import serve_upload
from sanfang.directory.models import Organisation, Person, Place, PlaceKind
from sanfang.directory.scopes import Role, get_scope

from . import exports, permissions, queries, scoring, services
from .models import (
    AppliesTo,
    Content,
    CreditEntry,
    Criterion,
    EvaluationMeeting,
    Level,
    Objection,
    Participant,
    Round,
    Scale,
    Subject,
)


def _fail(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _date(value):
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# --- index & standards -----------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not scope.is_staff_member:
        raise PermissionDenied
    rounds = (
        Round.objects.visible_to(request.user)
        .select_related("community", "street")
        .annotate(
            voted=Count("participants", filter=Q(participants__has_voted=True)),
            eligible=Count("participants"),
        )
        .order_by("-year", "community__path")[:200]
    )
    streets = queries.streets_for(request.user)
    communities = (
        Place.objects.communities().filter(parent__in=streets).order_by("path")
        if streets
        else Place.objects.none()
    )
    return render(
        request,
        "appraisal/index.html",
        {
            "rounds": rounds,
            "streets": streets,
            "communities": communities,
            "can_open": bool(streets),
            "this_year": timezone.localdate().year,
            "last_year": timezone.localdate().year - 1,
        },
    )


@login_required
def standards(request: HttpRequest) -> HttpResponse:
    streets = queries.streets_for(request.user)
    if request.method == "POST":
        street = next((s for s in streets if s.pk == _int(request.POST.get("street"))), None)
        if street is None:
            raise PermissionDenied
        try:
            standard = services.create_standard(
                actor=request.user,
                street=street,
                name=request.POST.get("name", ""),
                drop_extremes=bool(request.POST.get("drop_extremes")),
                indicator_weight=request.POST.get("indicator_weight") or "0",
            )
        except DomainError as exc:
            _fail(request, exc)
            return redirect("appraisal:standards")
        return redirect("appraisal:standard", standard.pk)
    scope = get_scope(request.user)
    if not scope.is_staff_member:
        raise PermissionDenied
    readable = queries.standards_visible_to(request.user).select_related("street")
    return render(
        request,
        "appraisal/standards.html",
        {"standards": readable, "streets": streets, "can_create": bool(streets)},
    )


@login_required
def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    standard = permissions.get_standard_for(request.user, pk)
    criteria = list(standard.criteria.all())
    weights = scoring.effective_weights(criteria)
    leaf_ids = {c.pk for c in scoring.leaves(criteria)}
    tree = [
        {"c": c, "depth": depth, "share": round(weights.get(c.pk, 0) * 100, 1), "leaf": c.pk in leaf_ids}
        for c, depth in scoring.ordered_tree(criteria)
    ]
    can_edit = standard.is_draft and permissions.can_edit_standard(request.user, standard.street)
    return render(
        request,
        "appraisal/standard.html",
        {
            "standard": standard,
            "tree": tree,
            "can_edit": can_edit,
            "can_new_version": not standard.is_draft
            and permissions.can_edit_standard(request.user, standard.street),
            "problems": services.check_standard(standard) if standard.is_draft else [],
            "contents": Content.choices,
            "scales": Scale.choices,
            "applies": AppliesTo.choices,
            "parents": [row for row in tree if row["depth"] == 0],
            "rounds": standard.rounds.select_related("community").order_by("-year", "community__path"),
        },
    )


def _criterion_fields(post) -> dict:
    fields = {
        "title": post.get("title", ""),
        "weight": post.get("weight") or "1",
        "scale": post.get("scale", Scale.LEVELS),
        "applies_to": post.get("applies_to", AppliesTo.ALL),
    }
    for key in ("points_satisfied", "points_basic", "points_unsatisfied"):
        if post.get(key) not in (None, ""):
            fields[key] = post.get(key)
    return fields


@login_required
@require_POST
def standard_settings(request: HttpRequest, pk: int) -> HttpResponse:
    standard = permissions.get_standard_for(request.user, pk, write=True)
    try:
        services.update_standard(
            actor=request.user,
            standard=standard,
            version=_int(request.POST.get("version")),
            name=request.POST.get("name", ""),
            drop_extremes=bool(request.POST.get("drop_extremes")),
            indicator_weight=request.POST.get("indicator_weight") or "0",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("已保存。"))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:standard", pk)


@login_required
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    standard = permissions.get_standard_for(request.user, pk, write=True)
    parent = standard.criteria.filter(pk=_int(request.POST.get("parent"), 0)).first()
    try:
        services.add_criterion(
            actor=request.user,
            standard=standard,
            parent=parent,
            content=request.POST.get("content"),
            **_criterion_fields(request.POST),
        )
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:standard", pk)


@login_required
@require_POST
def criterion_update(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = Criterion.objects.filter(pk=pk).first()
    if criterion is None:
        raise Http404
    permissions.get_standard_for(request.user, criterion.standard_id, write=True)
    try:
        fields = _criterion_fields(request.POST)
        if request.POST.get("content"):
            fields["content"] = request.POST["content"]
        services.update_criterion(actor=request.user, criterion=criterion, **fields)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:standard", criterion.standard_id)


@login_required
@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = Criterion.objects.filter(pk=pk).first()
    if criterion is None:
        raise Http404
    permissions.get_standard_for(request.user, criterion.standard_id, write=True)
    try:
        services.delete_criterion(actor=request.user, criterion=criterion)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:standard", criterion.standard_id)


@login_required
@require_POST
def standard_defaults(request: HttpRequest, pk: int) -> HttpResponse:
    standard = permissions.get_standard_for(request.user, pk, write=True)
    try:
        if standard.criteria.exists():
            raise DomainError(_("标准已有指标，不能再套用模板。"))
        services.add_default_criteria(actor=request.user, standard=standard)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:standard", pk)


@login_required
@require_POST
def standard_publish(request: HttpRequest, pk: int) -> HttpResponse:
    standard = permissions.get_standard_for(request.user, pk, write=True)
    try:
        services.publish_standard(
            actor=request.user, standard=standard, version=_int(request.POST.get("version"))
        )
        messages.success(request, _("标准已发布，新开启的评议将使用这一版。"))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:standard", pk)


@login_required
@require_POST
def standard_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    standard = permissions.get_standard_for(request.user, pk, write=True)
    try:
        draft = services.new_version(actor=request.user, standard=standard)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("appraisal:standard", pk)
    return redirect("appraisal:standard", draft.pk)


# --- rounds ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def round_open(request: HttpRequest) -> HttpResponse:
    community = Place.objects.filter(
        pk=_int(request.POST.get("community"), 0), kind=PlaceKind.COMMUNITY
    ).first()
    if community is None:
        raise Http404
    if not permissions.can_open_round(request.user, community):
        raise PermissionDenied
    try:
        rnd = services.open_round(
            actor=request.user,
            community=community,
            year=_int(request.POST.get("year"), timezone.localdate().year),
            opens_on=_date(request.POST.get("opens_on")),
            closes_on=_date(request.POST.get("closes_on")),
            publicity_days=_int(request.POST.get("publicity_days"), 5),
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("appraisal:index")
    messages.success(request, _("已开启年度评议。"))
    return redirect("appraisal:round", rnd.pk)


def _round_flags(user, rnd: Round) -> dict:
    return {
        "can_run": permissions.can_run_round(user, rnd),
        "can_close": permissions.can_close_round(user, rnd),
        "can_approve": permissions.can_approve_round(user, rnd),
        "can_view_results": permissions.can_view_results(user, rnd),
        "can_object": permissions.can_object(user, rnd),
    }


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = permissions.get_round_for(request.user, pk)
    subjects = list(rnd.subjects.select_related("organisation", "report_by"))
    scope = get_scope(request.user)
    for s in subjects:
        s.can_report = rnd.status == Round.Status.OPEN and (
            s.organisation_id in scope.organisation_ids or scope.is_superuser
        )
        # Link only what the reader may open: a subject is named, not linked, when its page would 404.
        s.history_visible = permissions.can_view_history(request.user, s.organisation)
        s.credit_visible = s.kind == "property_company" and permissions.can_view_credit(
            request.user, s.organisation
        )
    me = rnd.participants.filter(person=request.user).first()
    counts = rnd.participants.aggregate(n=Count("id"), voted=Count("id", filter=Q(has_voted=True)))
    return render(
        request,
        "appraisal/round.html",
        {
            "round": rnd,
            "subjects": subjects,
            "me": me,
            "counts": counts,
            "meeting": EvaluationMeeting.objects.filter(round=rnd).first(),
            "voting_open": rnd.voting_open(),
            "objections_open": rnd.objections.unanswered().count(),
            **_round_flags(request.user, rnd),
        },
    )


@login_required
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """The participation list (who voted, not how) and the office's additions (EV-3)."""
    rnd = permissions.get_round_for(request.user, pk)
    can_run = permissions.can_run_round(request.user, rnd)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "sync":
                n = services.sync_participants(actor=request.user, round=rnd)
                messages.success(request, _("从名录新增 %(n)d 人。") % {"n": n})
            elif action == "add":
                from sanfang.directory.auth import normalise_login

                phone = normalise_login(request.POST.get("phone", ""))
                person = Person.objects.filter(phone=phone).first() if phone else None
                if person is None:
                    name = request.POST.get("name", "").strip()
                    if not name or not phone:
                        raise DomainError(_("名录中没有这个手机号；请同时填写姓名以登记新人员。"))
                    from sanfang.directory.services import create_person

                    person = create_person(actor=request.user, name=name, phone=phone)
                services.add_participant(
                    actor=request.user,
                    round=rnd,
                    person=person,
                    category=request.POST.get("category", "other"),
                )
                messages.success(request, _("已增补 %(name)s。") % {"name": person.name})
            elif action in ("paper", "remove"):
                participant = rnd.participants.filter(pk=_int(request.POST.get("participant"), 0)).first()
                if participant is None:
                    raise Http404
                if action == "paper":
                    services.mark_paper_voted(actor=request.user, participant=participant)
                else:
                    services.remove_participant(actor=request.user, participant=participant)
        except DomainError as exc:
            _fail(request, exc)
        return redirect("appraisal:participants", pk)
    rows = rnd.participants.select_related("person").order_by("category", "person__name", "id")
    return render(
        request,
        "appraisal/participants.html",
        {
            "round": rnd,
            "participants": rows,
            "categories": Participant.Category.choices,
            "can_run": can_run and rnd.status == Round.Status.OPEN,
        },
    )


@login_required
@require_POST
def links_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue personal links; the page shown once lists them with QR codes for printing (tokens are not kept)."""
    rnd = permissions.get_round_for(request.user, pk, write=True)
    try:
        links = services.issue_links(actor=request.user, round=rnd, renew=bool(request.POST.get("renew")))
    except DomainError as exc:
        _fail(request, exc)
        return redirect("appraisal:participants", pk)
    rows = []
    for participant, url in links:
        absolute = request.build_absolute_uri(url)
        rows.append({"participant": participant, "url": absolute, "qr": exports.qr_svg(absolute)})
    return render(request, "appraisal/links.html", {"round": rnd, "rows": rows})


@login_required
def self_report(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    rnd = permissions.get_round_for(request.user, pk)
    subject = rnd.subjects.select_related("organisation").filter(pk=sid).first()
    if subject is None:
        raise Http404
    can_write = rnd.status == Round.Status.OPEN and permissions.can_submit_self_report(request.user, subject)
    can_oral = rnd.status == Round.Status.OPEN and permissions.can_run_round(request.user, rnd)
    if request.method == "POST":
        mode = request.POST.get("mode", "")
        if not (can_write or (mode == Subject.ReportMode.ORAL and can_oral)):
            raise PermissionDenied
        try:
            services.submit_self_report(
                actor=request.user,
                subject=subject,
                mode=mode,
                text=request.POST.get("text", ""),
                file=request.FILES.get("file"),
            )
            messages.success(request, _("述职已提交。"))
            return redirect("appraisal:round", pk)
        except DomainError as exc:
            _fail(request, exc)
    return render(
        request,
        "appraisal/self_report.html",
        {"round": rnd, "subject": subject, "can_write": can_write, "can_oral": can_oral},
    )


@login_required
def self_report_file(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    """The self-report document, to those who may read the self-report page (never a public media URL)."""
    rnd = permissions.get_round_for(request.user, pk)
    subject = rnd.subjects.select_related("organisation").filter(pk=sid).first()
    if subject is None:
        raise Http404
    suffix = subject.report_file.name.rsplit(".", 1)[-1] if "." in subject.report_file.name else "bin"
    name = _("%(org)s述职文档") % {"org": subject.organisation.name} + f"-{rnd.year}.{suffix}"
    return serve_upload(subject.report_file, filename=name)


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = permissions.get_round_for(request.user, pk)
    record = EvaluationMeeting.objects.filter(round=rnd).first()
    can_run = permissions.can_run_round(request.user, rnd) and not rnd.is_locked
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        try:
            services.record_meeting(
                actor=request.user,
                round=rnd,
                version=_int(request.POST.get("version")),
                held_on=_date(request.POST.get("held_on")),
                place_text=request.POST.get("place_text", ""),
                attendance=_int(request.POST.get("attendance"), 0),
                attendance_note=request.POST.get("attendance_note", ""),
                materials_reviewed=request.POST.get("materials_reviewed", ""),
                opinions_heard=request.POST.get("opinions_heard", ""),
                visits=_int(request.POST.get("visits"), 0),
                visits_note=request.POST.get("visits_note", ""),
            )
            messages.success(request, _("评议会记录已保存。"))
            return redirect("appraisal:round", pk)
        except DomainError as exc:
            _fail(request, exc)
    return render(request, "appraisal/meeting.html", {"round": rnd, "record": record, "can_run": can_run})


def _answers_from_post(post) -> dict:
    answers: dict[str, dict[str, str]] = {}
    for key, value in post.items():
        if key.startswith("a-"):
            parts = key.split("-")
            if len(parts) == 3:
                answers.setdefault(parts[1], {})[parts[2]] = value
    return answers


def _ballot_context(rnd: Round, answers: dict) -> dict:
    form = services.ballot_form(rnd)
    indicators = services.indicators_of_round(rnd, [block["subject"] for block in form])
    for block in form:
        block["indicators"] = indicators[block["subject"].pk]
        given = answers.get(str(block["subject"].pk), {})
        block["rows"] = [{"c": c, "value": given.get(str(c.pk), "")} for c in block["criteria"]]
    return {"round": rnd, "form": form, "levels": Level.choices}


@login_required
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Clerks type in paper ballots; each sheet twice by two different clerks, mismatches shown (EV-3)."""
    rnd = permissions.get_round_for(request.user, pk, write=True)
    answers: dict = {}
    if request.method == "POST" and request.POST.get("action") == "discard":
        try:
            services.discard_paper_sheet(
                actor=request.user,
                round=rnd,
                sheet_no=request.POST.get("sheet_no", ""),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("该纸质票已作废。"))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("appraisal:paper", pk)
    if request.method == "POST":
        answers = _answers_from_post(request.POST)
        try:
            outcome = services.enter_paper_ballot(
                actor=request.user, round=rnd, sheet_no=request.POST.get("sheet_no", ""), answers=answers
            )
            text = {
                "waiting": _("已录入，等待另一位工作人员第二次录入。"),
                "matched": _("两次录入一致，已计入一张选票。"),
                "mismatch": _("两次录入不一致，请核对原票后重新录入。"),
            }[outcome]
            (messages.warning if outcome == "mismatch" else messages.success)(request, text)
            return redirect("appraisal:paper", pk)
        except DomainError as exc:
            _fail(request, exc)
    ctx = _ballot_context(rnd, answers)
    ctx.update({"sheets": services.paper_status(rnd), "sheet_no": request.POST.get("sheet_no", "")})
    return render(request, "appraisal/paper.html", ctx)


@login_required
def paper_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Blank numbered paper ballots to print for participants without a phone (EV-3)."""
    rnd = permissions.get_round_for(request.user, pk, write=True)
    count = max(1, min(_int(request.GET.get("n"), 10), 200))
    start = max(1, _int(request.GET.get("from"), 1))
    ctx = _ballot_context(rnd, {})
    ctx["sheets"] = [f"P{n}" for n in range(start, start + count)]
    return render(request, "appraisal/paper_print.html", ctx)


def _render_ballot(request, rnd, participant, action_url, answers=None, status=200):
    ctx = _ballot_context(rnd, answers or {})
    ctx.update({"participant": participant, "action_url": action_url, "voting_open": rnd.voting_open()})
    return render(request, "appraisal/ballot.html", ctx, status=status)


def ballot(request: HttpRequest, token: str) -> HttpResponse:
    """The personal one-time link: no login needed, works on a phone (EV-3)."""
    participant = services.participant_for_token(token)
    if participant is None:
        return render(request, "appraisal/ballot_done.html", {"invalid": True}, status=404)
    rnd = participant.round
    if request.method == "POST":
        answers = _answers_from_post(request.POST)
        try:
            ratelimit.hit(request, "appraisal.ballot")  # a public link: floods are refused (issue 10.7)
            services.cast_ballot(participant=participant, answers=answers)
        except DomainError as exc:
            _fail(request, exc)
            return _render_ballot(request, rnd, participant, request.path, answers, status=exc.status)
        return render(request, "appraisal/ballot_done.html", {"round": rnd})
    return _render_ballot(request, rnd, participant, request.path)


@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed-in participant votes without the link."""
    participant = (
        Participant.objects.select_related("round__community", "round__standard")
        .filter(round_id=pk, person=request.user)
        .first()
    )
    if participant is None:
        raise Http404
    rnd = participant.round
    if participant.has_voted:
        return render(request, "appraisal/ballot_done.html", {"round": rnd, "already": True})
    if request.method == "POST":
        answers = _answers_from_post(request.POST)
        try:
            services.cast_ballot(participant=participant, answers=answers)
        except DomainError as exc:
            _fail(request, exc)
            return _render_ballot(request, rnd, participant, request.path, answers, status=400)
        return render(request, "appraisal/ballot_done.html", {"round": rnd})
    return _render_ballot(request, rnd, participant, request.path)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = permissions.get_round_for(request.user, pk)
    try:
        services.close_round(actor=request.user, round=rnd, version=_int(request.POST.get("version")))
        messages.success(request, _("测评已结束，初步结果已形成。"))
        return redirect("appraisal:results", pk)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:round", pk)


@login_required
@require_POST
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = permissions.get_round_for(request.user, pk)
    try:
        services.publish_results(actor=request.user, round=rnd, version=_int(request.POST.get("version")))
        messages.success(request, _("初步结果已公示。"))
        return redirect("appraisal:publicity", pk)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:round", pk)


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = permissions.get_round_for(request.user, pk)
    if not permissions.can_view_results(request.user, rnd):
        raise PermissionDenied
    return render(
        request,
        "appraisal/results.html",
        {"round": rnd, "rows": queries.result_rows(rnd), **_round_flags(request.user, rnd)},
    )


@login_required
def results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The result table with every score (made by the worker): POST starts it, GET offers the button."""
    rnd = permissions.get_round_for(request.user, pk)
    if not permissions.can_view_results(request.user, rnd):
        raise PermissionDenied
    return job_views.start(
        request,
        kind="appraisal.results_xlsx",
        title=_("导出评议结果表：%(community)s %(year)s 年度")
        % {"community": rnd.community.name, "year": rnd.year},
        params={"round": rnd.pk},
        place=rnd.community,
        back_url=reverse("appraisal:results", args=[rnd.pk]),
    )


@login_required
def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """The publicity and objection page (EV-5): raise an objection, answer them."""
    rnd = Round.objects.select_related("community", "street").filter(pk=pk).first()
    if rnd is None or not rnd.is_public:
        raise Http404
    can_object = permissions.can_object(request.user, rnd)
    can_view = permissions.can_view_round(request.user, rnd)
    if not (can_object or can_view):
        raise Http404
    if request.method == "POST":
        # Counted per person; past the limit the Chinese 429 page answers (sanfang.core.security).
        ratelimit.hit(request, "appraisal.objection", key=f"person:{request.user.pk}")
        subject = rnd.subjects.filter(pk=_int(request.POST.get("subject"), 0)).first()
        try:
            services.raise_objection(
                actor=request.user, round=rnd, text=request.POST.get("text", ""), subject=subject
            )
            messages.success(request, _("异议已提交，社区党组织将作出答复。"))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("appraisal:publicity", pk)
    can_answer = permissions.can_run_round(request.user, rnd) and rnd.status == Round.Status.PUBLICITY
    objections = rnd.objections.select_related("subject__organisation", "raised_by", "answered_by")
    if not can_view:
        objections = objections.filter(raised_by=request.user)
    return render(
        request,
        "appraisal/publicity.html",
        {
            "round": rnd,
            "objections": objections,
            "subjects": rnd.subjects.select_related("organisation"),
            "can_answer": can_answer,
            "can_object": can_object and rnd.status == Round.Status.PUBLICITY and not rnd.publicity_over(),
            "can_view": can_view,
            "show_names": can_view,
        },
    )


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = Objection.objects.select_related("round").filter(pk=pk).first()
    if objection is None:
        raise Http404
    permissions.get_round_for(request.user, objection.round_id, write=True)
    try:
        services.answer_objection(
            actor=request.user, objection=objection, answer=request.POST.get("answer", "")
        )
        messages.success(request, _("已答复。"))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:publicity", objection.round_id)


@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Street approval (EV-5): blocked while objections are unanswered or before the period ends."""
    rnd = permissions.get_round_for(request.user, pk)
    if not permissions.can_approve_round(request.user, rnd):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.approve_round(
                actor=request.user,
                round=rnd,
                note=request.POST.get("note", ""),
                version=_int(request.POST.get("version")),
            )
            messages.success(request, _("结果已审定。"))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("appraisal:approve", pk)
    rows = queries.result_rows(rnd) if rnd.results_visible else []
    return render(
        request,
        "appraisal/approve.html",
        {
            "round": rnd,
            "rows": rows,
            "blockers": services.approval_blockers(rnd) if rnd.status == Round.Status.PUBLICITY else [],
            "objections": rnd.objections.select_related("subject__organisation"),
        },
    )


@login_required
@require_POST
def circulate(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = permissions.get_round_for(request.user, pk)
    try:
        services.circulate_round(actor=request.user, round=rnd, version=_int(request.POST.get("version")))
        messages.success(request, _("结果已在街道内通报，信用记录已更新。"))
        return redirect("appraisal:circulation", rnd.street_id, rnd.year)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("appraisal:approve", pk)


def public_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The public result page for the community's boards: scores and ranks, no personal data (EV-5)."""
    rnd = Round.objects.select_related("community", "street").filter(pk=pk).first()
    if rnd is None or not rnd.is_public:
        raise Http404
    subjects = queries.ordered_subjects(rnd)
    counts = rnd.objections.aggregate(
        n=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))
    )
    # The objection button leads to the publicity page: offered to a visitor (who signs in first) and to a
    # signed-in person who may object, never to one for whom that page would be a 404.
    may_object = not request.user.is_authenticated or permissions.can_object(request.user, rnd)
    return render(
        request,
        "appraisal/public.html",
        {"round": rnd, "subjects": subjects, "counts": counts, "may_object": may_object},
    )


def _street_for(user, street_id: int) -> Place:
    street = Place.objects.filter(pk=street_id, kind=PlaceKind.STREET).first()
    if street is None:
        raise Http404
    scope = get_scope(user)
    ok = (
        scope.is_superuser
        or scope.reaches(street, roles=Role.STAFF)
        or any(g.place_path.startswith(street.path) for g in scope.grants if g.role in Role.STAFF)
    )
    if not ok:
        raise Http404
    return street


@login_required
def circulation(request: HttpRequest, street_id: int, year: int) -> HttpResponse:
    """The circulation within the street: a ranking of its communities' subjects (EV-5)."""
    street = _street_for(request.user, street_id)
    groups = queries.circulation_groups(street, year)
    for group in groups:
        for row in group["rows"]:
            row["history_visible"] = permissions.can_view_history(request.user, row["subject"].organisation)
    return render(request, "appraisal/circulation.html", {"street": street, "year": year, "groups": groups})


@login_required
def circulation_docx(request: HttpRequest, street_id: int, year: int) -> HttpResponse:
    """The street's circulation notice (made by the worker): POST starts it, GET offers the button."""
    street = _street_for(request.user, street_id)
    return job_views.start(
        request,
        kind="appraisal.circulation_docx",
        title=_("生成评议结果通报：%(street)s %(year)s 年度") % {"street": street.name, "year": year},
        params={"street": street.pk, "year": year},
        place=street,
        back_url=reverse("appraisal:circulation", args=[street.pk, year]),
    )


@login_required
def credit(request: HttpRequest, pk: int) -> HttpResponse:
    """A property company's credit record (EV-5), as shown when its contract renewal is decided (CS-7)."""
    company = permissions.get_company_for(request.user, pk)
    can_add = permissions.can_add_credit_entry(request.user, company)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        try:
            services.add_credit_entry(
                actor=request.user,
                company=company,
                kind=request.POST.get("kind", ""),
                text=request.POST.get("text", ""),
                valid_from=_date(request.POST.get("valid_from")) or timezone.localdate(),
                valid_until=_date(request.POST.get("valid_until")),
            )
            messages.success(request, _("已记入信用记录。"))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("appraisal:credit", pk)
    return render(
        request,
        "appraisal/credit.html",
        {
            "company": company,
            "summary": services.credit_summary(company),
            "entries": services.credit_history(company),
            "can_add": can_add,
            "kinds": [
                (CreditEntry.Kind.GOOD, CreditEntry.Kind.GOOD.label),
                (CreditEntry.Kind.BAD, CreditEntry.Kind.BAD.label),
            ],
        },
    )


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's appraisal history: its approved results, year by year (EV-5)."""
    org = Organisation.objects.select_related("place").filter(pk=pk).first()
    if org is None:
        raise Http404
    if not permissions.can_view_history(request.user, org):
        raise Http404
    rows = (
        Subject.objects.filter(
            organisation=org, round__status__in=(Round.Status.APPROVED, Round.Status.CIRCULATED)
        )
        .select_related("round__community")
        .order_by("-round__year", "round__community__path")
    )
    can_view_credit = permissions.can_view_credit(request.user, org)
    return render(
        request, "appraisal/history.html", {"org": org, "rows": rows, "can_view_credit": can_view_credit}
    )
