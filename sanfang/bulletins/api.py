"""Bulletin endpoints (PN-3): list, read, send, acknowledge. Same services as the pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sanfang.core.errors import RuleViolation
from sanfang.directory.models import Organisation, Place, PlaceKind
from sanfang.directory.scopes import get_scope

from . import permissions, services
from .models import Bulletin, BulletinRecipient

router = Router(tags=["bulletins"])


class BulletinRecipientOut(Schema):
    organisation_id: int
    organisation: str
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    late: bool
    note: str


class BulletinOut(Schema):
    id: int
    community_code: str
    compound_code: str | None
    sender_org_id: int
    sender_org: str
    topic: str
    urgency: str
    title: str
    body: str
    case_ref: str
    sent_at: dt.datetime
    ack_due_at: dt.datetime | None
    escalation_level: int
    recipients: list[BulletinRecipientOut]


class BulletinIn(Schema):
    community_code: str
    sender_org_id: int
    recipient_org_ids: list[int]
    title: str
    body: str
    urgency: str = "normal"
    topic: str = "problems"
    compound_code: str | None = None
    case_ref: str = ""
    include_street: bool = False
    ack_minutes: int | None = None


class AckIn(Schema):
    organisation_id: int | None = None
    note: str = ""


def _out(b: Bulletin) -> BulletinOut:
    return BulletinOut(
        id=b.pk,
        community_code=b.community.code,
        compound_code=b.compound.code if b.compound else None,
        sender_org_id=b.sender_org_id,
        sender_org=b.sender_org.name,
        topic=b.topic,
        urgency=b.urgency,
        title=b.title,
        body=b.body,
        case_ref=b.case_ref,
        sent_at=b.sent_at,
        ack_due_at=b.ack_due_at,
        escalation_level=b.escalation_level,
        recipients=[
            BulletinRecipientOut(
                organisation_id=r.organisation_id,
                organisation=r.organisation.name,
                acknowledged_at=r.acknowledged_at,
                acknowledged_by=r.acknowledged_by.name if r.acknowledged_by else None,
                late=r.late,
                note=r.note,
            )
            for r in b.recipients.all()
        ],
    )


def _qs(user):
    return (
        Bulletin.objects.visible_to(user)
        .select_related("community", "compound", "sender_org")
        .prefetch_related(
            Prefetch(
                "recipients",
                queryset=BulletinRecipient.objects.select_related("organisation", "acknowledged_by"),
            )
        )
    )


@router.get("/", response=list[BulletinOut], summary="我能看到的通报（最新在前，最多 200 条）")
def list_bulletins(request, box: str = "all", pending: bool = False, limit: int = 50, offset: int = 0):
    """`box`: all (default), in (sent to my organisations), out (sent by my organisations)."""
    qs = _qs(request.auth)
    scope = get_scope(request.auth)
    orgs = list(scope.organisation_ids)
    if box == "in":
        qs = qs.filter(
            Exists(BulletinRecipient.objects.filter(bulletin=OuterRef("pk"), organisation_id__in=orgs))
        )
    elif box == "out":
        qs = qs.filter(sender_org_id__in=orgs)
    if pending:
        qs = qs.unacknowledged()
    limit = max(1, min(limit, 200))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_out(b) for b in qs[offset : offset + limit]]


@router.get("/{bulletin_id}", response=BulletinOut)
def get_bulletin(request, bulletin_id: int):
    b = _qs(request.auth).filter(pk=bulletin_id).first()
    if b is None:
        raise Http404
    return _out(b)


@router.post("/", response={201: BulletinOut}, summary="发出通报（PN-3）")
def send_bulletin(request, payload: BulletinIn):
    community = get_object_or_404(Place, code=payload.community_code, kind=PlaceKind.COMMUNITY)
    sender = Organisation.objects.filter(pk=payload.sender_org_id).first()
    if sender is None:
        raise RuleViolation(_("通报方不存在。"), field="sender_org_id")
    compound = None
    if payload.compound_code:
        compound = Place.objects.filter(code=payload.compound_code, kind=PlaceKind.COMPOUND).first()
        if compound is None:
            raise RuleViolation(_("涉及的小区不存在。"), field="compound_code")
    bulletin = services.send_bulletin(
        actor=request.auth,
        community=community,
        sender_org=sender,
        recipient_orgs=list(Organisation.objects.filter(pk__in=payload.recipient_org_ids)),
        title=payload.title,
        body=payload.body,
        urgency=payload.urgency,
        topic=payload.topic,
        compound=compound,
        case_ref=payload.case_ref,
        include_street=payload.include_street,
        ack_minutes=payload.ack_minutes,
    )
    return Status(201, _out(_qs(request.auth).get(pk=bulletin.pk)))


@router.post("/{bulletin_id}/ack", response=BulletinOut, summary="签收通报（PN-3）")
def acknowledge(request, bulletin_id: int, payload: AckIn):
    bulletin = permissions.get_bulletin_for(request.auth, bulletin_id)
    org = None
    if payload.organisation_id:
        org = Organisation.objects.filter(pk=payload.organisation_id).first()
        if org is None:
            raise RuleViolation(_("接收方不存在。"), field="organisation_id")
    services.acknowledge(actor=request.auth, bulletin=bulletin, organisation=org, note=payload.note)
    return _out(_qs(request.auth).get(pk=bulletin.pk))
