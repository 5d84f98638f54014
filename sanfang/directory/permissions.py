"""Who may see and change directory data. Views call these; templates get the resulting can_* flags."""

from __future__ import annotations

from django.http import Http404

from .models import Organisation, OrgKind, Place, PlaceKind, Residency
from .scopes import Role, get_scope

# Who may manage the directory of a place: county and street staff over their subtree, the community's party
# organisation and residents' committee over their community.
DIRECTORY_MANAGERS = (Role.COUNTY, Role.STREET, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE)


def get_place_for(user, pk: int, *, write: bool = False) -> Place:
    place = Place.objects.filter(pk=pk).first()
    if place is None:
        raise Http404
    if write and not can_manage_place(user, place):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return place


def can_manage_place(user, place: Place) -> bool:
    scope = get_scope(user)
    if scope.is_superuser:
        return True
    if place.kind in (PlaceKind.COUNTY,):
        return scope.has_role(Role.COUNTY, at=place)
    if place.kind == PlaceKind.STREET:
        return scope.has_role(Role.COUNTY, Role.STREET, at=place)
    return scope.has_role(*DIRECTORY_MANAGERS, at=place)


def can_see_place(user, place: Place) -> bool:
    """A place's directory page: whoever's scope reaches it (a neighbour's is 404, its existence private)."""
    scope = get_scope(user)
    return scope.is_superuser or scope.reaches(place)


def get_place_to_manage(user, code: str, *, kind: str | None = None) -> Place:
    """The place a directory POST changes, access first: 404 out of reach, 403 for a reader who may not
    manage it — before any form is read, so no validation message answers an outsider."""
    place = Place.objects.filter(code=code, **({"kind": kind} if kind else {})).first()
    if place is None or not can_see_place(user, place):
        raise Http404
    if not can_manage_place(user, place):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return place


def can_see_organisation(user, org: Organisation) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.reaches(org.place) or org.pk in scope.organisation_ids


def can_see_internal(user, place: Place) -> bool:
    """Internal data of a place (residents, private contacts): staff whose scope reaches it."""
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(*Role.STAFF, at=place)


def can_manage_organisation(user, org: Organisation) -> bool:
    scope = get_scope(user)
    if scope.is_superuser:
        return True
    if org.kind == OrgKind.PROPERTY_COMPANY:
        # A company's own head keeps its staff list; oversight manages the registry of companies.
        return (
            scope.has_role(Role.COUNTY, Role.STREET)
            and scope.reaches(org.place, roles=(Role.COUNTY, Role.STREET))
            or any(g.organisation_id == org.pk and g.is_head for g in scope.grants)
        )
    return can_manage_place(user, org.place)


# The Residents' Committee (and the party organisation leading it) and the company serving the compound.
VERIFIER_ROLES = (Role.RESIDENTS_COMMITTEE, Role.PROPERTY_COMPANY, Role.PARTY_ORG)


def can_verify_residency(user, residency: Residency) -> bool:
    """The Residents' Committee of the compound's community or the company serving it verify residents."""
    return can_verify_residents_at(user, residency.compound)


def can_verify_residents_at(user, compound: Place) -> bool:
    """`can_verify_residency` for every residency of this compound (the rule depends on the compound only)."""
    scope = get_scope(user)
    if scope.is_superuser:
        return True
    return scope.has_role(*VERIFIER_ROLES, at=compound)


def _verifiable(user, status: str):
    """Residencies in `status` of the compounds where `can_verify_residency` allows the user, never their own."""
    scope = get_scope(user)
    qs = Residency.objects.select_related("person", "compound", "building").filter(status=status)
    if not scope.is_superuser:
        qs = qs.filter(scope.place_q("compound__path", roles=VERIFIER_ROLES))
    return qs.exclude(_own(user))


def residencies_to_verify(user):
    """Pending residencies the user may decide on: those `can_verify_residency` allows, never their own."""
    return _verifiable(user, Residency.Status.PENDING)


def residencies_to_manage(user):
    """The residents' register: verified residencies the user may record as moved out on the resident's behalf
    (the same rule as verifying them), never their own (that is done on their profile)."""
    return _verifiable(user, Residency.Status.VERIFIED)


def get_residency_to_manage(user, pk: int) -> Residency:
    """A verified residency of the user's register; 404 for any other, so its existence is not told."""
    residency = residencies_to_manage(user).filter(pk=pk).first()
    if residency is None:
        raise Http404
    return residency


def compounds_to_manage(user):
    """The compounds whose residents the user may verify (the register's filter), by name."""
    scope = get_scope(user)
    qs = Place.objects.compounds()
    if not scope.is_superuser:
        qs = qs.filter(scope.place_q("path", roles=VERIFIER_ROLES))
    return qs.order_by("name", "pk")


def residencies_visible_to(user):
    scope = get_scope(user)
    qs = Residency.objects.select_related("person", "compound", "building")
    if scope.is_superuser:
        return qs
    staff = (Role.RESIDENTS_COMMITTEE, Role.PROPERTY_COMPANY, Role.PARTY_ORG, Role.STREET, Role.COUNTY)
    return qs.filter(scope.place_q("compound__path", roles=staff) | _own(user))


def _own(user):
    from django.db.models import Q

    return Q(person=user) if user.is_authenticated else Q(pk__in=[])
