"""Who may read, send and acknowledge bulletins (PN-3). Views and the API ask these; templates get can_* flags."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sanfang.directory.models import Organisation, OrgKind, Place
from sanfang.directory.scopes import Role, get_scope

from .models import Bulletin, BulletinRecipient

# The organisation kinds that speak for a party in a bulletin (the three parties and the party organisation).
PARTY_KINDS = (
    OrgKind.PARTY_ORG,
    OrgKind.COMPOUND_PARTY_ORG,
    OrgKind.RESIDENTS_COMMITTEE,
    OrgKind.EPMC,
    OrgKind.OWNERS_COMMITTEE,
    OrgKind.PROPERTY_COMPANY,
)
SENDER_ROLES = (
    Role.PARTY_ORG,
    Role.COMPOUND_PARTY_ORG,
    Role.RESIDENTS_COMMITTEE,
    Role.OWNERS_COMMITTEE,
    Role.PROPERTY_COMPANY,
)


def get_bulletin_for(user, pk: int) -> Bulletin:
    """404 for anyone the bulletin was neither sent by, to, nor within whose oversight it falls."""
    bulletin = (
        Bulletin.objects.visible_to(user)
        .select_related("community", "compound", "sender_org", "author")
        .filter(pk=pk)
        .first()
    )
    if bulletin is None:
        raise Http404
    return bulletin


def acts_for(user, organisation: Organisation) -> bool:
    """Whether the user holds a current position in the organisation (the EPMC lead also acts for the EPMC)."""
    scope = get_scope(user)
    if organisation.pk in scope.organisation_ids:
        return True
    if organisation.kind == OrgKind.EPMC:
        return any(g.leads_epmc and g.place_id == organisation.place_id for g in scope.grants)
    return False


def community_parties(community: Place) -> list[Organisation]:
    """The parties of a community a bulletin goes between: party organisation, RC, EPMC, compound party
    organisations, Owners' Committees and the property companies serving its compounds (JM-1)."""
    from sanfang.directory.services import governance_tree

    tree = governance_tree(community)
    orgs = [tree.party_org, tree.residents_committee, tree.epmc]
    orgs += list(tree.compound_party_orgs) + list(tree.owners_committees) + list(tree.property_companies)
    return [o for o in orgs if o is not None]


def street_org_of(community: Place) -> Organisation | None:
    street = community.street
    if street is None:
        return None
    return Organisation.objects.filter(kind=OrgKind.STREET, place=street).order_by("pk").first()


def sender_orgs_for(user, community: Place) -> list[Organisation]:
    """The party organisations on whose behalf the user may send a bulletin in the community."""
    scope = get_scope(user)
    if not scope.is_authenticated or not scope.has_role(*SENDER_ROLES, at=community):
        return []
    return [o for o in community_parties(community) if acts_for(user, o)]


def can_send_bulletin(user, community: Place) -> bool:
    return bool(sender_orgs_for(user, community))


def ackable_recipients(user, bulletin: Bulletin) -> list[BulletinRecipient]:
    """The recipient rows of this bulletin the user may still acknowledge."""
    if not get_scope(user).is_authenticated:
        return []
    rows = bulletin.recipients.filter(acknowledged_at__isnull=True).select_related("organisation")
    return [r for r in rows if acts_for(user, r.organisation)]


def can_acknowledge(user, bulletin: Bulletin) -> bool:
    return bool(ackable_recipients(user, bulletin))


def require(flag: bool) -> None:
    if not flag:
        raise PermissionDenied
