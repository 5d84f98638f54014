"""Cases API: the same services as the pages. Public routes (report, follow, board) never return the
reporter's identity or contact; staff routes are bounded by the caller's scope."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import BooleanField, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status as Reply

from sanfang.core import ratelimit
from sanfang.core.api_auth import OPTIONAL_AUTH
from sanfang.core.errors import RuleViolation
from sanfang.core.sqlnames import column, table
from sanfang.directory.models import Building, Organisation, Place, PlaceKind

from . import permissions, services
from .models import OPEN_STATUSES, Case, JointExplanation, MajorMatter, Status, Summons, SummonsLevel

router = Router(tags=["cases"])


class EventOut(Schema):
    at: dt.datetime
    actor_label: str
    verb: str
    from_status: str
    to_status: str
    text: str
    reason: str


class PublicEventOut(Schema):
    at: dt.datetime
    actor_label: str
    text: str


class CaseListOut(Schema):
    id: int
    tracking_no: str
    compound_code: str
    compound: str
    category: str
    title: str
    case_class: str
    status: str
    step: str
    due_on: dt.date | None
    overdue: bool
    handler: str | None
    bounce_count: int
    created_at: dt.datetime


class SummonsOut(Schema):
    id: int
    level: str
    from_org: str
    to_org: str
    request: str
    issued_at: dt.datetime
    due_on: dt.date | None
    reported_at: dt.datetime | None
    reply: str
    actions: str
    late: bool


class CaseOut(CaseListOut):
    description: str
    location: str
    source: str
    reporter_name: str
    reporter_contact: str
    holder: str | None
    escalation_level: int
    preliminary_opinion: str
    proposal: str
    solution: str
    progress_note: str
    next_review_on: dt.date | None
    co_handlers: list[str]
    version: int
    events: list[EventOut]
    summonses: list[SummonsOut]
    photo_urls: list[str]


class FollowOut(Schema):
    tracking_no: str
    compound: str
    category: str
    case_class: str
    status: str
    status_label: str
    solution: str
    progress_note: str
    events: list[PublicEventOut]
    can_rate: bool


class SubmittedOut(Schema):
    tracking_no: str
    follow_url: str
    follow_token: str


class BoardCaseOut(Schema):
    tracking_no: str
    category: str
    case_class: str
    case_class_label: str
    status: str
    status_label: str
    title: str
    summary: str
    solution: str
    reported_to: str
    reply: str
    opened_at: dt.datetime
    updated_at: dt.datetime
    url: str


# What the list shows of a case, its compound and its handler: the list's query reads these values only, as plain
# rows (no model instances to build, no deferred fields to set up: issue 9).
LIST_VALUES = (
    *("id", "tracking_no", "category", "title", "case_class", "status", "step", "due_on", "bounce_count"),
    *("created_at", "compound__code", "compound__name", "handler__name"),
)


def _list_values(case: Case) -> dict:
    """LIST_VALUES of a case read whole (with its compound and handler), as the list's query gives them."""
    values = {}
    for name in LIST_VALUES:
        value = case
        for part in name.split("__"):
            value = getattr(value, part) if value is not None else None  # no handler: None, as the outer join
        values[name] = value
    return values


def _list_row(c: dict, today: dt.date) -> dict:
    """A row of LIST_VALUES as CaseListOut shows it. A dict, not the schema: ninja validates the answer against
    the schema anyway, and a schema instance would be validated twice (issue 9)."""
    return {
        "id": c["id"],
        "tracking_no": c["tracking_no"],
        "compound_code": c["compound__code"],
        "compound": c["compound__name"],
        "category": c["category"],
        "title": c["title"],
        "case_class": c["case_class"],
        "status": c["status"],
        "step": c["step"],
        "due_on": c["due_on"],
        "overdue": bool(c["status"] in OPEN_STATUSES and c["due_on"] and c["due_on"] < today),
        "handler": c["handler__name"],
        "bounce_count": c["bounce_count"],
        "created_at": c["created_at"],
    }


