"""JM-1: the three parties work under the community party organisation's leadership — the governance tree is
rooted at it, and its head convenes. JM-3: a person is written "position + name" at the first mention in a
document and by name alone afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.core.errors import RuleViolation
from sanfang.core.testing import appoint, make_person, make_place
from sanfang.directory import services
from sanfang.directory.models import Organisation, OrgKind, PlaceKind, Position
from sanfang.directory.naming import Mentions, mask_name, mask_phone, position_title

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_community(world):
    """A new community in street A with one compound and no organisations yet."""
    community = make_place(PlaceKind.COMMUNITY, world.street_a, name="新城社区")
    compound = make_place(PlaceKind.COMPOUND, community, name="新城花园")
    return community, compound


@pytest.mark.parametrize("kind", [OrgKind.RESIDENTS_COMMITTEE, OrgKind.GRID])
def test_jm1_community_organisation_without_a_party_org_is_refused(world, bare_community, kind):
    community, _compound = bare_community
    with pytest.raises(RuleViolation, match="JM-1"):
        services.create_organisation(
            actor=world.street_official, kind=kind, name="新城居委会", place=community
        )
    assert not Organisation.objects.filter(place=community).exists()


@pytest.mark.parametrize("kind", [OrgKind.OWNERS_COMMITTEE, OrgKind.COMPOUND_PARTY_ORG])
def test_jm1_compound_organisation_without_a_community_party_org_is_refused(world, bare_community, kind):
    _community, compound = bare_community
    with pytest.raises(RuleViolation, match="JM-1"):
        services.create_organisation(
            actor=world.street_official, kind=kind, name="新城花园业委会", place=compound
        )


def test_jm1_tree_is_rooted_at_the_party_org_once_it_exists(world, bare_community):
    community, compound = bare_community
    actor = world.street_official
    party = services.create_organisation(
        actor=actor, kind=OrgKind.PARTY_ORG, name="新城社区党委", place=community
    )
    with pytest.raises(RuleViolation):  # the EPMC sits under the Residents' Committee, which must exist first
        services.create_organisation(actor=actor, kind=OrgKind.EPMC, name="环物委", place=community)
    rc = services.create_organisation(
        actor=actor, kind=OrgKind.RESIDENTS_COMMITTEE, name="新城社区居委会", place=community
    )
    epmc = services.create_organisation(
        actor=actor, kind=OrgKind.EPMC, name="新城社区环物委", place=community
    )
    oc = services.create_organisation(
        actor=actor, kind=OrgKind.OWNERS_COMMITTEE, name="新城花园业主委员会", place=compound
    )
    assert rc.parent == party and oc.parent == party
    assert epmc.parent == rc
    tree = services.governance_tree(community)
    assert tree.party_org == party
    assert tree.residents_committee == rc and tree.epmc == epmc
    assert tree.owners_committees == [oc]


def test_jm1_organisation_at_the_wrong_level_is_refused(world):
    with pytest.raises(RuleViolation):
        services.create_organisation(
            actor=world.street_official,
            kind=OrgKind.OWNERS_COMMITTEE,
            name="错位业委会",
            place=world.community_a,
        )


def test_jm1_another_street_cannot_create_organisations_in_street_a(world, bare_community):
    community, _compound = bare_community
    with pytest.raises(PermissionDenied):
        services.create_organisation(
            actor=world.other_street_official, kind=OrgKind.PARTY_ORG, name="越权党委", place=community
        )


def test_jm1_convener_is_the_head_of_the_community_party_org(world):
    convener = services.convener_for(world.community_a)
    assert convener is not None
    assert convener.person == world.party_secretary
    assert convener.organisation == world.party_org_a


def test_jm1_convener_follows_the_party_org_head_over_time(world):
    old = Position.objects.get(person=world.party_secretary)
    today = dt.date.today()
    services.end_position(actor=world.street_official, position=old, on=today)
    successor = make_person(name="周书记")
    appoint(successor, world.party_org_a, "党委书记", is_head=True, term_start=today + dt.timedelta(days=1))
    assert services.convener_for(world.community_a, on=today).person == world.party_secretary
    assert services.convener_for(world.community_a, on=today + dt.timedelta(days=1)).person == successor


def test_jm1_no_convener_without_a_party_org_head(world, bare_community):
    community, _compound = bare_community
    assert services.convener_for(community) is None
    services.create_organisation(
        actor=world.street_official, kind=OrgKind.PARTY_ORG, name="新城社区党委", place=community
    )
    assert services.convener_for(community) is None  # no head appointed yet


def test_jm1_governance_tree_of_the_world(world):
    tree = services.governance_tree(world.community_a)
    assert tree.party_org == world.party_org_a
    assert tree.residents_committee == world.rc_a and tree.epmc == world.epmc_a
    assert world.oc_a1 in tree.owners_committees
    assert set(tree.property_companies) == {world.company_x, world.company_y}
    assert services.epmc_lead_for(world.community_a).person == world.epmc_lead
    assert services.company_head_for(world.compound_a1).person == world.company_head
    assert services.owners_committee_of(world.compound_a1) == world.oc_a1


def test_jm1_community_page_shows_the_convener(world, login):
    page = login(world.rc_member).get(f"/directory/places/{world.community_a.code}/").content.decode()
    assert world.party_secretary.name.split("<")[0] in page
    assert "城东社区党委" in page


def test_jm3_first_mention_is_position_and_name_then_name_alone():
    person = make_person(name="王建国")
    m = Mentions()
    assert m.name(person, "社区党委书记") == "社区党委书记王建国"
    assert m.name(person, "社区党委书记") == "王建国"
    assert m.seen(person)


def test_jm3_each_document_starts_afresh_and_people_are_tracked_separately():
    wang, li = make_person(name="王建国"), make_person(name="李红")
    first = Mentions()
    assert first.name(wang, "社区党委书记") == "社区党委书记王建国"
    assert first.name(li, "业委会主任") == "业委会主任李红"
    assert first.name(wang, "社区党委书记") == "王建国"
    second = Mentions()  # a new document
    assert second.name(wang, "社区党委书记") == "社区党委书记王建国"
    assert not second.seen(li)


def test_jm3_a_mention_without_a_title_is_the_name_and_counts_as_first():
    person = make_person(name="赵敏")
    m = Mentions()
    assert m.name(person) == "赵敏"
    assert m.name(person, "网格员") == "赵敏"


def test_jm3_position_mention_adds_the_organisation_unless_already_in_the_title(world):
    secretary = Position.objects.get(person=world.party_secretary)
    m = Mentions()
    name = world.party_secretary.name
    # The organisation's name already ends with "党委": it is not repeated.
    assert m.position(secretary) == f"城东社区党委书记{name}"
    assert m.position(secretary) == name
    secretary.title = "城东社区党委书记"
    assert position_title(secretary) == "城东社区党委书记"


def test_mask_phone_and_name_for_public_pages():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0714-7300001") == "0714*****01"
    assert mask_phone("") == ""
    assert mask_name("王建国") == "王**"
    assert mask_name("王") == "王*"
