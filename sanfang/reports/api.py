"""Report endpoints (PN-4, PN-5): list, read, file, record oral, receive, opinions and answers, close.
Same services as the pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sanfang.core.errors import RuleViolation
from sanfang.directory.models import Organisation, Place, PlaceKind

from . import permissions, services
from .kinds import TYPES, ReportType
from .models import Opinion, Report, ReportRecipient

router = Router(tags=["reports"])


class FieldSpecOut(Schema):
    name: str
    label: str
    kind: str
    required: bool
    choices: list[list[str]]


class TypeOut(Schema):
    type: str
    label: str
    reporters: list[str]
    fields: list[FieldSpecOut]


class ReportRecipientOut(Schema):
    kind: str
    organisation_id: int
    organisation: str
    received_at: dt.datetime | None


class OpinionOut(Schema):
    id: int
    organisation: str
    text: str
    created_at: dt.datetime
    due_on: dt.date | None
    answer: str
    answered_at: dt.datetime | None
    overdue: bool


class ReportOut(Schema):
    id: int
    type: str
    type_label: str
    mode: str
    status: str
    compound_code: str
    reporting_org_id: int
    reporting_org: str
    title: str
    summary: str
    fields: dict
    oral_reporter: str
    oral_at: dt.datetime | None
    submitted_at: dt.datetime
    has_attachment: bool
    agenda_ref: str
    follows_id: int | None
    recipients: list[ReportRecipientOut]
    opinions: list[OpinionOut]


class NewReportIn(Schema):
    type: str
    compound_code: str
    reporting_org_id: int
    title: str
    summary: str
    fields: dict = {}
    recipients: list[str] | None = None
    oral: bool = False
    oral_reporter: str = ""
    oral_at: dt.datetime | None = None
    follows_id: int | None = None


class OpinionIn(Schema):
    text: str


class OpinionAnswerIn(Schema):
    answer: str


class CloseIn(Schema):
    version: int


def _out(r: Report) -> ReportOut:
    return ReportOut(
        id=r.pk,
        type=r.type,
        type_label=r.get_type_display(),
        mode=r.mode,
        status=r.status,
        compound_code=r.compound.code,
        reporting_org_id=r.reporting_org_id,
        reporting_org=r.reporting_org.name,
        title=r.title,
        summary=r.summary,
        fields=r.fields,
        oral_reporter=r.oral_reporter,
        oral_at=r.oral_at,
        submitted_at=r.submitted_at,
        has_attachment=bool(r.attachment),
        agenda_ref=r.agenda_ref,
        follows_id=r.follows_id,
        recipients=[
            ReportRecipientOut(
                kind=x.kind,
                organisation_id=x.organisation_id,
                organisation=x.organisation.name,
                received_at=x.received_at,
            )
            for x in r.recipients.all()
        ],
        opinions=[
            OpinionOut(
                id=o.pk,
                organisation=o.recipient.organisation.name,
                text=o.text,
                created_at=o.created_at,
                due_on=o.due_on,
                answer=o.answer,
                answered_at=o.answered_at,
                overdue=o.overdue,
            )
            for o in r.opinions.all()
        ],
    )


def _qs(user):
    return (
        Report.objects.visible_to(user)
        .select_related("compound", "reporting_org")
        .prefetch_related(
            Prefetch("recipients", queryset=ReportRecipient.objects.select_related("organisation")),
            Prefetch("opinions", queryset=Opinion.objects.select_related("recipient__organisation")),
        )
    )


def _one(user, pk: int) -> ReportOut:
    r = _qs(user).filter(pk=pk).first()
    if r is None:
        raise Http404
    return _out(r)


@router.get("/types", response=list[TypeOut], summary="报告类型及各类型所需填写的要素（PN-4）")
def report_types(request):
    return [
        TypeOut(
            type=str(t),
            label=str(ReportType(t).label),
            reporters=list(spec.reporters),
            fields=[
                FieldSpecOut(
                    name=f.name,
                    label=str(f.label),
                    kind=f.kind,
                    required=f.required,
                    choices=[[k, str(v)] for k, v in f.choices],
                )
                for f in spec.fields
            ],
        )
        for t, spec in TYPES.items()
    ]


@router.get("/", response=list[ReportOut], summary="我能看到的报告（最新在前）")
def list_reports(request, type: str = "", unanswered: bool = False, limit: int = 50, offset: int = 0):
    qs = _qs(request.auth)
    if type:
        qs = qs.filter(type=type)
    if unanswered:
        qs = qs.with_unanswered()
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_out(r) for r in qs[offset : offset + limit]]


@router.get("/{report_id}", response=ReportOut)
def get_report(request, report_id: int):
    return _one(request.auth, report_id)


@router.post("/", response={201: ReportOut}, summary="报送书面报告或记录口头报告（PN-4）")
def create_report(request, payload: NewReportIn):
    compound = get_object_or_404(Place, code=payload.compound_code, kind=PlaceKind.COMPOUND)
    org = Organisation.objects.filter(pk=payload.reporting_org_id).first()
    if org is None:
        raise RuleViolation(_("报告单位不存在。"), field="reporting_org_id")
    common = {
        "actor": request.auth,
        "compound": compound,
        "report_type": payload.type,
        "reporting_org": org,
        "title": payload.title,
        "summary": payload.summary,
        "fields": payload.fields,
        "recipients": payload.recipients,
    }
    if payload.oral:
        if payload.follows_id:
            raise RuleViolation(_("口头报告不能作为续报记录，请书面续报。"), field="follows_id")
        report = services.record_oral_report(
            oral_reporter=payload.oral_reporter, oral_at=payload.oral_at, **common
        )
    else:
        follows = permissions.get_report_for(request.auth, payload.follows_id) if payload.follows_id else None
        report = services.file_report(follows=follows, **common)
    return Status(201, _one(request.auth, report.pk))


@router.post("/{report_id}/receive", response=ReportOut, summary="确认接收报告")
def receive(request, report_id: int):
    report = permissions.get_report_for(request.auth, report_id)
    services.mark_received(actor=request.auth, report=report)
    return _one(request.auth, report_id)


@router.post("/{report_id}/opinions", response={201: OpinionOut}, summary="对报告提出意见（PN-5）")
def give_opinion(request, report_id: int, payload: OpinionIn):
    report = permissions.get_report_for(request.auth, report_id)
    op = services.give_opinion(actor=request.auth, report=report, text=payload.text)
    out = _one(request.auth, report_id)
    return Status(201, next(o for o in out.opinions if o.id == op.pk))


@router.post("/opinions/{opinion_id}/answer", response=OpinionOut, summary="答复意见（PN-5）")
def answer(request, opinion_id: int, payload: OpinionAnswerIn):
    op = Opinion.objects.filter(pk=opinion_id).first()
    if op is None:
        raise Http404
    permissions.get_report_for(request.auth, op.report_id)
    services.answer_opinion(actor=request.auth, opinion=op, answer=payload.answer)
    out = _one(request.auth, op.report_id)
    return next(o for o in out.opinions if o.id == op.pk)


@router.post("/{report_id}/close", response=ReportOut, summary="办结报告（须先答复全部意见）")
def close(request, report_id: int, payload: CloseIn):
    report = permissions.get_report_for(request.auth, report_id)
    services.close_report(actor=request.auth, report=report, version=payload.version)
    return _one(request.auth, report_id)
