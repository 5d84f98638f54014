"""Case pages: the resident's report form and follow page, the office's triage list, the case page with its
route's actions, the street's summons view, major matters and the rates overview. Thin: services decide."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from sanfang.core import job_views, ratelimit
from sanfang.core.errors import DomainError
from sanfang.core.files import serve_upload
from sanfang.directory.models import Organisation, OrgKind, Place, PlaceKind
from sanfang.directory.scopes import Role, get_scope

from . import forms, permissions, public, services
from .models import (
    OPEN_STATUSES,
    STEP_LABELS,
    Case,
    CaseClass,
    CasePhoto,
    JointExplanation,
    MatterKind,
    Status,
    Summons,
    SummonsLevel,
)


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- resident intake (public) ------------------------------------------------------------------------------


def report(request: HttpRequest, code: str) -> HttpResponse:
    """Reached from a compound's board and its QR code; anonymous allowed, signed-in residents prefilled."""
    # With its community and street (the case belongs to all three) and the street's deadline, in one query.
    compound = get_object_or_404(services.report_places(), code=code, kind=PlaceKind.COMPOUND)
    initial = {}
    if request.user.is_authenticated:
        initial = {"reporter_name": request.user.name, "reporter_contact": request.user.phone or ""}
    form = forms.ReportForm(request.POST or None, request.FILES or None, compound=compound, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Anonymous reports are welcome, floods are not.
            ratelimit.hit(request, "cases.report", getattr(settings, "CASES_REPORT_RATE", None))
            case = services.submit_case(
                actor=request.user,
                compound=compound,
                category=data["category"],
                title="",
                description=data["description"],
                building=data["building"],
                unit=data["unit"],
                reporter_name=data["reporter_name"],
                reporter_contact=data["reporter_contact"],
                photos=data["photos"],
            )
        except DomainError as exc:
            _form_error(form, exc)
            status = exc.status if isinstance(exc, ratelimit.RateLimited) else 200
        else:
            messages.success(
                request,
                _("已收到您反映的问题，受理编号 %(no)s。请收藏本页，随时查看办理进展。")
                % {"no": case.tracking_no},
            )
            return redirect("cases:follow", token=case.follow_token)
    return render(request, "cases/report.html", {"form": form, "compound": compound}, status=status)


def _follow_case(token: str) -> Case:
    case = Case.objects.select_related("compound").filter(follow_token=token).first()
    if case is None:
        raise Http404
    return case


def follow(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter's private page (unguessable link): status, public progress, rating after resolution."""
    case = _follow_case(token)
    form = forms.FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit(request, "cases.feedback", "30/h")
            services.give_feedback(
                actor=request.user,
                case=case,
                token=token,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                dispute=form.cleaned_data["dispute"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("谢谢您的评价。"))
            return redirect("cases:follow", token=token)
    events = [e for e in case.events.all() if e.public]
    response = render(
        request,
        "cases/follow.html",
        {
            "case": case,
            "events": events,
            "photos": case.photos.all(),
            "form": form,
            "can_rate": case.status == Status.RESOLVED,
            "token": token,
        },
    )
    # The token must not leak through links to other sites; "same-origin" (not "no-referrer", which makes the
    # browser post the rating form with Origin: null and fail the CSRF check) keeps it on this site.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def public_case(request: HttpRequest, tracking_no: str) -> HttpResponse:
    """The board's view of one case (PN-1): no reporter, no contact, no photos. Rendered once per state of the
    case and its board and served from the cache until that changes (public.py, issue 9)."""
    parts = public.rendered_case(tracking_no)
    if parts is None:
        raise Http404
    # The body was rendered by our own template, autoescaped; the title is plain text and escaped by base.html.
    body = mark_safe(parts["body"])  # noqa: S308
    return render(request, "cases/public.html", {"title": parts["title"], "body": body})


def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Photos are private: staff on the case, or the reporter holding the follow link."""
    item = get_object_or_404(CasePhoto.objects.select_related("case__compound"), pk=pk)
    token = request.GET.get("t", "")
    if not (token and token == item.case.follow_token):
        permissions.get_case_for(request.user, item.case_id)
    return serve_upload(item.image, inline=True, content_type="image/jpeg")


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """A signed-in resident's own reports, each linking to its follow page."""
    cases = (
        Case.objects.filter(reporter=request.user)
        .select_related("compound")
        .order_by("-created_at", "-id")[:100]
    )
    return render(request, "cases/my_reports.html", {"cases": cases})


# --- staff -------------------------------------------------------------------------------------------------


STAFF_PAGE_SIZE = 25  # rows per page of the staff's case list (issue 9: "25 rows with filters")


def _filtered(request):
    """The triage queues: mine, my organisations', overdue; filtered by status and class."""
    qs = permissions.cases_visible_to(request.user).select_related("compound", "handler")
    view = request.GET.get("view", "org")
    today = timezone.localdate()
    if view == "mine":
        qs = qs.filter(Q(handler=request.user) | Q(co_handlers=request.user)).distinct()
    elif view == "overdue":
        qs = qs.overdue(today)
    status = request.GET.get("status", "")
    if status == "open":
        qs = qs.open()
    elif status in Status.values:
        qs = qs.filter(status=status)
    case_class = request.GET.get("class", "")
    if case_class in CaseClass.values:
        qs = qs.filter(case_class=case_class)
    return qs, view, status, case_class, today


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The filtered case list as an .xlsx ledger (no reporter data), made by the worker: POST starts it (the
    filters come in the address), GET offers the button."""
    if not get_scope(request.user).is_staff_member:
        raise PermissionDenied
    _qs, view, status, case_class, _today = _filtered(request)
    query = urlencode({"view": view, "status": status, "class": case_class})
    return job_views.start(
        request,
        kind="cases.ledger",
        title=_("导出问题台账"),
        params={"view": view, "status": status, "class": case_class},
        back_url=reverse("cases:triage") + "?" + query,
    )


# What the list shows of a case, its compound and its handler: the page query reads these values only (plain rows,
# no model instances to build).
TRIAGE_COLUMNS = (
    "pk",
    "tracking_no",
    "title",
    "case_class",
    "status",
    "due_on",
    "created_at",
    "compound__name",
    "handler__name",
)


def pk_address(view_name: str):
    """The address of a view that takes one integer pk, for many pks: reversed once, each pk put in its place
    (what reverse() gives for it; the converter is `int`)."""
    marker = "9876543210"
    head, _marker, tail = reverse(view_name, args=[int(marker)]).rpartition(marker)
    return lambda pk: f"{head}{int(pk)}{tail}"


def _triage_rows(cases, today: dt.date) -> list[dict]:
    """What each row of the page shows, worked out once per page (issue 9): the labels of the statuses and classes
    in the reader's language (`get_FOO_display` rebuilt the choices for every row), the case page's address
    (reversed once), the due date and whether it is overdue. Plain dicts: the template finds a key at its first
    try, where an attribute of a model instance costs it a failed item lookup first."""
    status_labels = {value: str(label) for value, label in Status.choices}
    class_labels = {value: str(label) for value, label in CaseClass.choices}
    address = pk_address("cases:detail")
    return [
        {
            "url": address(c["pk"]),
            "tracking_no": c["tracking_no"],
            "title": c["title"],
            "compound": c["compound__name"],
            "class_label": class_labels.get(c["case_class"], c["case_class"]),
            "status_label": status_labels.get(c["status"], c["status"]),
            "handler": c["handler__name"] or "",
            "due": c["due_on"].isoformat() if c["due_on"] else "",
            "overdue": bool(c["status"] in OPEN_STATUSES and c["due_on"] and c["due_on"] < today),
        }
        for c in cases
    ]


class TriagePage:
    """One page of the list, read as STAFF_PAGE_SIZE + 1 rows: the extra row says whether there is a next page.
    There is no count: counting every open case of a county's scope took longer than the rest of the page at
    1,000,000 cases (issue 9), and the list is worked from the top. An address past the last page shows the empty
    list (with its way back)."""

    def __init__(self, qs, number) -> None:
        try:
            self.number = min(max(1, int(number or 1)), 100_000)  # an offset any database takes
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * STAFF_PAGE_SIZE
        rows = list(qs[start : start + STAFF_PAGE_SIZE + 1])
        self.has_next = len(rows) > STAFF_PAGE_SIZE
        self.object_list = rows[:STAFF_PAGE_SIZE]
        self.has_previous = self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


# One row of the list, built here rather than by the template engine: its 25 rows × 9 cells were a third of the
# page's CPU (issue 9). Every value is escaped (html.escape, which is what django.utils.html.escape calls, without
# its lazy-string wrapper per value); the markup is the table's in triage.html.
TRIAGE_ROW = (
    '\n<tr>\n  <td><a href="{}">{}</a></td>\n  <td>{}</td>\n  <td>{}</td>\n  <td>{}</td>\n'
    '  <td><span class="tag">{}</span></td>\n  <td>{}</td>\n  <td>{}</td>\n</tr>'
)


def _triage_html(rows: list[dict]) -> str:
    e = html.escape
    overdue = f' <span class="tag overdue">{e(str(_("逾期")))}</span>'
    return mark_safe(  # noqa: S308 (every value escaped above)
        "".join(
            TRIAGE_ROW.format(
                e(r["url"]),
                e(r["tracking_no"]),
                e(r["title"]),
                e(r["compound"]),
                e(r["class_label"] or "—"),
                e(r["status_label"]),
                e(r["handler"] or "—"),
                (e(r["due"]) + (overdue if r["overdue"] else "")) if r["due"] else "",
            )
            for r in rows
        )
    )


@login_required
def triage(request: HttpRequest) -> HttpResponse:
    """Queues: mine, my organisations', new (to classify), overdue; filters by class and status."""
    scope = get_scope(request.user)
    if not scope.is_staff_member:
        raise PermissionDenied
    qs, view, status, case_class, today = _filtered(request)
    qs = qs.values(*TRIAGE_COLUMNS).order_by("-created_at", "-id")
    page = TriagePage(qs, request.GET.get("page"))
    rows = _triage_rows(page.object_list, today)
    compounds = Place.objects.compounds().filter(
        scope.place_q("path", roles=permissions.THREE_PARTIES_AND_LEAD + (Role.GRID_WORKER,))
    )[:200]
    return render(
        request,
        "cases/triage.html",
        {
            "page": page,
            "rows": rows,
            "rows_html": _triage_html(rows),
            "view": view,
            "status": status,
            "case_class": case_class,
            "statuses": Status.choices,
            "classes": CaseClass.choices,
            "today": today,
            "compounds": compounds,
            "can_overview": scope.has_role(Role.STREET, Role.COUNTY, Role.PARTY_ORG) or scope.is_superuser,
            "can_policy": scope.has_role(Role.STREET, Role.COUNTY) or scope.is_superuser,
        },
    )


@login_required
def staff_new(request: HttpRequest) -> HttpResponse:
    """Staff / grid-worker entry, including cases phoned in by residents."""
    compound = None
    code = request.GET.get("compound") or request.POST.get("compound_code")
    if code:
        compound = Place.objects.compounds().filter(code=code).first()
    if compound is None:
        scope = get_scope(request.user)
        compounds = Place.objects.compounds().filter(
            scope.place_q("path", roles=permissions.THREE_PARTIES_AND_LEAD + (Role.GRID_WORKER,))
        )[:200]
        return render(request, "cases/pick_compound.html", {"compounds": compounds})
    if not permissions.can_enter_case(request.user, compound):
        raise PermissionDenied
    form = forms.StaffCaseForm(
        request.POST or None, request.FILES or None, compound=compound, initial={"compound": compound.pk}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.submit_case(
                actor=request.user,
                compound=compound,
                category=d["category"],
                title=d["title"],
                description=d["description"],
                building=d["building"],
                unit=d["unit"],
                reporter_name=d["reporter_name"],
                reporter_contact=d["reporter_contact"],
                source=d["source"],
                photos=d["photos"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已登记，受理编号 %(no)s。") % {"no": case.tracking_no})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/staff_new.html", {"form": form, "compound": compound})


def _handover_targets(case: Case):
    compound, community = case.compound, case.community
    companies = Organisation.objects.serving(compound).values("pk")
    return Organisation.objects.filter(
        Q(place=compound, kind__in=[OrgKind.OWNERS_COMMITTEE, OrgKind.COMPOUND_PARTY_ORG])
        | Q(place=community, kind__in=[OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC, OrgKind.PARTY_ORG])
        | Q(pk__in=companies)
    ).order_by("kind", "id")


def _classify_form(case: Case, data=None, initial=None, auto_id="id_%s") -> forms.ClassifyForm:
    """The convener choices: heads of the case compound's party organisation (CS-2)."""
    from sanfang.directory.models import Person, Position

    form = forms.ClassifyForm(data, initial=initial, auto_id=auto_id)
    heads = Position.objects.current().filter(
        is_head=True, organisation__kind=OrgKind.COMPOUND_PARTY_ORG, organisation__place=case.compound
    )
    form.fields["convener"].queryset = Person.objects.filter(pk__in=heads.values("person_id")).order_by(
        "name", "id"
    )
    return form


def _case_context(request, case: Case) -> dict:
    user = request.user
    summonses = list(case.summonses.select_related("to_org", "from_org").order_by("issued_at", "id"))
    explanations = list(case.explanations.prefetch_related("signatures__organisation"))
    is_office = permissions.is_office(user, case)
    is_open = case.is_open
    handover_form = forms.HandoverForm(auto_id="handover-%s")
    handover_form.fields["to_org"].queryset = _handover_targets(case)
    reportable = [
        (s, forms.ReportInForm(auto_id=f"report-in-{s.pk}-%s"))
        for s in summonses
        if not s.reported_at and permissions.can_report_in(user, s)
    ]
    street_summons = next((s for s in summonses if s.level == SummonsLevel.STREET), None)
    return {
        "case": case,
        "events": case.events.select_related("actor").all(),
        "photos": case.photos.all(),
        "co_handlers": case.co_handlers.all(),
        "summonses": summonses,
        "explanations": explanations,
        "engagements": case.engagements.all(),
        "reviews": case.reviews.all(),
        "handovers": case.handovers.select_related("from_org", "to_org").all(),
        "investigation": getattr(case, "investigation", None) if hasattr(case, "investigation") else None,
        # the stored role codes, shown by their names
        "investigation_people": [
            {"name": p["name"], "role": services.INVESTIGATION_ROLES.get(p["role"], p["role"])}
            for p in (case.investigation.participants if hasattr(case, "investigation") else [])
        ],
        "reporter_shown": permissions.reporter_shown_to(user, case),
        "can_classify": is_open and permissions.can_classify_case(user, case),
        "can_routine": is_open
        and case.case_class == CaseClass.ROUTINE
        and permissions.can_handle_routine(user, case),
        "can_cannot_solve": case.case_class == CaseClass.ROUTINE
        and case.status == Status.HANDLING
        and permissions.can_handle_routine(user, case),
        "can_resolve": is_open
        and case.status != Status.NEW
        and (
            permissions.can_handle_routine(user, case) if case.case_class == CaseClass.ROUTINE else is_office
        ),
        "can_investigate": is_open
        and case.case_class == CaseClass.MAJOR
        and permissions.can_investigate(user, case),
        "can_propose": case.status == Status.AWAITING_SUMMONS and is_office,
        "can_street_summons": is_open
        and case.case_class == CaseClass.BEYOND_REMIT
        and bool(case.proposal)
        and street_summons is None
        and permissions.can_issue_street_summons(user, case),
        "street_summons": street_summons,
        "can_dept_summons": is_open
        and street_summons is not None
        and permissions.can_issue_department_summons(user, case),
        "reportable": reportable,
        "can_review": is_open and case.case_class == CaseClass.LEGACY and is_office,
        "can_explain": case.case_class == CaseClass.LEGACY and permissions.can_sign_explanation(user, case),
        "can_engage": permissions.can_record_engagement(user, case),
        "can_hand_over": is_open and permissions.can_hand_over(user, case),
        "can_progress": is_open and (permissions.can_hand_over(user, case) or is_office),
        "explained": services.has_joint_explanation(case),
        # One page holds many forms: each gets its own element ids, so every label names its own field.
        "classify_form": _classify_form(case, initial={"case_class": case.case_class}, auto_id="classify-%s"),
        "resolve_form": forms.TextForm(auto_id="resolve-%s"),
        "cannot_solve_form": forms.TextForm(auto_id="cannot-solve-%s"),
        "propose_form": forms.TextForm(auto_id="propose-%s"),
        "progress_form": forms.TextForm(auto_id="progress-%s"),
        "handover_form": handover_form,
        "investigation_form": forms.InvestigationForm(auto_id="investigation-%s"),
        "summons_form": forms.SummonsForm(auto_id="summons-%s"),
        "dept_form": forms.DepartmentSummonsForm(auto_id="departments-%s"),
        "review_form": forms.ReviewForm(auto_id="review-%s"),
        "explanation_form": forms.ExplanationForm(auto_id="explanation-%s"),
        "engagement_form": forms.EngagementForm(auto_id="engagement-%s"),
        "today": timezone.localdate(),
        "investigation_roles": services.INVESTIGATION_ROLES,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = permissions.get_case_for(request.user, pk)
    return render(request, "cases/detail.html", _case_context(request, case))


@login_required
def investigation_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """CS-3: the investigation report as a .docx for the party organisation and the office."""
    case = permissions.get_case_for(request.user, pk, write=True)
    if not hasattr(case, "investigation"):
        raise Http404
    from .documents import investigation_report

    response = HttpResponse(
        investigation_report(case),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="investigation-{case.tracking_no}.docx"'
    return response


ACTIONS = {
    "classify",
    "cannot-solve",
    "resolve",
    "hand-over",
    "investigate",
    "report",
    "propose",
    "summons",
    "summon-departments",
    "report-in",
    "review",
    "explain",
    "sign",
    "engage",
    "progress",
}


@login_required
@require_POST
def action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every route action posts here; the service checks the rule and the permission."""
    if action not in ACTIONS:
        raise Http404
    case = permissions.get_case_for(request.user, pk)
    user, post = request.user, request.POST
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    try:
        _run(action, user, case, post, version)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("cases:detail", pk=case.pk)


def _valid(form):
    if not form.is_valid():
        colon = pgettext("label separator", "：")
        errors = pgettext("clause separator", "；").join(
            f"{form.fields[f].label if f in form.fields else ''}{colon if f in form.fields else ''}{e}"
            for f, es in form.errors.items()
            for e in es
        )
        raise DomainError(errors)
    return form.cleaned_data


def _run(action: str, user, case: Case, post, version: int | None) -> None:
    if action == "classify":
        d = _valid(_classify_form(case, post))
        services.classify_case(
            actor=user,
            case=case,
            case_class=d["case_class"],
            reason=d["reason"],
            convener=d["convener"],
            version=version,
        )
    elif action == "cannot-solve":
        services.cannot_solve(
            actor=user, case=case, opinion=_valid(forms.TextForm(post))["text"], version=version
        )
    elif action == "resolve":
        services.resolve_case(
            actor=user, case=case, solution=_valid(forms.TextForm(post))["text"], version=version
        )
    elif action == "progress":
        services.update_progress(actor=user, case=case, text=_valid(forms.TextForm(post))["text"])
    elif action == "hand-over":
        form = forms.HandoverForm(post)
        form.fields["to_org"].queryset = _handover_targets(case)
        d = _valid(form)
        services.hand_over(actor=user, case=case, to_org=d["to_org"], reason=d["reason"], version=version)
    elif action == "investigate":
        d = _valid(forms.InvestigationForm(post))
        services.record_investigation(actor=user, case=case, **d)
    elif action == "report":
        services.report_major(actor=user, case=case, put_on_agenda=bool(post.get("agenda")))
    elif action == "propose":
        services.propose_summons(
            actor=user,
            case=case,
            proposal=_valid(forms.TextForm(post))["text"],
            put_on_agenda=bool(post.get("agenda")),
        )
    elif action == "summons":
        services.issue_street_summons(
            actor=user, case=case, request=_valid(forms.SummonsForm(post))["request"]
        )
    elif action == "summon-departments":
        d = _valid(forms.DepartmentSummonsForm(post))
        parent = case.summonses.filter(level=SummonsLevel.STREET).first()
        if parent is None:
            raise DomainError(_("尚未向街道吹哨。"))
        services.summon_departments(
            actor=user, summons=parent, to_orgs=list(d["to_orgs"]), request=d["request"]
        )
    elif action == "report-in":
        summons = case.summonses.filter(
            pk=post.get("summons") if str(post.get("summons", "")).isdigit() else None
        ).first()
        if summons is None:
            raise Http404
        d = _valid(forms.ReportInForm(post))
        services.report_in(actor=user, summons=summons, reply=d["reply"], actions=d["actions"])
    elif action == "review":
        d = _valid(forms.ReviewForm(post))
        services.record_review(
            actor=user, case=case, progress=d["progress"], next_review_on=d["next_review_on"]
        )
    elif action == "explain":
        d = _valid(forms.ExplanationForm(post))
        services.record_explanation(actor=user, case=case, held_on=d["held_on"], content=d["content"])
    elif action == "sign":
        exp = JointExplanation.objects.filter(
            case=case, pk=post.get("explanation") if str(post.get("explanation", "")).isdigit() else None
        ).first()
        if exp is None:
            raise Http404
        services.sign_explanation(actor=user, explanation=exp)
    elif action == "engage":
        d = _valid(forms.EngagementForm(post))
        services.record_engagement(actor=user, case=case, **d)


@login_required
def summonses(request: HttpRequest) -> HttpResponse:
    """CS-4: the street's (and departments') view of open and overdue summonses and each unit's timeliness."""
    scope = get_scope(request.user)
    roles = (Role.STREET, Role.COUNTY, Role.PARTY_ORG)
    if not (scope.is_superuser or scope.has_role(*roles, Role.DEPARTMENT)):
        raise PermissionDenied
    q = scope.place_q("case__compound__path", roles=roles) if not scope.is_superuser else Q()
    if scope.organisation_ids:
        q |= Q(to_org_id__in=scope.organisation_ids)
    qs = Summons.objects.filter(q).select_related("case", "to_org", "from_org").order_by("-issued_at", "-id")
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    rows = list(qs[:500])
    timeliness: dict[str, dict] = {}
    for s in rows:
        t = timeliness.setdefault(
            s.to_org.name, {"org": s.to_org.name, "total": 0, "on_time": 0, "late": 0, "open": 0}
        )
        t["total"] += 1
        if s.reported_at is None:
            t["open"] += 1
            if s.is_late:
                t["late"] += 1
        elif s.is_late:
            t["late"] += 1
        else:
            t["on_time"] += 1
    if show == "open":
        rows = [s for s in rows if s.reported_at is None]
    elif show == "overdue":
        rows = [s for s in rows if s.reported_at is None and s.due_on and s.due_on < today]
    return render(
        request,
        "cases/summonses.html",
        {
            "rows": rows,
            "show": show,
            "timeliness": sorted(timeliness.values(), key=lambda t: t["org"]),
            "today": today,
        },
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Response, resolution and satisfaction rates per compound / company / community for a period."""
    scope = get_scope(request.user)
    roles = (Role.STREET, Role.COUNTY, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE)
    if not (scope.is_superuser or scope.has_role(*roles)):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # Any period: ?start=YYYY-MM-DD&end=YYYY-MM-DD overrides the calendar year.
    try:
        if request.GET.get("start"):
            start = dt.date.fromisoformat(request.GET["start"])
        if request.GET.get("end"):
            end = dt.date.fromisoformat(request.GET["end"])
    except ValueError:
        messages.error(request, _("日期格式应为 年-月-日。"))
    if end < start:
        start, end = end, start
    by = request.GET.get("by", "community")
    key = f"cases:overview:{services.rates_version()}:{request.user.pk}:{start}:{end}:{by}"
    figures = cache.get(key)
    if figures is None:
        figures = _overview_figures(scope, roles, start, end, by)
        cache.set(key, figures, OVERVIEW_CACHE_SECONDS)
    rows, total, bounces = figures
    return render(
        request,
        "cases/overview.html",
        {
            "rows": rows,
            "total": total,
            "year": year,
            "by": by,
            "bounces": bounces,
            "start": start,
            "end": end,
        },
    )


# Rates over a year change slowly; the figures are kept this long per person and period (issue 9: ≤ 30 ms warm).
OVERVIEW_CACHE_SECONDS = 300


def _cases_in_scope_q(scope, roles) -> Q:
    """The scope's places as filters on the cases' own street/community columns (indexed, no join)."""
    q = Q(pk__in=[])
    for g in scope.grants:
        if g.role not in roles:
            continue
        if g.place_kind == PlaceKind.COUNTY:
            q |= Q(street__parent_id=g.place_id)
        elif g.place_kind == PlaceKind.STREET:
            q |= Q(street_id=g.place_id)
        elif g.place_kind == PlaceKind.COMMUNITY:
            q |= Q(community_id=g.place_id)
        else:
            q |= Q(compound__path__startswith=g.place_path)
    return q


def _overview_figures(scope, roles, start: dt.date, end: dt.date, by: str):
    """The overview's rows, total and bounce report: grouped SQL aggregates over the period's cases."""
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    base = Case.objects.filter(created_at__gte=lo, created_at__lt=hi)
    if not scope.is_superuser:
        base = base.filter(_cases_in_scope_q(scope, roles))
    field = {"compound": "compound__name", "community": "community__name", "street": "street__name"}.get(
        by, "community__name"
    )
    by_name = services.rates_by(base, field)
    rows = [{"name": n, "r": by_name[n]} for n in sorted(by_name, key=lambda n: n or "")[:200]]
    total = services.rates(base)
    if by == "company":
        rows = []
        company_ids = base.values("compound__contracts__company_id")
        for company in Organisation.objects.filter(
            pk__in=company_ids, kind=OrgKind.PROPERTY_COMPANY
        ).order_by("name")[:100]:
            rows.append(
                {
                    "name": company.name,
                    "r": services.rates(
                        services.cases_of_subject(company, start, end).filter(pk__in=base.values("pk"))
                    ),
                }
            )
    bounce_place = None
    for g in scope.grants:
        if g.role in roles:
            bounce_place = Place.objects.filter(pk=g.place_id).first()
            break
    bounces = services.bounce_report(bounce_place) if bounce_place else []
    return rows, total, bounces


# --- major matters (CS-7) ----------------------------------------------------------------------------------


@login_required
def matters(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not scope.is_staff_member:
        raise PermissionDenied
    qs = (
        permissions.matters_visible_to(request.user)
        .select_related("compound")
        .prefetch_related("invitations")
    )
    page = Paginator(qs.order_by("-created_at", "-id"), 30).get_page(request.GET.get("page"))
    compounds = Place.objects.compounds().filter(
        scope.place_q("path", roles=permissions.THREE_PARTIES_AND_LEAD)
    )[:200]
    return render(
        request, "cases/matters.html", {"page": page, "compounds": compounds, "kinds": MatterKind.choices}
    )


@login_required
@require_POST
def matter_new(request: HttpRequest) -> HttpResponse:
    form = forms.MatterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写完整。"))
        return redirect("cases:matters")
    d = form.cleaned_data
    compound = Place.objects.compounds().filter(pk=d["compound"]).first()
    if compound is None:
        raise Http404
    try:
        matter = services.open_matter(
            actor=request.user,
            compound=compound,
            kind=d["kind"],
            title=d["title"],
            description=d["description"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cases:matters")
    return redirect("cases:matter", pk=matter.pk)


@login_required
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = permissions.get_matter_for(request.user, pk)
    invitations = {
        i.party: i for i in matter.invitations.select_related("organisation", "invited_by", "acknowledged_by")
    }
    user = request.user
    parties = []
    for party, label in (("street", _("街道（乡镇）")), ("party_org", _("社区党组织"))):
        inv = invitations.get(party)
        parties.append(
            {
                "party": party,
                "label": label,
                "inv": inv,
                "can_invite": inv is None and permissions.can_invite(user, matter),
                "can_ack": inv is not None
                and not inv.acknowledged_at
                and permissions.can_acknowledge(user, matter, party),
            }
        )
    from sanfang.core.models import AuditEvent

    verbs = {
        "major_matter.open": _("提出"),
        "major_matter.invite": _("邀请提前介入"),
        "major_matter.acknowledge": _("确认提前介入"),
        "major_matter.advance": _("进入下一步"),
    }
    trail = list(AuditEvent.objects.for_target(matter).order_by("at", "id"))
    for event in trail:
        event.verb_label = verbs.get(event.verb, event.verb)
    return render(
        request,
        "cases/matter.html",
        {
            "matter": matter,
            "parties": parties,
            "trail": trail,
            "steps": [(s, str(STEP_LABELS[s])) for s in matter.steps],
            "can_advance": matter.step != "done" and permissions.can_advance_matter(user, matter),
        },
    )


@login_required
@require_POST
def matter_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    matter = permissions.get_matter_for(request.user, pk)
    party = request.POST.get("party", "")
    try:
        if action == "invite":
            services.invite(actor=request.user, matter=matter, party=party)
        elif action == "acknowledge":
            services.acknowledge(
                actor=request.user, matter=matter, party=party, note=request.POST.get("note", "")
            )
        elif action == "advance":
            v = request.POST.get("version", "")
            services.advance_matter(
                actor=request.user, matter=matter, version=int(v) if v.isdigit() else None
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("cases:matter", pk=matter.pk)


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    """A street sets its own working-day limits per class and step, and the bounce threshold (CS-2 … CS-5)."""
    scope = get_scope(request.user)
    streets = Place.objects.streets()
    if not scope.is_superuser:
        streets = streets.filter(scope.place_q("path", roles=(Role.STREET, Role.COUNTY)))
    streets = list(streets.order_by("path")[:100])
    if not streets:
        raise PermissionDenied
    street = next((s for s in streets if str(s.pk) == request.GET.get("street", "")), streets[0])
    if request.method == "POST":
        try:
            for key in services.DEFAULT_DEADLINES:
                raw = request.POST.get(key, "").strip()
                if raw and raw.isdigit() and int(raw) != services.policy_value(street, key):
                    services.set_policy(actor=request.user, street=street, key=key, value=int(raw))
                elif raw and not raw.isdigit():
                    raise DomainError(_("请填写正整数。"))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
        return redirect(f"{request.path}?street={street.pk}")
    rows = [
        {
            "key": k,
            "label": services.DEADLINE_LABELS[k],
            "default": d,
            "value": services.policy_value(street, k),
        }
        for k, d in services.DEFAULT_DEADLINES.items()
    ]
    return render(request, "cases/policy.html", {"streets": streets, "street": street, "rows": rows})
