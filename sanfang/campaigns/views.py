"""Campaign and EPMC pages: thin views over services; templates get can_* flags."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanfang.core import job_views, jobs
from sanfang.core.errors import DomainError
from sanfang.core.files import serve_upload
from sanfang.core.lazy import lazy_module
from sanfang.directory.models import Place, PlaceKind
from sanfang.directory.scopes import Role, get_scope

from . import forms, permissions, services
from . import jobs as campaign_jobs
from .models import (
    Campaign,
    ChecklistItem,
    CompoundSurvey,
    EpmcActivity,
    EpmcIdleFlag,
    Investigation,
    Problem,
    ProgressNote,
    ProgressReport,
    SurveyStatus,
)

# openpyxl / python-docx only when a document is asked for (core/lazy.py)
documents = lazy_module(__package__ + ".documents")
imports = lazy_module(__package__ + ".imports")


def _file(data: bytes, name: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _fail(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _place_in(user, code: str, kinds: tuple[str, ...]) -> Place:
    place = Place.objects.filter(code=code, kind__in=kinds).select_related("parent").first()
    if place is None or not (get_scope(user).is_superuser or get_scope(user).reaches(place)):
        raise Http404
    return place


# --------------------------------------------------------------------------------------------------------------
# campaigns


@login_required
def index(request):
    scope = get_scope(request.user)
    if not (scope.is_superuser or scope.has_role(*permissions.CAMPAIGN_VIEWERS)):
        raise PermissionDenied
    campaigns = list(Campaign.objects.visible_to(request.user).select_related("county"))
    counties = [
        p
        for p in Place.objects.counties().visible_to(request.user)
        if permissions.can_open_campaign(request.user, p)
    ]
    form = None
    if counties:
        form = forms.CampaignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                campaign = services.open_campaign(actor=request.user, county=counties[0], **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("专项整治已发起，已通知各街道。"))
                return redirect("campaigns:campaign", campaign.pk)
    return render(request, "campaigns/index.html", {"campaigns": campaigns, "form": form})


def _home_places(user, campaign: Campaign) -> list[Place]:
    """The street(s) or community(ies) a non-county user works in, for the campaign overview links."""
    scope = get_scope(user)
    ids = [
        g.place_id for g in scope.grants if g.role in (Role.STREET, Role.RESIDENTS_COMMITTEE, Role.PARTY_ORG)
    ]
    return list(Place.objects.filter(pk__in=ids, path__startswith=campaign.county.path).order_by("code"))


@login_required
def campaign_detail(request, pk: int):
    """County overview: streets × progress, overdue items, a bar chart, the roll-up (WN-3/WN-4)."""
    campaign = permissions.get_campaign_for(request.user, pk)
    scope = get_scope(request.user)
    is_county = scope.is_superuser or scope.has_role(Role.COUNTY, at=campaign.county)
    if not is_county:
        homes = _home_places(request.user, campaign)
        if len(homes) == 1:
            return redirect("campaigns:place", campaign.pk, homes[0].code)
        return render(request, "campaigns/campaign_pick.html", {"campaign": campaign, "homes": homes})
    rows = services.rollup(campaign)
    total = services.totals(rows)
    overdue_problems = (
        Problem.objects.overdue()
        .filter(investigation__survey__campaign=campaign)
        .select_related("investigation__survey", "owner")
        .order_by("due_on", "id")[:20]
    )
    return render(
        request,
        "campaigns/campaign.html",
        {
            "campaign": campaign,
            "rows": rows,
            "total": total,
            "labels": services.STAT_LABELS,
            "overdue_problems": overdue_problems,
            "chart": _chart(rows, "street"),
            "today": timezone.localdate(),
            "can_close": permissions.can_open_campaign(request.user, campaign.county) and campaign.is_open,
        },
    )


def _chart(rows, key: str) -> list[dict]:
    """Bars (percentages) for a CSS/SVG chart rendered without any CDN."""
    out = []
    for row in rows:
        s = row["stats"]
        n = s["compounds"] or 1
        out.append(
            {
                "label": row[key].name,
                "surveyed": round(100 * s["surveyed"] / n),
                "investigated": round(100 * s["investigated"] / max(s["in_scope"], 1)),
                "rectified": round(100 * s["rectified"] / max(s["problems"], 1)) if s["problems"] else None,
            }
        )
    return out


@login_required
@require_POST
def campaign_close(request, pk: int):
    campaign = permissions.get_campaign_for(request.user, pk)
    try:
        services.close_campaign(actor=request.user, campaign=campaign)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("campaigns:campaign", pk)


@login_required
def place_view(request, pk: int, code: str):
    """A street's view (communities × progress, surveys to review, its report) or a community's compounds."""
    campaign = permissions.get_campaign_for(request.user, pk)
    place = _place_in(request.user, code, (PlaceKind.STREET, PlaceKind.COMMUNITY))
    if not place.is_within(campaign.county):
        raise Http404
    scope = get_scope(request.user)
    if not permissions.can_view_place(request.user, place):
        raise Http404
    surveys = {
        s.compound_id: s
        for s in CompoundSurvey.objects.filter(
            campaign=campaign, compound__path__startswith=place.path
        ).select_related("investigation")
    }
    compounds = list(
        Place.objects.compounds()
        .filter(path__startswith=place.path)
        .select_related("parent")
        .order_by("code")
    )
    rows = [{"compound": c, "survey": surveys.get(c.pk)} for c in compounds]
    show = request.GET.get("show", "")
    if show == "scope":
        rows = [r for r in rows if r["survey"] and r["survey"].in_scope]
    elif show == "review":
        rows = [
            r
            for r in rows
            if r["survey"] and r["survey"].status in (SurveyStatus.SUBMITTED, SurveyStatus.STREET_APPROVED)
        ]
    elif show == "missing":
        rows = [r for r in rows if not r["survey"] or r["survey"].editable]
    ctx = {
        "campaign": campaign,
        "place": place,
        "rows": rows,
        "show": show,
        "labels": services.STAT_LABELS,
        "can_fill": permissions.can_fill_survey_at(request.user, place) and campaign.is_open,
        "can_review_street": scope.is_superuser or scope.has_role(Role.STREET, at=place),
        "can_review_county": scope.is_superuser or scope.has_role(Role.COUNTY, at=place),
        "can_view_parent": place.kind == PlaceKind.COMMUNITY
        and permissions.can_view_place(request.user, place.parent),
    }
    if place.kind == PlaceKind.STREET:
        stats = services.stats_by(campaign, "community", within=place)
        communities = list(Place.objects.communities().filter(parent=place).order_by("code"))
        ctx["community_rows"] = [
            {"community": c, "stats": stats.get(c.pk, dict.fromkeys(services.STAT_LABELS, 0))}
            for c in communities
        ]
        ctx["chart"] = _chart(ctx["community_rows"], "community")
        ctx["street_stats"] = services.stats_for(campaign, place)
        ctx["report"] = ProgressReport.objects.filter(campaign=campaign, street=place).first()
        ctx["can_report"] = permissions.can_file_report_for(request.user, place)
        submitted = bool(ctx["report"] and ctx["report"].is_submitted)
        ctx["report_overdue"] = not submitted and campaign.report_due < timezone.localdate()
    else:
        ctx["street_stats"] = services.stats_for(campaign, place)
    ctx["stat_rows"] = [(label, ctx["street_stats"].get(k, 0)) for k, label in services.STAT_LABELS.items()]
    ctx["overdue_problems"] = (
        Problem.objects.overdue()
        .filter(
            investigation__survey__campaign=campaign,
            investigation__survey__compound__path__startswith=place.path,
        )
        .select_related("investigation__survey", "owner")
        .order_by("due_on", "id")[:20]
    )
    return render(request, "campaigns/place.html", ctx)


@login_required
def surveys_xlsx(request, pk: int):
    """WN-3: the survey table for the county or a street (or community) as .xlsx in the form's layout, made by
    the worker (a county's table can be large); POST starts it, GET offers the button."""
    campaign = permissions.get_campaign_for(request.user, pk)
    code = request.GET.get("place") or ""
    place = campaign_jobs.survey_place(request.user, campaign, code)
    return job_views.start(
        request,
        kind="campaigns.surveys_xlsx",
        title=_("导出小区摸排认定表：%(name)s") % {"name": place.name},
        params={"campaign": campaign.pk, "place": code},
        place=place,
        back_url=reverse("campaigns:place", args=[pk, code])
        if code
        else reverse("campaigns:campaign", args=[pk]),
    )


@login_required
def rollup_docx(request, pk: int):
    """WN-4: every street's report compiled into one document for the county (made by the worker)."""
    campaign = permissions.get_campaign_for(request.user, pk)
    campaign_jobs.check_rollup(request.user, campaign)
    return job_views.start(
        request,
        kind="campaigns.rollup_docx",
        title=_("各街道报告汇编：%(name)s") % {"name": campaign.title},
        params={"campaign": campaign.pk},
        place=campaign.county,
        back_url=reverse("campaigns:campaign", args=[pk]),
    )


@login_required
def rollup_xlsx(request, pk: int):
    """WN-4: the county roll-up table (made by the worker)."""
    campaign = permissions.get_campaign_for(request.user, pk)
    campaign_jobs.check_rollup(request.user, campaign)
    return job_views.start(
        request,
        kind="campaigns.rollup_xlsx",
        title=_("导出进展汇总表：%(name)s") % {"name": campaign.title},
        params={"campaign": campaign.pk},
        place=campaign.county,
        back_url=reverse("campaigns:campaign", args=[pk]),
    )


# --------------------------------------------------------------------------------------------------------------
# surveys


@login_required
@require_POST
def survey_start(request, pk: int, code: str):
    campaign = permissions.get_campaign_for(request.user, pk)
    compound = _place_in(request.user, code, (PlaceKind.COMPOUND,))
    try:
        survey = services.start_survey(actor=request.user, campaign=campaign, compound=compound)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("campaigns:place", pk, compound.parent.code)
    return redirect("campaigns:survey", survey.pk)


# The form's sections, in the order of the paper 小区摸排认定表.
SURVEY_SECTIONS = [
    (
        gettext_lazy("一、基本情况"),
        [
            "name",
            "address",
            "year_built",
            "buildings",
            "households",
            "floor_area",
            "housing_nature",
            "is_old_compound",
        ],
    ),
    (
        gettext_lazy("二、管理模式与物业服务"),
        [
            "management_mode",
            "company",
            "company_name",
            "contract_start",
            "contract_end",
            "fee_regime",
            "fee_standard",
        ],
    ),
    (gettext_lazy("三、业主委员会"), ["has_owners_committee", "oc_term_end"]),
    (gettext_lazy("四、公示情况与初步认定"), ["disclosure_status", "preliminary_type", "note"]),
]


@login_required
def survey_detail(request, pk: int):
    """The RC's survey form (works on a phone), the review and scope forms, and the history (WN-3)."""
    survey = permissions.get_survey_for(request.user, pk)
    can_edit = permissions.can_edit_survey(request.user, survey)
    form = None
    if can_edit:
        form = forms.SurveyForm(request.POST or None, instance=survey, initial={"version": survey.version})
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.save_survey(actor=request.user, survey=survey, version=version, **data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if "submit" in request.POST:
                    try:
                        services.submit_survey(actor=request.user, survey=survey)
                    except DomainError as exc:
                        _fail(request, exc)
                        return redirect("campaigns:survey", pk)
                    messages.success(request, _("已提交街道审核。"))
                else:
                    messages.success(request, _("已保存。"))
                return redirect("campaigns:survey", pk)
    elif request.method == "POST":
        raise PermissionDenied
    can_review = permissions.can_review_survey(request.user, survey)
    sections = []
    if form is not None:
        sections = [(title, [form[name] for name in names]) for title, names in SURVEY_SECTIONS]
    investigation = Investigation.objects.filter(survey=survey).first()
    return render(
        request,
        "campaigns/survey.html",
        {
            "survey": survey,
            "form": form,
            "sections": sections,
            "can_edit": can_edit,
            "can_review": can_review,
            "review_form": forms.ReviewForm(initial={"version": survey.version}) if can_review else None,
            "can_adjust_scope": permissions.can_adjust_scope(request.user, survey),
            "can_view_street": permissions.can_view_place(request.user, survey.street),
            "can_view_community": permissions.can_view_place(request.user, survey.community),
            "scope_form": forms.ScopeForm(initial={"in_scope": "0" if survey.in_scope else "1"}),
            "reviews": survey.reviews.select_related("by"),
            "investigation": investigation,
            "can_investigate": investigation is None
            and survey.in_scope
            and not survey.editable
            and permissions.can_investigate(request.user, survey),
        },
    )


@login_required
@require_POST
def survey_review(request, pk: int):
    survey = permissions.get_survey_for(request.user, pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核意见。"))
        return redirect("campaigns:survey", pk)
    try:
        services.review_survey(
            actor=request.user,
            survey=survey,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("审核意见已记录。"))
    return redirect("campaigns:survey", pk)


@login_required
@require_POST
def survey_scope(request, pk: int):
    survey = permissions.get_survey_for(request.user, pk)
    form = forms.ScopeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("调整整治范围必须说明理由。"))
        return redirect("campaigns:survey", pk)
    try:
        services.adjust_scope(actor=request.user, survey=survey, **form.cleaned_data)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("整治范围已调整。"))
    return redirect("campaigns:survey", pk)


@login_required
def survey_import(request, pk: int):
    """WN-3 bulk import: the file is checked and imported by the worker (all rows valid or nothing imported);
    the person follows it on the job's page, where the errors are listed per row and column."""
    campaign = permissions.get_campaign_for(request.user, pk)
    campaign_jobs.check_import(request.user, campaign)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["file"].size > imports.MAX_BYTES:
        form.add_error("file", _("文件超过 5 MB，请分批导入。"))
    elif request.method == "POST" and form.is_valid():
        if not campaign.is_open:
            form.add_error(None, _("专项整治已经结束，不能再导入。"))
        else:
            upload = form.cleaned_data["file"]
            job = jobs.submit(
                actor=request.user,
                kind="campaigns.import",
                title=_("批量导入摸排认定表：%(name)s") % {"name": upload.name[:100]},
                params={
                    "campaign": campaign.pk,
                    "submit": bool(form.cleaned_data["submit"]),
                    "back": reverse("campaigns:import", args=[pk]),
                },
                place=campaign.county,
                input_data=upload.read(),
                input_name="import.xlsx",
            )
            return redirect(job)
    return render(request, "campaigns/import.html", {"campaign": campaign, "form": form})


@login_required
def import_template(request, pk: int):
    permissions.get_campaign_for(request.user, pk)
    return _file(imports.template_xlsx(), _("小区摸排认定表-导入模板.xlsx"), documents.XLSX)


# --------------------------------------------------------------------------------------------------------------
# investigations


@login_required
@require_POST
def investigation_open(request, pk: int):
    survey = permissions.get_survey_for(request.user, pk)
    try:
        inv = services.open_investigation(
            actor=request.user, survey=survey, investigators=request.POST.get("investigators", "")
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("campaigns:survey", pk)
    return redirect("campaigns:investigation", inv.pk)


@login_required
def investigation_detail(request, pk: int):
    inv = permissions.get_investigation_for(request.user, pk)
    can_edit = (
        permissions.can_investigate(request.user, inv.survey) and inv.status != Investigation.Status.CLOSED
    )
    form = forms.InvestigationForm(
        request.POST or None,
        initial={
            "investigated_on": inv.investigated_on,
            "investigators": inv.investigators,
            "findings": inv.findings,
            "version": inv.version,
        },
    )
    checklist = list(inv.checklist.all())
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            rows = {
                item.pk: {
                    "result": request.POST.get(f"result-{item.pk}", item.result),
                    "note": request.POST.get(f"note-{item.pk}", item.note),
                }
                for item in checklist
            }
            try:
                services.update_investigation(
                    actor=request.user, investigation=inv, checklist=rows, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已保存。"))
                return redirect("campaigns:investigation", pk)
    problems = list(
        inv.problems.select_related("owner", "rectified_by").prefetch_related(
            Prefetch("notes", queryset=ProgressNote.objects.select_related("by"))
        )
    )
    return render(
        request,
        "campaigns/investigation.html",
        {
            "inv": inv,
            "survey": inv.survey,
            "form": form,
            "checklist": checklist,
            "results": ChecklistItem.Result.choices,
            "problems": problems,
            "problem_form": forms.ProblemForm(compound=inv.survey.compound),
            "conclude_form": forms.ConcludeForm(
                initial={"version": inv.version, "conclusion": inv.conclusion}
            ),
            "can_edit": can_edit,
            "can_follow_up": permissions.can_investigate(request.user, inv.survey),
        },
    )


@login_required
@require_POST
def problem_add(request, pk: int):
    inv = permissions.get_investigation_for(request.user, pk, write=True)
    form = forms.ProblemForm(request.POST, compound=inv.survey.compound)
    if form.is_valid():
        try:
            services.add_problem(actor=request.user, investigation=inv, **form.cleaned_data)
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("问题已登记。"))
    else:
        messages.error(request, _("请填写问题、整改责任方和整改期限。"))
    return redirect("campaigns:investigation", pk)


@login_required
@require_POST
def investigation_conclude(request, pk: int):
    inv = permissions.get_investigation_for(request.user, pk, write=True)
    form = forms.ConcludeForm(request.POST)
    if form.is_valid():
        try:
            services.conclude_investigation(actor=request.user, investigation=inv, **form.cleaned_data)
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("调查结论已记录。"))
    return redirect("campaigns:investigation", pk)


def _problem_for(user, pk: int) -> Problem:
    problem = Problem.objects.select_related("investigation").filter(pk=pk).first()
    if problem is None:
        raise Http404
    permissions.get_investigation_for(user, problem.investigation_id, write=True)
    return problem


@login_required
@require_POST
def problem_rectify(request, pk: int):
    problem = _problem_for(request.user, pk)
    form = forms.RectifyForm(request.POST)
    if form.is_valid():
        try:
            services.rectify_problem(actor=request.user, problem=problem, **form.cleaned_data)
        except DomainError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("已记录整改完成。"))
    else:
        messages.error(request, _("请说明整改情况。"))
    return redirect("campaigns:investigation", problem.investigation_id)


