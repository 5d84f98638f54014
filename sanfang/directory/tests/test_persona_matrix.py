"""The persona matrix over the directory's pages and API: every persona × places list, the page of compound A1,
an organisation page, the residents-pending page, the residents' register, /api/v1/directory/me and
/places/{code}/organisations.

Rules proven: a property company never sees another company's compounds' internal data; a street never sees
another street's; an anonymous visitor sees only public fields (no personal phone numbers — only a position's
contact when it is published); list pages and API lists use a bounded number of queries.
"""

from __future__ import annotations

import pytest

from sanfang.core.testing import PERSONAS, appoint, make_org, make_person, make_place, make_resident
from sanfang.directory.models import OrgKind, PlaceKind, Position

pytestmark = pytest.mark.django_db

ALL = list(PERSONAS)
OUTSIDERS_OF_A1 = {"other_street_official", "other_company_head", "other_resident"}
REACH_A1 = [p for p in ALL if p not in OUTSIDERS_OF_A1]
# Staff whose scope reaches compound A1 see internal data there (masked phones, pending residents).
INTERNAL_A1 = set(REACH_A1) - {"resident"}
# Who verifies (and so lists) pending residents of compound A1: the Residents' Committee (under the party
# organisation) and the company serving the compound — not oversight, not the other company.
VERIFIERS_A1 = {
    "party_secretary",
    "rc_member",
    "epmc_lead",
    "company_head",
    "company_staff",
    "admin",
}
PRIVATE_PHONE = "13800001111"


@pytest.fixture
def matrix(world):
    """Adds a pending resident in A1 and a position with an unpublished contact."""
    pending = make_resident(world.compound_a1, verified=False, name="孙申请", phone="13900000001")
    Position.objects.filter(person=world.oc_member).update(contact=PRIVATE_PHONE, contact_public=False)
    return pending


