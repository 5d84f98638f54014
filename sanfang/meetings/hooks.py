"""Menu entries, to-dos and extension providers of the joint meeting system.

Extension points provided:
- "agenda.propose" (actor, community, kind, title, description, source) -> AgendaItem: puts an item on the
  community's next joint meeting agenda (JM-2). `kind` is one of "policy", "common", "rules_major",
  "coordination" (aliases "major", "conflict" accepted; anything else becomes "coordination"). Proposing the
  same source twice while its item is still open returns the existing item.
- "indicators" (subject, community, year) -> [Indicator]: meetings.on_schedule, meetings.attendance,
  meetings.resolutions_on_time (EV-4).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import extensions, nav, todos
from sanfang.directory.scopes import Role, get_scope

from . import permissions, services
from .models import AgendaItem, Meeting, MeetingDocument, Resolution, Summary

nav.register(gettext_lazy("联席会议"), "meetings:list", roles=permissions.READER_ROLES, order=20)
nav.register(
    gettext_lazy("议定事项"),
    "meetings:my-resolutions",
    roles=(Role.RESIDENTS_COMMITTEE, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY, Role.PARTY_ORG),
    order=21,
)
nav.register(gettext_lazy("联席会议总览"), "meetings:overview", roles=(Role.STREET, Role.COUNTY), order=22)


@extensions.provides("agenda.propose")
def agenda_propose(actor, community, kind, title, description, source):
    return services.propose_from_source(actor, community, kind, title, description, source)


@extensions.provides("indicators")
def meeting_indicators(subject, community, year):
    return services.indicators_for(subject, community, year)


@extensions.batch_of(meeting_indicators)
def meeting_indicators_each(subjects, community, year):
    return services.indicators_each(subjects, community, year)


@todos.provider
def meeting_todos(user):
    scope = get_scope(user)
    if not scope.is_authenticated or not scope.is_staff_member:
        return []
    today = timezone.localdate()
    out: list[todos.Todo] = []
    # The convener: documents waiting for sign-off (JM-4).
    for doc in (
        MeetingDocument.objects.filter(
            meeting__convener=user, signed_at__isnull=True, sign_requested_at__isnull=False
        )
        .select_related("meeting")
        .order_by("sign_requested_at")[:10]
    ):
        out.append(
            todos.Todo(
                title=_("待审签：%(title)s（第 %(v)d 版）") % {"title": doc.title, "v": doc.version},
                url=reverse("meetings:document", args=[doc.pk]),
                app="meetings",
                due=doc.meeting.date,
                urgent=doc.kind == MeetingDocument.Kind.NOTICE
                and doc.meeting.date <= today + dt.timedelta(days=3),
            )
        )
    head_communities = [g.place_id for g in scope.grants_for(Role.PARTY_ORG) if g.is_head]
    if head_communities:
        for s in Summary.objects.filter(
            community_id__in=head_communities, signed_at__isnull=True
        ).select_related("community")[:5]:
            out.append(
                todos.Todo(
                    title=_("待审签：%(s)s") % {"s": str(s)},
                    url=reverse("meetings:summary", args=[s.pk]),
                    app="meetings",
                )
            )
    # The office: items to screen, overdue resolutions.
    office_ids = [g.place_id for g in scope.grants_for(Role.RESIDENTS_COMMITTEE) if g.leads_epmc]
    if office_ids:
        for meeting in Meeting.objects.filter(
            community_id__in=office_ids, status=Meeting.Status.PLANNED, date__gte=today
        ).order_by("date")[:5]:
            n = meeting.agenda_items.filter(status=AgendaItem.Status.PROPOSED).count()
            if n:
                out.append(
                    todos.Todo(
                        title=_("%(n)d 项议题待审核：%(title)s") % {"n": n, "title": meeting.title},
                        url=reverse("meetings:meeting", args=[meeting.pk]) + "#agenda",
                        app="meetings",
                        due=meeting.agenda_closes_on,
                    )
                )
        n = Resolution.objects.overdue(today).filter(community_id__in=office_ids).count()
        if n:
            out.append(
                todos.Todo(
                    title=_("%(n)d 项议定事项已超期，需督办") % {"n": n},
                    url=reverse("meetings:workbench"),
                    app="meetings",
                    overdue=True,
                )
            )
    # Owner parties: resolutions due within five days or overdue (JM-5).
    if scope.organisation_ids:
        soon = today + dt.timedelta(days=5)
        for res in (
            Resolution.objects.open()
            .filter(owner_id__in=scope.organisation_ids, due_on__lte=soon)
            .order_by("due_on")[:10]
        ):
            out.append(
                todos.Todo(
                    title=_("议定事项办理：%(text)s") % {"text": res.text[:60]},
                    url=reverse("meetings:resolution", args=[res.pk]),
                    app="meetings",
                    due=res.due_on,
                    overdue=bool(res.due_on and res.due_on < today),
                )
            )
    # The three parties and the party organisation: an agenda collection window is open.
    if scope.has_role(*permissions.RAISER_ROLES):
        window = (
            Meeting.objects.filter(
                status=Meeting.Status.PLANNED, agenda_opens_on__lte=today, agenda_closes_on__gte=today
            )
            .filter(scope.place_q("community__path", roles=permissions.RAISER_ROLES))
            .select_related("community")
            .order_by("agenda_closes_on")[:3]
        )
        for meeting in window:
            out.append(
                todos.Todo(
                    title=_("议题征集中：%(title)s，截止 %(close)s")
                    % {"title": meeting.title, "close": meeting.agenda_closes_on},
                    url=reverse("meetings:item-raise") + f"?community={meeting.community.code}",
                    app="meetings",
                    due=meeting.agenda_closes_on,
                )
            )
    return out
