"""Joint meeting use cases (JM-1 … JM-6). Each checks permission and rules, runs in one transaction, writes the
audit trail and tells people after commit (through sanfang.core.delivery)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanfang.core import audit, delivery
from sanfang.core import calendar as workcal
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.directory.models import Organisation, OrgKind, Person, Place, PlaceKind, Position
from sanfang.directory.naming import position_title as _directory_title
from sanfang.directory.scopes import Role, get_scope
from sanfang.directory.services import convener_for, epmc_lead_for

from . import permissions, schedule
from .models import (
    AgendaItem,
    AgendaKind,
    Distribution,
    DocumentVersion,
    Meeting,
    MeetingDocument,
    MeetingSchedule,
    Participant,
    ProgressNote,
    Resolution,
    Summary,
)

MAX_RESOLUTION_DAYS = 250


def position_title(position) -> str:
    """The JM-3 "position" of a person: directory.naming's title without the organisation/title overlap
    ("城东社区党委" + "党委书记" → "城东社区党委书记", not "城东社区党委党委书记")."""
    full = _directory_title(position)
    org, title = position.organisation.name, position.title
    if not full.startswith(org) or full == title:
        return full
    for suffix in ORG_SUFFIXES:
        if org.endswith(suffix) and title.startswith(suffix):
            return org + title[len(suffix) :]
    return full


# Organisation-type words that end a name and also start a title ("城东社区党委" + "党委书记").
ORG_SUFFIXES = ("党总支", "党支部", "党委", "支部", "居委会", "业委会")


logger = logging.getLogger(__name__)


# --- Schedule (JM-3) -------------------------------------------------------------------------------------


def schedule_of(community: Place) -> MeetingSchedule:
    """The community's preferred weekday/time/venue, or the defaults (Thursday 9:00) when none is set."""
    found = MeetingSchedule.objects.filter(community=community).first()
    return found or MeetingSchedule(community=community)


@transaction.atomic
def set_schedule(
    *,
    actor,
    community: Place,
    weekday: int,
    start_time: dt.time,
    venue: str,
    agenda_close_working_days: int = 5,
) -> MeetingSchedule:
    if not permissions.is_office(actor, community) and not permissions.is_party_org_head(actor, community):
        raise PermissionDenied
    if weekday not in range(5):
        raise RuleViolation(_("例会首选日须为周一至周五。"), field="weekday")
    if not venue.strip():
        raise RuleViolation(_("请填写会议地点。"), field="venue")
    sched, _created = MeetingSchedule.objects.update_or_create(
        community=community,
        defaults={
            "weekday": weekday,
            "start_time": start_time,
            "venue": venue.strip(),
            "agenda_close_working_days": agenda_close_working_days,
        },
    )
    audit.record(
        actor=actor,
        verb="meetings.schedule.set",
        target=sched,
        place=community,
        summary=f"{sched.get_weekday_display()} {start_time:%H:%M} {venue}",
    )
    return sched


def plan_dates(community: Place, year: int) -> list[schedule.PlannedDate]:
    """JM-3: the community's regular meeting dates for a year (writes nothing)."""
    return schedule.plan_year(year, schedule_of(community).weekday)


def _convener_default(community: Place, on: dt.date) -> tuple[Person | None, str]:
    pos = convener_for(community, on) or convener_for(community)
    if pos is None:
        return None, ""
    return pos.person, position_title(pos)


def _agenda_window(date: dt.date, close_days: int, today: dt.date) -> tuple[dt.date, dt.date]:
    closes = workcal.add_working_days(date, -max(close_days, 1))
    closes_on = dt.date(closes.year, closes.month, closes.day)
    opens_on = min(today, closes_on)
    return opens_on, closes_on


