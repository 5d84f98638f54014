"""Who may see and do what in the annual appraisal. Views and the API call these; templates get can_* flags."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sanfang.directory.models import Organisation, OrgKind, Place
from sanfang.directory.scopes import Role, get_scope

from .models import Round, Standard, Subject

# The joint meeting office (RC staff) helps the party organisation run the round (EV-1, EV-3).
RUNNERS = (Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE)


def _super(user) -> bool:
    return get_scope(user).is_superuser


# --- standards -------------------------------------------------------------------------------------------


def can_edit_standard(user, street: Place) -> bool:
    """The street sets the appraisal standard uniformly for its communities (EV-3)."""
    return _super(user) or get_scope(user).has_role(Role.STREET, at=street)


def get_standard_for(user, pk: int, *, write: bool = False) -> Standard:
    standard = Standard.objects.select_related("street").filter(pk=pk).first()
    if standard is None:
        raise Http404
    scope = get_scope(user)
    # All staff working in the street (its communities and the companies serving there) may read it: it is
    # the rule they are judged by.
    readable = (
        scope.is_superuser
        or scope.reaches(standard.street, roles=Role.STAFF)
        or Place.objects.filter(path__startswith=standard.street.path)
        .filter(scope.place_q("path", roles=Role.STAFF))
        .exists()
    )
    if not readable:
        raise Http404
    if write and not can_edit_standard(user, standard.street):
        raise PermissionDenied
    return standard


# --- rounds ----------------------------------------------------------------------------------------------


def can_open_round(user, community: Place) -> bool:
    """EV-1: the street (party working committee) opens the round."""
    return _super(user) or get_scope(user).has_role(Role.STREET, at=community)


def can_view_round(user, rnd: Round) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.reaches(rnd.community, roles=Role.STAFF)


def can_run_round(user, rnd: Round) -> bool:
    """EV-1: the community party organisation runs the round, with the joint meeting office."""
    return _super(user) or get_scope(user).has_role(*RUNNERS, at=rnd.community)


def can_close_round(user, rnd: Round) -> bool:
    return _super(user) or get_scope(user).has_role(Role.PARTY_ORG, at=rnd.community)


def can_approve_round(user, rnd: Round) -> bool:
    """EV-5: the street party working committee approves and circulates."""
    return _super(user) or get_scope(user).has_role(Role.STREET, at=rnd.community)


def can_view_results(user, rnd: Round) -> bool:
    """Nobody, staff included, sees results before the round closes (EV-3)."""
    return rnd.results_visible and can_view_round(user, rnd)


def can_submit_self_report(user, subject: Subject) -> bool:
    """A subject's own members write its self-report; the office may record an oral one."""
    scope = get_scope(user)
    return scope.is_superuser or subject.organisation_id in scope.organisation_ids


def can_object(user, rnd: Round) -> bool:
    """EV-5: anyone eligible — a participant, a resident of the community or its staff — may object."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = get_scope(user)
    if scope.is_superuser or scope.reaches(rnd.community, roles=(Role.RESIDENT, *Role.COMMUNITY_STAFF)):
        return True
    if scope.has_role(*Role.THREE_PARTIES, at=rnd.community):
        return True
    return rnd.participants.filter(person=user).exists()


def get_round_for(user, pk: int, *, write: bool = False) -> Round:
    rnd = Round.objects.select_related("community", "street", "standard", "run_by").filter(pk=pk).first()
    if rnd is None or not can_view_round(user, rnd):
        raise Http404
    if write and not can_run_round(user, rnd):
        raise PermissionDenied
    return rnd


# --- credit records ---------------------------------------------------------------------------------------


def can_view_history(user, org: Organisation) -> bool:
    """An organisation's appraisal history: its own people, staff whose scope reaches its place, and whoever
    may read a company's credit record (the history is its source)."""
    scope = get_scope(user)
    if scope.is_superuser or org.pk in scope.organisation_ids or scope.reaches(org.place, roles=Role.STAFF):
        return True
    return org.kind == OrgKind.PROPERTY_COMPANY and can_view_credit(user, org)


def can_view_credit(user, company: Organisation) -> bool:
    """Oversight, the company itself, and community staff where it serves (they decide on renewals, CS-7)."""
    if company.kind != OrgKind.PROPERTY_COMPANY:
        return False
    scope = get_scope(user)
    if scope.is_superuser or company.pk in scope.organisation_ids:
        return True
    if scope.has_role(Role.COUNTY, at=company.place):
        return True
    from sanfang.directory.models import ServiceContract

    paths = ServiceContract.objects.filter(company=company).values_list("compound__path", flat=True)
    oversight = (Role.STREET, Role.COUNTY, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE, Role.OWNERS_COMMITTEE)
    return any(scope.reaches(Place(path=p), roles=oversight) for p in paths)


def can_add_credit_entry(user, company: Organisation) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or (scope.has_role(Role.STREET, Role.COUNTY) and can_view_credit(user, company))


def get_company_for(user, pk: int) -> Organisation:
    company = Organisation.objects.filter(pk=pk, kind=OrgKind.PROPERTY_COMPANY).first()
    if company is None or not can_view_credit(user, company):
        raise Http404
    return company
