"""Report pages: list, start (type + compound), compose per type (written or oral), report page with
opinions and answers (PN-4, PN-5). Thin: parse, access, call a service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfang.core.errors import DomainError
from sanfang.core.files import serve_upload
from sanfang.core.lazy import lazy_module
from sanfang.directory.models import Place
from sanfang.directory.scopes import Role, get_scope

from . import permissions, services
from .forms import OpinionForm, ReportForm, StartForm
from .kinds import TYPES, ReportType, display_fields
from .models import Opinion, Report, ReportRecipient, Status

# openpyxl / python-docx only when a document is asked for (core/lazy.py)
documents = lazy_module(__package__ + ".documents")

FILER_ROLES = (Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY, Role.RESIDENTS_COMMITTEE)
RECEIVER_ROLES = (Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE, Role.STREET)


def _my_org_q(user, field: str) -> Q:
    scope = get_scope(user)
    q = Q(**{f"{field}_id__in": list(scope.organisation_ids)})
    epmc_places = [g.place_id for g in scope.grants if g.leads_epmc]
    if epmc_places:
        q |= Q(**{f"{field}__kind": "epmc", f"{field}__place_id__in": epmc_places})
    return q


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    qs = Report.objects.visible_to(request.user)
    box = request.GET.get("box") or "all"
    if box == "filed":
        qs = qs.filter(reporting_org_id__in=list(scope.organisation_ids))
    elif box == "received":
        qs = qs.filter(
            Exists(
                ReportRecipient.objects.filter(_my_org_q(request.user, "organisation"), report=OuterRef("pk"))
            )
        )
    report_type = request.GET.get("type") or ""
    if report_type in ReportType.values:
        qs = qs.filter(type=report_type)
    status = request.GET.get("status") or ""
    if status in Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("unanswered"):
        qs = qs.with_unanswered()
    qs = (
        qs.select_related("compound", "reporting_org")
        .annotate(
            unanswered=Count("opinions", filter=Q(opinions__answered_at__isnull=True)),
            opinion_count=Count("opinions"),
        )
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/list.html",
        {
            "page": page,
            "box": box,
            "types": ReportType.choices,
            "statuses": Status.choices,
            "current_type": report_type,
            "current_status": status,
            "unanswered_only": bool(request.GET.get("unanswered")),
            "can_start": scope.has_role(*FILER_ROLES, *RECEIVER_ROLES),
            "can_overview": scope.is_superuser or scope.has_role(*OVERSIGHT_ROLES),
        },
    )


OVERSIGHT_ROLES = (Role.STREET, Role.COUNTY, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Per community: open reports, opinions waiting for an answer and overdue ones (PN-4, PN-5)."""
    scope = get_scope(request.user)
    if not (scope.is_superuser or scope.has_role(*OVERSIGHT_ROLES)):
        raise PermissionDenied
    roles = None if scope.is_superuser else OVERSIGHT_ROLES
    communities = Place.objects.communities().filter(scope.place_q("path", roles=roles))
    page = Paginator(communities.select_related("parent").order_by("path"), 50).get_page(
        request.GET.get("page")
    )
    ids = [c.pk for c in page.object_list]
    today = timezone.localdate()
    reports = {
        row["community"]: row
        for row in Report.objects.filter(community_id__in=ids)
        .values("community")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=~Q(status=Status.CLOSED)),
            unreceived=Count("pk", filter=Q(status=Status.SUBMITTED)),
        )
        .order_by()
    }
    opinions = {
        row["report__community"]: row
        for row in Opinion.objects.filter(report__community_id__in=ids)
        .values("report__community")
        .annotate(
            waiting=Count("pk", filter=Q(answered_at__isnull=True)),
            overdue=Count("pk", filter=Q(answered_at__isnull=True, due_on__lt=today)),
            total=Count("pk"),
        )
        .order_by()
    }
    rows = [
        {"community": c, "reports": reports.get(c.pk, {}), "opinions": opinions.get(c.pk, {})}
        for c in page.object_list
    ]
    return render(request, "reports/overview.html", {"page": page, "rows": rows})


def _compounds_for(user) -> list[Place]:
    scope = get_scope(user)
    qs = Place.objects.compounds().filter(scope.place_q("path", roles=FILER_ROLES + RECEIVER_ROLES))
    return list(qs.order_by("path")[:300])


@login_required
def start(request: HttpRequest) -> HttpResponse:
    compounds = _compounds_for(request.user)
    if not compounds:
        raise PermissionDenied
    can_oral = get_scope(request.user).has_role(*RECEIVER_ROLES)
    form = StartForm(request.GET or None, compounds=compounds, can_oral=can_oral)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        compound = next(c for c in compounds if c.code == data["compound"])
        if data["mode"] == "oral":
            allowed = permissions.can_record_oral(request.user, compound.community)
        else:
            allowed = bool(permissions.reporting_orgs_for(request.user, compound, data["type"]))
        if allowed:
            query = urlencode(
                {"compound": compound.code, **({"mode": "oral"} if data["mode"] == "oral" else {})}
            )
            return redirect(f"{reverse('reports:compose', args=[data['type']])}?{query}")
        form.add_error(
            None,
            _(
                "您所在单位不能书面报告此类事项；口头报告由接收单位（街道、社区党组织、居委会、联席会议办公室）记录。"
            )
            if data["mode"] != "oral"
            else _("只有接收单位可以记录口头报告。"),
        )
    return render(request, "reports/start.html", {"form": form, "types": TYPES})