def _summons_out(s: Summons) -> SummonsOut:
    return SummonsOut(
        id=s.pk,
        level=s.level,
        from_org=s.from_org.name,
        to_org=s.to_org.name,
        request=s.request,
        issued_at=s.issued_at,
        due_on=s.due_on,
        reported_at=s.reported_at,
        reply=s.reply,
        actions=s.actions,
        late=s.is_late,
    )


def _case_out(request, case: Case, related: dict | None = None) -> CaseOut:
    """The case as CaseOut shows it; `related` may hold its co-handlers, events, summonses and photos as read by
    the caller (`_shown`), else they are read through the case (prefetched by `_get`)."""
    from django.urls import reverse

    if related is None:
        related = {
            "co_handlers": case.co_handlers.all(),
            "events": case.events.all(),
            "summonses": case.summonses.all(),
            "photos": case.photos.all(),
        }
    co_handlers, events = related["co_handlers"], related["events"]
    summonses, photos = related["summonses"], related["photos"]
    base = _list_row(_list_values(case), timezone.localdate())
    reporter = permissions.reporter_shown_to(request.user, case) or {"name": "", "contact": ""}
    return CaseOut(
        **base,
        description=case.description,
        location=case.location,
        source=case.source,
        reporter_name=reporter["name"],
        reporter_contact=reporter["contact"],
        holder=case.holder.name if case.holder_id else None,
        escalation_level=case.escalation_level,
        preliminary_opinion=case.preliminary_opinion,
        proposal=case.proposal,
        solution=case.solution,
        progress_note=case.progress_note,
        next_review_on=case.next_review_on,
        co_handlers=[p.name for p in co_handlers],
        version=case.version,
        events=[EventOut.from_orm(e) for e in events],
        summonses=[_summons_out(s) for s in summonses],
        photo_urls=[reverse("cases:photo", args=[p.pk]) for p in photos],
    )


def _get(request, pk: int, write: bool = False) -> Case:
    """The case with everything _case_out reads, in one query per relation (issue 9: REST read of one case)."""
    related = (
        "compound",
        "handler",
        "holder",
        "building",
        "reporter",
    )  # not community/street: see get_case_for
    detail = Case.objects.select_related(*related)
    prefetch = (
        "co_handlers",
        "events",
        "photos",
        Prefetch("summonses", queryset=Summons.objects.select_related("from_org", "to_org")),
    )
    return permissions.get_case_for(request.user, pk, write=write, qs=detail, prefetch=prefetch)


def _all_of(model, *related: str) -> list[str]:
    return [f.name for f in model._meta.concrete_fields] + list(related)


def _has_rows(model) -> RawSQL:
    """Whether the case has rows in `model` (by its `case_id`), as an EXISTS on the foreign key's index. Written
    out: the ORM's Exists(…OuterRef…) cost three times the CPU of the case's own query to compile (issue 9).
    Identifiers come from the models' metadata, quoted; the case is the query's base table."""
    sql = (
        f"EXISTS (SELECT 1 FROM {table(model)} r "  # noqa: S608
        f"WHERE {column(model, 'case', 'r')} = {column(Case, Case._meta.pk.name, table(Case))})"
    )
    return RawSQL(sql, (), output_field=BooleanField())  # noqa: S611 (no value in it, identifiers quoted)


