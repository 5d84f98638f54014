"""Campaign and EPMC endpoints (WN-1, WN-3, WN-4): the same services as the pages, one error shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sanfang.core.errors import RuleViolation
from sanfang.directory.models import Organisation, Place, PlaceKind
from sanfang.directory.scopes import Role, get_scope

from . import permissions, services
from .models import Campaign, CompoundSurvey, EpmcActivity, EpmcIdleFlag, Problem

router = Router(tags=["campaigns"])

MAX_LIMIT = 200


# ---- schemas -------------------------------------------------------------------------------------------------


class CampaignIn(Schema):
    title: str
    purpose: str = ""
    scope: str = ""
    survey_due: dt.date
    investigation_due: dt.date
    report_due: dt.date


class CampaignOut(Schema):
    id: int
    county_code: str
    title: str
    purpose: str
    scope: str
    survey_due: dt.date
    investigation_due: dt.date
    report_due: dt.date
    is_open: bool


class SurveyOut(Schema):
    id: int
    campaign_id: int
    compound_code: str
    community_code: str
    street_code: str
    name: str
    address: str
    year_built: int | None
    buildings: int | None
    households: int | None
    floor_area: Decimal | None
    housing_nature: str
    is_old_compound: bool
    management_mode: str
    company_id: int | None
    company_name: str
    contract_start: dt.date | None
    contract_end: dt.date | None
    fee_regime: str
    fee_standard: str
    has_owners_committee: bool
    oc_term_end: dt.date | None
    disclosure_status: str
    preliminary_type: str
    note: str
    status: str
    status_label: str
    in_scope: bool
    in_scope_reason: str
    version: int


class SurveyPatch(Schema):
    version: int
    name: str | None = None
    address: str | None = None
    year_built: int | None = None
    buildings: int | None = None
    households: int | None = None
    floor_area: Decimal | None = None
    housing_nature: str | None = None
    is_old_compound: bool | None = None
    management_mode: str | None = None
    company_id: int | None = None
    company_name: str | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    fee_regime: str | None = None
    fee_standard: str | None = None
    has_owners_committee: bool | None = None
    oc_term_end: dt.date | None = None
    disclosure_status: str | None = None
    preliminary_type: str | None = None
    note: str | None = None


class StartIn(Schema):
    compound_code: str


class CampaignVersionIn(Schema):
    version: int | None = None


class SurveyReviewIn(Schema):
    approve: bool
    comment: str = ""
    version: int | None = None


class ScopeIn(Schema):
    in_scope: bool
    reason: str


class ChecklistOut(Schema):
    id: int
    kind: str
    label: str
    board_published: bool | None
    board_overdue: bool
    result: str
    note: str


class ProblemOut(Schema):
    id: int
    description: str
    owner: str
    due_on: dt.date | None
    rectified: bool
    rectification: str
    overdue: bool


class InvestigationOut(Schema):
    id: int
    survey_id: int
    investigated_on: dt.date
    investigators: str
    findings: str
    conclusion: str
    status: str
    version: int
    checklist: list[ChecklistOut]
    problems: list[ProblemOut]


class InvestigationOpenIn(Schema):
    investigators: str = ""


class ProblemIn(Schema):
    description: str
    owner_id: int | None = None
    owner_label: str = ""
    due_on: dt.date | None = None
    working_days: int | None = None


class ConcludeIn(Schema):
    conclusion: str
    version: int | None = None


class RectifyIn(Schema):
    rectification: str


class ProgressReportOut(Schema):
    id: int
    campaign_id: int
    street_code: str
    basic_situation: str
    measures: str
    problems: str
    suggestions: str
    contact_name: str
    contact_phone: str
    stats: dict
    submitted_at: dt.datetime | None
    is_late: bool
    overdue: bool
    version: int


class ReportPatch(Schema):
    version: int
    basic_situation: str | None = None
    measures: str | None = None
    problems: str | None = None
    suggestions: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


class RollupRow(Schema):
    street_code: str
    street: str
    stats: dict
    submitted: bool
    late: bool
    overdue: bool


class ActivityIn(Schema):
    date: dt.date
    kind: str
    title: str
    content: str
    participant_ids: list[int] = []
    other_participants: str = ""
    outcome: str = ""


class ActivityOut(Schema):
    id: int
    community_code: str
    date: dt.date
    kind: str
    kind_label: str
    title: str
    content: str
    outcome: str
    participants: list[str]
    other_participants: str
    attachments: list[str]


class IdleOut(Schema):
    community_code: str
    community: str
    street: str
    last_activity_on: dt.date | None
    flagged_at: dt.datetime


# ---- helpers -------------------------------------------------------------------------------------------------


def _campaign_out(c: Campaign) -> CampaignOut:
    return CampaignOut(
        id=c.pk,
        county_code=c.county.code,
        title=c.title,
        purpose=c.purpose,
        scope=c.scope,
        survey_due=c.survey_due,
        investigation_due=c.investigation_due,
        report_due=c.report_due,
        is_open=c.is_open,
    )


def _survey_out(s: CompoundSurvey) -> SurveyOut:
    data = {f: getattr(s, f) for f in CompoundSurvey.FACT_FIELDS if f != "company"}
    return SurveyOut(
        id=s.pk,
        campaign_id=s.campaign_id,
        compound_code=s.compound.code,
        community_code=s.community.code,
        street_code=s.street.code,
        company_id=s.company_id,
        status=s.status,
        status_label=str(s.get_status_display()),
        in_scope=s.in_scope,
        in_scope_reason=s.in_scope_reason,
        version=s.version,
        **data,
    )


def _inv_out(inv) -> InvestigationOut:
    return InvestigationOut(
        id=inv.pk,
        survey_id=inv.survey_id,
        investigated_on=inv.investigated_on,
        investigators=inv.investigators,
        findings=inv.findings,
        conclusion=inv.conclusion,
        status=inv.status,
        version=inv.version,
        checklist=[
            ChecklistOut(
                id=i.pk,
                kind=i.kind,
                label=i.label,
                board_published=i.board_published,
                board_overdue=i.board_overdue,
                result=i.result,
                note=i.note,
            )
            for i in inv.checklist.all()
        ],
        problems=[
            ProblemOut(
                id=p.pk,
                description=p.description,
                owner=p.owner_display,
                due_on=p.due_on,
                rectified=p.is_rectified,
                rectification=p.rectification,
                overdue=p.is_overdue,
            )
            for p in inv.problems.select_related("owner")
        ],
    )


def _report_out(r) -> ProgressReportOut:
    stats = r.stats if r.is_submitted else services.stats_for(r.campaign, r.street)
    return ProgressReportOut(
        id=r.pk,
        campaign_id=r.campaign_id,
        street_code=r.street.code,
        basic_situation=r.basic_situation,
        measures=r.measures,
        problems=r.problems,
        suggestions=r.suggestions,
        contact_name=r.contact_name,
        contact_phone=r.contact_phone,
        stats=stats,
        submitted_at=r.submitted_at,
        is_late=r.is_late,
        overdue=services.is_report_overdue(r),
        version=r.version,
    )


def _activity_out(a: EpmcActivity) -> ActivityOut:
    return ActivityOut(
        id=a.pk,
        community_code=a.community.code,
        date=a.date,
        kind=a.kind,
        kind_label=str(a.get_kind_display()),
        title=a.title,
        content=a.content,
        outcome=a.outcome,
        participants=[p.name for p in a.participants.all()],
        other_participants=a.other_participants,
        attachments=[f.name for f in a.attachments.all()],
    )


def _place(user, code: str, kind: str) -> Place:
    place = Place.objects.filter(code=code, kind=kind).first()
    scope = get_scope(user)
    if place is None or not (scope.is_superuser or scope.reaches(place)):
        raise Http404
    return place


# ---- campaigns -----------------------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut], summary="专项整治列表")
def list_campaigns(request):
    scope = get_scope(request.user)
    if not (scope.is_superuser or scope.has_role(*permissions.CAMPAIGN_VIEWERS)):
        raise PermissionDenied
    return [_campaign_out(c) for c in Campaign.objects.visible_to(request.user).select_related("county")]


@router.post("/campaigns", response={201: CampaignOut}, summary="发起专项整治（县级，WN-3）")
def open_campaign(request, payload: CampaignIn):
    scope = get_scope(request.user)
    county = next(
        (
            Place.objects.get(pk=g.place_id)
            for g in scope.grants_for(Role.COUNTY)
            if g.place_kind == PlaceKind.COUNTY
        ),
        None,
    )
    if county is None:
        raise PermissionDenied
    campaign = services.open_campaign(actor=request.user, county=county, **payload.dict())
    return Status(201, _campaign_out(campaign))


@router.get("/campaigns/{campaign_id}", response=CampaignOut, summary="专项整治详情")
def get_campaign(request, campaign_id: int):
    return _campaign_out(permissions.get_campaign_for(request.user, campaign_id))


@router.get("/campaigns/{campaign_id}/rollup", response=list[RollupRow], summary="全县汇总（WN-4）")
def rollup(request, campaign_id: int):
    campaign = permissions.get_campaign_for(request.user, campaign_id)
    scope = get_scope(request.user)
    if not (scope.is_superuser or scope.has_role(Role.COUNTY, at=campaign.county)):
        raise PermissionDenied
    return [
        RollupRow(
            street_code=r["street"].code,
            street=r["street"].name,
            stats=r["stats"],
            submitted=r["submitted"],
            late=r["late"],
            overdue=r["overdue"],
        )
        for r in services.rollup(campaign)
    ]


# ---- surveys -------------------------------------------------------------------------------------------------


@router.get("/campaigns/{campaign_id}/surveys", response=list[SurveyOut], summary="小区摸排认定表列表")
def list_surveys(
    request,
    campaign_id: int,
    place: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
):
    campaign = permissions.get_campaign_for(request.user, campaign_id)
    qs = CompoundSurvey.objects.visible_to(request.user).filter(campaign=campaign)
    if place:
        root = Place.objects.filter(code=place).first()
        if root is None:
            return []
        qs = qs.filter(compound__path__startswith=root.path)
    if status:
        qs = qs.filter(status=status)
    qs = qs.select_related("compound", "community", "street").order_by("compound__code", "id")
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_survey_out(s) for s in qs[offset : offset + limit]]


@router.post(
    "/campaigns/{campaign_id}/surveys", response={201: SurveyOut}, summary="开始填报某小区的摸排认定表"
)
def start_survey(request, campaign_id: int, payload: StartIn):
    campaign = permissions.get_campaign_for(request.user, campaign_id)
    compound = _place(request.user, payload.compound_code, PlaceKind.COMPOUND)
    survey = services.start_survey(actor=request.user, campaign=campaign, compound=compound)
    return Status(201, _survey_out(survey))


@router.get("/surveys/{survey_id}", response=SurveyOut, summary="小区摸排认定表")
def get_survey(request, survey_id: int):
    return _survey_out(permissions.get_survey_for(request.user, survey_id))


@router.patch(
    "/surveys/{survey_id}", response=SurveyOut, summary="填写/修改摸排认定表（带 version 防并发覆盖）"
)
def patch_survey(request, survey_id: int, payload: SurveyPatch):
    survey = permissions.get_survey_for(request.user, survey_id, write=True)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "company_id" in data:
        company_id = data.pop("company_id")
        data["company"] = (
            Organisation.objects.filter(pk=company_id, kind="property_company").first()
            if company_id
            else None
        )
    survey = services.save_survey(actor=request.user, survey=survey, version=version, **data)
    return _survey_out(survey)


@router.post("/surveys/{survey_id}/submit", response=SurveyOut, summary="提交街道审核")
def submit_survey(request, survey_id: int, payload: CampaignVersionIn):
    survey = permissions.get_survey_for(request.user, survey_id, write=True)
    return _survey_out(services.submit_survey(actor=request.user, survey=survey, version=payload.version))


@router.post("/surveys/{survey_id}/review", response=SurveyOut, summary="街道/县级审核：通过或退回（WN-3）")
def review_survey(request, survey_id: int, payload: SurveyReviewIn):
    survey = permissions.get_survey_for(request.user, survey_id)
    return _survey_out(services.review_survey(actor=request.user, survey=survey, **payload.dict()))


@router.post("/surveys/{survey_id}/scope", response=SurveyOut, summary="调整整治范围（须说明理由）")
def adjust_scope(request, survey_id: int, payload: ScopeIn):
    survey = permissions.get_survey_for(request.user, survey_id)
    return _survey_out(services.adjust_scope(actor=request.user, survey=survey, **payload.dict()))


# ---- investigations ------------------------------------------------------------------------------------------


@router.post("/surveys/{survey_id}/investigation", response={201: InvestigationOut}, summary="开展调查核实")
def open_investigation(request, survey_id: int, payload: InvestigationOpenIn):
    survey = permissions.get_survey_for(request.user, survey_id)
    return Status(
        201, _inv_out(services.open_investigation(actor=request.user, survey=survey, **payload.dict()))
    )


@router.get("/investigations/{investigation_id}", response=InvestigationOut, summary="调查核实记录")
def get_investigation(request, investigation_id: int):
    return _inv_out(permissions.get_investigation_for(request.user, investigation_id))


@router.post("/investigations/{investigation_id}/problems", response={201: ProblemOut}, summary="登记问题")
def add_problem(request, investigation_id: int, payload: ProblemIn):
    inv = permissions.get_investigation_for(request.user, investigation_id, write=True)
    data = payload.dict()
    owner_id = data.pop("owner_id")
    owner = Organisation.objects.filter(pk=owner_id).first() if owner_id else None
    p = services.add_problem(actor=request.user, investigation=inv, owner=owner, **data)
    out = ProblemOut(
        id=p.pk,
        description=p.description,
        owner=p.owner_display,
        due_on=p.due_on,
        rectified=False,
        rectification="",
        overdue=p.is_overdue,
    )
    return Status(201, out)


@router.post("/investigations/{investigation_id}/conclude", response=InvestigationOut, summary="调查结论")
def conclude(request, investigation_id: int, payload: ConcludeIn):
    inv = permissions.get_investigation_for(request.user, investigation_id, write=True)
    return _inv_out(services.conclude_investigation(actor=request.user, investigation=inv, **payload.dict()))


@router.post("/problems/{problem_id}/rectify", response=InvestigationOut, summary="记录整改完成")
def rectify(request, problem_id: int, payload: RectifyIn):
    problem = Problem.objects.filter(pk=problem_id).first()
    if problem is None:
        raise Http404
    inv = permissions.get_investigation_for(request.user, problem.investigation_id, write=True)
    services.rectify_problem(actor=request.user, problem=problem, rectification=payload.rectification)
    inv.refresh_from_db()
    return _inv_out(inv)


# ---- progress reports ----------------------------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/reports/{street_code}",
    response=ProgressReportOut,
    summary="街道进展报告（WN-4）",
)
def get_report(request, campaign_id: int, street_code: str):
    campaign = permissions.get_campaign_for(request.user, campaign_id)
    street = _place(request.user, street_code, PlaceKind.STREET)
    scope = get_scope(request.user)
    if not (scope.is_superuser or scope.has_role(Role.STREET, Role.COUNTY, at=street)):
        raise Http404
    return _report_out(services.report_for(campaign, street))


@router.patch("/reports/{report_id}", response=ProgressReportOut, summary="填写进展报告")
def patch_report(request, report_id: int, payload: ReportPatch):
    report = permissions.get_report_for(request.user, report_id, write=True)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return _report_out(services.save_report(actor=request.user, report=report, version=version, **data))


@router.post("/reports/{report_id}/submit", response=ProgressReportOut, summary="报送进展报告（报送后锁定）")
def submit_report(request, report_id: int, payload: CampaignVersionIn):
    report = permissions.get_report_for(request.user, report_id, write=True)
    return _report_out(services.submit_report(actor=request.user, report=report, version=payload.version))


# ---- EPMC ----------------------------------------------------------------------------------------------------


@router.get(
    "/epmc/{community_code}/activities",
    response=list[ActivityOut],
    summary="环境和物业管理委员会活动（WN-1）",
)
def list_activities(request, community_code: str, limit: int = 50, offset: int = 0):
    community = _place(request.user, community_code, PlaceKind.COMMUNITY)
    if not permissions.can_view_epmc(request.user, community):
        raise Http404
    limit = max(1, min(limit, MAX_LIMIT))
    qs = (
        EpmcActivity.objects.filter(community=community)
        .select_related("community")
        .prefetch_related("participants", "attachments")
    )
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_activity_out(a) for a in qs[offset : offset + limit]]


@router.post("/epmc/{community_code}/activities", response={201: ActivityOut}, summary="记录一次活动")
def record_activity(request, community_code: str, payload: ActivityIn):
    community = _place(request.user, community_code, PlaceKind.COMMUNITY)
    data = payload.dict()
    member_ids = {m.person_id for m in services.epmc_members(community)}
    ids = data.pop("participant_ids")
    from sanfang.directory.models import Person

    if set(ids) - member_ids:
        raise RuleViolation(_("参加的委员必须是本社区环境和物业管理委员会的组成人员。"))
    participants = list(Person.objects.filter(pk__in=ids))
    activity = services.record_epmc_activity(
        actor=request.user, community=community, participants=participants, **data
    )
    return Status(201, _activity_out(activity))


class MemberOut(Schema):
    name: str
    organisation: str
    title: str
    is_head: bool
    leads_epmc: bool


@router.get(
    "/epmc/{community_code}/members", response=list[MemberOut], summary="环境和物业管理委员会组成人员（WN-1）"
)
def members(request, community_code: str):
    community = _place(request.user, community_code, PlaceKind.COMMUNITY)
    if not permissions.can_view_epmc(request.user, community):
        raise Http404
    return [
        MemberOut(
            name=p.person.name,
            organisation=p.organisation.name,
            title=p.title,
            is_head=p.is_head,
            leads_epmc=p.leads_epmc,
        )
        for p in services.epmc_members(community)
    ]


@router.get("/epmc/idle", response=list[IdleOut], summary="长期未开展活动的社区（WN-1）")
def idle(request):
    scope = get_scope(request.user)
    if not (scope.is_superuser or scope.has_role(Role.COUNTY, Role.STREET)):
        raise PermissionDenied
    flags = (
        EpmcIdleFlag.objects.active()
        .filter(scope.place_q("community__path", roles=(Role.COUNTY, Role.STREET)))
        .select_related("community__parent")
        .order_by("community__path")[:1000]
    )
    return [
        IdleOut(
            community_code=f.community.code,
            community=f.community.name,
            street=f.community.parent.name,
            last_activity_on=f.last_activity_on,
            flagged_at=f.flagged_at,
        )
        for f in flags
    ]
