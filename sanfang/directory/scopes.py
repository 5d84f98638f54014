"""The permission core: which roles a person holds, in which organisation, over which places.

Every app asks the same object: `get_scope(user)` gives a `Scope` whose `place_q(path_field)` bounds any
queryset and whose `has_role(...)` answers role questions at a place. A role is held in an organisation at a
place (DESIGN.md): a street official's scope is the street's subtree, a property company's is the compounds it
serves under contracts in force (and the communities they lie in), a resident's is their verified compound.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import OrgKind, Place, Position, Residency, ServiceContract


class Role:
    RESIDENT = "resident"
    PROPERTY_COMPANY = "property_company"
    OWNERS_COMMITTEE = "owners_committee"
    RESIDENTS_COMMITTEE = "residents_committee"
    PARTY_ORG = "party_org"
    COMPOUND_PARTY_ORG = "compound_party_org"
    GRID_WORKER = "grid_worker"
    STREET = "street"
    DEPARTMENT = "department"
    COUNTY = "county"

    ALL = (
        RESIDENT,
        PROPERTY_COMPANY,
        OWNERS_COMMITTEE,
        RESIDENTS_COMMITTEE,
        PARTY_ORG,
        COMPOUND_PARTY_ORG,
        GRID_WORKER,
        STREET,
        DEPARTMENT,
        COUNTY,
    )
    # The three parties of the linkage, plus the party organisation that leads them (JM-1).
    THREE_PARTIES = (RESIDENTS_COMMITTEE, OWNERS_COMMITTEE, PROPERTY_COMPANY)
    COMMUNITY_STAFF = (PARTY_ORG, COMPOUND_PARTY_ORG, RESIDENTS_COMMITTEE, GRID_WORKER)
    STAFF = ALL[1:]  # everyone but residents (RESIDENT is first in ALL)
    OVERSIGHT = (STREET, COUNTY)


ROLE_BY_ORG_KIND = {
    OrgKind.PARTY_ORG: Role.PARTY_ORG,
    OrgKind.COMPOUND_PARTY_ORG: Role.COMPOUND_PARTY_ORG,
    OrgKind.RESIDENTS_COMMITTEE: Role.RESIDENTS_COMMITTEE,
    OrgKind.EPMC: Role.RESIDENTS_COMMITTEE,
    OrgKind.OWNERS_COMMITTEE: Role.OWNERS_COMMITTEE,
    OrgKind.PROPERTY_COMPANY: Role.PROPERTY_COMPANY,
    OrgKind.GRID: Role.GRID_WORKER,
    OrgKind.STREET: Role.STREET,
    OrgKind.DEPARTMENT: Role.DEPARTMENT,
    OrgKind.COUNTY: Role.COUNTY,
}

ROLE_LABELS = {
    Role.RESIDENT: _("居民"),
    Role.PROPERTY_COMPANY: _("物业服务企业"),
    Role.OWNERS_COMMITTEE: _("业主委员会"),
    Role.RESIDENTS_COMMITTEE: _("社区居民委员会"),
    Role.PARTY_ORG: _("社区党组织"),
    Role.COMPOUND_PARTY_ORG: _("小区党组织"),
    Role.GRID_WORKER: _("网格员"),
    Role.STREET: _("街道（乡镇）"),
    Role.DEPARTMENT: _("职能部门"),
    Role.COUNTY: _("县级部门"),
}


@dataclass(frozen=True)
class Grant:
    """One role held in one organisation at one place."""

    role: str
    place_id: int
    place_path: str
    place_kind: str
    organisation_id: int | None = None
    position_id: int | None = None
    is_head: bool = False
    leads_epmc: bool = False


class Scope:
    """What one person may see and do, computed once per request from their positions and residencies."""

    def __init__(self, user) -> None:
        self.user = user
        self.is_authenticated = bool(user is not None and user.is_authenticated)
        self.is_superuser = bool(self.is_authenticated and user.is_superuser)

    @cached_property
    def grants(self) -> tuple[Grant, ...]:
        if not self.is_authenticated:
            return ()
        grants: list[Grant] = []
        positions = Position.objects.current().filter(person=self.user).select_related("organisation__place")
        for pos in positions:
            org = pos.organisation
            grants.append(
                Grant(
                    role=ROLE_BY_ORG_KIND[org.kind],
                    place_id=org.place_id,
                    place_path=org.place.path,
                    place_kind=org.place.kind,
                    organisation_id=org.pk,
                    position_id=pos.pk,
                    is_head=pos.is_head,
                    leads_epmc=pos.leads_epmc,
                )
            )
        residencies = Residency.objects.filter(
            person=self.user, status=Residency.Status.VERIFIED
        ).select_related("compound")
        for res in residencies:
            grants.append(
                Grant(
                    role=Role.RESIDENT,
                    place_id=res.compound_id,
                    place_path=res.compound.path,
                    place_kind=res.compound.kind,
                )
            )
        return tuple(grants)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(g.organisation_id for g in self.grants if g.organisation_id)

    @cached_property
    def _company_compounds(self) -> tuple[tuple[int, str], ...]:
        """(id, path) of the compounds served by the person's property companies under contracts in force."""
        company_ids = [g.organisation_id for g in self.grants if g.role == Role.PROPERTY_COMPANY]
        if not company_ids:
            return ()
        rows = (
            ServiceContract.objects.in_force()
            .filter(company_id__in=company_ids)
            .values_list("compound_id", "compound__path")
            .distinct()
        )
        return tuple(rows)

    def _grant_paths(self, grant: Grant) -> tuple[list[str], list[str]]:
        """(subtree prefixes, exact paths) a grant reaches."""
        if grant.role == Role.PROPERTY_COMPANY:
            exact: list[str] = []
            for _pk, path in self._company_compounds:
                exact.append(path)
                exact.append(path.rsplit("/", 2)[0] + "/")  # the community the compound lies in
            return [], exact
        if grant.role in (Role.RESIDENT, Role.OWNERS_COMMITTEE, Role.COMPOUND_PARTY_ORG):
            # Compound-level roles see their compound and the community it belongs to, not its neighbours.
            return [grant.place_path], [grant.place_path.rsplit("/", 2)[0] + "/"]
        return [grant.place_path], []

    def place_q(self, path_field: str = "path", roles: Iterable[str] | None = None) -> Q:
        """A filter on `path_field` (a Place path, e.g. "compound__path") matching the places this scope reaches."""
        if self.is_superuser and roles is None:
            return Q()
        wanted = set(roles) if roles is not None else None
        prefixes: set[str] = set()
        exact: set[str] = set()
        for grant in self.grants:
            if wanted is not None and grant.role not in wanted:
                continue
            p, e = self._grant_paths(grant)
            prefixes.update(p)
            exact.update(e)
        q = Q(pk__in=[])
        for prefix in sorted(prefixes):
            q |= Q(**{f"{path_field}__startswith": prefix})
        if exact:
            q |= Q(**{f"{path_field}__in": sorted(exact)})
        return q

    def reaches(self, place: Place, roles: Iterable[str] | None = None) -> bool:
        """Whether the scope (optionally: through one of these roles) covers the place."""
        if self.is_superuser and roles is None:
            return True
        wanted = set(roles) if roles is not None else None
        for grant in self.grants:
            if wanted is not None and grant.role not in wanted:
                continue
            prefixes, exact = self._grant_paths(grant)
            if place.path in exact or any(place.path.startswith(p) for p in prefixes):
                return True
        return False

    def has_role(self, *roles: str, at: Place | None = None) -> bool:
        """Whether the person holds one of the roles (at a place their grant covers, when `at` is given)."""
        if at is None:
            return bool(self.roles.intersection(roles))
        return self.reaches(at, roles=roles)

    def grants_for(self, *roles: str, at: Place | None = None) -> list[Grant]:
        out = []
        for grant in self.grants:
            if grant.role not in roles:
                continue
            if at is not None:
                prefixes, exact = self._grant_paths(grant)
                if not (at.path in exact or any(at.path.startswith(p) for p in prefixes)):
                    continue
            out.append(grant)
        return out

    @property
    def is_staff_member(self) -> bool:
        return self.is_superuser or bool(self.roles.intersection(Role.STAFF))

    @property
    def primary_role(self) -> str | None:
        """The role whose to-dos the person lands on; the broadest oversight first, residents last."""
        order = (
            Role.COUNTY,
            Role.STREET,
            Role.PARTY_ORG,
            Role.RESIDENTS_COMMITTEE,
            Role.COMPOUND_PARTY_ORG,
            Role.PROPERTY_COMPANY,
            Role.OWNERS_COMMITTEE,
            Role.DEPARTMENT,
            Role.GRID_WORKER,
            Role.RESIDENT,
        )
        for role in order:
            if role in self.roles:
                return role
        return None


def get_scope(user) -> Scope:
    """The scope of a user, computed once per user object (i.e. per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(None)
    scope = getattr(user, "_sanfang_scope", None)
    if scope is None:
        scope = Scope(user)
        user._sanfang_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the person's positions or residencies change."""
    if user is not None and hasattr(user, "_sanfang_scope"):
        del user._sanfang_scope