def _new_meeting(*, community: Place, kind: str, title: str, date: dt.date, actor=None, **fields) -> Meeting:
    sched = schedule_of(community)
    today = timezone.localdate()
    opens_on, closes_on = _agenda_window(date, sched.agenda_close_working_days, today)
    convener, convener_title = _convener_default(community, date)
    meeting = Meeting.objects.create(
        community=community,
        kind=kind,
        title=title,
        date=date,
        start_time=fields.pop("start_time", None) or sched.start_time,
        venue=fields.pop("venue", "") or sched.venue,
        convener=convener,
        convener_title=convener_title,
        agenda_opens_on=fields.pop("agenda_opens_on", None) or opens_on,
        agenda_closes_on=fields.pop("agenda_closes_on", None) or closes_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    add_default_participants(meeting)
    carry_over(meeting)
    return meeting


def create_regular_meeting(community: Place, year: int, month: int, *, actor=None) -> tuple[Meeting, bool]:
    """Create the regular meeting of an even month once (JM-3); a second call returns the existing one."""
    period = f"{year}-{month:02d}"
    existing = Meeting.objects.filter(community=community, kind=Meeting.Kind.REGULAR, period=period).first()
    if existing:
        return existing, False
    planned = schedule.regular_date(year, month, schedule_of(community).weekday)
    try:
        with transaction.atomic():
            meeting = _new_meeting(
                community=community,
                kind=Meeting.Kind.REGULAR,
                period=period,
                title=_("%(community)s%(year)d年%(month)d月三方联动联席会议（例会）")
                % {"community": community.name, "year": year, "month": month},
                date=planned.date,
                date_estimated=planned.estimated,
                actor=actor,
            )
            audit.record(
                actor=actor or "系统",
                verb="meetings.meeting.schedule",
                target=meeting,
                place=community,
                summary=f"{period} {planned.date}",
            )
    except IntegrityError:
        # Two ticks raced: the unique constraint kept it to one (JM-3 "never twice").
        return Meeting.objects.get(community=community, kind=Meeting.Kind.REGULAR, period=period), False
    _notify_office_new_meeting(meeting)
    return meeting, True


def _notify_office_new_meeting(meeting: Meeting) -> None:
    office = epmc_lead_for(meeting.community)
    if office is None:
        return
    delivery.notify(
        recipients=[office.person],
        subject=lambda: (
            _("请准备%(title)s（%(date)s），议题征集至 %(close)s")
            % {"title": meeting.title, "date": meeting.date, "close": meeting.agenda_closes_on}
        ),
        key=f"meetings:meeting:{meeting.pk}:created",
        url=reverse("meetings:meeting", args=[meeting.pk]),
    )


def create_upcoming_regular_meetings(today: dt.date, communities=None) -> int:
    """Tick: create each regular meeting due within the lead time, never twice (JM-3)."""
    lead = int(settings.SANFANG.get("MEETING_LEAD_DAYS", 21))
    horizon = today + dt.timedelta(days=lead)
    communities = communities if communities is not None else Place.objects.communities()
    periods = schedule.periods_between(today, horizon + dt.timedelta(days=7))
    if not periods:
        return 0
    wanted = {f"{y}-{m:02d}" for y, m in periods}
    existing = set(Meeting.objects.regular().filter(period__in=wanted).values_list("community_id", "period"))
    weekdays = dict(MeetingSchedule.objects.values_list("community_id", "weekday"))
    created = 0
    for community in communities.order_by("path"):
        for year, month in periods:
            period = f"{year}-{month:02d}"
            if (community.pk, period) in existing:
                continue
            planned = schedule.regular_date(year, month, weekdays.get(community.pk, 3))
            if planned.date < today or planned.date > horizon:
                continue
            _meeting, was_created = create_regular_meeting(community, year, month)
            created += int(was_created)
    return created


@transaction.atomic
def call_ad_hoc_meeting(
    *,
    actor,
    community: Place,
    date: dt.date,
    reason: str,
    start_time: dt.time | None = None,
    venue: str = "",
    title: str = "",
) -> Meeting:
    """JM-3: a meeting at any time for a major issue or special situation, with the reason stated."""
    if community.kind != PlaceKind.COMMUNITY:
        raise RuleViolation(_("联席会议以社区为单位召开。"))
    if not (permissions.is_office(actor, community) or permissions.is_party_org_head(actor, community)):
        raise PermissionDenied
    if not reason.strip():
        raise RuleViolation(_("临时会议须写明召开事由。"), field="reason")
    if date < timezone.localdate():
        raise RuleViolation(_("会议日期不能早于今天。"), field="date")
    meeting = _new_meeting(
        community=community,
        kind=Meeting.Kind.AD_HOC,
        title=title.strip() or _("%(community)s三方联动联席会议（临时会议）") % {"community": community.name},
        reason=reason.strip(),
        date=date,
        date_estimated=workcal.is_estimated(date),
        start_time=start_time,
        venue=venue.strip(),
        actor=actor,
        agenda_opens_on=timezone.localdate(),
        agenda_closes_on=date,
    )
    audit.record(actor=actor, verb="meetings.meeting.call", target=meeting, place=community, summary=reason)
    return meeting


@transaction.atomic
def update_meeting(
    *, actor, meeting: Meeting, version: int, date: dt.date, start_time: dt.time, venue: str
) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.is_office(actor, meeting.community):
        raise PermissionDenied
    if meeting.version != version:
        raise Conflict(_("会议信息已被他人修改，请刷新后再改。"))
    if meeting.status != Meeting.Status.PLANNED:
        raise RuleViolation(_("会议通知已签发，不能再改时间地点；如需变更，请签发补充说明。"))
    if meeting.kind == Meeting.Kind.REGULAR and not schedule.in_last_week_of_even_month(date):
        raise RuleViolation(_("例会须在双月最后一周召开；其他时间请召开临时会议（JM-3）。"), field="date")
    if not workcal.is_working_day(date):
        raise RuleViolation(_("所选日期不是工作日。"), field="date")
    changes = audit.diff(
        meeting, ["date", "start_time", "venue"], {"date": date, "start_time": start_time, "venue": venue}
    )
    meeting.date, meeting.start_time, meeting.venue = date, start_time, venue.strip()
    meeting.date_estimated = workcal.is_estimated(date)
    meeting.version += 1
    meeting.save(update_fields=["date", "start_time", "venue", "date_estimated", "version"])
    audit.record(actor=actor, verb="meetings.meeting.update", target=meeting, changes=changes)
    return meeting


@transaction.atomic
def cancel_meeting(*, actor, meeting: Meeting, reason: str) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not (permissions.is_office(actor, meeting.community) or permissions.can_sign_off(actor, meeting)):
        raise PermissionDenied
    if meeting.status not in Meeting.OPEN_STATUSES:
        raise RuleViolation(_("会议已召开，不能取消。"))
    if not reason.strip():
        raise RuleViolation(_("取消会议须写明原因。"), field="reason")
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    # Its open items wait for the next meeting.
    meeting.agenda_items.filter(status__in=(AgendaItem.Status.PROPOSED, AgendaItem.Status.ACCEPTED)).update(
        meeting=None, status=AgendaItem.Status.PROPOSED
    )
    audit.record(actor=actor, verb="meetings.meeting.cancel", target=meeting, summary=reason)
    return meeting


@transaction.atomic
def entrust_convener(*, actor, meeting: Meeting, person: Person) -> Meeting:
    """JM-1/JM-3: the party-org head entrusts a compound party organisation head to convene this meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.can_entrust(actor, meeting):
        raise PermissionDenied
    if meeting.status not in Meeting.OPEN_STATUSES:
        raise RuleViolation(_("会议已召开，不能更换召集人。"))
    head = convener_for(meeting.community)
    if head is not None and head.person_id == person.pk:
        meeting.convener, meeting.convener_title, meeting.convener_entrusted = (
            person,
            position_title(head),
            False,
        )
    else:
        pos = permissions.compound_party_heads(meeting.community).filter(person=person).first()
        if pos is None:
            raise RuleViolation(_("只能委托本社区的小区党组织负责人召集会议（JM-1）。"))
        meeting.convener, meeting.convener_title, meeting.convener_entrusted = (
            person,
            position_title(pos),
            True,
        )
    meeting.save(update_fields=["convener", "convener_title", "convener_entrusted"])
    audit.record(
        actor=actor,
        verb="meetings.meeting.entrust",
        target=meeting,
        summary=f"{meeting.convener_title}{person.name}",
    )
    return meeting


# --- Participants and attendance (JM-3) -------------------------------------------------------------------


def _positions(org_ids, *, heads_only=False, on=None):
    qs = (
        Position.objects.current(on)
        .filter(organisation_id__in=list(org_ids))
        .select_related("person", "organisation")
    )
    if heads_only:
        qs = qs.filter(is_head=True)
    return list(qs.order_by("organisation_id", "-is_head", "id"))


def add_default_participants(meeting: Meeting) -> int:
    """Members and attendees from the directory (JM-3); the office adjusts them per meeting."""
    community = meeting.community
    on = meeting.date
    orgs = list(
        Organisation.objects.filter(place__path__startswith=community.path).exclude(
            kind=OrgKind.PROPERTY_COMPANY
        )
    )
    by_kind: dict[str, list[Organisation]] = {}
    for org in orgs:
        by_kind.setdefault(org.kind, []).append(org)
    rows: list[Participant] = []

    def add(pos: Position, role: str, compound=None):
        rows.append(
            Participant(
                meeting=meeting,
                person=pos.person,
                name=pos.person.name,
                title=position_title(pos),
                role=role,
                organisation=pos.organisation,
                compound=compound,
            )
        )

    party = _positions([o.pk for o in by_kind.get(OrgKind.PARTY_ORG, [])], on=on)
    if party:
        add(party[0], Participant.Role.PARTY_ORG)
    office = epmc_lead_for(community, on)
    rc_positions = _positions([o.pk for o in by_kind.get(OrgKind.RESIDENTS_COMMITTEE, [])], on=on)
    rc = office or (rc_positions[0] if rc_positions else None)
    if rc:
        add(rc, Participant.Role.RESIDENTS_COMMITTEE)
    for pos in _positions([o.pk for o in by_kind.get(OrgKind.OWNERS_COMMITTEE, [])], heads_only=True, on=on):
        add(pos, Participant.Role.OWNERS_COMMITTEE, pos.organisation.place)
    from sanfang.directory.models import ServiceContract

    contracts = list(
        ServiceContract.objects.in_force(on)
        .filter(compound__path__startswith=community.path)
        .values_list("company_id", "compound_id")
    )
    company_ids = sorted({c for c, _x in contracts})
    seen_company = set()
    for pos in _positions(company_ids, heads_only=True, on=on):
        if pos.organisation_id in seen_company:
            continue
        seen_company.add(pos.organisation_id)
        add(pos, Participant.Role.PROPERTY_COMPANY)
    for pos in _positions(
        [o.pk for o in by_kind.get(OrgKind.COMPOUND_PARTY_ORG, [])], heads_only=True, on=on
    ):
        add(pos, Participant.Role.COMPOUND_PARTY_ORG, pos.organisation.place)
    for pos in _positions([o.pk for o in by_kind.get(OrgKind.GRID, [])], on=on)[:3]:
        add(pos, Participant.Role.GRID_WORKER)
    Participant.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def add_participant(
    *, actor, meeting: Meeting, role: str, person: Person | None = None, name: str = "", title: str = ""
) -> Participant:
    if not permissions.is_office(actor, meeting.community):
        raise PermissionDenied
    if role not in Participant.Role.values:
        raise RuleViolation(_("请选择参会身份。"), field="role")
    name = (person.name if person else name).strip()
    if not name:
        raise RuleViolation(_("请填写姓名。"), field="name")
    if person and meeting.participants.filter(person=person, role=role).exists():
        raise RuleViolation(_("此人已在名单中。"))
    p = Participant.objects.create(meeting=meeting, person=person, name=name, title=title.strip(), role=role)
    audit.record(
        actor=actor, verb="meetings.participant.add", target=meeting, summary=f"{p.get_role_display()} {name}"
    )
    return p


@transaction.atomic
def remove_participant(*, actor, participant: Participant) -> None:
    meeting = participant.meeting
    if not permissions.is_office(actor, meeting.community):
        raise PermissionDenied
    if meeting.status not in Meeting.OPEN_STATUSES:
        raise RuleViolation(_("会议已召开，参会名单以签到记录为准。"))
    audit.record(actor=actor, verb="meetings.participant.remove", target=meeting, summary=str(participant))
    participant.delete()


def _check_attendance_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise RuleViolation(_("会议已取消。"))
    if _minutes_signed(meeting):
        raise RuleViolation(_("会议纪要已签发，签到记录不能再改。"))


def _minutes_signed(meeting: Meeting) -> bool:
    return meeting.documents.filter(kind=MeetingDocument.Kind.MINUTES, signed_at__isnull=False).exists()


@transaction.atomic
def record_attendance(*, actor, participant: Participant, present: bool, reason: str = "") -> Participant:
    """The office signs a participant in, or records an absence with its reason (JM-3)."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("meeting__community")
        .get(pk=participant.pk)
    )
    meeting = participant.meeting
    if not permissions.is_office(actor, meeting.community):
        raise PermissionDenied
    _check_attendance_open(meeting)
    if present:
        participant.attendance = Participant.Attendance.PRESENT
        participant.signed_in_at = participant.signed_in_at or timezone.now()
        participant.absence_reason = ""
    else:
        if not reason.strip():
            raise RuleViolation(_("请填写缺席原因。"), field="reason")
        participant.attendance = Participant.Attendance.ABSENT
        participant.absence_reason = reason.strip()
        participant.signed_in_at = None
    participant.save(update_fields=["attendance", "signed_in_at", "absence_reason"])
    audit.record(
        actor=actor,
        verb="meetings.attendance",
        target=meeting,
        summary=f"{participant.name} {participant.get_attendance_display()} {participant.absence_reason}",
    )
    return participant


@transaction.atomic
def self_sign_in(*, actor, meeting: Meeting, token: str) -> list[Participant]:
    """An attendee scans the meeting's QR code and signs in for themself (JM-3)."""
    if not token or token != meeting.checkin_token:
        raise RuleViolation(_("签到码无效，请重新扫描会场的二维码。"))
    _check_attendance_open(meeting)
    today = timezone.localdate()
    if today != meeting.date:
        raise RuleViolation(_("只能在会议当天扫码签到。"))
    mine = list(meeting.participants.select_for_update().filter(person=actor))
    if not mine:
        raise RuleViolation(_("您不在本次会议的参会名单中，请联系联席会议办公室。"))
    now = timezone.now()
    for p in mine:
        p.attendance, p.signed_in_at, p.self_signed, p.absence_reason = (
            Participant.Attendance.PRESENT,
            p.signed_in_at or now,
            True,
            "",
        )
        p.save(update_fields=["attendance", "signed_in_at", "self_signed", "absence_reason"])
    audit.record(actor=actor, verb="meetings.attendance.self", target=meeting, summary=actor.name)
    return mine


