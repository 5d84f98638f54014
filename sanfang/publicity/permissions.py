"""Who may publish what on a board. The board itself is public; writing is for the responsible party only.

A property company publishes only for the compounds it serves under a contract in force (its scope), and only
the items of its own organisation; the Owners' Committee for its compound; the Residents' Committee for the
compounds of its community.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sanfang.directory.models import Place
from sanfang.directory.scopes import Role, get_scope

from .models import BoardItem, Party

ROLES_FOR_PARTY = {
    Party.RESIDENTS_COMMITTEE: (Role.RESIDENTS_COMMITTEE,),
    Party.OWNERS_COMMITTEE: (Role.OWNERS_COMMITTEE,),
    Party.PROPERTY_COMPANY: (Role.PROPERTY_COMPANY,),
}
# Who follows every compound's disclosure status: the meeting office (RC), the party organisation, oversight.
STATUS_ROLES = (Role.RESIDENTS_COMMITTEE, Role.PARTY_ORG, Role.COMPOUND_PARTY_ORG, Role.STREET, Role.COUNTY)
EDITOR_ROLES = (Role.RESIDENTS_COMMITTEE, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY)


def company_ids_of(user) -> list[int]:
    scope = get_scope(user)
    return sorted(
        {g.organisation_id for g in scope.grants if g.role == Role.PROPERTY_COMPANY and g.organisation_id}
    )


def can_publish_item(user, item: BoardItem) -> bool:
    """The responsible party of the item, in scope for its compound (a company: only compounds it serves)."""
    scope = get_scope(user)
    if scope.is_superuser:
        return True
    roles = ROLES_FOR_PARTY[item.party]
    grants = scope.grants_for(*roles, at=item.compound)
    if not grants:
        return False
    if item.organisation_id and item.party != Party.RESIDENTS_COMMITTEE:
        return any(g.organisation_id == item.organisation_id for g in grants)
    return True


def can_publish_charge_change(user, compound: Place) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(Role.PROPERTY_COMPANY, at=compound)


def can_see_status(user, compound: Place) -> bool:
    """Staff pages of a compound's board: its editors and those who follow disclosure status."""
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(*EDITOR_ROLES, *STATUS_ROLES, at=compound)


def get_item_for(user, pk: int, *, write: bool = False) -> BoardItem:
    """404 for those the item's compound is out of reach of; 403 when they may only read it."""
    item = BoardItem.objects.select_related("compound", "organisation", "current").filter(pk=pk).first()
    if item is None or not can_see_status(user, item.compound):
        raise Http404
    if write and not can_publish_item(user, item):
        raise PermissionDenied
    return item


def get_compound_for(user, code: str) -> Place:
    compound = Place.objects.compounds().filter(code=code).first()
    if compound is None or not can_see_status(user, compound):
        raise Http404
    return compound