def _shown(request, pk: int) -> tuple[Case, dict]:
    """The case as `_case_out` shows it, with its co-handlers, events, summonses and photos: every column of the
    case, only what is shown (or checked: a compound's path) of the people, places and organisations around it
    (issue 9: REST read of one case). Not for services, which may read more of them.

    The case's query also says whether it has co-handlers, photos and summonses (EXISTS on their indexes): many
    cases have none of one or the other, and a relation known to be empty is not read at all (an empty Prefetch
    still cost more CPU than a query). So one case is read in two to five queries, whatever its timeline's
    length."""
    from .models import CasePhoto

    detail = (
        Case.objects.select_related("compound", "handler", "holder", "building", "reporter")
        .only(
            *_all_of(Case),
            *("compound__code", "compound__name", "compound__path", "compound__kind"),
            *("handler__name", "holder__name", "building__name", "reporter__name", "reporter__phone"),
        )
        .annotate(
            has_co_handlers=_has_rows(Case.co_handlers.through),
            has_photos=_has_rows(CasePhoto),
            has_summonses=_has_rows(Summons),
        )
    )
    case = permissions.get_case_for(request.user, pk, qs=detail)
    summonses = case.summonses.select_related("from_org", "to_org").only(
        *_all_of(Summons, "from_org__name", "to_org__name")
    )
    related = {
        "co_handlers": list(case.co_handlers.only("name")) if case.has_co_handlers else [],
        "events": list(case.events.all()),
        "summonses": list(summonses) if case.has_summonses else [],
        "photos": list(case.photos.only("case")) if case.has_photos else [],
    }
    return case, related


# --- public ------------------------------------------------------------------------------------------------