def quorum(meeting: Meeting, participants=None) -> list[dict]:
    """JM-3: for each of the four member roles, whether at least one member is present."""
    participants = list(participants if participants is not None else meeting.participants.all())
    out = []
    for role in Participant.MEMBER_ROLES:
        of_role = [p for p in participants if p.role == role]
        out.append(
            {
                "role": str(role),
                "label": str(Participant.Role(role).label),
                "invited": len(of_role),
                "present": sum(1 for p in of_role if p.attendance == Participant.Attendance.PRESENT),
            }
        )
    return out


def quorum_met(meeting: Meeting, participants=None) -> bool:
    return all(row["present"] > 0 for row in quorum(meeting, participants))


@transaction.atomic
def mark_held(*, actor, meeting: Meeting, held_on: dt.date | None = None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.is_office(actor, meeting.community):
        raise PermissionDenied
    if meeting.status not in Meeting.OPEN_STATUSES:
        raise RuleViolation(_("会议状态不允许此操作。"))
    held_on = held_on or timezone.localdate()
    if held_on > timezone.localdate():
        raise RuleViolation(_("会议尚未召开。"))
    if not meeting.participants.filter(attendance=Participant.Attendance.PRESENT).exists():
        raise RuleViolation(_("请先记录签到情况。"))
    meeting.status, meeting.held_on = Meeting.Status.HELD, held_on
    meeting.save(update_fields=["status", "held_on"])
    audit.record(actor=actor, verb="meetings.meeting.held", target=meeting, summary=str(held_on))
    return meeting


# --- Agenda (JM-2, JM-4) --------------------------------------------------------------------------------


def next_meeting(
    community: Place, *, for_raising: bool = False, include_notified: bool = False
) -> Meeting | None:
    """The community's next meeting still in preparation (for raising: whose collection window is open;
    `include_notified`: also one whose notice is already out)."""
    today = timezone.localdate()
    statuses = Meeting.OPEN_STATUSES if include_notified else (Meeting.Status.PLANNED,)
    qs = Meeting.objects.filter(community=community, status__in=statuses, date__gte=today)
    if for_raising:
        qs = qs.filter(agenda_closes_on__gte=today)
    return qs.order_by("date", "id").first()


def _raiser_source(actor, community: Place) -> tuple[str, Organisation | None]:
    scope = get_scope(actor)
    order = (
        (Role.PARTY_ORG, AgendaItem.Source.PARTY_ORG),
        (Role.COMPOUND_PARTY_ORG, AgendaItem.Source.PARTY_ORG),
        (Role.RESIDENTS_COMMITTEE, AgendaItem.Source.RESIDENTS_COMMITTEE),
        (Role.OWNERS_COMMITTEE, AgendaItem.Source.OWNERS_COMMITTEE),
        (Role.PROPERTY_COMPANY, AgendaItem.Source.PROPERTY_COMPANY),
    )
    for role, source in order:
        grants = scope.grants_for(role, at=community)
        if grants:
            org = Organisation.objects.filter(pk=grants[0].organisation_id).first()
            return source, org
    return AgendaItem.Source.OFFICE, None


@transaction.atomic
def raise_item(
    *,
    actor,
    community: Place,
    kind: str,
    title: str,
    description: str = "",
    source: str | None = None,
    link: object | None = None,
    from_source: bool = False,
) -> AgendaItem:
    """JM-2: any of the three parties or the party organisation raises an item for the next meeting.

    `from_source`: a case or report proposes it (through "agenda.propose"); then any staff member whose scope
    reaches the community may be the actor (a grid worker escalating a case, the street after a summons).
    """
    if from_source:
        scope = get_scope(actor)
        system = actor is None or not getattr(actor, "is_authenticated", False)
        if not (system or scope.is_superuser or scope.reaches(community, roles=Role.STAFF)):
            raise PermissionDenied
    elif not permissions.can_raise_item(actor, community):
        raise PermissionDenied
    if kind not in AgendaKind.values or kind == AgendaKind.FOLLOW_UP:
        raise RuleViolation(_("请选择议题类别。"), field="kind")
    title = title.strip()
    if not title:
        raise RuleViolation(_("请填写议题。"), field="title")
    own_source, org = _raiser_source(actor, community)
    meeting = next_meeting(community, for_raising=True)
    item = AgendaItem(
        community=community,
        meeting=meeting,
        kind=kind,
        title=title[:200],
        description=description.strip(),
        source=source or own_source,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
        raised_org=org,
    )
    if link is not None:
        item.link_type = f"{link._meta.app_label}.{link._meta.model_name}"
        item.link_id = str(link.pk)
        item.link_label = str(link)[:200]
        get_url = getattr(link, "get_absolute_url", None)
        item.link_url = get_url() if callable(get_url) else ""
    item.save()
    audit.record(actor=actor, verb="meetings.agenda.raise", target=item, place=community, summary=title)
    office = epmc_lead_for(community)
    if office is not None and office.person_id != getattr(actor, "pk", None):
        delivery.notify(
            recipients=[office.person],
            subject=lambda: _("新议题待审核：%(title)s") % {"title": item.title},
            key=f"meetings:item:{item.pk}:raised",
            url=reverse("meetings:meeting", args=[meeting.pk]) if meeting else reverse("meetings:list"),
        )
    return item


KIND_ALIASES = {
    "policy": AgendaKind.POLICY,
    "study": AgendaKind.POLICY,
    "common": AgendaKind.COMMON,
    "suggestion": AgendaKind.COMMON,
    "rules_major": AgendaKind.RULES_MAJOR,
    "major": AgendaKind.RULES_MAJOR,
    "rules": AgendaKind.RULES_MAJOR,
    "coordination": AgendaKind.COORDINATION,
    "conflict": AgendaKind.COORDINATION,
    "case": AgendaKind.COORDINATION,
    "report": AgendaKind.COMMON,
}


def propose_from_source(
    actor, community: Place, kind: str, title: str, description: str, source
) -> AgendaItem:
    """The "agenda.propose" extension point: a case or a report puts an item on the next agenda (JM-2)."""
    if community.kind != PlaceKind.COMMUNITY:
        community = community.community or community
    label = getattr(getattr(source, "_meta", None), "app_label", "")
    src = AgendaItem.Source.REPORT if label == "reports" else AgendaItem.Source.CASE
    existing = None
    if source is not None and getattr(source, "pk", None) is not None:
        existing = (
            AgendaItem.objects.filter(
                community=community,
                link_type=f"{source._meta.app_label}.{source._meta.model_name}",
                link_id=str(source.pk),
                status__in=(AgendaItem.Status.PROPOSED, AgendaItem.Status.ACCEPTED),
            )
            .order_by("id")
            .first()
        )
    if existing:
        return existing
    return raise_item(
        actor=actor,
        community=community,
        kind=KIND_ALIASES.get(kind, AgendaKind.COORDINATION),
        title=title,
        description=description,
        source=src,
        link=source,
        from_source=True,
    )


@transaction.atomic
def screen_item(
    *, actor, item: AgendaItem, decision: str, reason: str = "", merge_into: AgendaItem | None = None
) -> AgendaItem:
    """JM-4: the office accepts, defers (to the next meeting), merges or declines (with a reason) an item."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("community", "meeting")
        .get(pk=item.pk)
    )
    if not permissions.is_office(actor, item.community):
        raise PermissionDenied
    if item.meeting and item.meeting.status not in Meeting.OPEN_STATUSES:
        raise RuleViolation(_("会议已召开，议程不能再改。"))
    if item.meeting and item.meeting.status == Meeting.Status.NOTIFIED and decision == "accept":
        raise RuleViolation(_("会议通知已签发，新增议题请列入下次会议或签发补充说明。"))
    old_status = item.status
    reason = reason.strip()
    if decision == "accept":
        if item.meeting is None:
            raise RuleViolation(_("尚无可列入的会议，请先安排会议。"))
        item.status = AgendaItem.Status.ACCEPTED
        item.position = item.meeting.agenda_items.accepted().count() + 1
    elif decision == "defer":
        # Carry over: the item waits for the next meeting after this one (JM-4).
        item.status = AgendaItem.Status.PROPOSED
        nxt = (
            Meeting.objects.filter(
                community=item.community,
                status=Meeting.Status.PLANNED,
                date__gt=item.meeting.date if item.meeting else timezone.localdate(),
            )
            .exclude(pk=item.meeting_id)
            .order_by("date", "id")
            .first()
        )
        item.meeting = nxt
    elif decision == "merge":
        if merge_into is None or merge_into.pk == item.pk or merge_into.community_id != item.community_id:
            raise RuleViolation(_("请选择要并入的议题。"), field="merge_into")
        item.status, item.merged_into = AgendaItem.Status.MERGED, merge_into
    elif decision == "decline":
        if not reason:
            raise RuleViolation(_("不予列入时须写明理由，提出人会看到。"), field="reason")
        item.status = AgendaItem.Status.DECLINED
    else:
        raise RuleViolation(_("请选择审核结果。"))
    item.screen_reason = reason
    item.screened_by, item.screened_at = actor, timezone.now()
    item.save()
    audit.record(
        actor=actor,
        verb=f"meetings.agenda.{decision}",
        target=item,
        place=item.community,
        changes={"status": [old_status, item.status]},
        summary=reason,
    )
    if item.raised_by_id and item.raised_by_id != actor.pk:
        delivery.notify(
            recipients=[item.raised_by],
            subject=lambda: (
                _("您提出的议题“%(title)s”：%(status)s")
                % {"title": item.title, "status": _screen_label(decision)}
            ),
            body=reason,
            key=f"meetings:item:{item.pk}:screen:{decision}:{item.screened_at:%Y%m%d%H%M%S}",
            url=reverse("meetings:my-items"),
        )
    return item


def _screen_label(decision: str) -> str:
    return {
        "accept": _("已列入议程"),
        "defer": _("推迟至下次会议"),
        "merge": _("已与其他议题合并"),
        "decline": _("不予列入"),
    }[decision]


def carry_over(meeting: Meeting) -> int:
    """Attach waiting items to a new meeting, and list every overdue resolution as a follow-up item (JM-4/JM-5)."""
    n = AgendaItem.objects.pooled().filter(community=meeting.community).update(meeting=meeting)
    n += add_follow_up_items(meeting)
    return n


def add_follow_up_items(meeting: Meeting, today: dt.date | None = None) -> int:
    """JM-5 督办: each open resolution past its deadline goes on the meeting's agenda, once per meeting."""
    if meeting.status != Meeting.Status.PLANNED:
        return 0
    # Overdue as of the meeting (a meeting recorded after the fact lists what was overdue then).
    today = min(today or timezone.localdate(), meeting.date)
    overdue = Resolution.objects.overdue(today).filter(community=meeting.community).select_related("owner")
    already = set(
        AgendaItem.objects.filter(meeting=meeting, resolution__isnull=False).values_list(
            "resolution_id", flat=True
        )
    )
    start = meeting.agenda_items.accepted().count()
    rows = []
    for res in overdue:
        if res.pk in already:
            continue
        start += 1
        rows.append(
            AgendaItem(
                community=meeting.community,
                meeting=meeting,
                kind=AgendaKind.FOLLOW_UP,
                title=_("督办：%(text)s") % {"text": res.text[:150]},
                description=_("责任方：%(owner)s；截止日期：%(due)s；已超期，列入本次会议督办。")
                % {"owner": res.owner.name, "due": res.due_on},
                source=AgendaItem.Source.FOLLOW_UP,
                status=AgendaItem.Status.ACCEPTED,
                resolution=res,
                position=start,
            )
        )
    AgendaItem.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- Documents: notice, minutes, addenda; sign-off and distribution (JM-3, JM-4) ---------------------------


# Drafts are written in the drafter's language: dates and numbering follow the active language
# (zh-hans: 2026年11月24日（星期二）, 上午9:00, 一、; English: Nov. 24, 2026 (Tuesday), 9:00 a.m., 1.).
def _day(d: dt.date) -> str:
    return date_format(d, "DATE_FORMAT")


def _month(d: dt.date) -> str:
    return date_format(d, "YEAR_MONTH_FORMAT")


def _cn_date(d: dt.date) -> str:
    return _("%(date)s（%(weekday)s）") % {"date": _day(d), "weekday": date_format(d, "l")}


def _cn_time(t: dt.time) -> str:
    clock = f"{t.hour if t.hour <= 12 else t.hour - 12}:{t.minute:02d}"
    return (_("上午%(time)s") if t.hour < 12 else _("下午%(time)s")) % {"time": clock}


CN_NUM = "一二三四五六七八九十"


def _num(i: int) -> str:
    if not (get_language() or "zh").startswith("zh"):
        return str(i)
    if i <= 10:
        return CN_NUM[i - 1]
    if i < 20:
        return "十" + CN_NUM[i - 11]
    return str(i)


def _recipient_orgs(meeting: Meeting) -> list[Organisation]:
    """JM-4: the party organisation, the Residents' Committee, the Owners' Committee(s), the property company(ies)."""
    community = meeting.community
    orgs: list[Organisation] = list(
        Organisation.objects.filter(
            place=community, kind__in=(OrgKind.PARTY_ORG, OrgKind.RESIDENTS_COMMITTEE)
        ).order_by("kind", "id")
    )
    participant_orgs = {
        p.organisation_id
        for p in meeting.participants.all()
        if p.role in (Participant.Role.OWNERS_COMMITTEE, Participant.Role.PROPERTY_COMPANY)
        and p.organisation_id
    }
    oc = Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE, place__path__startswith=community.path)
    from sanfang.directory.models import ServiceContract

    companies = Organisation.objects.filter(
        kind=OrgKind.PROPERTY_COMPANY,
        pk__in=ServiceContract.objects.in_force()
        .filter(compound__path__startswith=community.path)
        .values("company_id"),
    )
    chosen_oc = [o for o in oc.order_by("id") if not participant_orgs or o.pk in participant_orgs]
    chosen_co = [o for o in companies.order_by("id") if not participant_orgs or o.pk in participant_orgs]
    return orgs + (chosen_oc or list(oc.order_by("id"))) + (chosen_co or list(companies.order_by("id")))