@login_required
def compose(request: HttpRequest, report_type: str) -> HttpResponse:
    if report_type not in ReportType.values:
        raise Http404
    compound = Place.objects.compounds().filter(code=request.GET.get("compound", "")).first()
    if compound is None or not get_scope(request.user).reaches(compound):
        raise Http404
    oral = request.GET.get("mode") == "oral"
    follows = None
    if request.GET.get("follows", "").isdigit():
        follows = permissions.get_report_for(request.user, int(request.GET["follows"]))
    if oral:
        if not permissions.can_record_oral(request.user, compound.community):
            raise PermissionDenied
        reporters = permissions.reporter_candidates(compound, report_type)
    else:
        reporters = permissions.reporting_orgs_for(request.user, compound, report_type)
        if not reporters:
            raise PermissionDenied
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        report_type=report_type,
        reporters=reporters,
        oral=oral,
        initial={"title": _("续报：%(title)s") % {"title": follows.title} if follows else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = next((o for o in reporters if o.pk == data["reporting_org"]), None)
        try:
            if oral:
                report = services.record_oral_report(
                    actor=request.user,
                    compound=compound,
                    report_type=report_type,
                    reporting_org=org,
                    oral_reporter=data["oral_reporter"],
                    oral_at=data["oral_at"],
                    title=data["title"],
                    summary=data["summary"],
                    fields=form.type_values(),
                    recipients=data["recipients"],
                )
            else:
                report = services.file_report(
                    actor=request.user,
                    compound=compound,
                    report_type=report_type,
                    reporting_org=org,
                    title=data["title"],
                    summary=data["summary"],
                    fields=form.type_values(),
                    recipients=data["recipients"],
                    attachment=data.get("attachment"),
                    follows=follows,
                )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("报告已报送。") if not oral else _("口头报告已记录。"))
            return redirect("reports:detail", report.pk)
    return render(
        request,
        "reports/compose.html",
        {
            "form": form,
            "compound": compound,
            "type_label": ReportType(report_type).label,
            "spec": TYPES[report_type],
            "oral": oral,
            "follows": follows,
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for(request.user, pk)
    recipients = list(report.recipients.select_related("organisation", "received_by"))
    opinions = list(
        report.opinions.select_related("recipient__organisation", "author", "answered_by").order_by(
            "created_at", "pk"
        )
    )
    mine = permissions.receiving_rows(request.user, report)
    can_answer = permissions.can_answer(request.user, report)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "fields": display_fields(report.type, report.fields),
            "recipients": recipients,
            "opinions": opinions,
            "unanswered": sum(1 for o in opinions if not o.answered),
            "can_receive": any(r.received_at is None for r in mine),
            "can_give_opinion": bool(mine) and report.status != Status.CLOSED,
            "can_answer": can_answer,
            "can_close": can_answer and report.status != Status.CLOSED,
            # The follow-up form opens only for someone who may file this type of report for the compound.
            "can_follow_up": not report.is_oral
            and bool(permissions.reporting_orgs_for(request.user, report.compound, report.type)),
            "can_propose": permissions.can_propose_agenda(request.user, report)
            and not report.agenda_proposed_at,
            "gate": services.major_matter_for(report),
            "needs_gate": bool(TYPES[report.type].major_matter),
            "follow_ups": list(report.follow_ups.visible_to(request.user).order_by("submitted_at", "pk")),
            "follows": Report.objects.visible_to(request.user).filter(pk=report.follows_id).first()
            if report.follows_id
            else None,
            "opinion_form": OpinionForm(),
            "today": timezone.localdate(),
        },
    )


def _done(request, report, ok_message, call):
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok_message)
    return redirect("reports:detail", report.pk)


@login_required
@require_POST
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for(request.user, pk)
    return _done(
        request, report, _("已接收。"), lambda: services.mark_received(actor=request.user, report=report)
    )


@login_required
@require_POST
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for(request.user, pk)
    text = request.POST.get("text", "")
    return _done(
        request,
        report,
        _("意见已送达报告单位。"),
        lambda: services.give_opinion(actor=request.user, report=report, text=text),
    )


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    op = Opinion.objects.filter(pk=pk).select_related("report").first()
    if op is None:
        raise Http404
    report = permissions.get_report_for(request.user, op.report_id)
    text = request.POST.get("answer", "")
    return _done(
        request,
        report,
        _("已答复。"),
        lambda: services.answer_opinion(actor=request.user, opinion=op, answer=text),
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for(request.user, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    return _done(
        request,
        report,
        _("报告已办结。"),
        lambda: services.close_report(actor=request.user, report=report, version=version),
    )


@login_required
@require_POST
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for(request.user, pk)
    return _done(
        request,
        report,
        _("已提交联席会议议题。"),
        lambda: services.propose_to_agenda(actor=request.user, report=report),
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The attachment, only to those who may read the report (never through a public media URL)."""
    report = permissions.get_report_for(request.user, pk)
    suffix = report.attachment.name.rsplit(".", 1)[-1] if "." in report.attachment.name else "bin"
    name = _("报告%(n)s附件") % {"n": report.pk} + f".{suffix}"
    return serve_upload(report.attachment, filename=name)


@login_required
def docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.get_report_for(request.user, pk)
    data = documents.report_docx(report)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    from urllib.parse import quote

    filename = _("报告-%(n)s-%(stamp)s") % {"n": report.pk, "stamp": stamp} + ".docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
