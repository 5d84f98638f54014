"""Who may see and do what in the joint meeting system. Views and the API call these; templates get can_* flags."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from sanfang.directory.models import OrgKind, Place, Position
from sanfang.directory.scopes import Role, get_scope

from .models import Meeting, MeetingDocument, Participant, Resolution, Summary

# Roles that see a community's joint meetings (the linkage parties, the party organisations, the grid, oversight).
READER_ROLES = (
    Role.PARTY_ORG,
    Role.COMPOUND_PARTY_ORG,
    Role.RESIDENTS_COMMITTEE,
    Role.OWNERS_COMMITTEE,
    Role.PROPERTY_COMPANY,
    Role.GRID_WORKER,
    Role.STREET,
    Role.COUNTY,
)
# Who may raise agenda items (JM-2): the three parties and the party organisations.
RAISER_ROLES = (
    Role.PARTY_ORG,
    Role.COMPOUND_PARTY_ORG,
    Role.RESIDENTS_COMMITTEE,
    Role.OWNERS_COMMITTEE,
    Role.PROPERTY_COMPANY,
)


def meetings_visible_to(user, qs=None):
    qs = Meeting.objects.all() if qs is None else qs
    scope = get_scope(user)
    if scope.is_superuser:
        return qs
    if not scope.is_authenticated:
        return qs.none()
    participated = Participant.objects.filter(person=user).values("meeting_id")
    return qs.filter(scope.place_q("community__path", roles=READER_ROLES) | Q(pk__in=participated))


def resolutions_visible_to(user, qs=None):
    qs = Resolution.objects.all() if qs is None else qs
    scope = get_scope(user)
    if scope.is_superuser:
        return qs
    if not scope.is_authenticated:
        return qs.none()
    return qs.filter(
        scope.place_q("community__path", roles=READER_ROLES) | Q(owner_id__in=scope.organisation_ids)
    )


def can_see_community(user, community: Place) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.reaches(community, roles=READER_ROLES)


def is_office(user, community: Place) -> bool:
    """JM-4: the Residents' Committee member in charge of the EPMC runs the joint meeting office."""
    scope = get_scope(user)
    if scope.is_superuser:
        return True
    return any(g.leads_epmc for g in scope.grants_for(Role.RESIDENTS_COMMITTEE, at=community))


def is_party_org_head(user, community: Place) -> bool:
    scope = get_scope(user)
    return any(
        g.is_head and g.place_id == community.pk for g in scope.grants_for(Role.PARTY_ORG, at=community)
    )


def get_meeting_for(user, pk: int, *, write: bool = False) -> Meeting:
    """404 for outsiders; 403 when `write` and the user is not the office of the meeting's community."""
    meeting = meetings_visible_to(user).select_related("community", "convener").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    if write and not is_office(user, meeting.community):
        raise PermissionDenied
    return meeting


def get_document_for(user, pk: int) -> MeetingDocument:
    doc = MeetingDocument.objects.select_related("meeting__community").filter(pk=pk).first()
    if doc is None or not meetings_visible_to(user).filter(pk=doc.meeting_id).exists():
        raise Http404
    if not doc.is_signed and not (
        is_office(user, doc.meeting.community)
        or can_sign_off(user, doc.meeting)
        or can_oversee(user, doc.meeting)
    ):
        # Drafts are for the office and the convener; the others read what was signed (JM-4).
        raise Http404
    return doc


def get_resolution_for(user, pk: int) -> Resolution:
    res = (
        resolutions_visible_to(user)
        .select_related("meeting", "community", "owner", "agenda_item")
        .filter(pk=pk)
        .first()
    )
    if res is None:
        raise Http404
    return res


def get_summary_for(user, pk: int) -> Summary:
    summary = Summary.objects.select_related("community").filter(pk=pk).first()
    if summary is None or not can_see_community(user, summary.community):
        raise Http404
    return summary


def can_oversee(user, meeting: Meeting) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.reaches(meeting.community, roles=(Role.STREET, Role.COUNTY))


def can_sign_off(user, meeting: Meeting) -> bool:
    """JM-1/JM-4: only the convener of the meeting (party-org head or the entrusted compound head) signs off."""
    return bool(user and user.is_authenticated and meeting.convener_id == user.pk)


def can_entrust(user, meeting: Meeting) -> bool:
    """JM-1: only the head of the community party organisation entrusts another convener."""
    return get_scope(user).is_superuser or is_party_org_head(user, meeting.community)


def can_raise_item(user, community: Place) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.reaches(community, roles=RAISER_ROLES)


def can_work_on_resolution(user, resolution: Resolution) -> bool:
    """The owner party's people report progress; the office does too."""
    scope = get_scope(user)
    return resolution.owner_id in scope.organisation_ids or is_office(user, resolution.community)


def can_sign_in(user, participant: Participant) -> bool:
    return bool(participant.person_id and participant.person_id == getattr(user, "pk", None))


def can_view_overview(user, street: Place) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.reaches(street, roles=(Role.STREET, Role.COUNTY))


def can_sign_summary(user, summary: Summary) -> bool:
    from sanfang.directory.services import convener_for

    pos = convener_for(summary.community)
    return bool(pos and user.is_authenticated and pos.person_id == user.pk)


def compound_party_heads(community: Place):
    """Heads of the compound party organisations of a community: who may be entrusted to convene (JM-3)."""
    return (
        Position.objects.current()
        .filter(
            is_head=True,
            organisation__kind=OrgKind.COMPOUND_PARTY_ORG,
            organisation__place__path__startswith=community.path,
        )
        .select_related("person", "organisation")
    )