@router.post(
    "/report/{code}", response={201: SubmittedOut}, auth=OPTIONAL_AUTH, summary="居民反映问题（可匿名）"
)
def report(
    request,
    code: str,
    category: Form[str],
    description: Form[str],
    building: Form[str] = "",
    unit: Form[str] = "",
    reporter_name: Form[str] = "",
    reporter_contact: Form[str] = "",
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    compound = get_object_or_404(Place, code=code, kind=PlaceKind.COMPOUND)
    ratelimit.hit(request, "cases.report", getattr(settings, "CASES_REPORT_RATE", None))
    b = None
    if building:
        b = Building.objects.filter(compound=compound, name=building).first()
        if b is None:
            raise RuleViolation(_("楼栋不属于该小区。"), field="building")
    from .models import Category

    if category not in Category.values:
        raise RuleViolation(_("请选择问题类别。"), field="category")
    case = services.submit_case(
        actor=request.user,
        compound=compound,
        category=category,
        title="",
        description=description,
        building=b,
        unit=unit,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        photos=photos or [],
    )
    out = SubmittedOut(
        tracking_no=case.tracking_no, follow_url=services.follow_url(case), follow_token=case.follow_token
    )
    return Reply(201, out)


def _followed(token: str) -> Case:
    case = Case.objects.select_related("compound").filter(follow_token=token).first()
    if case is None:
        raise Http404
    return case


@router.get("/follow/{token}", response=FollowOut, auth=OPTIONAL_AUTH, summary="反映人查询进展（凭专属链接）")
def follow(request, token: str):
    case = _followed(token)
    return FollowOut(
        tracking_no=case.tracking_no,
        compound=case.compound.name,
        category=case.category,
        case_class=case.case_class,
        status=case.status,
        status_label=case.get_status_display(),
        solution=case.solution,
        progress_note=case.progress_note,
        events=[PublicEventOut.from_orm(e) for e in case.events.filter(public=True)],
        can_rate=case.status == Status.RESOLVED,
    )


class FeedbackIn(Schema):
    rating: str
    comment: str = ""
    dispute: bool = False


@router.post(
    "/follow/{token}/feedback", response=FollowOut, auth=OPTIONAL_AUTH, summary="反映人评价或提出异议"
)
def feedback(request, token: str, payload: FeedbackIn):
    case = _followed(token)
    ratelimit.hit(request, "cases.feedback", "30/h")
    services.give_feedback(actor=request.user, case=case, token=token, **payload.dict())
    return follow(request, token)


@router.get(
    "/board/{code}", response=list[BoardCaseOut], auth=OPTIONAL_AUTH, summary="小区公示栏上的问题（PN-1）"
)
def board(request, code: str):
    compound = get_object_or_404(Place, code=code, kind=PlaceKind.COMPOUND)
    return [
        BoardCaseOut(**{k: v for k, v in c.items() if k != "progress"})
        for c in services.board_cases(compound)
    ]


# --- staff -------------------------------------------------------------------------------------------------


@router.get("/", response=list[CaseListOut], summary="问题列表（按工作范围）")
def list_cases(
    request,
    status: str | None = None,
    case_class: str | None = None,
    compound: str | None = None,
    mine: bool = False,
    overdue: bool = False,
    limit: int = 50,
    offset: int = 0,
):
    qs = permissions.cases_visible_to(request.user)
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if case_class:
        qs = qs.filter(case_class=case_class)
    if compound:
        qs = qs.filter(compound__code=compound)
    if mine:
        qs = qs.filter(Q(handler=request.user) | Q(co_handlers=request.user)).distinct()
    today = timezone.localdate()
    if overdue:
        qs = qs.overdue(today)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    page = qs.values(*LIST_VALUES).order_by("-created_at", "-id")[offset : offset + limit]
    return [_list_row(c, today) for c in page]


class StaffCaseIn(Schema):
    compound: str
    category: str
    description: str
    title: str = ""
    source: str = "phone"
    unit: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""


@router.post("/", response={201: CaseOut}, summary="工作人员登记问题（含电话反映）")
def create_case(request, payload: StaffCaseIn):
    compound = get_object_or_404(Place, code=payload.compound, kind=PlaceKind.COMPOUND)
    data = payload.dict()
    data.pop("compound")
    case = services.submit_case(actor=request.user, compound=compound, **data)
    return Reply(201, _case_out(request, _get(request, case.pk)))


@router.get("/{int:pk}", response=CaseOut, summary="问题详情与完整办理过程")
def get_case(request, pk: int):
    case, related = _shown(request, pk)
    return _case_out(request, case, related)


class ClassifyIn(Schema):
    case_class: str
    reason: str = ""
    version: int | None = None
    convener_id: int | None = None


@router.post("/{int:pk}/classify", response=CaseOut, summary="受理分类 / 调整分类（须写理由）")
def classify(request, pk: int, payload: ClassifyIn):
    from sanfang.directory.models import Person

    case = _get(request, pk)
    convener = get_object_or_404(Person, pk=payload.convener_id) if payload.convener_id else None
    services.classify_case(
        actor=request.user,
        case=case,
        case_class=payload.case_class,
        reason=payload.reason,
        convener=convener,
        version=payload.version,
    )
    return _case_out(request, _get(request, pk))


class TextIn(Schema):
    text: str
    version: int | None = None


@router.post(
    "/{int:pk}/cannot-solve", response=CaseOut, summary="日常问题难以解决，附初步意见提请居委会协调（CS-2）"
)
def cannot_solve(request, pk: int, payload: TextIn):
    services.cannot_solve(
        actor=request.user, case=_get(request, pk), opinion=payload.text, version=payload.version
    )
    return _case_out(request, _get(request, pk))


@router.post("/{int:pk}/resolve", response=CaseOut, summary="办结，写明解决方案")
def resolve(request, pk: int, payload: TextIn):
    services.resolve_case(
        actor=request.user, case=_get(request, pk), solution=payload.text, version=payload.version
    )
    return _case_out(request, _get(request, pk))


@router.post("/{int:pk}/progress", response=CaseOut, summary="发布进展（公示）")
def progress(request, pk: int, payload: TextIn):
    services.update_progress(actor=request.user, case=_get(request, pk), text=payload.text)
    return _case_out(request, _get(request, pk))


class HandoverIn(Schema):
    to_org_id: int
    reason: str
    version: int | None = None


@router.post("/{int:pk}/hand-over", response=CaseOut, summary="移交（来回推诿计数，超限自动升级，CS-5）")
def hand_over(request, pk: int, payload: HandoverIn):
    org = get_object_or_404(Organisation, pk=payload.to_org_id)
    services.hand_over(
        actor=request.user, case=_get(request, pk), to_org=org, reason=payload.reason, version=payload.version
    )
    return _case_out(request, _get(request, pk))


class ParticipantIn(Schema):
    role: str
    name: str


class InvestigationIn(Schema):
    held_on: dt.date
    participants: list[ParticipantIn]
    findings: str
    proposed_solution: str = ""


@router.post("/{int:pk}/investigation", response=CaseOut, summary="重大问题调查研究记录（CS-3）")
def investigation(request, pk: int, payload: InvestigationIn):
    data = payload.dict()
    services.record_investigation(actor=request.user, case=_get(request, pk), **data)
    return _case_out(request, _get(request, pk))


class ReportIn(Schema):
    put_on_agenda: bool = False


@router.post("/{int:pk}/report", response=CaseOut, summary="重大问题方案报党组织和联席会议办公室（CS-3）")
def report_major(request, pk: int, payload: ReportIn):
    services.report_major(actor=request.user, case=_get(request, pk), put_on_agenda=payload.put_on_agenda)
    return _case_out(request, _get(request, pk))


class ProposalIn(Schema):
    proposal: str
    put_on_agenda: bool = False


@router.post("/{int:pk}/propose", response=CaseOut, summary="联席会议研究提出吹哨建议（CS-4）")
def propose(request, pk: int, payload: ProposalIn):
    services.propose_summons(actor=request.user, case=_get(request, pk), **payload.dict())
    return _case_out(request, _get(request, pk))


class SummonsIn(Schema):
    request: str


@router.post("/{int:pk}/summons", response=CaseOut, summary="社区党组织向街道吹哨（CS-4）")
def summons(request, pk: int, payload: SummonsIn):
    services.issue_street_summons(actor=request.user, case=_get(request, pk), request=payload.request)
    return _case_out(request, _get(request, pk))


class DepartmentSummonsIn(Schema):
    to_org_ids: list[int]
    request: str


@router.post("/{int:pk}/summon-departments", response=CaseOut, summary="街道吹哨，部门报到（CS-4）")
def summon_departments(request, pk: int, payload: DepartmentSummonsIn):
    case = _get(request, pk)
    parent = case.summonses.filter(level=SummonsLevel.STREET).first()
    if parent is None:
        raise RuleViolation(_("尚未向街道吹哨。"))
    orgs = list(Organisation.objects.filter(pk__in=payload.to_org_ids).order_by("id"))
    if len(orgs) != len(set(payload.to_org_ids)):
        raise Http404
    services.summon_departments(actor=request.user, summons=parent, to_orgs=orgs, request=payload.request)
    return _case_out(request, _get(request, pk))


class ReportInIn(Schema):
    reply: str
    actions: str = ""


@router.post("/summonses/{int:sid}/report-in", response=SummonsOut, summary="被吹哨单位报到答复（CS-4）")
def report_in(request, sid: int, payload: ReportInIn):
    s = Summons.objects.filter(pk=sid).first()
    if s is None or not permissions.cases_visible_to(request.user).filter(pk=s.case_id).exists():
        raise Http404
    s = services.report_in(actor=request.user, summons=s, **payload.dict())
    return _summons_out(Summons.objects.select_related("from_org", "to_org").get(pk=s.pk))


@router.get("/summonses/", response=list[SummonsOut], summary="吹哨列表（open / overdue）")
def list_summonses(request, show: str = "open", limit: int = 100, offset: int = 0):
    from sanfang.directory.scopes import Role, get_scope

    scope = get_scope(request.user)
    roles = (Role.STREET, Role.COUNTY, Role.PARTY_ORG)
    q = Q() if scope.is_superuser else scope.place_q("case__compound__path", roles=roles)
    if scope.organisation_ids:
        q |= Q(to_org_id__in=scope.organisation_ids)
    qs = Summons.objects.filter(q).select_related("from_org", "to_org")
    if show == "open":
        qs = qs.open()
    elif show == "overdue":
        qs = qs.overdue()
    limit = max(1, min(limit, 500))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_summons_out(s) for s in qs.order_by("-issued_at", "-id")[offset : offset + limit]]


