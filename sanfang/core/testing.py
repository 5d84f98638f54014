"""Test helpers shared by every app: `make_*` factories (with an XSS canary in text) and a persona world.

Every title-like text defaults to containing XSS so every page that shows it proves its escaping.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from sanfang.directory.models import (
    Building,
    FeeRegime,
    Organisation,
    OrgKind,
    Person,
    Place,
    PlaceKind,
    Position,
    Residency,
    ServiceContract,
)

XSS = "<script>alert(1)</script>"
PASSWORD = "correct-horse-battery"  # noqa: S105 - test personas only
_seq = itertools.count(1)


def make_place(
    kind: str, parent: Place | None = None, name: str | None = None, code: str | None = None, **extra
) -> Place:
    n = next(_seq)
    return Place.objects.create(
        kind=kind,
        parent=parent,
        name=name or f"{PlaceKind(kind).label}{n}{XSS}",
        code=code or f"T{n:06d}",
        **extra,
    )


def make_person(
    name: str | None = None, phone: str | None = None, password: str | None = PASSWORD, **extra
) -> Person:
    n = next(_seq)
    # Always an 11-digit mobile number: past 9,999 people in one test process, "1990000" + n made 12 digits,
    # which masking treats as a landline (the PostgreSQL pass reached that on one xdist worker).
    person = Person(name=name or f"人员{n}{XSS}", phone=phone or f"199{n:08d}", **extra)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    return person


def make_org(kind: str, place: Place, name: str | None = None, **extra) -> Organisation:
    n = next(_seq)
    return Organisation.objects.create(
        kind=kind, place=place, name=name or f"{OrgKind(kind).label}{n}{XSS}", **extra
    )


def appoint(person: Person, org: Organisation, title: str = "委员", **extra) -> Position:
    extra.setdefault("term_start", timezone.localdate() - dt.timedelta(days=365))
    return Position.objects.create(person=person, organisation=org, title=title, **extra)


def make_staff(
    kind: str, place: Place, org: Organisation | None = None, title: str = "委员", **extra
) -> Person:
    org = org or make_org(kind, place)
    person = make_person()
    appoint(person, org, title, **extra)
    return person


def make_resident(compound: Place, verified: bool = True, **extra) -> Person:
    person = make_person(**extra)
    Residency.objects.create(
        person=person,
        compound=compound,
        room=f"{next(_seq)}室",
        status=Residency.Status.VERIFIED if verified else Residency.Status.PENDING,
    )
    return person


def make_contract(
    company: Organisation,
    compound: Place,
    start: dt.date | None = None,
    end: dt.date | None = None,
    fee_regime: str = FeeRegime.LUMP_SUM,
) -> ServiceContract:
    return ServiceContract.objects.create(
        company=company,
        compound=compound,
        start=start or timezone.localdate() - dt.timedelta(days=400),
        end=end,
        fee_regime=fee_regime,
    )


@dataclass
class World:
    """Two streets of one county; street A has community A with compounds A1 (company X) and A2 (company Y).

    Every role has a persona inside community A, and there are outsiders: company Y (serving A2 only), a street
    official of street B, a resident of A2, an anonymous visitor (None).
    """

    county: Place
    street_a: Place
    street_b: Place
    community_a: Place
    community_b: Place
    compound_a1: Place
    compound_a2: Place
    compound_b1: Place
    building_a1: Building
    party_org_a: Organisation
    rc_a: Organisation
    epmc_a: Organisation
    oc_a1: Organisation
    company_x: Organisation
    company_y: Organisation
    street_office_a: Organisation
    department: Organisation
    # personas
    county_official: Person
    street_official: Person
    other_street_official: Person
    party_secretary: Person  # convener (JM-1)
    compound_party_head: Person
    rc_member: Person
    epmc_lead: Person  # runs the joint meeting office (JM-4)
    oc_member: Person
    company_head: Person
    company_staff: Person
    other_company_head: Person
    grid_worker: Person
    department_officer: Person
    resident: Person
    other_resident: Person
    admin: Person


# The persona attributes of a `World`: every role, in and out of scope (tests parametrize over them).
PERSONAS = (
    "county_official",
    "street_official",
    "other_street_official",
    "party_secretary",
    "compound_party_head",
    "rc_member",
    "epmc_lead",
    "oc_member",
    "company_head",
    "company_staff",
    "other_company_head",
    "grid_worker",
    "department_officer",
    "resident",
    "other_resident",
    "admin",
)


def make_world() -> World:
    county = make_place(PlaceKind.COUNTY, name="阳新县", code="420222")
    street_a = make_place(PlaceKind.STREET, county, name="兴国镇")
    street_b = make_place(PlaceKind.STREET, county, name="富池镇")
    community_a = make_place(PlaceKind.COMMUNITY, street_a, name=f"城东社区{XSS}")
    community_b = make_place(PlaceKind.COMMUNITY, street_b, name="港湾社区")
    compound_a1 = make_place(PlaceKind.COMPOUND, community_a, name=f"幸福家园{XSS}")
    compound_a2 = make_place(PlaceKind.COMPOUND, community_a, name="和谐苑")
    compound_b1 = make_place(PlaceKind.COMPOUND, community_b, name="江景小区")
    building_a1 = Building.objects.create(compound=compound_a1, name="1栋", units=2)

    county_org = make_org(OrgKind.COUNTY, county, name="阳新县民政局")
    street_office_a = make_org(OrgKind.STREET, street_a, name="兴国镇人民政府")
    street_office_b = make_org(OrgKind.STREET, street_b, name="富池镇人民政府")
    party_org_a = make_org(OrgKind.PARTY_ORG, community_a, name="城东社区党委")
    rc_a = make_org(OrgKind.RESIDENTS_COMMITTEE, community_a, name="城东社区居民委员会", parent=party_org_a)
    epmc_a = make_org(OrgKind.EPMC, community_a, name="城东社区环境和物业管理委员会", parent=rc_a)
    cpo_a1 = make_org(OrgKind.COMPOUND_PARTY_ORG, compound_a1, name="幸福家园党支部", parent=party_org_a)
    oc_a1 = make_org(OrgKind.OWNERS_COMMITTEE, compound_a1, name="幸福家园业主委员会", parent=party_org_a)
    grid = make_org(OrgKind.GRID, community_a, name="城东社区第一网格", parent=party_org_a)
    company_x = make_org(OrgKind.PROPERTY_COMPANY, county, name="安居物业服务有限公司")
    company_y = make_org(OrgKind.PROPERTY_COMPANY, county, name="宏达物业管理有限公司")
    department = make_org(OrgKind.DEPARTMENT, county, name="阳新县住房和城乡建设局")
    make_contract(company_x, compound_a1)
    make_contract(company_y, compound_a2)

    def staff(org, title, **kw):
        person = make_person()
        appoint(person, org, title, **kw)
        return person

    superuser = make_person(name="平台管理员", is_superuser=True, is_staff=True)
    return World(
        county=county,
        street_a=street_a,
        street_b=street_b,
        community_a=community_a,
        community_b=community_b,
        compound_a1=compound_a1,
        compound_a2=compound_a2,
        compound_b1=compound_b1,
        building_a1=building_a1,
        party_org_a=party_org_a,
        rc_a=rc_a,
        epmc_a=epmc_a,
        oc_a1=oc_a1,
        company_x=company_x,
        company_y=company_y,
        street_office_a=street_office_a,
        department=department,
        county_official=staff(county_org, "科长"),
        street_official=staff(street_office_a, "副镇长"),
        other_street_official=staff(street_office_b, "副镇长"),
        party_secretary=staff(party_org_a, "党委书记", is_head=True, is_party_member=True),
        compound_party_head=staff(cpo_a1, "支部书记", is_head=True, is_party_member=True),
        rc_member=staff(rc_a, "委员"),
        epmc_lead=staff(rc_a, "委员", leads_epmc=True, contact_public=True, contact="0714-7300001"),
        oc_member=staff(oc_a1, "业委会主任", is_head=True),
        company_head=staff(company_x, "项目经理", is_head=True),
        company_staff=staff(company_x, "客服"),
        other_company_head=staff(company_y, "项目经理", is_head=True),
        grid_worker=staff(grid, "网格员"),
        department_officer=staff(department, "科员"),
        resident=make_resident(compound_a1),
        other_resident=make_resident(compound_a2),
        admin=superuser,
    )


def run_job(client, url: str, data: dict | None = None):
    """Request a background job as the client's person (POST `url`), run the worker's step in this process and
    return `(job, download)`: the finished Job and the response of its result download (None without a file).
    Fails if the request did not lead to a job page."""
    from django.urls import resolve

    from . import jobs
    from .models import Job

    response = client.post(url, data or {})
    assert response.status_code == 302, (response.status_code, response.content[:500])
    match = resolve(response["Location"].split("?", 1)[0])
    assert match.view_name == "core:job", response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    jobs.run_pending()
    job = Job.objects.get(pk=match.kwargs["pk"])
    download = None
    if job.state == Job.State.DONE and job.result_file:
        from django.urls import reverse

        download = client.get(reverse("core:job-result", args=[job.pk]))
        assert download.status_code == 200
        download.data = b"".join(download.streaming_content)
    return job, download


def appraisal_subjects(w: World) -> list[Organisation]:
    """Every kind of organisation an appraisal round of community A appraises (EV-2), and company Y."""
    return [w.party_org_a, w.rc_a, w.epmc_a, w.oc_a1, w.company_x, w.company_y]


def batch_matches_each(provider, subjects: list[Organisation], community: Place, year: int) -> dict:
    """The batched form of an "indicators" provider (`extensions.batch_of`) gives, for every subject, exactly
    what the provider gives for that subject alone (issue 9): returns the per-subject values for more checks."""
    from sanfang.core import extensions

    each = {s.pk: provider(s, community, year) for s in subjects}
    assert extensions._BATCHES[provider](subjects, community, year) == each  # noqa: SLF001 - the registry itself
    return each