def _mention(m, person, title):
    return m.name(person, title) if person else title


def render_notice(meeting: Meeting) -> tuple[str, str]:
    """The notice text from the accepted agenda, people written with the JM-3 naming rule."""
    from sanfang.directory.naming import Mentions

    m = Mentions()
    participants = list(meeting.participants.select_related("person").order_by("id"))
    items = list(meeting.agenda_items.accepted().order_by("position", "id"))
    orgs = _recipient_orgs(meeting)
    title = _("关于召开%(community)s三方联动联席会议的通知") % {"community": meeting.community.name}
    lines = [_("%(list)s：") % {"list": _("、").join(o.name for o in orgs)} if orgs else ""]
    convener = (
        _mention(m, meeting.convener, meeting.convener_title) if meeting.convener else _("社区党组织负责人")
    )
    kind_label = _("例会") if meeting.kind == Meeting.Kind.REGULAR else _("临时会议")
    lines.append(
        _(
            "经%(convener)s同意，定于%(date)s%(time)s在%(venue)s召开%(community)s三方联动联席会议（%(kind)s）。现将有关事项通知如下："
        )
        % {
            "convener": convener,
            "date": _cn_date(meeting.date),
            "time": _cn_time(meeting.start_time),
            "venue": meeting.venue,
            "community": meeting.community.name,
            "kind": kind_label,
        }
    )
    if meeting.kind == Meeting.Kind.AD_HOC and meeting.reason:
        lines.append(_("召开事由：%(reason)s") % {"reason": meeting.reason})
    lines.append(_("一、会议议题"))
    if not items:
        lines.append(_("（议题另行通知）"))
    for i, item in enumerate(items, 1):
        lines.append(
            _("（%(n)s）%(title)s（%(kind)s）")
            % {"n": _num(i), "title": item.title, "kind": item.get_kind_display()}
        )
    lines.append(_("二、参会人员"))
    lines.append(
        _("召集人、主持人：%(c)s") % {"c": convener if meeting.convener is None else m.name(meeting.convener)}
    )
    members = [p for p in participants if p.is_member]
    attendees = [p for p in participants if not p.is_member]
    lines.append(
        _("成员：%(list)s")
        % {
            "list": _("、").join(
                _mention(m, p.person, p.title) if p.person else f"{p.title}{p.name}" for p in members
            )
            or _("无")
        }
    )
    if attendees:
        lines.append(
            _("列席人员：%(list)s")
            % {
                "list": _("、").join(
                    _mention(m, p.person, p.title) if p.person else f"{p.title}{p.name}" for p in attendees
                )
            }
        )
    lines.append(_("三、有关要求"))
    lines.append(
        _(
            "请参会人员准时参加，会议当天在会场扫码签到；因故不能参加的，请提前向联席会议办公室请假并说明原因。"
        )
    )
    office = epmc_lead_for(meeting.community)
    if office is not None:
        contact = office.contact if office.contact_public and office.contact else ""
        lines.append(
            _("联系人：%(who)s%(contact)s")
            % {
                "who": m.name(office.person, position_title(office)),
                "contact": _("，电话：%(phone)s") % {"phone": contact} if contact else "",
            }
        )
    lines.append("")
    lines.append(_("%(community)s三方联动联席会议办公室") % {"community": meeting.community.name})
    today = timezone.localdate()
    lines.append(_day(today))
    return title, "\n".join(lines)