@login_required
@require_POST
def problem_note(request, pk: int):
    problem = _problem_for(request.user, pk)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_problem(actor=request.user, problem=problem, **form.cleaned_data)
        except DomainError as exc:
            _fail(request, exc)
    return redirect("campaigns:investigation", problem.investigation_id)


@login_required
def investigation_docx(request, pk: int):
    inv = permissions.get_investigation_for(request.user, pk)
    return _file(
        documents.investigation_docx(inv),
        _("调查核实记录-%(name)s") % {"name": inv.survey.name} + ".docx",
        documents.DOCX,
    )


# --------------------------------------------------------------------------------------------------------------
# progress reports (WN-4)


@login_required
def report_for_street(request, pk: int, code: str):
    campaign = permissions.get_campaign_for(request.user, pk)
    street = _place_in(request.user, code, (PlaceKind.STREET,))
    if not street.is_within(campaign.county):
        raise Http404
    if not permissions.can_file_report_for(request.user, street):
        existing = ProgressReport.objects.filter(campaign=campaign, street=street).first()
        if existing is None or not permissions.can_view_report(request.user, existing):
            raise Http404
        return redirect("campaigns:report", existing.pk)
    return redirect("campaigns:report", services.report_for(campaign, street).pk)


@login_required
def report_detail(request, pk: int):
    report = permissions.get_report_for(request.user, pk)
    can_edit = permissions.can_edit_report(request.user, report)
    form = None
    if can_edit:
        form = forms.ReportForm(request.POST or None, instance=report, initial={"version": report.version})
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                report = services.save_report(actor=request.user, report=report, version=version, **data)
                if "submit" in request.POST:
                    services.submit_report(actor=request.user, report=report)
                    messages.success(request, _("进展报告已报送。"))
                else:
                    messages.success(request, _("已保存草稿。"))
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect("campaigns:report", pk)
    elif request.method == "POST":
        raise PermissionDenied
    stats = report.stats if report.is_submitted else services.stats_for(report.campaign, report.street)
    return render(
        request,
        "campaigns/report.html",
        {
            "report": report,
            "campaign": report.campaign,
            "form": form,
            "stats": [(services.STAT_LABELS[k], stats.get(k, 0)) for k in services.STAT_LABELS],
            "overdue": services.is_report_overdue(report),
            "can_view_street": permissions.can_view_place(request.user, report.street),
        },
    )