class ReviewIn(Schema):
    progress: str
    next_review_on: dt.date | None = None


@router.post("/{int:pk}/review", response=CaseOut, summary="历史遗留问题定期跟踪（CS-5）")
def review(request, pk: int, payload: ReviewIn):
    services.record_review(actor=request.user, case=_get(request, pk), **payload.dict())
    return _case_out(request, _get(request, pk))


class ExplanationIn(Schema):
    held_on: dt.date
    content: str


class ExplanationOut(Schema):
    id: int
    held_on: dt.date
    content: str
    signed_parties: list[str]
    complete: bool


def _exp_out(e: JointExplanation) -> ExplanationOut:
    e = JointExplanation.objects.prefetch_related("signatures").get(pk=e.pk)
    return ExplanationOut(
        id=e.pk,
        held_on=e.held_on,
        content=e.content,
        signed_parties=sorted(e.signed_parties),
        complete=e.is_complete,
    )


@router.post("/{int:pk}/explanations", response={201: ExplanationOut}, summary="三方共同解释记录（CS-5）")
def explain(request, pk: int, payload: ExplanationIn):
    exp = services.record_explanation(actor=request.user, case=_get(request, pk), **payload.dict())
    return Reply(201, _exp_out(exp))


@router.post(
    "/{int:pk}/explanations/{int:eid}/sign", response=ExplanationOut, summary="一方签认共同解释（CS-5）"
)
def sign(request, pk: int, eid: int):
    exp = get_object_or_404(JointExplanation, pk=eid, case=_get(request, pk))
    return _exp_out(services.sign_explanation(actor=request.user, explanation=exp))


