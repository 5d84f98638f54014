"""Menu entry, to-dos and the extension points this app provides ("board.disclosures", "indicators")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import extensions, nav, stamps, todos
from sanfang.core.extensions import Indicator
from sanfang.directory.models import (
    Building,
    Organisation,
    OrgKind,
    Person,
    Place,
    Position,
    ServiceContract,
)
from sanfang.directory.scopes import Role, get_scope

from . import permissions
from .board import DIRECTORY_STAMP, board_stamp, disclosure_status
from .models import BoardChain, BoardItem, ItemKind, ItemStatus, ItemVersion, Party

# The cached public board (board.rendered_board) is keyed by stamps that change with its data, in the same
# transaction: the compound's own items, versions and chain, and the directory it shows (cases/hooks.py stamps
# the cases).
for _model in (BoardItem, ItemVersion, BoardChain):
    stamps.watch(_model, lambda obj, kw: [board_stamp(obj.compound_id)], f"board-{_model.__name__}")
for _model in (Place, Building, Organisation, Position, ServiceContract):
    stamps.watch(_model, lambda obj, kw: [DIRECTORY_STAMP], f"board-{_model.__name__}")
# Of a person the board shows the name: logins, password and preference changes (saved with update_fields)
# do not touch it.
stamps.watch(
    Person,
    lambda obj, kw: (
        [DIRECTORY_STAMP] if kw.get("update_fields") is None or "name" in kw["update_fields"] else []
    ),
    "board-Person",
)

nav.register(
    gettext_lazy("公示管理"),
    "publicity:home",
    roles=(*permissions.EDITOR_ROLES, *permissions.STATUS_ROLES),
    order=40,
)


@todos.provider
def due_disclosures(user):
    """The items the user's party must publish: overdue first, then those due within a month."""
    scope = get_scope(user)
    if not scope.has_role(*permissions.EDITOR_ROLES):
        return []
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=30)
    items = (
        BoardItem.objects.filter(status=ItemStatus.DUE, due_on__lte=horizon)
        .filter(scope.place_q("compound__path", roles=permissions.EDITOR_ROLES))
        .select_related("compound", "organisation")
        .order_by("due_on", "id")[:100]
    )
    out = []
    for item in items:
        if not permissions.can_publish_item(user, item):
            continue
        out.append(
            todos.Todo(
                title=_("公示：%(compound)s %(title)s")
                % {"compound": item.compound.name, "title": item.title},
                url=reverse("publicity:item-edit", args=[item.pk]),
                app="publicity",
                due=item.due_on,
                overdue=item.is_overdue(today),
            )
        )
    return out[:30]


@extensions.provides("board.disclosures")
def board_disclosures(compound: Place) -> list[dict]:
    return disclosure_status(compound)


PARTY_OF_KIND = {
    OrgKind.PROPERTY_COMPANY: Party.PROPERTY_COMPANY,
    OrgKind.OWNERS_COMMITTEE: Party.OWNERS_COMMITTEE,
    OrgKind.RESIDENTS_COMMITTEE: Party.RESIDENTS_COMMITTEE,
    OrgKind.EPMC: Party.RESIDENTS_COMMITTEE,
}


@extensions.provides("indicators")
def publicity_indicators(subject: Organisation, community: Place, year: int) -> list[Indicator]:
    """EV-4 from PN-1 data: disclosures published on time, and annual commitments kept, for one subject."""
    party = PARTY_OF_KIND.get(subject.kind)
    if party is None:
        return []
    items = BoardItem.objects.filter(compound__path__startswith=community.path, party=party)
    if subject.kind in (OrgKind.PROPERTY_COMPANY, OrgKind.OWNERS_COMMITTEE):
        items = items.filter(organisation=subject)
    today = timezone.localdate()
    due = list(
        items.exclude(kind__in=(ItemKind.COMMITMENT, ItemKind.CHARGE_CHANGE))
        .filter(due_on__year=year, due_on__lt=today)
        .values_list("due_on", "first_published_at")
    )
    on_time = sum(1 for due_on, first in due if first and timezone.localtime(first).date() <= due_on)
    kept = total = 0
    for item in (
        items.filter(kind=ItemKind.COMMITMENT, period_key=str(year))
        .filter(~Q(current=None))
        .select_related("current")
    ):
        if item.current.withdrawn:
            continue
        entries = item.current.content.get("entries", [])
        total += len(entries)
        kept += sum(1 for e in entries if e.get("status") == "kept")
    return _indicators(on_time, len(due), kept, total)


@extensions.batch_of(publicity_indicators)
def publicity_indicators_each(
    subjects: list[Organisation], community: Place, year: int
) -> dict[int, list[Indicator]]:
    """`publicity_indicators` of every subject of a round in two queries: the community's dated disclosures of
    the year and its commitments of the year, for the parties appraised; each subject takes its own rows."""
    parties = {PARTY_OF_KIND[s.kind] for s in subjects if s.kind in PARTY_OF_KIND}
    items = BoardItem.objects.filter(compound__path__startswith=community.path, party__in=parties)
    today = timezone.localdate()
    due = list(
        items.exclude(kind__in=(ItemKind.COMMITMENT, ItemKind.CHARGE_CHANGE))
        .filter(due_on__year=year, due_on__lt=today)
        .values_list("party", "organisation_id", "due_on", "first_published_at")
    )
    commitments = list(
        items.filter(kind=ItemKind.COMMITMENT, period_key=str(year))
        .filter(~Q(current=None))
        .values_list("party", "organisation_id", "current__withdrawn", "current__content")
    )
    out: dict[int, list[Indicator]] = {}
    for subject in subjects:
        party = PARTY_OF_KIND.get(subject.kind)
        if party is None:
            out[subject.pk] = []
            continue
        own = subject.kind in (OrgKind.PROPERTY_COMPANY, OrgKind.OWNERS_COMMITTEE)

        def mine(row, party=party, own=own, subject=subject) -> bool:
            return row[0] == party and (not own or row[1] == subject.pk)

        dated = [(due_on, first) for *key, due_on, first in due if mine(key)]
        on_time = sum(1 for due_on, first in dated if first and timezone.localtime(first).date() <= due_on)
        kept = total = 0
        for *key, withdrawn, content in commitments:
            if not mine(key) or withdrawn:
                continue
            entries = content.get("entries", [])
            total += len(entries)
            kept += sum(1 for e in entries if e.get("status") == "kept")
        out[subject.pk] = _indicators(on_time, len(dated), kept, total)
    return out


def _indicators(on_time: int, due: int, kept: int, total: int) -> list[Indicator]:
    return [
        Indicator("publicity.disclosures_on_time", _("公示按时发布"), on_time, due, source="publicity"),
        Indicator("publicity.commitments_kept", _("年度服务承诺兑现"), kept, total, source="publicity"),
    ]


@todos.provider
def overdue_in_scope(user):
    """For the meeting office, the party organisation and oversight: how many compounds have overdue items."""
    scope = get_scope(user)
    roles = (Role.RESIDENTS_COMMITTEE, Role.PARTY_ORG, Role.STREET, Role.COUNTY)
    if not scope.has_role(*roles):
        return []
    n = (
        BoardItem.objects.overdue()
        .filter(scope.place_q("compound__path", roles=roles))
        .values("compound_id")
        .distinct()
        .count()
    )
    if not n:
        return []
    return [
        todos.Todo(
            title=_("%(n)d 个小区有逾期未公示的事项") % {"n": n},
            url=reverse("publicity:home") + "?overdue=1",
            app="publicity",
            overdue=True,
        )
    ]