@login_required
def report_docx(request, pk: int):
    report = permissions.get_report_for(request.user, pk)
    return _file(
        documents.progress_report_docx(report),
        _("进展报告-%(name)s") % {"name": report.street.name} + ".docx",
        documents.DOCX,
    )


# --------------------------------------------------------------------------------------------------------------
# EPMC (WN-1)


@login_required
def epmc_home(request):
    """Community staff land on their community's log; oversight on the overview."""
    scope = get_scope(request.user)
    if scope.is_superuser or scope.has_role(Role.COUNTY, Role.STREET):
        return redirect("campaigns:epmc-overview")
    grants = scope.grants_for(Role.RESIDENTS_COMMITTEE, Role.PARTY_ORG)
    community = Place.objects.filter(pk__in=[g.place_id for g in grants], kind=PlaceKind.COMMUNITY).first()
    if community is None:
        raise PermissionDenied
    return redirect("campaigns:epmc-community", community.code)


@login_required
def epmc_overview(request):
    """WN-1: communities of the county/street with their EPMC's last activity; idle ones flagged."""
    scope = get_scope(request.user)
    if not (scope.is_superuser or scope.has_role(Role.COUNTY, Role.STREET)):
        raise PermissionDenied
    communities = list(
        Place.objects.communities()
        .filter(scope.place_q("path", roles=(Role.COUNTY, Role.STREET)))
        .select_related("parent")
        .order_by("code")
    )
    last = services.last_activities(communities)
    flags = {f.community_id: f for f in EpmcIdleFlag.objects.active().filter(community__in=communities)}
    threshold = services.idle_threshold()
    rows = [
        {
            "community": c,
            "last": last.get(c.pk),
            "flag": flags.get(c.pk),
            "idle": last.get(c.pk) is None or last[c.pk] < threshold,
        }
        for c in communities
    ]
    only_idle = request.GET.get("idle") == "1"
    if only_idle:
        rows = [r for r in rows if r["idle"]]
    from django.core.paginator import Paginator

    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/epmc_overview.html",
        {
            "page": page,
            "rows": page.object_list,
            "idle_count": sum(1 for c in communities if last.get(c.pk) is None or last[c.pk] < threshold),
            "total": len(communities),
            "only_idle": only_idle,
            "idle_days": services.settings.SANFANG["EPMC_IDLE_DAYS"],
        },
    )


