"""Who may see and act on cases (CS-1: the party organisation sees all of its community's cases)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, prefetch_related_objects
from django.http import Http404

from sanfang.directory.models import Organisation, OrgKind, Place, ServiceContract
from sanfang.directory.naming import mask_name, mask_phone
from sanfang.directory.scopes import Role, get_scope

from .models import Case, MajorMatter, Party, Summons

# Roles that see every case of the places their scope reaches (residents see only their own reports).
CASE_READERS = (
    Role.PROPERTY_COMPANY,
    Role.OWNERS_COMMITTEE,
    Role.RESIDENTS_COMMITTEE,
    Role.PARTY_ORG,
    Role.COMPOUND_PARTY_ORG,
    Role.GRID_WORKER,
    Role.STREET,
    Role.COUNTY,
)
# The joint meeting office and the party organisation run the routes of a community's cases.
OFFICE = (Role.RESIDENTS_COMMITTEE, Role.PARTY_ORG)
THREE_PARTIES_AND_LEAD = (*Role.THREE_PARTIES, Role.PARTY_ORG, Role.COMPOUND_PARTY_ORG)


def cases_visible_to(user, qs=None):
    qs = Case.objects.all() if qs is None else qs
    scope = get_scope(user)
    if scope.is_superuser:
        return qs
    if not scope.is_authenticated:
        return qs.none()
    # By the compound's id where the scope's places are few (a community's, a street's): see Scope.place_id_q.
    q = scope.place_id_q("compound_id", "compound__path", roles=CASE_READERS)
    q |= Q(reporter=user) | Q(entered_by=user)
    if scope.has_role(Role.DEPARTMENT):
        summoned = Summons.objects.filter(to_org_id__in=scope.organisation_ids).values("case_id")
        q |= Q(pk__in=summoned)
    return qs.filter(q)


def can_see_case(user, case: Case) -> bool:
    """Whether `cases_visible_to(user)` holds the case, decided in Python for one case already read (issue 9: a
    lookup by primary key, with the scope checked against the cached grants, plans and runs faster than the same
    lookup filtered by the scope in SQL). The case's compound must have been read with it (its path is checked);
    only a department's summonses cost a query, and only when nothing else lets the person see the case."""
    scope = get_scope(user)
    if scope.is_superuser:
        return True
    if not scope.is_authenticated:
        return False
    if user.pk is not None and user.pk in (case.reporter_id, case.entered_by_id):
        return True
    if scope.reaches(case.compound, roles=CASE_READERS):
        return True
    if scope.has_role(Role.DEPARTMENT) and scope.organisation_ids:
        return Summons.objects.filter(case_id=case.pk, to_org_id__in=scope.organisation_ids).exists()
    return False


def get_case_for(user, pk: int, *, write: bool = False, qs=None, prefetch=()) -> Case:
    """The case if the user may see it (404 otherwise). `qs` may say what the caller will read of it (with its
    compound: the scope is checked against the compound's path); `prefetch` (prefetch_related lookups) is read
    only once the case is known to be visible. The case is read by primary key alone and the scope checked in
    Python (`can_see_case`): filtering by the scope in SQL cost a join and an OR that PostgreSQL planned on every
    request (issue 9)."""
    qs = Case.objects.select_related("compound", "community", "street") if qs is None else qs
    try:
        found = qs.get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    if not can_see_case(user, found):
        raise Http404
    if write and not is_staff_on(user, found):
        raise PermissionDenied
    if prefetch:
        prefetch_related_objects([found], *prefetch)
    return found


def is_staff_on(user, case: Case) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(*Role.STAFF, at=case.compound) or _summoned(user, case)


def _summoned(user, case: Case) -> bool:
    scope = get_scope(user)
    ids = scope.organisation_ids
    return bool(ids) and any(s.to_org_id in ids for s in case.summonses.all())


def is_office(user, case_or_place) -> bool:
    """The joint meeting office (RC / EPMC) or the party organisation of the case's community."""
    scope = get_scope(user)
    place = case_or_place.community if isinstance(case_or_place, Case | MajorMatter) else case_or_place
    return scope.is_superuser or scope.has_role(*OFFICE, at=place)


def can_enter_case(user, compound: Place) -> bool:
    """Staff and grid workers enter phoned-in or found cases for the compounds they work in."""
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(*THREE_PARTIES_AND_LEAD, Role.GRID_WORKER, at=compound)


def can_classify_case(user, case: Case) -> bool:
    return is_office(user, case)


def can_handle_routine(user, case: Case) -> bool:
    """CS-2: the convener and the two co-handlers (and the office) act on a routine case."""
    if is_office(user, case):
        return True
    return bool(
        user.is_authenticated
        and (case.handler_id == user.pk or any(p.pk == user.pk for p in case.co_handlers.all()))
    )


