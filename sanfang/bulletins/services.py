"""Bulletin verbs (PN-3): send, acknowledge, escalate. Each checks permission, runs in one transaction, writes
the audit trail and notifies through the core channels (inbox, e-mail, group robots) after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfang.core import audit, delivery
from sanfang.core.errors import RuleViolation
from sanfang.directory.models import Organisation, OrgKind, Place, PlaceKind, Position
from sanfang.directory.services import convener_for

from . import links, permissions
from .models import Bulletin, BulletinRecipient, Topic, Urgency, ack_minutes_for, street_after_minutes

MIN_ACK_MINUTES = 15
MAX_ACK_MINUTES = 7 * 24 * 60


def members_of(orgs: Iterable[Organisation]) -> list:
    """The people currently holding a position in these organisations (the EPMC's lead sits in the RC)."""
    orgs = list(orgs)
    ids = [o.pk for o in orgs]
    positions = Position.objects.current().filter(organisation_id__in=ids).select_related("person")
    people = [p.person for p in positions]
    epmc_places = [o.place_id for o in orgs if o.kind == OrgKind.EPMC]
    if epmc_places:
        leads = (
            Position.objects.current()
            .filter(leads_epmc=True, organisation__place_id__in=epmc_places)
            .select_related("person")
        )
        people += [p.person for p in leads]
    return list({p.pk: p for p in people}.values())


@transaction.atomic
def send_bulletin(
    *,
    actor,
    community: Place,
    sender_org: Organisation,
    recipient_orgs: Iterable[Organisation],
    title: str,
    body: str,
    urgency: str = Urgency.NORMAL,
    topic: str = Topic.PROBLEMS,
    compound: Place | None = None,
    case_ref: str = "",
    include_street: bool = False,
    ack_minutes: int | None = None,
    now: dt.datetime | None = None,
) -> Bulletin:
    """PN-3: a party notifies the other parties (and optionally the street) of problems and progress.
    Important and urgent bulletins carry an acknowledgement deadline for each recipient party."""
    if community.kind != PlaceKind.COMMUNITY:
        raise RuleViolation(_("通报应在社区范围内发出。"))
    if sender_org not in permissions.sender_orgs_for(actor, community):
        raise PermissionDenied
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise RuleViolation(_("请填写通报标题。"), field="title")
    if not body:
        raise RuleViolation(_("请填写通报内容。"), field="body")
    if urgency not in Urgency.values:
        raise RuleViolation(_("紧急程度不正确。"), field="urgency")
    if topic not in Topic.values:
        raise RuleViolation(_("通报类别不正确。"), field="topic")
    if compound is not None and (compound.kind != PlaceKind.COMPOUND or not compound.is_within(community)):
        raise RuleViolation(_("涉及的小区不在本社区。"), field="compound")
    parties = {o.pk: o for o in permissions.community_parties(community)}
    recipients = {o.pk: o for o in recipient_orgs if o.pk != sender_org.pk}
    stray = [o for o in recipients.values() if o.pk not in parties]
    if stray:
        raise RuleViolation(
            _("%(org)s 不是本社区的联动单位，不能作为通报对象。") % {"org": stray[0].name}, field="recipients"
        )
    if include_street:
        street = permissions.street_org_of(community)
        if street is None:
            raise RuleViolation(
                _("未找到本社区所属街道（乡镇）的机构，无法同时通报街道。"), field="include_street"
            )
        recipients[street.pk] = street
    if not recipients:
        raise RuleViolation(_("请至少选择一个通报对象。"), field="recipients")
    case_ref = (case_ref or "").strip()
    if case_ref and links.case_exists(case_ref) is False:
        raise RuleViolation(_("没有编号为 %(ref)s 的问题。") % {"ref": case_ref}, field="case_ref")
    if ack_minutes is None:
        ack_minutes = ack_minutes_for(urgency)
    elif urgency == Urgency.NORMAL:
        ack_minutes = None  # a normal bulletin is read, not signed for
    if ack_minutes is not None and not (MIN_ACK_MINUTES <= ack_minutes <= MAX_ACK_MINUTES):
        raise RuleViolation(_("签收时限应在 15 分钟到 7 天之间。"), field="ack_minutes")
    sent_at = now or timezone.now()
    bulletin = Bulletin.objects.create(
        community=community,
        compound=compound,
        sender_org=sender_org,
        author=actor,
        topic=topic,
        urgency=urgency,
        title=title[:120],
        body=body,
        case_ref=(case_ref or "").strip()[:40],
        include_street=include_street,
        sent_at=sent_at,
        ack_minutes=ack_minutes,
        ack_due_at=sent_at + dt.timedelta(minutes=ack_minutes) if ack_minutes else None,
    )
    BulletinRecipient.objects.bulk_create(
        [BulletinRecipient(bulletin=bulletin, organisation=o) for o in recipients.values()]
    )
    audit.record(
        actor=actor,
        verb="bulletin.send",
        target=bulletin,
        place=community,
        summary=f"{bulletin.get_urgency_display()} · {title}",
        changes={"recipients": [o.name for o in recipients.values()], "ack_due_at": bulletin.ack_due_at},
    )
    _notify_recipients(bulletin, list(recipients.values()))
    return bulletin


def _url(bulletin: Bulletin) -> str:
    return reverse("bulletins:detail", args=[bulletin.pk])


def _notify_recipients(bulletin: Bulletin, orgs: list[Organisation]) -> None:
    def subject() -> str:
        if bulletin.urgency == Urgency.NORMAL:
            return _("【通报】") + bulletin.title
        return _("【%(urgency)s通报】") % {"urgency": bulletin.get_urgency_display()} + bulletin.title

    def body() -> str:
        text = _("%(sender)s：%(body)s") % {"sender": bulletin.sender_org.name, "body": bulletin.body}
        if bulletin.ack_due_at:
            due = timezone.localtime(bulletin.ack_due_at).strftime("%Y-%m-%d %H:%M")
            text += "\n" + _("请于 %(due)s 前签收。") % {"due": due}
        return text

    delivery.notify(
        recipients=members_of(orgs),
        subject=subject,
        key=f"bulletin:{bulletin.pk}:sent",
        body=body,
        url=_url(bulletin),
        urgent=bulletin.urgency == Urgency.URGENT,
        organisations=orgs,
    )


@transaction.atomic
def acknowledge(
    *, actor, bulletin: Bulletin, organisation: Organisation | None = None, note: str = "", now=None
) -> list[BulletinRecipient]:
    """PN-3: a recipient party signs for the bulletin (who and when are kept). Without `organisation`, the
    actor acknowledges for every recipient party they act for."""
    rows = list(
        BulletinRecipient.objects.select_for_update()
        .filter(bulletin=bulletin)
        .select_related("organisation")
        .order_by("pk")
    )
    mine = [r for r in rows if permissions.acts_for(actor, r.organisation)]
    if organisation is not None:
        mine = [r for r in mine if r.organisation_id == organisation.pk]
    if not mine:
        raise PermissionDenied
    pending = [r for r in mine if r.acknowledged_at is None]
    if not pending:
        raise RuleViolation(_("已经签收过这份通报。"))
    at = now or timezone.now()
    for row in pending:
        row.acknowledged_at, row.acknowledged_by, row.note = at, actor, (note or "").strip()[:300]
        row.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
        audit.record(
            actor=actor,
            verb="bulletin.acknowledge",
            target=bulletin,
            place=bulletin.community,
            summary=_("%(org)s 签收%(late)s")
            % {"org": row.organisation.name, "late": _("（超时）") if row.late else ""},
        )
    return pending


def _unacked_orgs(bulletin: Bulletin) -> list[Organisation]:
    return [
        r.organisation
        for r in bulletin.recipients.filter(acknowledged_at__isnull=True).select_related("organisation")
    ]


@transaction.atomic
def escalate_overdue(*, now: dt.datetime) -> int:
    """PN-3: an urgent (or important) bulletin not acknowledged in time is reported to the community party
    organisation and its convener; if still not acknowledged after a further period, to the street."""
    done = 0
    party_due = (
        Bulletin.objects.overdue(now).filter(escalation_level=0).select_related("community", "sender_org")
    )
    for bulletin in party_due.select_for_update(of=("self",)):
        missing = _unacked_orgs(bulletin)
        party_org = Organisation.objects.filter(kind=OrgKind.PARTY_ORG, place=bulletin.community).first()
        convener = convener_for(bulletin.community)
        people = members_of([party_org]) if party_org else []
        if convener is not None:
            people.append(convener.person)
        _escalation_notice(bulletin, missing, people, [party_org] if party_org else [], level=1)
        bulletin.escalation_level, bulletin.escalated_to_party_at = 1, now
        bulletin.save(update_fields=["escalation_level", "escalated_to_party_at"])
        audit.record(
            actor="系统",
            verb="bulletin.escalate",
            target=bulletin,
            place=bulletin.community,
            summary=_("逾期未签收，已报告社区党组织：%(orgs)s")
            % {"orgs": _("、").join(o.name for o in missing)},
        )
        done += 1
    street_cutoff = now - dt.timedelta(minutes=street_after_minutes())
    street_due = (
        Bulletin.objects.overdue(now)
        .filter(escalation_level=1, escalated_to_party_at__lte=street_cutoff)
        .select_related("community", "sender_org")
    )
    for bulletin in street_due.select_for_update(of=("self",)):
        missing = _unacked_orgs(bulletin)
        street = permissions.street_org_of(bulletin.community)
        people = members_of([street]) if street else []
        _escalation_notice(bulletin, missing, people, [street] if street else [], level=2)
        bulletin.escalation_level, bulletin.escalated_to_street_at = 2, now
        bulletin.save(update_fields=["escalation_level", "escalated_to_street_at"])
        audit.record(
            actor="系统",
            verb="bulletin.escalate",
            target=bulletin,
            place=bulletin.community,
            summary=_("仍未签收，已报告街道：%(orgs)s") % {"orgs": _("、").join(o.name for o in missing)},
        )
        done += 1
    return done


def _escalation_notice(bulletin, missing, people, orgs, *, level: int) -> None:
    due = timezone.localtime(bulletin.ack_due_at).strftime("%Y-%m-%d %H:%M")

    def body() -> str:
        return _(
            "%(sender)s 发出的%(urgency)s通报“%(title)s”要求于 %(due)s 前签收，%(names)s 至今未签收，请督促处理。"
        ) % {
            "sender": bulletin.sender_org.name,
            "urgency": bulletin.get_urgency_display(),
            "title": bulletin.title,
            "due": due,
            "names": _("、").join(o.name for o in missing),
        }

    delivery.notify(
        recipients=people,
        subject=lambda: _("【督办】通报逾期未签收：%(title)s") % {"title": bulletin.title},
        key=f"bulletin:{bulletin.pk}:escalate:{level}",
        body=body,
        url=_url(bulletin),
        urgent=True,
        organisations=orgs,
    )
    # Remind the parties that have not signed, once per level.
    delivery.notify(
        recipients=members_of(missing),
        subject=lambda: _("【催签】请尽快签收通报：%(title)s") % {"title": bulletin.title},
        key=f"bulletin:{bulletin.pk}:remind:{level}",
        body=body,
        url=_url(bulletin),
        urgent=True,
    )