def render_minutes(meeting: Meeting, content: dict) -> tuple[str, str]:
    """The minutes per agenda item (discussion, decision, resolutions), with the JM-3 naming rule."""
    from sanfang.directory.naming import Mentions

    m = Mentions()
    participants = list(meeting.participants.select_related("person").order_by("id"))
    items = list(meeting.agenda_items.accepted().order_by("position", "id"))
    resolutions = list(meeting.resolutions.select_related("owner").order_by("id"))
    entries = content.get("entries", {})
    title = _("%(community)s三方联动联席会议纪要") % {"community": meeting.community.name}
    held = meeting.held_on or meeting.date
    convener = _mention(m, meeting.convener, meeting.convener_title) if meeting.convener else ""
    lines = [
        _(
            "%(date)s，%(convener)s在%(venue)s主持召开%(community)s三方联动联席会议。现将会议议定事项纪要如下："
        )
        % {
            "date": _cn_date(held),
            "convener": convener,
            "venue": meeting.venue,
            "community": meeting.community.name,
        }
    ]
    present = [p for p in participants if p.attendance == Participant.Attendance.PRESENT]
    absent = [p for p in participants if p.attendance == Participant.Attendance.ABSENT]

    def who(p):
        return _mention(m, p.person, p.title) if p.person else f"{p.title}{p.name}"

    lines.append(
        _("出席：%(list)s") % {"list": _("、").join(who(p) for p in present if p.is_member) or _("无")}
    )
    attending = [p for p in present if not p.is_member]
    if attending:
        lines.append(_("列席：%(list)s") % {"list": _("、").join(who(p) for p in attending)})
    if absent:
        lines.append(
            _("缺席：%(list)s") % {"list": _("、").join(f"{who(p)}（{p.absence_reason}）" for p in absent)}
        )
    for i, item in enumerate(items, 1):
        lines.append(_("%(n)s、%(title)s") % {"n": _num(i), "title": item.title})
        entry = entries.get(str(item.pk), {})
        if entry.get("discussion"):
            lines.append(_("讨论情况：%(t)s") % {"t": entry["discussion"]})
        if entry.get("decision"):
            lines.append(_("会议议定：%(t)s") % {"t": entry["decision"]})
        for res in [r for r in resolutions if r.agenda_item_id == item.pk]:
            lines.append(_resolution_line(res))
    loose = [
        r for r in resolutions if r.agenda_item_id is None or r.agenda_item_id not in {i.pk for i in items}
    ]
    if loose:
        lines.append(_("其他议定事项："))
        lines.extend(_resolution_line(r) for r in loose)
    if content.get("other"):
        lines.append(content["other"])
    lines.append(_("以上议定事项由联席会议办公室督促落实，逾期未办结的列入下次会议督办。"))
    lines.append("")
    lines.append(_("%(community)s三方联动联席会议办公室") % {"community": meeting.community.name})
    lines.append(_day(held))
    return title, "\n".join(lines)


def _resolution_line(res: Resolution) -> str:
    due = _day(res.due_on) if res.due_on else ""
    return _("议定事项：%(text)s（责任方：%(owner)s；%(n)s个工作日内完成，截止%(due)s）") % {
        "text": res.text,
        "owner": res.owner.name,
        "n": res.due_working_days or "",
        "due": due,
    }


def _save_version(doc: MeetingDocument, actor) -> None:
    DocumentVersion.objects.create(
        document=doc,
        number=doc.version,
        title=doc.title,
        body=doc.body,
        content=doc.content,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _locked(doc: MeetingDocument) -> None:
    if doc.is_signed:
        raise RuleViolation(_("文书已签发，不能修改；如需更正，请起草补充说明并由召集人签发（JM-4）。"))


@transaction.atomic
def draft_notice(*, actor, meeting: Meeting) -> MeetingDocument:
    """JM-4: the office drafts (or regenerates) the notice from the accepted agenda; each save is a new version."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.is_office(actor, meeting.community):
        raise PermissionDenied
    if meeting.status != Meeting.Status.PLANNED:
        raise RuleViolation(_("会议通知已签发或会议已召开。"))
    if meeting.convener_id is None:
        raise RuleViolation(_("本社区尚未登记社区党组织负责人，无法确定召集人（JM-1）。"))
    add_follow_up_items(meeting)
    title, body = render_notice(meeting)
    return _write(actor, meeting, MeetingDocument.Kind.NOTICE, title, body, {})


def _write(actor, meeting, kind, title, body, content) -> MeetingDocument:
    doc = MeetingDocument.objects.select_for_update().filter(meeting=meeting, kind=kind).first()
    if doc is None:
        doc = MeetingDocument.objects.create(
            meeting=meeting, kind=kind, title=title, body=body, content=content, updated_by=actor
        )
        verb = "draft"
    else:
        _locked(doc)
        doc.title, doc.body, doc.content = title, body, content
        doc.version += 1
        doc.updated_at, doc.updated_by = timezone.now(), actor
        doc.save(update_fields=["title", "body", "content", "version", "updated_at", "updated_by"])
        verb = "redraft"
    _save_version(doc, actor)
    audit.record(
        actor=actor,
        verb=f"meetings.{kind}.{verb}",
        target=doc,
        place=meeting.community,
        summary=f"v{doc.version}",
    )
    return doc


@transaction.atomic
def edit_document(
    *, actor, document: MeetingDocument, version: int, title: str, body: str
) -> MeetingDocument:
    """The office edits a draft by hand; a stale version is refused, a signed one is locked (JM-4)."""
    doc = (
        MeetingDocument.objects.select_for_update(of=("self",))
        .select_related("meeting__community")
        .get(pk=document.pk)
    )
    if not permissions.is_office(actor, doc.meeting.community):
        raise PermissionDenied
    _locked(doc)
    if doc.version != version:
        raise Conflict(_("文书已被他人修改（当前第 %(v)d 版），请刷新后再改。") % {"v": doc.version})
    if not title.strip() or not body.strip():
        raise RuleViolation(_("标题和正文都必须填写。"))
    old = doc.version
    doc.title, doc.body = title.strip(), body.strip()
    doc.version += 1
    doc.updated_at, doc.updated_by = timezone.now(), actor
    doc.save(update_fields=["title", "body", "version", "updated_at", "updated_by"])
    _save_version(doc, actor)
    audit.record(
        actor=actor,
        verb=f"meetings.{doc.kind}.edit",
        target=doc,
        place=doc.meeting.community,
        changes={"version": [old, doc.version]},
    )
    return doc


@transaction.atomic
def draft_minutes(
    *,
    actor,
    meeting: Meeting,
    entries: dict | None = None,
    other: str | None = None,
    version: int | None = None,
) -> MeetingDocument:
    """JM-4: the office drafts the minutes per agenda item (discussion, decision) and the resolutions."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.is_office(actor, meeting.community):
        raise PermissionDenied
    if meeting.status not in (Meeting.Status.HELD,):
        raise RuleViolation(_("会议召开后才能起草纪要；请先记录签到并确认会议已召开。"))
    doc = MeetingDocument.objects.filter(meeting=meeting, kind=MeetingDocument.Kind.MINUTES).first()
    content = dict(doc.content) if doc else {"entries": {}, "other": ""}
    if doc is not None:
        _locked(doc)
        if version is not None and doc.version != version:
            raise Conflict(_("纪要已被他人修改（当前第 %(v)d 版），请刷新后再改。") % {"v": doc.version})
    accepted = set(meeting.agenda_items.accepted().values_list("pk", flat=True))
    for key, value in (entries or {}).items():
        if int(key) not in accepted:
            raise RuleViolation(_("只能为本次会议的议题记录纪要。"))
        content.setdefault("entries", {})[str(key)] = {
            "discussion": (value.get("discussion") or "").strip(),
            "decision": (value.get("decision") or "").strip(),
        }
    if other is not None:
        content["other"] = other.strip()
    title, body = render_minutes(meeting, content)
    return _write(actor, meeting, MeetingDocument.Kind.MINUTES, title, body, content)


@transaction.atomic
def draft_addendum(*, actor, document: MeetingDocument, body: str) -> MeetingDocument:
    """JM-4: a signed document is corrected only by an addendum, itself signed by the convener."""
    doc = MeetingDocument.objects.select_related("meeting__community").get(pk=document.pk)
    if not permissions.is_office(actor, doc.meeting.community):
        raise PermissionDenied
    if not doc.is_signed:
        raise RuleViolation(_("文书尚未签发，请直接修改草稿。"))
    if not body.strip():
        raise RuleViolation(_("请填写更正内容。"), field="body")
    add = MeetingDocument.objects.create(
        meeting=doc.meeting,
        kind=MeetingDocument.Kind.ADDENDUM,
        corrects=doc,
        title=_("关于《%(title)s》的补充说明") % {"title": doc.title},
        body=body.strip(),
        updated_by=actor,
    )
    _save_version(add, actor)
    audit.record(actor=actor, verb="meetings.addendum.draft", target=add, place=doc.meeting.community)
    return add


@transaction.atomic
def request_sign_off(*, actor, document: MeetingDocument) -> MeetingDocument:
    doc = (
        MeetingDocument.objects.select_for_update(of=("self",))
        .select_related("meeting__community", "meeting__convener")
        .get(pk=document.pk)
    )
    if not permissions.is_office(actor, doc.meeting.community):
        raise PermissionDenied
    _locked(doc)
    doc.sign_requested_at = timezone.now()
    doc.save(update_fields=["sign_requested_at"])
    audit.record(
        actor=actor, verb=f"meetings.{doc.kind}.request_sign_off", target=doc, summary=f"v{doc.version}"
    )
    if doc.meeting.convener:
        delivery.notify(
            recipients=[doc.meeting.convener],
            subject=lambda: _("请审签：%(title)s（第 %(v)d 版）") % {"title": doc.title, "v": doc.version},
            key=f"meetings:doc:{doc.pk}:request:v{doc.version}",
            url=reverse("meetings:document", args=[doc.pk]),
        )
    return doc


@transaction.atomic
def sign_off(*, actor, document: MeetingDocument, version: int) -> MeetingDocument:
    """JM-4: the convener signs off one specific version (a stale one is refused); then it is distributed."""
    doc = (
        MeetingDocument.objects.select_for_update(of=("self",))
        .select_related("meeting__community")
        .get(pk=document.pk)
    )
    meeting = doc.meeting
    if not permissions.can_sign_off(actor, meeting):
        raise PermissionDenied(_("只有本次会议的召集人可以审签（JM-1）。"))
    if doc.is_signed:
        raise RuleViolation(_("该文书已经签发。"))
    if doc.version != version:
        raise Conflict(
            _("您审阅的是第 %(seen)d 版，文书已更新为第 %(v)d 版，请重新审阅后再签发。")
            % {"seen": version, "v": doc.version}
        )
    if doc.kind == MeetingDocument.Kind.MINUTES and meeting.status != Meeting.Status.HELD:
        raise RuleViolation(_("会议召开后才能签发纪要。"))
    if doc.kind == MeetingDocument.Kind.NOTICE and meeting.status != Meeting.Status.PLANNED:
        raise RuleViolation(_("会议状态不允许签发通知。"))
    doc.signed_at, doc.signed_by, doc.signed_version = timezone.now(), actor, doc.version
    doc.save(update_fields=["signed_at", "signed_by", "signed_version"])
    audit.record(
        actor=actor,
        verb=f"meetings.{doc.kind}.sign_off",
        target=doc,
        place=meeting.community,
        summary=_("审签第 %(v)d 版") % {"v": doc.version},
    )
    if doc.kind == MeetingDocument.Kind.NOTICE:
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.NOTIFIED)
    elif doc.kind == MeetingDocument.Kind.MINUTES:
        Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    distribute(document=doc)
    return doc


