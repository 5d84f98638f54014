"""Appraisal endpoints (EV-1 … EV-5): the same services as the pages; results only after a round closes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from ninja import Router, Schema, Status

from sanfang.core import ratelimit
from sanfang.core.api_auth import OPTIONAL_AUTH
from sanfang.core.errors import RuleViolation
from sanfang.directory.models import Place, PlaceKind

from . import permissions, queries, scoring, services
from .models import Objection, Round

router = Router(tags=["appraisal"])


class CriterionOut(Schema):
    id: int
    parent_id: int | None
    title: str
    content: str
    weight: float
    share: float
    scale: str
    points: dict[str, float] | None
    applies_to: str


class StandardOut(Schema):
    id: int
    street_code: str
    name: str
    number: int
    status: str
    drop_extremes: bool
    indicator_weight: float
    version: int
    criteria: list[CriterionOut] = []


class StandardIn(Schema):
    street_code: str
    name: str
    drop_extremes: bool = False
    indicator_weight: float = 0


class CriterionIn(Schema):
    title: str
    content: str | None = None
    parent_id: int | None = None
    weight: float = 1
    scale: str = "levels"
    applies_to: str = "all"
    points_satisfied: float | None = None
    points_basic: float | None = None
    points_unsatisfied: float | None = None


class AppraisalVersionIn(Schema):
    version: int | None = None


class SubjectOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    kind: str
    self_report: str
    final_score: float | None = None
    rank: int | None = None
    grade: str = ""


class RoundOut(Schema):
    id: int
    community_code: str
    community: str
    year: int
    status: str
    standard_id: int
    opens_on: dt.date
    closes_on: dt.date
    publicity_ends_on: dt.date | None
    eligible: int
    voted: int
    results_visible: bool
    subjects: list[SubjectOut] = []


class RoundIn(Schema):
    community_code: str
    year: int
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    publicity_days: int = 5


class AppraisalParticipantOut(Schema):
    name: str
    category: str
    has_voted: bool


class ResultOut(Schema):
    subject_id: int
    organisation: str
    kind: str
    responses: int
    ballot_score: float | None
    indicator_score: float | None
    final_score: float | None
    rank: int | None
    grade: str
    distribution: dict
    indicators: list[dict]


class ObjectionIn(Schema):
    text: str
    subject_id: int | None = None


class ObjectionAnswerIn(Schema):
    answer: str


class ObjectionOut(Schema):
    id: int
    subject_id: int | None
    text: str
    answer: str
    answered: bool


class ApproveIn(Schema):
    note: str = ""
    version: int | None = None


class BallotQuestion(Schema):
    subject_id: int
    organisation: str
    criteria: list[CriterionOut]
    indicators: list[dict]


class BallotIn(Schema):
    answers: dict[str, dict[str, str | float]]


class CreditOut(Schema):
    company_id: int
    company: str
    score: float | None
    grade: str
    entries: list[dict]


def _standard_out(std, with_criteria: bool = True) -> StandardOut:
    criteria = list(std.criteria.all()) if with_criteria else []
    weights = scoring.effective_weights(criteria)
    return StandardOut(
        id=std.pk,
        street_code=std.street.code,
        name=std.name,
        number=std.number,
        status=std.status,
        drop_extremes=std.drop_extremes,
        indicator_weight=float(std.indicator_weight),
        version=std.version,
        criteria=[_criterion_out(c, weights) for c, _d in scoring.ordered_tree(criteria)],
    )


def _criterion_out(c, weights) -> CriterionOut:
    return CriterionOut(
        id=c.pk,
        parent_id=c.parent_id,
        title=c.title,
        content=c.content,
        weight=float(c.weight),
        share=round(weights.get(c.pk, 0.0), 4),
        scale=c.scale,
        points=(
            {
                "satisfied": float(c.points_satisfied),
                "basic": float(c.points_basic),
                "unsatisfied": float(c.points_unsatisfied),
            }
            if c.scale == "levels"
            else None
        ),
        applies_to=c.applies_to,
    )


def _round_out(rnd: Round, eligible: int, voted: int, with_subjects: bool = False) -> RoundOut:
    subjects = []
    if with_subjects:
        for s in rnd.subjects.select_related("organisation"):
            subjects.append(
                SubjectOut(
                    id=s.pk,
                    organisation_id=s.organisation_id,
                    organisation=s.organisation.name,
                    kind=s.kind,
                    self_report=s.report_mode,
                    final_score=float(s.final_score)
                    if rnd.results_visible and s.final_score is not None
                    else None,
                    rank=s.rank if rnd.results_visible else None,
                    grade=s.grade if rnd.results_visible else "",
                )
            )
    return RoundOut(
        id=rnd.pk,
        community_code=rnd.community.code,
        community=rnd.community.name,
        year=rnd.year,
        status=rnd.status,
        standard_id=rnd.standard_id,
        opens_on=rnd.opens_on,
        closes_on=rnd.closes_on,
        publicity_ends_on=rnd.due_on,
        eligible=eligible,
        voted=voted,
        results_visible=rnd.results_visible,
        subjects=subjects,
    )


# --- standards -------------------------------------------------------------------------------------------


@router.get("/standards", response=list[StandardOut], summary="测评标准列表")
def list_standards(request, limit: int = 50, offset: int = 0):
    qs = (
        queries.standards_visible_to(request.user)
        .select_related("street")
        .order_by("street__path", "-number")
    )
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_standard_out(s, with_criteria=False) for s in qs[offset : offset + limit]]


@router.get("/standards/{pk}", response=StandardOut, summary="测评标准（含指标树）")
def get_standard(request, pk: int):
    return _standard_out(permissions.get_standard_for(request.user, pk))


@router.post("/standards", response={201: StandardOut}, summary="街道新建测评标准草稿（EV-3）")
def create_standard(request, payload: StandardIn):
    street = Place.objects.filter(code=payload.street_code, kind=PlaceKind.STREET).first()
    if street is None:
        raise Http404
    std = services.create_standard(
        actor=request.user,
        street=street,
        name=payload.name,
        drop_extremes=payload.drop_extremes,
        indicator_weight=payload.indicator_weight,
    )
    return Status(201, _standard_out(std))


@router.post("/standards/{pk}/criteria", response={201: StandardOut}, summary="添加测评指标（EV-4）")
def add_criterion(request, pk: int, payload: CriterionIn):
    std = permissions.get_standard_for(request.user, pk, write=True)
    parent = std.criteria.filter(pk=payload.parent_id).first() if payload.parent_id else None
    if payload.parent_id and parent is None:
        raise RuleViolation("上级指标不属于这个标准。")
    points = {
        k: v
        for k, v in {
            "points_satisfied": payload.points_satisfied,
            "points_basic": payload.points_basic,
            "points_unsatisfied": payload.points_unsatisfied,
        }.items()
        if v is not None
    }
    services.add_criterion(
        actor=request.user,
        standard=std,
        title=payload.title,
        content=payload.content,
        parent=parent,
        weight=payload.weight,
        scale=payload.scale,
        applies_to=payload.applies_to,
        **points,
    )
    std.refresh_from_db()
    return Status(201, _standard_out(std))


@router.post("/standards/{pk}/publish", response=StandardOut, summary="发布测评标准")
def publish_standard(request, pk: int, payload: AppraisalVersionIn):
    std = permissions.get_standard_for(request.user, pk, write=True)
    return _standard_out(services.publish_standard(actor=request.user, standard=std, version=payload.version))


# --- rounds ----------------------------------------------------------------------------------------------


@router.get("/rounds", response=list[RoundOut], summary="年度评议列表")
def list_rounds(
    request, year: int | None = None, status: str | None = None, limit: int = 50, offset: int = 0
):
    qs = (
        Round.objects.visible_to(request.user)
        .select_related("community")
        .annotate(n=Count("participants"), v=Count("participants", filter=Q(participants__has_voted=True)))
        .order_by("-year", "community__path", "pk")
    )
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_round_out(r, r.n, r.v) for r in qs[offset : offset + limit]]


@router.post("/rounds", response={201: RoundOut}, summary="街道开启社区年度评议（EV-1）")
def open_round(request, payload: RoundIn):
    community = Place.objects.filter(code=payload.community_code, kind=PlaceKind.COMMUNITY).first()
    if community is None:
        raise Http404
    rnd = services.open_round(
        actor=request.user,
        community=community,
        year=payload.year,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
        publicity_days=payload.publicity_days,
    )
    return Status(201, _get_round_out(rnd))


def _get_round_out(rnd: Round) -> RoundOut:
    counts = rnd.participants.aggregate(n=Count("id"), v=Count("id", filter=Q(has_voted=True)))
    return _round_out(rnd, counts["n"], counts["v"], with_subjects=True)


@router.get("/rounds/{pk}", response=RoundOut, summary="年度评议详情")
def get_round(request, pk: int):
    return _get_round_out(permissions.get_round_for(request.user, pk))


@router.get(
    "/rounds/{pk}/participants",
    response=list[AppraisalParticipantOut],
    summary="参评名单（谁投了票，不含投票内容）",
)
def list_participants(request, pk: int):
    rnd = permissions.get_round_for(request.user, pk)
    rows = rnd.participants.select_related("person").order_by("category", "person__name", "id")
    return [
        AppraisalParticipantOut(name=p.person.name, category=p.category, has_voted=p.has_voted) for p in rows
    ]


@router.get("/rounds/{pk}/results", response=list[ResultOut], summary="测评结果（测评结束后才可查看）")
def get_results(request, pk: int):
    rnd = permissions.get_round_for(request.user, pk)
    if not permissions.can_view_results(request.user, rnd):
        raise PermissionDenied("测评结束前，任何人都不能查看结果。")
    out = []
    for row in queries.result_rows(rnd):
        s = row["subject"]
        out.append(
            ResultOut(
                subject_id=s.pk,
                organisation=s.organisation.name,
                kind=s.kind,
                responses=s.responses,
                ballot_score=row["score"].ballot,
                indicator_score=row["score"].indicator,
                final_score=row["score"].final,
                rank=s.rank,
                grade=s.grade,
                distribution=s.distribution,
                indicators=s.indicators,
            )
        )
    return out


@router.post("/rounds/{pk}/close", response=RoundOut, summary="结束测评，形成初步结果")
def close_round(request, pk: int, payload: AppraisalVersionIn):
    rnd = permissions.get_round_for(request.user, pk)
    return _get_round_out(services.close_round(actor=request.user, round=rnd, version=payload.version))


@router.post("/rounds/{pk}/publish", response=RoundOut, summary="公示初步结果（EV-5）")
def publish_round(request, pk: int, payload: AppraisalVersionIn):
    rnd = permissions.get_round_for(request.user, pk)
    return _get_round_out(services.publish_results(actor=request.user, round=rnd, version=payload.version))


@router.post("/rounds/{pk}/approve", response=RoundOut, summary="街道审定（EV-5）")
def approve_round(request, pk: int, payload: ApproveIn):
    rnd = permissions.get_round_for(request.user, pk)
    return _get_round_out(
        services.approve_round(actor=request.user, round=rnd, note=payload.note, version=payload.version)
    )


@router.post("/rounds/{pk}/circulate", response=RoundOut, summary="街道内通报并记入信用记录（EV-5）")
def circulate_round(request, pk: int, payload: AppraisalVersionIn):
    rnd = permissions.get_round_for(request.user, pk)
    return _get_round_out(services.circulate_round(actor=request.user, round=rnd, version=payload.version))


@router.get(
    "/rounds/{pk}/public",
    response=list[SubjectOut],
    auth=OPTIONAL_AUTH,
    summary="公示结果（公开，无个人信息）",
)
def public_result(request, pk: int):
    rnd = Round.objects.filter(pk=pk).first()
    if rnd is None or not rnd.is_public:
        raise Http404
    return [
        SubjectOut(
            id=s.pk,
            organisation_id=s.organisation_id,
            organisation=s.organisation.name,
            kind=s.kind,
            self_report=s.report_mode,
            final_score=float(s.final_score) if s.final_score is not None else None,
            rank=s.rank,
            grade=s.grade,
        )
        for s in queries.ordered_subjects(rnd)
    ]


@router.post("/rounds/{pk}/objections", response={201: ObjectionOut}, summary="公示期内提出异议（EV-5）")
def raise_objection(request, pk: int, payload: ObjectionIn):
    ratelimit.hit(request, "appraisal.objection", key=f"person:{request.user.pk}")
    rnd = Round.objects.filter(pk=pk).first()
    if rnd is None or not rnd.is_public:
        raise Http404
    subject = rnd.subjects.filter(pk=payload.subject_id).first() if payload.subject_id else None
    o = services.raise_objection(actor=request.user, round=rnd, text=payload.text, subject=subject)
    return Status(
        201, ObjectionOut(id=o.pk, subject_id=o.subject_id, text=o.text, answer=o.answer, answered=False)
    )


@router.post("/objections/{pk}/answer", response=ObjectionOut, summary="答复异议")
def answer_objection(request, pk: int, payload: ObjectionAnswerIn):
    o = Objection.objects.filter(pk=pk).first()
    if o is None:
        raise Http404
    permissions.get_round_for(request.user, o.round_id)
    o = services.answer_objection(actor=request.user, objection=o, answer=payload.answer)
    return ObjectionOut(id=o.pk, subject_id=o.subject_id, text=o.text, answer=o.answer, answered=True)


class SelfReportIn(Schema):
    mode: str = "written"
    text: str


class MeetingIn(Schema):
    held_on: dt.date
    place_text: str = ""
    attendance: int = 0
    attendance_note: str = ""
    materials_reviewed: str = ""
    opinions_heard: str = ""
    visits: int = 0
    visits_note: str = ""
    version: int | None = None


class AppraisalParticipantIn(Schema):
    phone: str
    category: str = "other"


class PaperIn(Schema):
    sheet_no: str
    answers: dict[str, dict[str, str | float]]


class PaperOut(Schema):
    outcome: str


@router.post("/rounds/{pk}/subjects/{sid}/self-report", response=SubjectOut, summary="提交述职（EV-3）")
def submit_self_report(request, pk: int, sid: int, payload: SelfReportIn):
    rnd = permissions.get_round_for(request.user, pk)
    subject = rnd.subjects.select_related("organisation").filter(pk=sid).first()
    if subject is None:
        raise Http404
    s = services.submit_self_report(actor=request.user, subject=subject, mode=payload.mode, text=payload.text)
    return SubjectOut(
        id=s.pk,
        organisation_id=s.organisation_id,
        organisation=s.organisation.name,
        kind=s.kind,
        self_report=s.report_mode,
    )


@router.post("/rounds/{pk}/meeting", response=RoundOut, summary="记录评议会（EV-3）")
def record_meeting(request, pk: int, payload: MeetingIn):
    rnd = permissions.get_round_for(request.user, pk)
    fields = payload.dict()
    version = fields.pop("version")
    services.record_meeting(actor=request.user, round=rnd, version=version, **fields)
    return _get_round_out(rnd)


@router.post(
    "/rounds/{pk}/participants", response={201: AppraisalParticipantOut}, summary="办公室增补参评人员（EV-3）"
)
def add_participant(request, pk: int, payload: AppraisalParticipantIn):
    from sanfang.directory.auth import normalise_login
    from sanfang.directory.models import Person

    rnd = permissions.get_round_for(request.user, pk, write=True)
    person = Person.objects.filter(phone=normalise_login(payload.phone)).first()
    if person is None:
        raise RuleViolation("名录中没有这个手机号，请先在名录中登记该人员。", field="phone")
    p = services.add_participant(actor=request.user, round=rnd, person=person, category=payload.category)
    return Status(
        201, AppraisalParticipantOut(name=p.person.name, category=p.category, has_voted=p.has_voted)
    )


@router.post("/rounds/{pk}/paper", response=PaperOut, summary="录入纸质票（两人分别录入，一致才计票）")
def enter_paper(request, pk: int, payload: PaperIn):
    rnd = permissions.get_round_for(request.user, pk, write=True)
    outcome = services.enter_paper_ballot(
        actor=request.user, round=rnd, sheet_no=payload.sheet_no, answers=payload.answers
    )
    return PaperOut(outcome=outcome)


# --- ballots by personal link ----------------------------------------------------------------------------


@router.get(
    "/ballot/{token}", response=list[BallotQuestion], auth=OPTIONAL_AUTH, summary="个人测评链接：测评内容"
)
def ballot_questions(request, token: str):
    participant = services.participant_for_token(token)
    if participant is None:
        raise Http404
    criteria = list(participant.round.standard.criteria.all())
    weights = scoring.effective_weights(criteria)
    form = services.ballot_form(participant.round)
    indicators = services.indicators_of_round(participant.round, [block["subject"] for block in form])
    return [
        BallotQuestion(
            subject_id=block["subject"].pk,
            organisation=block["subject"].organisation.name,
            criteria=[_criterion_out(c, weights) for c in block["criteria"]],
            indicators=indicators[block["subject"].pk],
        )
        for block in form
    ]


@router.post(
    "/ballot/{token}", response={204: None}, auth=OPTIONAL_AUTH, summary="个人测评链接：匿名投票（EV-3）"
)
def cast_ballot(request, token: str, payload: BallotIn):
    ratelimit.hit(request, "appraisal.ballot")
    participant = services.participant_for_token(token)
    if participant is None:
        raise Http404
    services.cast_ballot(participant=participant, answers=payload.answers)
    return Status(204, None)


# --- credit ----------------------------------------------------------------------------------------------


@router.get("/companies/{pk}/credit", response=CreditOut, summary="物业服务企业信用记录（EV-5）")
def company_credit(request, pk: int):
    company = permissions.get_company_for(request.user, pk)
    summary = services.credit_summary(company)
    entries = [
        {
            **e,
            "valid_from": e["valid_from"].isoformat(),
            "valid_until": e["valid_until"] and e["valid_until"].isoformat(),
        }
        for e in services.credit_history(company)
    ]
    return CreditOut(
        company_id=company.pk,
        company=company.name,
        score=summary["score"],
        grade=summary["grade"],
        entries=entries,
    )