class EngagementIn(Schema):
    kind: str
    held_on: dt.date
    participants_count: int
    summary: str
    outcome: str = ""


class EngagementOut(EngagementIn):
    id: int


@router.post(
    "/{int:pk}/engagements", response={201: EngagementOut}, summary="恳谈会、听证会、评议会、上门走访（CS-6）"
)
def engage(request, pk: int, payload: EngagementIn):
    eng = services.record_engagement(actor=request.user, case=_get(request, pk), **payload.dict())
    return Reply(201, EngagementOut(id=eng.pk, **payload.dict()))


@router.get("/{int:pk}/engagements", response=list[EngagementOut], summary="问题的居民参与活动（CS-6）")
def engagements(request, pk: int):
    case = _get(request, pk)
    return [
        EngagementOut(
            id=e.pk,
            kind=e.kind,
            held_on=e.held_on,
            participants_count=e.participants_count,
            summary=e.summary,
            outcome=e.outcome,
        )
        for e in case.engagements.all()
    ]


# --- major matters (CS-7) ----------------------------------------------------------------------------------


class InvitationOut(Schema):
    party: str
    organisation: str
    invited_at: dt.datetime
    acknowledged_at: dt.datetime | None


class MatterOut(Schema):
    id: int
    compound_code: str
    kind: str
    title: str
    step: str
    steps: list[str]
    gate_open: bool
    version: int
    invitations: list[InvitationOut]


class MatterIn(Schema):
    compound: str
    kind: str
    title: str
    description: str = ""


def _matter_out(m: MajorMatter) -> MatterOut:
    m = (
        MajorMatter.objects.select_related("compound")
        .prefetch_related("invitations__organisation")
        .get(pk=m.pk)
    )
    return MatterOut(
        id=m.pk,
        compound_code=m.compound.code,
        kind=m.kind,
        title=m.title,
        step=m.step,
        steps=m.steps,
        gate_open=m.gate_open,
        version=m.version,
        invitations=[
            InvitationOut(
                party=i.party,
                organisation=i.organisation.name,
                invited_at=i.invited_at,
                acknowledged_at=i.acknowledged_at,
            )
            for i in m.invitations.all()
        ],
    )