def distribute(*, document: MeetingDocument) -> list[Distribution]:
    """JM-4: send a signed document to the four recipient organisations; read receipts come from the inbox."""
    if not document.is_signed:
        raise RuleViolation(_("文书未经召集人审签，不能分送（JM-4）。"))
    meeting = document.meeting
    orgs = _recipient_orgs(meeting)
    positions = _positions([o.pk for o in orgs])
    people = {p.person_id: p.person for p in positions}
    participants = [p.person for p in meeting.participants.select_related("person") if p.person_id]
    if document.kind == MeetingDocument.Kind.NOTICE:
        for person in participants:
            people.setdefault(person.pk, person)
    messages = delivery.notify(
        recipients=list(people.values()),
        organisations=orgs,
        subject=lambda: (
            _("%(title)s（%(date)s会议）")
            % {
                "title": document.title,
                "date": _day(meeting.date),
            }
        ),
        body=lambda: (
            _("%(community)s三方联动联席会议办公室发来《%(title)s》，请查阅。")
            % {"community": meeting.community.name, "title": document.title}
        ),
        key=f"meetings:doc:{document.pk}:v{document.signed_version}",
        url=reverse("meetings:document", args=[document.pk]),
    )
    by_person = {m.recipient_id: m for m in messages}
    rows = []
    for pos in positions:
        rows.append(
            Distribution(
                document=document,
                organisation=pos.organisation,
                person=pos.person,
                message=by_person.get(pos.person_id),
            )
        )
    org_people = {p.person_id for p in positions}
    for person in people.values():
        if person.pk not in org_people:
            rows.append(
                Distribution(
                    document=document, organisation=None, person=person, message=by_person.get(person.pk)
                )
            )
    Distribution.objects.bulk_create(rows, ignore_conflicts=True)
    MeetingDocument.objects.filter(pk=document.pk, distributed_at__isnull=True).update(
        distributed_at=timezone.now()
    )
    return rows


# --- Resolutions and follow-up (JM-5) ----------------------------------------------------------------------


@transaction.atomic
def add_resolution(
    *,
    actor,
    meeting: Meeting,
    text: str,
    owner: Organisation,
    working_days: int,
    agenda_item: AgendaItem | None = None,
) -> Resolution:
    """JM-5: an agreed matter with an owner party and a deadline in working days from the meeting."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not permissions.is_office(actor, meeting.community):
        raise PermissionDenied
    if meeting.status != Meeting.Status.HELD:
        raise RuleViolation(_("议定事项在会议召开后、纪要签发前录入。"))
    if not text.strip():
        raise RuleViolation(_("请填写议定事项。"), field="text")
    if not 1 <= working_days <= MAX_RESOLUTION_DAYS:
        raise RuleViolation(
            _("办理期限须为 1 至 %(n)d 个工作日。") % {"n": MAX_RESOLUTION_DAYS}, field="working_days"
        )
    if owner.pk not in {o.pk for o in _owner_choices(meeting.community)}:
        raise RuleViolation(_("责任方须为本社区的三方或党组织。"), field="owner")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise RuleViolation(_("议题不属于本次会议。"))
    res = Resolution(
        meeting=meeting, community=meeting.community, agenda_item=agenda_item, text=text.strip(), owner=owner
    )
    res.set_deadline(meeting.held_on or meeting.date, working_days)
    res.save()
    audit.record(
        actor=actor,
        verb="meetings.resolution.add",
        target=res,
        place=meeting.community,
        summary=f"{owner.name} {res.due_on}",
    )
    _refresh_minutes(actor, meeting)
    return res


def _refresh_minutes(actor, meeting: Meeting) -> None:
    doc = MeetingDocument.objects.filter(meeting=meeting, kind=MeetingDocument.Kind.MINUTES).first()
    if doc is not None and not doc.is_signed:
        title, body = render_minutes(meeting, doc.content)
        _write(actor, meeting, MeetingDocument.Kind.MINUTES, title, body, doc.content)


def _owner_choices(community: Place) -> list[Organisation]:
    from sanfang.directory.models import ServiceContract

    local = Organisation.objects.filter(place__path__startswith=community.path).exclude(
        kind__in=(OrgKind.STREET, OrgKind.COUNTY, OrgKind.DEPARTMENT)
    )
    companies = Organisation.objects.filter(
        kind=OrgKind.PROPERTY_COMPANY,
        pk__in=ServiceContract.objects.in_force()
        .filter(compound__path__startswith=community.path)
        .values("company_id"),
    )
    return list(local.order_by("kind", "id")) + list(companies.order_by("id"))


owner_choices = _owner_choices


@transaction.atomic
def add_progress(
    *, actor, resolution: Resolution, text: str, evidence=None, done: bool = False
) -> ProgressNote:
    """JM-5: the owner party (or the office) reports progress with evidence; `done` closes the resolution."""
    res = (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("community", "owner")
        .get(pk=resolution.pk)
    )
    if not permissions.can_work_on_resolution(actor, res):
        raise PermissionDenied
    if res.status != Resolution.Status.OPEN:
        raise RuleViolation(_("该事项已办结。"))
    if not text.strip():
        raise RuleViolation(_("请填写办理进展。"), field="text")
    note = ProgressNote(resolution=res, author=actor, text=text.strip())
    if evidence is not None:
        note.evidence = evidence
    note.save()
    changes = {}
    if done:
        res.status, res.done_at = Resolution.Status.DONE, timezone.now()
        res.version += 1
        res.save(update_fields=["status", "done_at", "version"])
        changes = {"status": [Resolution.Status.OPEN, Resolution.Status.DONE]}
    audit.record(
        actor=actor,
        verb="meetings.resolution.done" if done else "meetings.resolution.progress",
        target=res,
        place=res.community,
        summary=text.strip()[:200],
        changes=changes,
    )
    return note


@transaction.atomic
def reopen_resolution(*, actor, resolution: Resolution, reason: str) -> Resolution:
    res = Resolution.objects.select_for_update(of=("self",)).select_related("community").get(pk=resolution.pk)
    if not permissions.is_office(actor, res.community):
        raise PermissionDenied
    if res.status != Resolution.Status.DONE:
        raise RuleViolation(_("只有已办结的事项可以退回重办。"))
    if not reason.strip():
        raise RuleViolation(_("请写明退回原因。"), field="reason")
    res.status, res.done_at = Resolution.Status.OPEN, None
    res.version += 1
    res.save(update_fields=["status", "done_at", "version"])
    ProgressNote.objects.create(
        resolution=res, author=actor, text=_("退回重办：%(r)s") % {"r": reason.strip()}
    )
    audit.record(actor=actor, verb="meetings.resolution.reopen", target=res, summary=reason)
    return res


def flag_overdue_resolutions(today: dt.date) -> int:
    """Tick (JM-5 督办): flag each newly overdue resolution to the office and the owner, and put every overdue
    one on its community's next meeting agenda."""
    count = 0
    overdue = list(Resolution.objects.overdue(today).select_related("community", "owner").order_by("id"))
    communities = {}
    for res in overdue:
        communities.setdefault(res.community_id, res.community)
        if res.flagged_at is None:
            with transaction.atomic():
                Resolution.objects.filter(pk=res.pk).update(flagged_at=timezone.now())
                office = epmc_lead_for(res.community)
                owners = [p.person for p in _positions([res.owner_id]) if p.is_head] or [
                    p.person for p in _positions([res.owner_id])
                ]
                recipients = owners + ([office.person] if office else [])
                delivery.notify(
                    recipients=recipients,
                    subject=lambda res=res: _("议定事项已超期：%(text)s") % {"text": res.text[:80]},
                    body=lambda res=res: (
                        _("责任方：%(owner)s，截止日期：%(due)s。该事项将列入下次联席会议督办。")
                        % {"owner": res.owner.name, "due": res.due_on}
                    ),
                    key=f"meetings:resolution:{res.pk}:overdue",
                    url=reverse("meetings:resolution", args=[res.pk]),
                    urgent=True,
                )
                audit.record(
                    actor="系统", verb="meetings.resolution.overdue", target=res, place=res.community
                )
            count += 1
    for community in communities.values():
        nxt = next_meeting(community)
        if nxt is not None:
            with transaction.atomic():
                count += add_follow_up_items(nxt, today)
    return count


# --- Summaries (JM-6) -------------------------------------------------------------------------------------