@login_required
def epmc_community(request, code: str):
    """The EPMC's members and activity log, the form to record an activity, the records download (WN-1)."""
    community = _place_in(request.user, code, (PlaceKind.COMMUNITY,))
    if not permissions.can_view_epmc(request.user, community):
        raise Http404
    members = services.epmc_members(community)
    can_record = permissions.can_record_epmc(request.user, community)
    form = (
        forms.ActivityForm(request.POST or None, request.FILES or None, members=members)
        if can_record
        else None
    )
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.record_epmc_activity(
                    actor=request.user,
                    community=community,
                    participants=list(data.pop("participants")),
                    files=request.FILES.getlist("files"),
                    **data,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("活动已记录。"))
                return redirect("campaigns:epmc-community", code)
    from django.core.paginator import Paginator

    activities = (
        EpmcActivity.objects.filter(community=community)
        .select_related("recorded_by")
        .prefetch_related("participants", "attachments")
    )
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "campaigns/epmc_community.html",
        {
            "community": community,
            "epmc": services.epmc_of(community),
            "members": members,
            "page": page,
            "activities": page.object_list,
            "form": form,
            "flag": EpmcIdleFlag.objects.active().filter(community=community).first(),
            "period_form": forms.PeriodForm(initial={"start": dt.date(today.year, 1, 1), "end": today}),
        },
    )


@login_required
def epmc_records_docx(request, code: str):
    community = _place_in(request.user, code, (PlaceKind.COMMUNITY,))
    if not permissions.can_view_epmc(request.user, community):
        raise Http404
    form = forms.PeriodForm(request.GET)
    if not form.is_valid() or form.cleaned_data["end"] < form.cleaned_data["start"]:
        messages.error(request, _("请正确选择起止日期。"))
        return redirect("campaigns:epmc-community", code)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    data = documents.epmc_records_docx(community, start, end)
    return _file(
        data,
        _("专项工作资料-%(name)s") % {"name": f"{community.name}-{start}-{end}"} + ".docx",
        documents.DOCX,
    )


@login_required
def attachment(request, pk: int):
    from .models import EpmcAttachment

    att = EpmcAttachment.objects.select_related("activity__community").filter(pk=pk).first()
    if att is None or not permissions.can_view_epmc(request.user, att.activity.community):
        raise Http404
    return serve_upload(att.file, filename=att.name)