# Those who call the reporter back (the three parties, the party organisations and the grid worker) see the
# contact in full; oversight (street, county) and summoned departments see it masked (PIPL art. 6: no more
# than the purpose needs). See docs/privacy.md.
CONTACT_ROLES = (
    Role.RESIDENTS_COMMITTEE,
    Role.OWNERS_COMMITTEE,
    Role.PROPERTY_COMPANY,
    Role.PARTY_ORG,
    Role.COMPOUND_PARTY_ORG,
    Role.GRID_WORKER,
)


def can_see_reporter_contact(user, case: Case) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(*CONTACT_ROLES, at=case.compound)


def reporter_shown_to(user, case: Case) -> dict | None:
    """The reporter as this user may see them: in full, masked, or not at all (residents, the public)."""
    if not is_staff_on(user, case):
        return None
    name = case.reporter.name if case.reporter_id else case.reporter_name
    contact = case.reporter_contact or (case.reporter.phone if case.reporter_id else "") or ""
    if can_see_reporter_contact(user, case):
        return {"name": name, "contact": contact, "masked": False}
    return {"name": mask_name(name), "contact": mask_phone(contact), "masked": True}


def can_hand_over(user, case: Case) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(*THREE_PARTIES_AND_LEAD, at=case.compound)


def can_investigate(user, case: Case) -> bool:
    scope = get_scope(user)
    return is_office(user, case) or scope.has_role(Role.COMPOUND_PARTY_ORG, at=case.compound)


def can_issue_street_summons(user, case: Case) -> bool:
    """CS-4: the community party organisation blows the whistle to the street."""
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(Role.PARTY_ORG, at=case.community)


def can_issue_department_summons(user, case: Case) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(Role.STREET, at=case.community)


def can_report_in(user, summons: Summons) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or summons.to_org_id in scope.organisation_ids


def can_record_engagement(user, case: Case) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(*THREE_PARTIES_AND_LEAD, at=case.compound)


def parties_of(user, compound: Place) -> dict[str, Organisation]:
    """The three parties (CS-5) the user speaks for at a compound: {party: organisation}."""
    scope = get_scope(user)
    out: dict[str, Organisation] = {}
    community = compound.community
    org_ids = scope.organisation_ids
    if not org_ids:
        return out
    orgs = Organisation.objects.filter(pk__in=org_ids)
    for org in orgs:
        if (
            org.kind in (OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC)
            and community
            and org.place_id == community.pk
        ):
            out.setdefault(Party.RESIDENTS_COMMITTEE, org)
        elif org.kind == OrgKind.OWNERS_COMMITTEE and org.place_id == compound.pk:
            out[Party.OWNERS_COMMITTEE] = org
        elif (
            org.kind == OrgKind.PROPERTY_COMPANY
            and ServiceContract.objects.in_force().filter(company=org, compound=compound).exists()
        ):
            out[Party.PROPERTY_COMPANY] = org
    # The RC's own org is preferred over its EPMC sub-committee when both are held.
    return out


def can_sign_explanation(user, case: Case) -> bool:
    return bool(parties_of(user, case.compound))


def can_give_feedback(user, case: Case, token: str | None = None) -> bool:
    if token and token == case.follow_token:
        return True
    return bool(user is not None and user.is_authenticated and case.reporter_id == user.pk)


# --- Major matters (CS-7) -------------------------------------------------------------------------------


def matters_visible_to(user, qs=None):
    qs = MajorMatter.objects.all() if qs is None else qs
    scope = get_scope(user)
    if scope.is_superuser:
        return qs
    return qs.filter(scope.place_q("compound__path", roles=CASE_READERS))


def get_matter_for(user, pk: int) -> MajorMatter:
    matter = matters_visible_to(user, MajorMatter.objects.select_related("compound", "community")).filter(
        pk=pk
    )
    found = matter.first()
    if found is None:
        raise Http404
    return found


def can_open_matter(user, compound: Place) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(*THREE_PARTIES_AND_LEAD, at=compound)


def can_invite(user, matter: MajorMatter) -> bool:
    """CS-7: the joint meeting office invites the street and the party organisation."""
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(Role.RESIDENTS_COMMITTEE, at=matter.community)


def can_acknowledge(user, matter: MajorMatter, party: str) -> bool:
    scope = get_scope(user)
    if scope.is_superuser:
        return True
    role = Role.STREET if party == "street" else Role.PARTY_ORG
    return scope.has_role(role, at=matter.community)


def can_advance_matter(user, matter: MajorMatter) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(
        Role.RESIDENTS_COMMITTEE, Role.OWNERS_COMMITTEE, Role.PARTY_ORG, at=matter.compound
    )


def can_see_overview(user, place: Place) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(Role.STREET, Role.COUNTY, Role.PARTY_ORG, at=place)