def _page(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode() if response.status_code == 200 else ""


@pytest.mark.parametrize("persona", ALL)
def test_places_list_shows_only_places_in_scope(world, matrix, login, persona):
    status, page = _page(login(getattr(world, persona)), "/directory/places/?q=")
    assert status == 200
    link_a = f"/directory/places/{world.community_a.code}/"
    link_b = f"/directory/places/{world.community_b.code}/"
    street_a = f"/directory/places/{world.street_a.code}/"
    if persona in ("other_street_official", "other_company_head", "other_resident"):
        assert street_a not in page
    if persona in ("street_official", "party_secretary", "rc_member", "company_head", "resident"):
        assert link_b not in page and f"/directory/places/{world.street_b.code}/" not in page
    if persona == "other_street_official":
        assert link_a not in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("persona", ALL)
def test_place_page_of_compound_a1(world, matrix, login, persona):
    status, page = _page(login(getattr(world, persona)), f"/directory/places/{world.compound_a1.code}/")
    if persona in OUTSIDERS_OF_A1:
        assert status == 404
        return
    assert status == 200
    assert "幸福家园业主委员会" in page
    oc_phone = world.oc_member.phone
    assert oc_phone not in page  # full personal numbers never appear
    assert PRIVATE_PHONE not in page  # an unpublished contact never appears
    masked = f"{oc_phone[:3]}****{oc_phone[-4:]}"
    assert (masked in page) == (persona in INTERNAL_A1)
    assert ("位居民待核实" in page) == (persona in VERIFIERS_A1)
    assert (f"/directory/residents/?compound={world.compound_a1.code}" in page) == (persona in VERIFIERS_A1)
    assert "孙申请" not in page  # the place page gives the count, not the person
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("persona", ALL)
def test_organisation_page_of_the_owners_committee_of_a1(world, matrix, login, persona):
    status, page = _page(login(getattr(world, persona)), f"/directory/organisations/{world.oc_a1.pk}/")
    if persona in OUTSIDERS_OF_A1:
        assert status == 404
        return
    assert status == 200
    assert world.oc_member.name.split("<")[0] in page
    assert world.oc_member.phone not in page and PRIVATE_PHONE not in page


def test_company_page_is_seen_by_its_own_people_and_oversight_not_by_the_other_company(world, login):
    url = f"/directory/organisations/{world.company_x.pk}/"
    assert login(world.company_staff).get(url).status_code == 200
    assert login(world.county_official).get(url).status_code == 200
    # Company X is registered at the county; company Y's head does not reach the county place.
    assert login(world.other_company_head).get(url).status_code == 404


@pytest.mark.parametrize("persona", ALL)
def test_residents_pending_page_lists_only_residents_the_persona_verifies(world, matrix, login, persona):
    status, page = _page(login(getattr(world, persona)), "/directory/residents/pending/")
    assert status == 200
    assert ("孙申请" in page) == (persona in VERIFIERS_A1)


@pytest.mark.parametrize("persona", ALL)
def test_residency_decision_by_persona(world, matrix, login, persona):
    from sanfang.directory.models import Residency

    residency = Residency.objects.get(person=matrix)
    response = login(getattr(world, persona)).post(
        f"/directory/residents/{residency.pk}/decide/", {"decision": "approve"}
    )
    residency.refresh_from_db()
    if persona in VERIFIERS_A1:
        assert residency.status == Residency.Status.VERIFIED
    else:
        assert response.status_code in (403, 404)
        assert residency.status == Residency.Status.PENDING


def test_anonymous_visitor_is_sent_to_login_for_directory_pages(world, matrix, client):
    for url in (
        "/directory/places/",
        f"/directory/places/{world.compound_a1.code}/",
        f"/directory/organisations/{world.oc_a1.pk}/",
        "/directory/residents/pending/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


@pytest.mark.parametrize("persona", ALL)
def test_api_me_describes_the_callers_own_roles(world, login, persona):
    person = getattr(world, persona)
    response = login(person).get("/api/v1/directory/me")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == person.pk
    assert "phone" not in data
    if persona == "other_street_official":
        assert {r["place_code"] for r in data["roles"]} == {world.street_b.code}
    if persona == "resident":
        assert data["roles"] == [
            {
                "role": "resident",
                "role_label": "居民",
                "place_code": world.compound_a1.code,
                "organisation_id": None,
            }
        ]


def test_api_me_needs_a_caller(client, db):
    assert client.get("/api/v1/directory/me").status_code == 401


@pytest.mark.parametrize("persona", [*ALL, None])
def test_api_place_organisations_give_public_fields_only(world, matrix, client, login, persona):
    caller = login(getattr(world, persona)) if persona else client
    response = caller.get(f"/api/v1/directory/places/{world.community_a.code}/organisations")
    assert response.status_code == 200
    text = response.content.decode()
    for person in (world.rc_member, world.epmc_lead, world.party_secretary, world.resident):
        assert person.phone not in text
    assert PRIVATE_PHONE not in text
    orgs = {o["name"]: o for o in response.json()}
    rc = orgs["城东社区居民委员会"]
    contacts = {p["contact"] for p in rc["positions"]}
    assert "0714-7300001" in contacts  # the EPMC lead agreed to publish this number
    assert set(rc["positions"][0]) == {"name", "title", "organisation", "is_head", "contact"}
    compound = caller.get(f"/api/v1/directory/places/{world.compound_a1.code}/organisations").json()
    oc = next(o for o in compound if o["kind"] == OrgKind.OWNERS_COMMITTEE)
    assert [p["contact"] for p in oc["positions"]] == [None]


def test_api_places_are_public_and_unknown_code_is_404(world, client):
    assert client.get(f"/api/v1/directory/places/{world.compound_a1.code}").json()["kind"] == "compound"
    missing = client.get("/api/v1/directory/places/nope")
    assert missing.status_code == 404 and "detail" in missing.json()
    listed = client.get("/api/v1/directory/places", {"parent": world.community_a.code}).json()
    assert {p["code"] for p in listed} == {world.compound_a1.code, world.compound_a2.code}


@pytest.fixture
def crowded(world):
    """Thirty more compounds in community A, each with an owners' committee and a member."""
    for n in range(30):
        compound = make_place(PlaceKind.COMPOUND, world.community_a, name=f"小区{n}")
        org = make_org(OrgKind.OWNERS_COMMITTEE, compound, parent=world.party_org_a)
        appoint(make_person(), org, "主任", is_head=True)
        make_resident(compound, verified=False)
    return world


def test_list_pages_use_a_bounded_number_of_queries(crowded, login, django_assert_max_num_queries):
    world = crowded
    client = login(world.street_official)
    with django_assert_max_num_queries(20):
        assert client.get("/directory/places/?q=小区").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/directory/places/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"/directory/places/{world.community_a.code}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/directory/residents/pending/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/directory/residents/").status_code == 200


def test_api_lists_use_a_bounded_number_of_queries(crowded, client, django_assert_max_num_queries):
    world = crowded
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/directory/places", {"limit": 500}).json()) > 30
    with django_assert_max_num_queries(5):
        assert (
            client.get(f"/api/v1/directory/places/{world.community_a.code}/organisations").status_code == 200
        )
