"""The permission core: which roles a person holds, in which organisation, over which places.

Every app asks the same object: `get_scope(user)` gives a `Scope` whose `place_q(path_field)` bounds any
queryset and whose `has_role(...)` answers role questions at a place. A role is held in an organisation at a
place (DESIGN.md): a street official's scope is the street's subtree, a property company's is the compounds it
serves under contracts in force (and the communities they lie in), a resident's is their verified compound.

The grants are kept in the cache per person and day under stamps (core/stamps.py, issue 9): see "The cached
scope" below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfang.core import page_cache, stamps
from sanfang.core.sqlnames import column, every_column, table

from .models import OrgKind, Person, Place, Position, Residency, ServiceContract


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
    """What one person may see and do: their grants, read once per request from the cache (or computed from their
    positions and residencies); the superuser flag comes from the person's row as loaded for this request."""

    def __init__(self, user) -> None:
        self.user = user
        self.is_authenticated = bool(user is not None and user.is_authenticated)
        self.is_superuser = bool(self.is_authenticated and user.is_superuser)

    @cached_property
    def _data(self) -> ScopeData:
        if not self.is_authenticated or self.user.pk is None:
            return (), (), {}
        return cached_scope_data(self.user)

    @cached_property
    def grants(self) -> tuple[Grant, ...]:
        return self._data[0]

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(g.organisation_id for g in self.grants if g.organisation_id)

    @property
    def _company_compounds(self) -> tuple[tuple[int, str], ...]:
        """(id, path) of the compounds served by the person's property companies under contracts in force."""
        return self._data[1]

    @property
    def _few_under(self) -> dict[str, tuple[int, ...]]:
        """{subtree prefix of a grant: the ids of every place in it}, for the subtrees of at most FEW_PLACES."""
        return self._data[2]

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
        prefixes, exact = self._reach(roles)
        q = Q(pk__in=[])
        for prefix in sorted(prefixes):
            q |= Q(**{f"{path_field}__startswith": prefix})
        if exact:
            q |= Q(**{f"{path_field}__in": sorted(exact)})
        return q

    def _reach(self, roles: Iterable[str] | None) -> tuple[set[str], set[str]]:
        """The path prefixes (a place and everything below it) and the exact paths the grants reach (through
        one of `roles`, when given)."""
        wanted = set(roles) if roles is not None else None
        prefixes: set[str] = set()
        exact: set[str] = set()
        for grant in self.grants:
            if wanted is None or grant.role in wanted:
                p, e = self._grant_paths(grant)
                prefixes.update(p)
                exact.update(e)
        return prefixes, exact

    def place_id_q(self, fk: str, path_field: str, roles: Iterable[str] | None = None) -> Q:
        """The filter of `place_q(path_field, roles)`, on the foreign key `fk` (e.g. "compound_id", whose place has
        the path `path_field`, e.g. "compound__path") wherever the places are few: an IN list of ids, which the
        database estimates and reads through the foreign key's index, where a prefix of the joined place's path
        it can neither estimate nor read by index (issue 9: a community worker's list of open cases read the
        whole table for 2 s at 1,000,000 cases). A subtree of more than FEW_PLACES places keeps its prefix: its
        rows are many, and reading the newest first finds a page of them soon."""
        if self.is_superuser and roles is None:
            return Q()
        reached, exact = self._reach(roles)
        prefixes: set[str] = set()
        ids = {_place_id(path) for path in exact}  # a place's path ends with its own id (Place.save)
        for prefix in reached:
            few = self._few_under.get(prefix)
            if few is None:
                prefixes.add(prefix)
            else:
                ids.update(few)
        q = Q(pk__in=[])
        for prefix in sorted(prefixes):
            q |= Q(**{f"{path_field}__startswith": prefix})
        if ids:
            q |= Q(**{f"{fk}__in": sorted(ids)})
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
    """Drop the scope held by this user object after the person's positions or residencies change; the next
    `get_scope` reads the stamps again, so it never finds the grants of before the change in the cache."""
    if user is None:
        return
    for attr in ("_sanfang_scope", *STAMP_ATTRS):
        if hasattr(user, attr):
            delattr(user, attr)


# --- The cached scope (issue 9) ---------------------------------------------------------------------------------
#
# Computing the grants costs two or three queries per request (positions, residencies, a property company's
# contracts). They are kept in the cache under the person, the day and two stamps (core/stamps.py), random tokens
# that model signals replace in the same transaction as the change (directory/hooks.py):
#
# - "scope:person:<id>": the person's positions and residencies (a position added, ended or moved; a residency
#   registered, verified, rejected or removed), and a full save of the person's own row;
# - "scope:directory": organisations (kind, place), places (paths), property-service contracts, and any position
#   or residency saved in a way that may have moved it to another person (every field saved, or `person` among
#   `update_fields`). Writes that bypass signals (the demo and benchmark loaders' bulk_create) bump it too.
#
# What is in force depends on the date (Position.objects.current, ServiceContract.objects.in_force): the key holds
# the day, and the grants are computed for that day. The superuser and active flags are never cached: they are read
# with the person's row on every request (an inactive person is not signed in at all). The tokens are read before
# the grants (with the signed-in person's row, `stamped_person`, so a cached scope costs no query of its own), and:
#
# - a reader that sees the new tokens also sees the new positions (one transaction committed both);
# - a reader that read the old tokens and then the new positions stores them under tokens no longer current;
# - inside a transaction (a service), the tokens are read again in it and nothing is stored: the transaction may
#   have changed what the grants are computed from and may still roll back.