def summary_period(kind: str, year: int, half: int = 1) -> tuple[dt.date, dt.date]:
    if kind == Summary.Kind.ANNUAL:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if half == 1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def summary_figures(community: Place, start: dt.date, end: dt.date) -> dict:
    """JM-6: the figures a summary is drafted from; every number comes from the records."""
    today = timezone.localdate()
    until = min(end, today)
    due_periods = [f"{y}-{m:02d}" for y, m in schedule.periods_between(start, until)]
    meetings = list(
        Meeting.objects.filter(community=community).not_cancelled().in_period(start, end).order_by("date")
    )
    held = [mt for mt in meetings if mt.status in (Meeting.Status.HELD, Meeting.Status.CLOSED)]
    regular_held = [mt for mt in held if mt.kind == Meeting.Kind.REGULAR]
    on_schedule = [mt for mt in regular_held if schedule.in_last_week_of_even_month(mt.held_on or mt.date)]
    participants = list(
        Participant.objects.filter(meeting__in=[mt.pk for mt in held]).values_list("role", "attendance")
    )
    attendance = []
    for role, label in Participant.Role.choices:
        invited = sum(1 for r, _a in participants if r == role)
        if not invited:
            continue
        present = sum(1 for r, a in participants if r == role and a == Participant.Attendance.PRESENT)
        attendance.append({"role": role, "label": str(label), "invited": invited, "present": present})
    items = list(
        AgendaItem.objects.filter(
            meeting__in=[mt.pk for mt in meetings], status=AgendaItem.Status.ACCEPTED
        ).values_list("kind", "source")
    )
    kinds = Counter(k for k, _s in items)
    sources = Counter(s for _k, s in items)
    resolutions = list(
        Resolution.objects.filter(community=community, meeting__date__gte=start, meeting__date__lte=end)
    )
    done = [r for r in resolutions if r.status == Resolution.Status.DONE]
    on_time = [r for r in done if r.done_on_time]
    overdue = [r for r in resolutions if r.status == Resolution.Status.OPEN and r.due_on and r.due_on < today]
    figures = {
        "meetings_due": len(due_periods),
        "meetings_held": len(held),
        "regular_held": len(regular_held),
        "ad_hoc_held": len(held) - len(regular_held),
        "held_on_schedule": len(on_schedule),
        "attendance": attendance,
        "items_total": len(items),
        "items_by_kind": [
            {"kind": k, "label": str(AgendaKind(k).label), "n": kinds[k]}
            for k in AgendaKind.values
            if kinds[k]
        ],
        "items_by_source": [
            {"source": s, "label": str(AgendaItem.Source(s).label), "n": sources[s]}
            for s in AgendaItem.Source.values
            if sources[s]
        ],
        "resolutions_total": len(resolutions),
        "resolutions_done": len(done),
        "resolutions_on_time": len(on_time),
        "resolutions_overdue": len(overdue),
        "resolutions_open": sum(1 for r in resolutions if r.status == Resolution.Status.OPEN),
        "other_indicators": _other_indicators(community, start.year),
    }
    return figures


def _other_indicators(community: Place, year: int) -> list[dict]:
    """Case and disclosure figures from other apps through the "indicators" extension point, if any provider."""
    from sanfang.core import extensions

    rc = Organisation.objects.filter(kind=OrgKind.RESIDENTS_COMMITTEE, place=community).first()
    if rc is None:
        return []
    out = []
    found = []
    # Each provider on its own savepoint: one app's failing provider must neither stop the draft nor poison
    # the surrounding transaction (PostgreSQL). `collect` would stop at the first failure, hence the loop.
    for provider in list(extensions._PROVIDERS.get("indicators", [])):  # noqa: SLF001 - see comment above
        try:
            with transaction.atomic():
                result = provider(rc, community, year)
        except Exception:  # noqa: BLE001 - another app's provider failing must not stop a summary draft
            logger.exception("indicators provider %s failed", getattr(provider, "__name__", provider))
            continue
        found.extend(result if isinstance(result, list | tuple) else [result] if result is not None else [])
    for ind in found:
        if getattr(ind, "source", "") == "meetings":
            continue
        out.append(
            {
                "code": ind.code,
                "label": str(ind.label),
                "numerator": ind.numerator,
                "denominator": ind.denominator,
                "source": ind.source,
            }
        )
    return out


def _summary_narrative(community: Place, f: dict, kind_label: str, start: dt.date, end: dt.date) -> str:
    lines = [
        _("%(start)s至%(end)s，%(community)s在社区党组织领导下，落实三方联动联席会议制度。")
        % {
            "start": _month(start),
            "end": _month(end),
            "community": community.name,
        },
        _(
            "本期应召开例会 %(due)d 次，实际召开联席会议 %(held)d 次（例会 %(reg)d 次、临时会议 %(adhoc)d 次），按期召开例会 %(ons)d 次。"
        )
        % {
            "due": f["meetings_due"],
            "held": f["meetings_held"],
            "reg": f["regular_held"],
            "adhoc": f["ad_hoc_held"],
            "ons": f["held_on_schedule"],
        },
        _(
            "共研究议题 %(n)d 项，形成议定事项 %(r)d 项，已办结 %(d)d 项（按期办结 %(ot)d 项），超期未办结 %(o)d 项。"
        )
        % {
            "n": f["items_total"],
            "r": f["resolutions_total"],
            "d": f["resolutions_done"],
            "ot": f["resolutions_on_time"],
            "o": f["resolutions_overdue"],
        },
    ]
    return "\n".join(lines)


@transaction.atomic
def generate_summary(
    *, actor, community: Place, kind: str, year: int, half: int = 1, before_commit=None
) -> Summary:
    """JM-6: draft (or refresh the figures of) the half-year or annual summary from the data.

    `before_commit(summary)` runs inside the transaction at the end (a background job ends there, so the
    draft and the job's end commit together)."""
    if not permissions.is_office(actor, community):
        raise PermissionDenied
    if kind not in Summary.Kind.values:
        raise RuleViolation(_("请选择总结类型。"))
    if half not in (1, 2):
        raise RuleViolation(_("请选择上半年或下半年。"))
    start, end = summary_period(kind, year, half)
    figures = summary_figures(community, start, end)
    summary = (
        Summary.objects.select_for_update().filter(community=community, kind=kind, period_start=start).first()
    )
    if summary is not None:
        if summary.is_signed:
            raise RuleViolation(_("该总结已签发，不能重新生成。"))
        summary.figures = figures
        summary.version += 1
        summary.save(update_fields=["figures", "version"])
        verb = "refresh"
    else:
        summary = Summary.objects.create(
            community=community,
            kind=kind,
            year=year,
            period_start=start,
            period_end=end,
            figures=figures,
            narrative=_summary_narrative(community, figures, Summary.Kind(kind).label, start, end),
            created_by=actor,
        )
        verb = "draft"
    audit.record(actor=actor, verb=f"meetings.summary.{verb}", target=summary, place=community)
    if before_commit is not None:
        before_commit(summary)
    return summary


@transaction.atomic
def edit_summary(*, actor, summary: Summary, version: int, narrative: str, suggestions: str) -> Summary:
    s = Summary.objects.select_for_update(of=("self",)).select_related("community").get(pk=summary.pk)
    if not permissions.is_office(actor, s.community):
        raise PermissionDenied
    if s.is_signed:
        raise RuleViolation(_("该总结已签发，不能修改。"))
    if s.version != version:
        raise Conflict(_("总结已被他人修改，请刷新后再改。"))
    s.narrative, s.suggestions = narrative.strip(), suggestions.strip()
    s.version += 1
    s.save(update_fields=["narrative", "suggestions", "version"])
    audit.record(
        actor=actor, verb="meetings.summary.edit", target=s, place=s.community, summary=f"v{s.version}"
    )
    return s


@transaction.atomic
def sign_summary(*, actor, summary: Summary, version: int) -> Summary:
    """JM-6: the convener (community party organisation head) signs off the summary, on a specific version."""
    s = Summary.objects.select_for_update(of=("self",)).select_related("community").get(pk=summary.pk)
    if not permissions.can_sign_summary(actor, s):
        raise PermissionDenied(_("只有社区党组织负责人可以审签工作总结。"))
    if s.is_signed:
        raise RuleViolation(_("该总结已经签发。"))
    if s.version != version:
        raise Conflict(_("总结已更新为第 %(v)d 版，请重新审阅。") % {"v": s.version})
    s.signed_at, s.signed_by, s.signed_version = timezone.now(), actor, s.version
    s.save(update_fields=["signed_at", "signed_by", "signed_version"])
    audit.record(actor=actor, verb="meetings.summary.sign_off", target=s, place=s.community)
    return s


@transaction.atomic
def submit_summary(*, actor, summary: Summary) -> Summary:
    """JM-6: a signed summary is reported to the community party organisation."""
    s = Summary.objects.select_for_update(of=("self",)).select_related("community").get(pk=summary.pk)
    if not (permissions.is_office(actor, s.community) or permissions.can_sign_summary(actor, s)):
        raise PermissionDenied
    if not s.is_signed:
        raise RuleViolation(_("总结须经审签后才能报送（JM-6）。"))
    if s.submitted_at:
        raise RuleViolation(_("该总结已经报送。"))
    s.submitted_at = timezone.now()
    s.save(update_fields=["submitted_at"])
    party_org = Organisation.objects.filter(kind=OrgKind.PARTY_ORG, place=s.community).first()
    people = [p.person for p in _positions([party_org.pk])] if party_org else []
    delivery.notify(
        recipients=people,
        organisations=[party_org] if party_org else [],
        subject=lambda: _("报送：%(title)s") % {"title": str(s)},
        key=f"meetings:summary:{s.pk}:submitted",
        url=reverse("meetings:summary", args=[s.pk]),
    )
    audit.record(actor=actor, verb="meetings.summary.submit", target=s, place=s.community)
    return s