@router.get("/matters/", response=list[MatterOut], summary="重大事项列表")
def list_matters(request, limit: int = 50, offset: int = 0):
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    qs = permissions.matters_visible_to(request.user).order_by("-created_at", "-id")[offset : offset + limit]
    return [_matter_out(m) for m in qs]


@router.post("/matters/", response={201: MatterOut}, summary="提出重大事项（CS-7）")
def open_matter(request, payload: MatterIn):
    compound = get_object_or_404(Place, code=payload.compound, kind=PlaceKind.COMPOUND)
    m = services.open_matter(
        actor=request.user,
        compound=compound,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
    )
    return Reply(201, _matter_out(m))


@router.get("/matters/{int:pk}", response=MatterOut, summary="重大事项详情")
def get_matter(request, pk: int):
    return _matter_out(permissions.get_matter_for(request.user, pk))


class PartyIn(Schema):
    party: str
    note: str = ""


@router.post("/matters/{int:pk}/invite", response=MatterOut, summary="邀请街道 / 党组织提前介入（CS-7）")
def invite(request, pk: int, payload: PartyIn):
    services.invite(
        actor=request.user, matter=permissions.get_matter_for(request.user, pk), party=payload.party
    )
    return _matter_out(permissions.get_matter_for(request.user, pk))


@router.post("/matters/{int:pk}/acknowledge", response=MatterOut, summary="街道 / 党组织确认提前介入（CS-7）")
def acknowledge(request, pk: int, payload: PartyIn):
    services.acknowledge(
        actor=request.user,
        matter=permissions.get_matter_for(request.user, pk),
        party=payload.party,
        note=payload.note,
    )
    return _matter_out(permissions.get_matter_for(request.user, pk))


class VersionIn(Schema):
    version: int | None = None


@router.post("/matters/{int:pk}/advance", response=MatterOut, summary="进入下一步（须双方已确认，CS-7）")
def advance(request, pk: int, payload: VersionIn):
    services.advance_matter(
        actor=request.user, matter=permissions.get_matter_for(request.user, pk), version=payload.version
    )
    return _matter_out(permissions.get_matter_for(request.user, pk))


class RatesOut(Schema):
    received: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    satisfied: int
    basic: int
    unsatisfied: int
    bounces: int


@router.get("/rates", response=RatesOut, summary="响应率、解决率、满意率（按地点或物业企业、任意期间）")
def rates(request, start: dt.date, end: dt.date, place: str | None = None, company_id: int | None = None):
    if end < start:
        raise RuleViolation(_("结束日期不能早于开始日期。"))
    qs = permissions.cases_visible_to(request.user).filter(
        created_at__date__gte=start, created_at__date__lte=end
    )
    if place:
        p = get_object_or_404(Place, code=place)
        qs = qs.filter(compound__path__startswith=p.path)
    if company_id:
        company = get_object_or_404(Organisation, pk=company_id)
        qs = qs.filter(pk__in=services.cases_of_subject(company, start, end).values("pk"))
    r = services.rates(qs)
    return RatesOut(
        received=r.received,
        response_rate=r.response_rate,
        resolution_rate=r.resolution_rate,
        satisfaction_rate=r.satisfaction_rate,
        satisfied=r.satisfied,
        basic=r.basic,
        unsatisfied=r.unsatisfied,
        bounces=r.bounces,
    )


class BounceOut(Schema):
    organisation: str | None
    bounces: int


@router.get("/bounces", response=list[BounceOut], summary="各组织推诿次数（CS-5）")
def bounces(request, place: str):
    p = get_object_or_404(Place, code=place)
    if not permissions.can_see_overview(request.user, p) and not permissions.is_office(request.user, p):
        raise Http404
    return [BounceOut(**row) for row in services.bounce_report(p)]