SCOPE_DIRECTORY_STAMP = "scope:directory"
# A grant's subtree of at most this many places is also kept as the list of their ids (Scope.place_id_q): a street's
# or a community's, not a county's.
FEW_PLACES = 200
STAMP_ATTRS = ("scope_person_token", "scope_directory_token")
SCOPE_CACHE_SECONDS = getattr(settings, "SCOPE_CACHE_SECONDS", 6 * 3600)

# (grants, (id, path) of the compounds the person's property companies serve, {a grant's subtree prefix: the ids
# of its places} for the subtrees of at most FEW_PLACES places)
ScopeData = tuple[tuple[Grant, ...], tuple[tuple[int, str], ...], dict[str, tuple[int, ...]]]


def person_stamp(person_id: int) -> str:
    return f"scope:person:{person_id}"


def stamped_person(pk) -> Person | None:
    """The person with the tokens of their scope's stamps (`scope_person_token`, `scope_directory_token`) in one
    plain query: the signed-in person's row, read by the authentication backend on every request."""
    try:
        pk = Person._meta.pk.to_python(pk)
    except ValidationError:
        return None
    person_sql, person_params = stamps.token_sql(person_stamp(pk))
    directory_sql, directory_params = stamps.token_sql(SCOPE_DIRECTORY_STAMP)
    # Names from the models' metadata (core/sqlnames.py); every value is a parameter.
    sql = (
        f"SELECT {every_column(Person, 'p')}, "  # noqa: S608
        f"{person_sql} AS scope_person_token, {directory_sql} AS scope_directory_token "
        f"FROM {table(Person)} p WHERE {column(Person, 'id', 'p')} = %s"
    )
    found = list(Person.objects.raw(sql, [*person_params, *directory_params, pk]))
    return found[0] if found else None


def _in_transaction() -> bool:
    """Inside a transaction of the code (a service), not merely the test case's own wrapper."""
    return any(not block._from_testcase for block in connection.atomic_blocks)


def _tokens(user) -> tuple[str, ...]:
    tokens = tuple(getattr(user, attr, None) for attr in STAMP_ATTRS)
    if None in tokens or _in_transaction():
        tokens = stamps.read(person_stamp(user.pk), SCOPE_DIRECTORY_STAMP)
    return tokens


def cached_scope_data(user) -> ScopeData:
    """The person's grants for today: from the cache under the current stamps, else computed (and kept)."""
    today = timezone.localdate()
    key = ":".join(("directory:scope:2", str(user.pk), today.isoformat(), *_tokens(user)))
    data = caches[page_cache.CACHE].get(key)
    if data is None:
        data = compute_scope_data(user.pk, today)
        if not _in_transaction():
            caches[page_cache.CACHE].set(key, data, SCOPE_CACHE_SECONDS)
    return data


def compute_scope_data(person_id: int, today: dt.date) -> ScopeData:
    """The grants of the person's positions in force on the day and verified residencies; for a property company
    the compounds it serves under contracts in force on the day."""
    grants: list[Grant] = []
    positions = (
        Position.objects.current(today).filter(person_id=person_id).select_related("organisation__place")
    )
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
        person_id=person_id, status=Residency.Status.VERIFIED
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
    company_ids = [g.organisation_id for g in grants if g.role == Role.PROPERTY_COMPANY]
    compounds: tuple[tuple[int, str], ...] = ()
    if company_ids:
        compounds = tuple(
            ServiceContract.objects.in_force(today)
            .filter(company_id__in=company_ids)
            .values_list("compound_id", "compound__path")
            .distinct()
        )
    return tuple(grants), compounds, _few_places_under({g.place_path for g in grants})


def _place_id(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[-1])


def _few_places_under(prefixes: set[str]) -> dict[str, tuple[int, ...]]:
    """{prefix: ids of the places whose path starts with it} for the prefixes with at most FEW_PLACES of them. The
    places change only with the directory stamp, which is in the cached scope's key."""
    if not prefixes:
        return {}
    q = Q()
    for prefix in sorted(prefixes):
        q |= Q(path__startswith=prefix)
    under: dict[str, list[int]] = {prefix: [] for prefix in prefixes}
    for pk, path in Place.objects.filter(q).values_list("id", "path"):
        for prefix in prefixes:
            if path.startswith(prefix):
                under[prefix].append(pk)
    return {prefix: tuple(sorted(ids)) for prefix, ids in under.items() if len(ids) <= FEW_PLACES}
