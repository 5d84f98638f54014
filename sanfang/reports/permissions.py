"""Who may read, file, receive, give opinions on and answer reports (PN-4, PN-5)."""

from __future__ import annotations

from django.http import Http404

from sanfang.directory.models import Organisation, OrgKind, Place
from sanfang.directory.scopes import get_scope

from .kinds import TYPES
from .models import RecipientKind, Report, ReportRecipient


def get_report_for(user, pk: int) -> Report:
    """404 for anyone who neither filed nor received the report nor oversees its compound."""
    report = (
        Report.objects.visible_to(user)
        .select_related("compound", "community", "reporting_org", "author")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def acts_for(user, organisation: Organisation | None) -> bool:
    """A current position in the organisation; the RC member leading the EPMC also acts for the EPMC."""
    if organisation is None:
        return False
    scope = get_scope(user)
    if organisation.pk in scope.organisation_ids:
        return True
    if organisation.kind == OrgKind.EPMC:
        return any(g.leads_epmc and g.place_id == organisation.place_id for g in scope.grants)
    return False


def recipient_orgs(community: Place) -> dict[str, Organisation]:
    """The organisation behind each recipient kind in a community (the EPMC runs the joint meeting office,
    falling back to the RC where no EPMC is registered)."""
    street = community.street
    orgs = {
        o.kind: o
        for o in Organisation.objects.filter(place=community)
        .filter(kind__in=(OrgKind.PARTY_ORG, OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC))
        .order_by("-pk")
    }
    out: dict[str, Organisation] = {}
    if street is not None:
        street_org = Organisation.objects.filter(kind=OrgKind.STREET, place=street).order_by("pk").first()
        if street_org is not None:
            out[RecipientKind.STREET] = street_org
    if OrgKind.PARTY_ORG in orgs:
        out[RecipientKind.PARTY_ORG] = orgs[OrgKind.PARTY_ORG]
    if OrgKind.RESIDENTS_COMMITTEE in orgs:
        out[RecipientKind.RESIDENTS_COMMITTEE] = orgs[OrgKind.RESIDENTS_COMMITTEE]
    office = orgs.get(OrgKind.EPMC) or orgs.get(OrgKind.RESIDENTS_COMMITTEE)
    if office is not None:
        out[RecipientKind.JOINT_MEETING] = office
    return out


def reporter_candidates(compound: Place, report_type: str) -> list[Organisation]:
    """The organisations that may file this type of report about the compound."""
    kinds = TYPES[report_type].reporters
    out: list[Organisation] = []
    if OrgKind.OWNERS_COMMITTEE in kinds:
        out += list(Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE, place=compound).order_by("pk"))
    if OrgKind.RESIDENTS_COMMITTEE in kinds and compound.community is not None:
        out += list(
            Organisation.objects.filter(kind=OrgKind.RESIDENTS_COMMITTEE, place=compound.community).order_by(
                "pk"
            )
        )
    if OrgKind.PROPERTY_COMPANY in kinds:
        out += list(Organisation.objects.serving(compound).order_by("pk"))
    return out


def reporting_orgs_for(user, compound: Place, report_type: str) -> list[Organisation]:
    """The organisations on whose behalf the user may file a written report of this type."""
    if not get_scope(user).is_authenticated:
        return []
    return [o for o in reporter_candidates(compound, report_type) if acts_for(user, o)]


def can_file_any(user) -> bool:
    from sanfang.directory.scopes import Role

    return get_scope(user).has_role(Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY, Role.RESIDENTS_COMMITTEE)


def receiving_rows(user, report: Report) -> list[ReportRecipient]:
    """The recipient rows of the report the user acts for."""
    if not get_scope(user).is_authenticated:
        return []
    rows = report.recipients.select_related("organisation")
    return [r for r in rows if acts_for(user, r.organisation)]


def can_record_oral(user, community: Place) -> bool:
    """Any member of a recipient organisation of the community records an oral report they received."""
    return any(acts_for(user, org) for org in recipient_orgs(community).values())


def can_give_opinion(user, report: Report) -> bool:
    return bool(receiving_rows(user, report))


def can_answer(user, report: Report) -> bool:
    return acts_for(user, report.reporting_org)


def can_propose_agenda(user, report: Report) -> bool:
    """The reporting party or a recipient may ask for the report to go on the joint meeting agenda (JM-2)."""
    return can_answer(user, report) or can_give_opinion(user, report)
