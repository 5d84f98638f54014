"""The demo county: 阳新县 with its real towns, and invented communities, compounds, companies and people.

Names of people are invented; phone numbers use the 199-0000 block (see core.demo.DEMO_PHONE_PREFIX).
Scales: small (2 towns), county (every town, ≈200 compounds), city (≈4,000 compounds, for benchmarks).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.contrib.auth.hashers import make_password

from sanfang.core import stamps
from sanfang.core.demo import DEMO_PASSWORD, DEMO_PHONE_PREFIX, DemoContext

from .models import (
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
from .scopes import SCOPE_DIRECTORY_STAMP

COUNTY = ("420222", "阳新县")
# The county's real towns (乡镇) with their administrative-division codes.
TOWNS = [
    ("420222100", "兴国镇"),
    ("420222101", "富池镇"),
    ("420222102", "黄颡口镇"),
    ("420222103", "韦源口镇"),
    ("420222104", "太子镇"),
    ("420222105", "大王镇"),
    ("420222106", "陶港镇"),
    ("420222107", "白沙镇"),
    ("420222108", "浮屠镇"),
    ("420222109", "三溪镇"),
    ("420222110", "龙港镇"),
    ("420222111", "洋港镇"),
    ("420222112", "排市镇"),
    ("420222113", "木港镇"),
    ("420222114", "枫林镇"),
    ("420222115", "王英镇"),
]
COMMUNITY_NAMES = [
    "城东",
    "城西",
    "城南",
    "城北",
    "桃花泉",
    "莲花湖",
    "月亮山",
    "宝塔",
    "儒学",
    "五马坊",
    "北门",
    "南门",
    "东岳",
    "新街",
    "滨江",
    "丰山",
    "湖滨",
    "体育路",
    "陵园路",
    "人民路",
]
COMPOUND_WORDS = [
    "幸福",
    "和谐",
    "阳光",
    "锦绣",
    "翠园",
    "金桂",
    "银湖",
    "书香",
    "滨湖",
    "龙城",
    "怡景",
    "春晖",
    "丽都",
    "荷塘",
    "碧桂",
    "紫荆",
    "富康",
    "长安",
    "明珠",
    "盛世",
]
COMPOUND_SUFFIX = ["家园", "花园", "小区", "苑", "新村", "雅居", "华府", "公寓"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "建国志强秀英桂兰海燕晓明文华丽娟国平红梅永刚玉兰小平德胜春花俊杰静怡子涵雨欣浩然思远家豪佳琪"
COMPANY_NAMES = [
    "安居物业服务有限公司",
    "宏达物业管理有限公司",
    "阳新县城投物业服务有限公司",
    "楚天物业服务有限公司",
    "鄂东物业管理有限公司",
    "金盾物业服务有限公司",
    "万家物业服务有限公司",
    "兴阳物业管理有限公司",
]

SCALES = {
    "small": {"towns": 2, "communities": 2, "compounds": 3, "companies": 3},
    "county": {"towns": 16, "communities": 3, "compounds": 4, "companies": 8},
    "city": {"towns": 16, "communities": 25, "compounds": 10, "companies": 60},
}

# The persona logins printed by `sanfang demo --accounts` (username -> what they are).
PERSONAS = [
    ("admin", "平台管理员（超级用户）"),
    ("county", "县民政局 · 股长"),
    ("street", "兴国镇 · 分管副镇长（街道）"),
    ("party", "城东社区党委书记（联席会议召集人）"),
    ("office", "城东社区居委会委员 · 分管环境和物业（联席会议办公室）"),
    ("rc", "城东社区居委会主任"),
    ("cparty", "幸福家园小区党支部书记"),
    ("oc", "幸福家园业主委员会主任"),
    ("company", "安居物业 · 幸福家园项目经理"),
    ("grid", "城东社区网格员"),
    ("dept", "阳新县住建局 · 物业科科员"),
    ("resident", "幸福家园居民（已核实）"),
]


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.phones = itertools.count(1)

    def person(self) -> str:
        given = self.rng.choice([GIVEN[i : i + 2] for i in range(0, len(GIVEN) - 1, 2)])
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        return f"{DEMO_PHONE_PREFIX}{next(self.phones):04d}"


def demo_loaded() -> bool:
    return Place.objects.filter(code=COUNTY[0], is_demo=True).exists()


def foreign_data_present() -> bool:
    """Anything that is not demo data (a real deployment) — the demo refuses to mix with it."""
    return (
        Place.objects.filter(is_demo=False).exists()
        or Person.objects.filter(is_demo=False).exclude(is_superuser=True).exists()
    )


def build(*, scale: str = "small", seed: int = 2022, today: dt.date) -> DemoContext:
    rng = random.Random(seed)
    names = _Names(rng)
    shape = SCALES[scale]
    password = make_password(DEMO_PASSWORD)

    county = Place.objects.create(
        kind=PlaceKind.COUNTY, name=COUNTY[1], code=COUNTY[0], is_demo=True, address="湖北省黄石市阳新县"
    )
    county_org = Organisation.objects.create(
        kind=OrgKind.COUNTY, name="阳新县民政局", place=county, is_demo=True
    )
    housing = Organisation.objects.create(
        kind=OrgKind.DEPARTMENT,
        name="阳新县住房和城乡建设局",
        place=county,
        is_demo=True,
        phone="0714-7322000",
    )
    Organisation.objects.create(
        kind=OrgKind.DEPARTMENT, name="阳新县市场监督管理局", place=county, is_demo=True, phone="12315"
    )
    company_names = [
        name if i < len(COMPANY_NAMES) else f"{name}第{i // len(COMPANY_NAMES)}分公司"
        for i, name in enumerate((COMPANY_NAMES * 10)[: shape["companies"]])
    ]
    companies = [
        Organisation.objects.create(
            kind=OrgKind.PROPERTY_COMPANY,
            name=name,
            place=county,
            is_demo=True,
            phone=f"0714-73{rng.randint(10000, 99999)}",
            credit_code=f"91420222MA{rng.randint(1000000, 9999999)}X",
        )
        for name in company_names
    ]

    people: list[Person] = []
    positions: list[Position] = []
    contracts: list[ServiceContract] = []
    buildings: list[Building] = []

    def person(name=None, username=None, login=False) -> Person:
        p = Person(
            name=name or names.person(),
            phone=names.phone(),
            username=username,
            is_demo=True,
            password=password if login else "!",
        )
        people.append(p)
        return p

    def post(p, org, title, **kw):
        kw.setdefault("term_start", dt.date(today.year - 2, 1, 1))
        positions.append(Position(person=p, organisation=org, title=title, **kw))

    street_orgs = []
    community_places: list[Place] = []
    for town_code, town_name in TOWNS[: shape["towns"]]:
        town = Place.objects.create(
            kind=PlaceKind.STREET, name=town_name, code=town_code, parent=county, is_demo=True
        )
        street_orgs.append(
            Organisation.objects.create(
                kind=OrgKind.STREET, name=f"{town_name}人民政府", place=town, is_demo=True
            )
        )
        for c in range(shape["communities"]):
            base = COMMUNITY_NAMES[c % len(COMMUNITY_NAMES)]
            suffix = "" if c < len(COMMUNITY_NAMES) else str(c // len(COMMUNITY_NAMES) + 1)
            community_places.append(
                Place(
                    kind=PlaceKind.COMMUNITY,
                    name=f"{base}{suffix}社区",
                    code=f"{town_code}{c + 1:03d}",
                    parent=town,
                    is_demo=True,
                )
            )
    _bulk_places(community_places)

    compound_places: list[Place] = []
    for community in community_places:
        for k in range(shape["compounds"]):
            word = COMPOUND_WORDS[(k + community.pk) % len(COMPOUND_WORDS)]
            compound_places.append(
                Place(
                    kind=PlaceKind.COMPOUND,
                    name=f"{word}{COMPOUND_SUFFIX[(k * 3 + community.pk) % len(COMPOUND_SUFFIX)]}",
                    code=f"{community.code}{k + 1:03d}",
                    parent=community,
                    is_demo=True,
                    address=f"{community.parent.name}{community.name[:-2]}路{rng.randint(1, 300)}号",
                    year_built=rng.randint(1995, 2020),
                    households=rng.randint(80, 1200),
                )
            )
    compound_places[0].name = "幸福家园"  # the personas' home compound
    _bulk_places(compound_places)

    # Organisations of each community and compound (shared with the benchmark's generator), then contracts.
    community_orgs, compound_orgs = organisation_tree(community_places, compound_places, rng, is_demo=True)

    for i, compound in enumerate(compound_places):
        company = companies[i % len(companies)]
        if rng.random() < 0.12 and i:  # some compounds have no professional property service
            continue
        contracts.append(
            ServiceContract(
                company=company,
                compound=compound,
                start=dt.date(today.year - rng.randint(1, 5), 1, 1),
                end=dt.date(today.year + rng.randint(0, 3), 12, 31),
                fee_regime=FeeRegime.COMMISSION if rng.random() < 0.25 else FeeRegime.LUMP_SUM,
            )
        )
        for b in range(1, rng.randint(3, 9)):
            buildings.append(
                Building(compound=compound, name=f"{b}栋", units=rng.randint(1, 4), floors=rng.randint(6, 33))
            )
    ServiceContract.objects.bulk_create(contracts)
    Building.objects.bulk_create(buildings)

    # People. The personas work in the first community of the first town and its first compound.
    home = community_places[0]
    home_compound = compound_places[0]
    h = community_orgs[home.pk]
    hc = compound_orgs[home_compound.pk]
    home_company = companies[0]
    personas = {
        "admin": person("平台管理员", "admin", True),
        "county": person("周建华", "county", True),
        "street": person("陈志强", "street", True),
        "party": person("王建国", "party", True),
        "office": person("李秀英", "office", True),
        "rc": person("张桂兰", "rc", True),
        "cparty": person("刘德胜", "cparty", True),
        "oc": person("黄海燕", "oc", True),
        "company": person("吴俊杰", "company", True),
        "grid": person("郑晓明", "grid", True),
        "dept": person("孙文华", "dept", True),
        "resident": person("赵玉兰", "resident", True),
    }
    personas["admin"].is_superuser = personas["admin"].is_staff = True
    post(personas["county"], county_org, "基层政权建设和社区治理股股长")
    post(
        personas["street"],
        street_orgs[0],
        "副镇长",
        is_head=True,
        contact_public=True,
        contact="0714-7312001",
    )
    post(
        personas["party"],
        h["party"],
        "党委书记",
        is_head=True,
        is_party_member=True,
        contact_public=True,
        contact="0714-7318001",
    )
    post(
        personas["office"],
        h["rc"],
        "委员（分管环境和物业管理）",
        leads_epmc=True,
        is_party_member=True,
        contact_public=True,
        contact="0714-7318002",
    )
    post(personas["office"], h["epmc"], "主任", is_head=True)
    post(
        personas["rc"],
        h["rc"],
        "主任",
        is_head=True,
        is_party_member=True,
        contact_public=True,
        contact="0714-7318003",
    )
    post(personas["cparty"], hc["branch"], "支部书记", is_head=True, is_party_member=True)
    if hc["oc"] is None:
        hc["oc"] = Organisation.objects.create(
            kind=OrgKind.OWNERS_COMMITTEE,
            name=f"{home_compound.name}业主委员会",
            place=home_compound,
            parent=h["party"],
            is_demo=True,
        )
    post(
        personas["oc"],
        hc["oc"],
        "主任",
        is_head=True,
        contact_public=True,
        contact="19900009001",
        term_start=dt.date(today.year - 1, 6, 1),
        term_end=dt.date(today.year + 4, 5, 31),
    )
    post(
        personas["company"],
        home_company,
        "项目经理（幸福家园）",
        is_head=True,
        contact_public=True,
        contact="0714-7399001",
        is_party_member=True,
    )
    post(personas["grid"], h["grid"], "网格员")
    post(personas["dept"], housing, "物业管理科科员")

    # Everyone else: heads and members for every community and compound (no logins).
    for community in community_places:
        o = community_orgs[community.pk]
        if community.pk == home.pk:
            post(
                person(), o["rc"], "委员", contact_public=True, contact=f"0714-73{rng.randint(10000, 99999)}"
            )
            continue
        post(
            person(),
            o["party"],
            "党委书记",
            is_head=True,
            is_party_member=True,
            contact_public=True,
            contact=f"0714-73{rng.randint(10000, 99999)}",
        )
        lead = person()
        post(
            lead,
            o["rc"],
            "委员（分管环境和物业管理）",
            leads_epmc=True,
            contact_public=True,
            contact=f"0714-73{rng.randint(10000, 99999)}",
        )
        post(lead, o["epmc"], "主任", is_head=True)
        post(person(), o["rc"], "主任", is_head=True, contact_public=True)
        post(person(), o["grid"], "网格员")
    for compound in compound_places:
        o = compound_orgs[compound.pk]
        if compound.pk == home_compound.pk:
            post(person(), o["oc"], "副主任", contact_public=True, contact=names.phone())
            post(person(), o["oc"], "委员")
            continue
        post(person(), o["branch"], "支部书记", is_head=True, is_party_member=True)
        if o["oc"] is not None:
            post(person(), o["oc"], "主任", is_head=True, contact_public=True, contact=names.phone())
    for company in companies:
        if company.pk != home_company.pk:
            post(person(), company, "总经理", is_head=True, contact_public=True, contact=company.phone)
        post(person(), company, "客服主管")

    Person.objects.bulk_create(people)
    Position.objects.bulk_create(positions)
    Residency.objects.create(
        person=personas["resident"],
        compound=home_compound,
        room="2单元301",
        building=Building.objects.filter(compound=home_compound).first(),
        status=Residency.Status.VERIFIED,
        verified_at=None,
    )
    extra_residents = [person() for _ in range(8 if scale == "small" else 20)]
    for p in extra_residents:
        p.save()
    Residency.objects.bulk_create(
        [
            Residency(
                person=p,
                compound=home_compound,
                room=f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}",
                status=Residency.Status.VERIFIED if i % 4 else Residency.Status.PENDING,
                is_owner_representative=i < 3,
            )
            for i, p in enumerate(extra_residents)
        ]
    )
    # bulk_create sends no signals: no scope cached before this load may be served after it (scopes.py).
    stamps.bump(SCOPE_DIRECTORY_STAMP)
    return DemoContext(county=county, rng=rng, today=today, scale=scale, personas=personas)


def organisation_tree(
    community_places: list[Place], compound_places: list[Place], rng: random.Random, *, is_demo: bool
) -> tuple[dict[int, dict], dict[int, dict]]:
    """Each community's party org → RC (with its EPMC) → grid, and each compound's party branch and (for most)
    owners' committee, bulk-created level by level (a parent needs its id first). Shared by the demo and the
    benchmark's city generator. Returns {community id: {party, rc, grid, epmc}}, {compound id: {branch, oc}}."""

    def org(kind, name, place, parent=None, **kw) -> Organisation:
        return Organisation(kind=kind, name=name, place=place, parent=parent, is_demo=is_demo, **kw)

    community_orgs: dict[int, dict] = {
        c.pk: {"party": org(OrgKind.PARTY_ORG, f"{c.name}党委", c)} for c in community_places
    }
    Organisation.objects.bulk_create([o["party"] for o in community_orgs.values()], batch_size=2000)
    second = []
    for community in community_places:
        o = community_orgs[community.pk]
        phone = f"0714-73{rng.randint(10000, 99999)}"
        o["rc"] = org(
            OrgKind.RESIDENTS_COMMITTEE, f"{community.name}居民委员会", community, o["party"], phone=phone
        )
        o["grid"] = org(OrgKind.GRID, f"{community.name}第一网格", community, o["party"])
        second += [o["rc"], o["grid"]]
    Organisation.objects.bulk_create(second, batch_size=2000)
    third = []
    for community in community_places:
        o = community_orgs[community.pk]
        o["epmc"] = org(OrgKind.EPMC, f"{community.name}环境和物业管理委员会", community, o["rc"])
        third.append(o["epmc"])
    compound_orgs: dict[int, dict] = {}
    for compound in compound_places:
        party = community_orgs[compound.parent_id]["party"]
        branch = org(OrgKind.COMPOUND_PARTY_ORG, f"{compound.name}党支部", compound, party)
        oc = None
        if rng.random() < 0.7:
            oc = org(OrgKind.OWNERS_COMMITTEE, f"{compound.name}业主委员会", compound, party)
            third.append(oc)
        compound_orgs[compound.pk] = {"branch": branch, "oc": oc}
        third.append(branch)
    Organisation.objects.bulk_create(third, batch_size=2000)
    return community_orgs, compound_orgs


def _bulk_places(places: list[Place]) -> None:
    """bulk_create skips Place.save(), so fill in the materialised paths afterwards."""
    created = Place.objects.bulk_create(places)
    if any(p.pk is None for p in created):  # very old SQLite: fetch the ids back by code
        ids = dict(Place.objects.filter(code__in=[p.code for p in places]).values_list("code", "pk"))
        for p in places:
            p.pk = ids[p.code]
    parents = {p.parent_id for p in places}
    parent_paths = dict(Place.objects.filter(pk__in=parents).values_list("pk", "path"))
    for p in places:
        p.path = f"{parent_paths[p.parent_id]}{p.pk}/"
    Place.objects.bulk_update(places, ["path"], batch_size=500)