# --- Indicators (EV-4 via the "indicators" extension point) ----------------------------------------------


def indicators_for(subject: Organisation, community: Place, year: int) -> list:
    """Meetings held on schedule, member attendance and resolutions done on time for an appraisal subject."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out = [_on_schedule_indicator(community, start, end)]
    parts = Participant.objects.filter(
        meeting__community=community, meeting__date__gte=start, meeting__date__lte=end
    ).filter(meeting__status__in=(Meeting.Status.HELD, Meeting.Status.CLOSED))
    if subject.kind in COUNCIL_KINDS:
        parts = parts.filter(organisation__place=community, organisation__kind=subject.kind)
    else:
        parts = parts.filter(organisation=subject)
    invited = parts.count()
    present = parts.filter(attendance=Participant.Attendance.PRESENT).count()
    out.append(_attendance_indicator(present, invited))
    res = list(
        Resolution.objects.filter(
            community=community, owner=subject, due_on__gte=start, due_on__lte=end
        ).exclude(status=Resolution.Status.CANCELLED)
    )
    out.append(_resolutions_indicator(sum(1 for r in res if r.done_on_time), len(res)))
    return out


# Organisations of the community as a whole: their members' attendance counts, whoever the person is.
COUNCIL_KINDS = (OrgKind.PARTY_ORG, OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC)


def indicators_each(subjects: list[Organisation], community: Place, year: int) -> dict[int, list]:
    """`indicators_for` every subject of a round, keyed by organisation id, in four queries whatever the
    number of subjects: the schedule (the community's, the same for all), attendance counted per
    organisation, and the subjects' resolutions."""
    from django.db.models import Count, Q

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    on_schedule = _on_schedule_indicator(community, start, end)
    attendance = (
        Participant.objects.filter(
            meeting__community=community, meeting__date__gte=start, meeting__date__lte=end
        )
        .filter(meeting__status__in=(Meeting.Status.HELD, Meeting.Status.CLOSED))
        .values("organisation_id", "organisation__place_id", "organisation__kind")
        .annotate(
            invited=Count("id"), present=Count("id", filter=Q(attendance=Participant.Attendance.PRESENT))
        )
        .order_by()
    )
    rows = list(attendance)
    resolutions: dict[int, list[Resolution]] = {org.pk: [] for org in subjects}
    for r in Resolution.objects.filter(
        community=community, owner__in=subjects, due_on__gte=start, due_on__lte=end
    ).exclude(status=Resolution.Status.CANCELLED):
        resolutions[r.owner_id].append(r)
    out = {}
    for org in subjects:
        if org.kind in COUNCIL_KINDS:
            mine = [
                r
                for r in rows
                if r["organisation__place_id"] == community.pk and r["organisation__kind"] == org.kind
            ]
        else:
            mine = [r for r in rows if r["organisation_id"] == org.pk]
        res = resolutions[org.pk]
        out[org.pk] = [
            on_schedule,
            _attendance_indicator(sum(r["present"] for r in mine), sum(r["invited"] for r in mine)),
            _resolutions_indicator(sum(1 for r in res if r.done_on_time), len(res)),
        ]
    return out


def _on_schedule_indicator(community: Place, start: dt.date, end: dt.date):
    """Regular meetings held in the last week of an even month, of those due so far in the period (JM-3)."""
    from sanfang.core.extensions import Indicator

    due = len(schedule.periods_between(start, min(end, timezone.localdate())))
    held_regular = list(
        Meeting.objects.filter(community=community, kind=Meeting.Kind.REGULAR)
        .held()
        .in_period(start, end)
        .values_list("held_on", "date")
    )
    on_schedule = sum(1 for h, d in held_regular if schedule.in_last_week_of_even_month(h or d))
    return Indicator(
        code="meetings.on_schedule",
        label=_("联席会议按期召开"),
        numerator=on_schedule,
        denominator=due,
        source="meetings",
    )


def _attendance_indicator(present: int, invited: int):
    from sanfang.core.extensions import Indicator

    return Indicator(
        code="meetings.attendance",
        label=_("联席会议出席率"),
        numerator=present,
        denominator=invited,
        source="meetings",
    )


def _resolutions_indicator(on_time: int, total: int):
    from sanfang.core.extensions import Indicator

    return Indicator(
        code="meetings.resolutions_on_time",
        label=_("议定事项按期办结"),
        numerator=on_time,
        denominator=total,
        source="meetings",
    )


def street_overview(street: Place, year: int) -> list[dict]:
    """The street's overview of its communities: regular meetings due/held on schedule, overdue resolutions."""
    from django.db.models import Count, Q

    today = timezone.localdate()
    start = dt.date(year, 1, 1)
    due = len(schedule.periods_between(start, min(dt.date(year, 12, 31), today)))
    communities = list(Place.objects.communities().within(street).order_by("path"))
    held = dict(
        Meeting.objects.filter(community__in=communities, kind=Meeting.Kind.REGULAR, date__year=year)
        .held()
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    meetings = Meeting.objects.filter(
        community__in=communities, kind=Meeting.Kind.REGULAR, date__year=year
    ).held()
    on_sched: Counter = Counter()
    for cid, h, d in meetings.values_list("community_id", "held_on", "date"):
        if schedule.in_last_week_of_even_month(h or d):
            on_sched[cid] += 1
    overdue = dict(
        Resolution.objects.overdue(today)
        .filter(community__in=communities)
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    open_res = dict(
        Resolution.objects.filter(community__in=communities)
        .values("community_id")
        .annotate(n=Count("id", filter=Q(status=Resolution.Status.OPEN)))
        .values_list("community_id", "n")
    )
    return [
        {
            "community": c,
            "due": due,
            "held": held.get(c.pk, 0),
            "on_schedule": on_sched.get(c.pk, 0),
            "open_resolutions": open_res.get(c.pk, 0),
            "overdue_resolutions": overdue.get(c.pk, 0),
        }
        for c in communities
    ]


def mark_read(*, person, document: MeetingDocument) -> None:
    """Opening a distributed document is the recipient's read receipt, like opening the inbox message."""
    if not getattr(person, "is_authenticated", False):
        return
    from sanfang.core.models import Message

    Message.objects.filter(
        pk__in=Distribution.objects.filter(document=document, person=person).values("message_id"),
        read_at__isnull=True,
    ).update(read_at=timezone.now())


def recompute_estimated_dates() -> int:
    """Regular meetings planned on an estimated date move to the official one once the year is known (JM-3).

    Only meetings still in preparation move; one whose notice is out keeps its date (the office corrects it by
    a signed addendum if needed) and simply stops being marked estimated.
    """
    changed = 0
    qs = Meeting.objects.filter(date_estimated=True, kind=Meeting.Kind.REGULAR).select_related("community")
    for meeting in qs.order_by("id"):
        if not workcal.year_is_known(meeting.date.year):
            continue
        year, month = (int(x) for x in meeting.period.split("-"))
        planned = schedule.regular_date(year, month, schedule_of(meeting.community).weekday)
        with transaction.atomic():
            if meeting.status == Meeting.Status.PLANNED and planned.date != meeting.date:
                sched = schedule_of(meeting.community)
                _opens, closes = _agenda_window(
                    planned.date, sched.agenda_close_working_days, timezone.localdate()
                )
                Meeting.objects.filter(pk=meeting.pk).update(
                    date=planned.date,
                    date_estimated=False,
                    agenda_closes_on=closes,
                    version=meeting.version + 1,
                )
                audit.record(
                    actor="系统",
                    verb="meetings.meeting.redate",
                    target=meeting,
                    changes={"date": [meeting.date, planned.date]},
                    summary=_("放假安排已录入，例会日期按官方日历重算"),
                )
                office = epmc_lead_for(meeting.community)
                if office is not None:
                    delivery.notify(
                        recipients=[office.person],
                        subject=lambda planned=planned: (
                            _("例会日期已按官方放假安排调整为 %(date)s") % {"date": planned.date}
                        ),
                        key=f"meetings:meeting:{meeting.pk}:redate:{planned.date}",
                        url=reverse("meetings:meeting", args=[meeting.pk]),
                    )
            else:
                Meeting.objects.filter(pk=meeting.pk).update(date_estimated=False)
        changed += 1
    return changed


def remind_participants(today: dt.date) -> int:
    """Tick: the working day before a notified meeting, remind its participants (once per meeting)."""
    nxt = workcal.next_working_day(today, include=False)
    meetings = Meeting.objects.filter(
        status=Meeting.Status.NOTIFIED, date__gt=today, date__lte=nxt
    ).select_related("community")
    count = 0
    for meeting in meetings.order_by("id"):
        people = [p.person for p in meeting.participants.select_related("person") if p.person_id]
        delivery.notify(
            recipients=people,
            subject=lambda meeting=meeting: (
                _("会议提醒：%(title)s，%(date)s %(time)s，%(venue)s")
                % {
                    "title": meeting.title,
                    "date": meeting.date,
                    "time": meeting.start_time.strftime("%H:%M"),
                    "venue": meeting.venue,
                }
            ),
            key=f"meetings:meeting:{meeting.pk}:remind",
            url=reverse("meetings:meeting", args=[meeting.pk]),
        )
        count += 1
    return count
