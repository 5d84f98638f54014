"""Nav entries, to-dos and extension providers of the cases app."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sanfang.core import extensions, nav, stamps, todos
from sanfang.directory.models import Building, Organisation, Place, place_moved
from sanfang.directory.scopes import Role, get_scope

from . import public, services
from .models import Case, CaseEvent, Feedback, Handover, Invitation, Status, Summons

nav.register(gettext_lazy("问题办理"), "cases:triage", roles=Role.STAFF, order=20)
nav.register(
    gettext_lazy("吹哨报到"),
    "cases:summonses",
    roles=(Role.STREET, Role.DEPARTMENT, Role.COUNTY, Role.PARTY_ORG),
    order=25,
)


def _place_moved(sender, place, **kwargs):
    services.follow_moved_place(place)


# A compound moved to another community (or a community to another street): its open cases and matters follow it.
place_moved.connect(_place_moved, sender=Place, dispatch_uid="cases-place-moved")


def _rates_changed(sender, **kwargs):
    services.bump_rates_version()


for _model in (Case, Feedback, Handover):
    post_save.connect(_rates_changed, sender=_model, dispatch_uid=f"cases-rates-{_model.__name__}")
    post_delete.connect(_rates_changed, sender=_model, dispatch_uid=f"cases-rates-del-{_model.__name__}")


# Compound boards show their cases (board.cases below) and are cached under the compound's board stamp
# (publicity/board.py): every change of a case, its events or summonses replaces that stamp in the same transaction.
# Except a new report: it is not on any board until it is classified (Case.is_public), and a row that did not
# exist cannot be on a page cached before, so neither its insert nor its first event (`off_board`, set by
# services.submit_case in the same transaction) changes a board. Floods of reports do not throw the compound's
# cached board and case pages away; the classification, an update, replaces the stamp as any change does.


def _board_of_new_or_changed_case(case, kw) -> list[str]:
    return [] if kw.get("created") and not case.is_public else [f"board:{case.compound_id}"]


stamps.watch(Case, _board_of_new_or_changed_case, "board-Case")


def _board_of_case(obj, kw) -> list[str]:
    """The board stamp of an event's or summons' case: from the case already loaded, else one small query (which
    also copes with a case deleted before its rows in a cascade)."""
    if kw.get("created") and getattr(obj, "off_board", False):
        return []
    if type(obj).case.is_cached(obj):
        compound_id = obj.case.compound_id
    else:
        compound_id = Case.objects.filter(pk=obj.case_id).values_list("compound_id", flat=True).first()
    return [f"board:{compound_id}"] if compound_id else []


for _model in (CaseEvent, Summons):
    stamps.watch(_model, _board_of_case, f"board-{_model.__name__}")

# The public case page (public.py) also shows names from the directory: the compound, a building, summoned
# organisations. Their changes replace "board:directory" whether or not the publicity app is installed; the
# watcher has the same id as publicity's (publicity/hooks.py), so with both apps a change bumps it once.
for _model in (Place, Building, Organisation):
    stamps.watch(_model, lambda obj, kw: [public.DIRECTORY_STAMP], f"board-{_model.__name__}")


@extensions.provides("board.cases")
def board_cases(compound):
    return services.board_cases(compound)


@extensions.provides("major_matter.status")
def major_matter_status(compound, kind):
    return services.matter_status(compound, kind)


@extensions.provides("indicators")
def indicators(subject, community, year):
    """EV-4: case response / resolution / satisfaction rates of an appraisal subject over a year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # The round is per community: a company serving several communities answers here for this one's cases.
    qs = services.cases_of_subject(subject, start, end).filter(compound__path__startswith=community.path)
    return _rate_indicators(services.rates(qs))


@extensions.batch_of(indicators)
def indicators_each(subjects, community, year):
    """`indicators` of every subject of a round in two queries: the community's cases of the year counted per
    compound, and the companies' contracts; each subject adds up the compounds it answers for."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rates = services.rates_of_subjects(subjects, community, start, end)
    return {org.pk: _rate_indicators(rates[org.pk]) for org in subjects}


def _rate_indicators(r: services.Rates) -> list:
    return [
        extensions.Indicator("cases.response", _("问题响应率"), r.responded_in_time, r.received, "cases"),
        extensions.Indicator("cases.resolution", _("问题解决率"), r.resolved, r.received, "cases"),
        extensions.Indicator("cases.satisfaction", _("居民满意率"), r.satisfied + r.basic, r.rated, "cases"),
    ]


@todos.provider
def case_todos(user):
    """My cases to act on: ones I lead or co-handle, untriaged ones for the office, summonses to answer."""
    scope = get_scope(user)
    if not scope.is_authenticated or not (scope.is_staff_member):
        return []
    today = timezone.localdate()
    items = []
    mine = (
        Case.objects.open()
        .filter(Q(handler=user) | Q(co_handlers=user))
        .exclude(status=Status.NEW)
        .distinct()
        .order_by("due_on", "id")[:20]
    )
    for case in mine:
        items.append(
            todos.Todo(
                title=_("办理问题 %(no)s：%(t)s") % {"no": case.tracking_no, "t": case.title},
                url=reverse("cases:detail", args=[case.pk]),
                app="cases",
                due=case.due_on,
                overdue=bool(case.due_on and case.due_on < today),
                detail=case.get_status_display(),
            )
        )
    office_roles = (Role.RESIDENTS_COMMITTEE, Role.PARTY_ORG)
    if scope.has_role(*office_roles):
        new = Case.objects.untriaged().filter(scope.place_q("compound__path", roles=office_roles))
        n = new.count()
        if n:
            items.append(
                todos.Todo(
                    title=ngettext("%(n)d 个新反映的问题待受理分类", "%(n)d 个新反映的问题待受理分类", n)
                    % {"n": n},
                    url=reverse("cases:triage") + "?status=new",
                    app="cases",
                    overdue=new.filter(due_on__lt=today).exists(),
                )
            )
    if scope.organisation_ids:
        open_summons = (
            Summons.objects.open().filter(to_org_id__in=scope.organisation_ids).select_related("case")[:20]
        )
        for s in open_summons:
            items.append(
                todos.Todo(
                    title=_("吹哨待报到：%(t)s") % {"t": s.case.title},
                    url=reverse("cases:detail", args=[s.case_id]),
                    app="cases",
                    due=s.due_on,
                    overdue=s.is_late,
                    urgent=True,
                )
            )
    if scope.organisation_ids:
        # CS-7: invitations to intervene early addressed to my organisation and not yet acknowledged.
        pending = (
            Invitation.objects.filter(
                acknowledged_at__isnull=True, organisation_id__in=scope.organisation_ids
            )
            .select_related("matter")
            .order_by("invited_at", "id")[:10]
        )
        for inv in pending:
            items.append(
                todos.Todo(
                    title=_("重大事项待确认提前介入：%(t)s") % {"t": inv.matter.title},
                    url=reverse("cases:matter", args=[inv.matter_id]),
                    app="cases",
                    urgent=True,
                )
            )
    return items
