"""The city-scale data set of issue 9, bulk-inserted in the real models' shapes.

city: 8 counties, 80 streets, 800 communities, 4,000 compounds; three years of cases (1,000,000, about six
timeline events each, with ratings), 15,000 joint meetings with agenda items, resolutions and documents,
about 200,000 published board versions (five years of disclosures per compound, hash-chained exactly as
`publicity.services._append_version` chains them, so `sanfang publicity verify` passes), 200,000 ballots
(one round of 100,000 for the tally benchmark), one campaign per county with its surveys.

The directory, standards, rounds and campaigns (thousands of rows) go through bulk_create or the services;
the large tables are written with `bench.loader.insert` (COPY on PostgreSQL). No audit rows are written for
generated history: the audit trail records what happened on this installation, and nothing did.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import secrets
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from sanfang.appraisal import demo as appraisal_demo
from sanfang.appraisal import services as appraisal
from sanfang.appraisal import tally
from sanfang.appraisal.models import Ballot, Criterion, Round, Standard, Subject
from sanfang.campaigns import services as campaigns
from sanfang.campaigns.models import (
    CompoundSurvey,
    Conclusion,
    Investigation,
    Problem,
    ProgressReport,
    SurveyStatus,
)
from sanfang.cases.models import Case, CaseClass, CaseEvent, Category, Feedback, Rating, Source, Status, Step
from sanfang.core import stamps
from sanfang.directory import demo as directory_demo
from sanfang.directory.models import (
    Building,
    Organisation,
    OrgKind,
    Person,
    Place,
    PlaceKind,
    Position,
    ServiceContract,
)
from sanfang.directory.scopes import SCOPE_DIRECTORY_STAMP
from sanfang.meetings.models import AgendaItem, AgendaKind, Meeting, MeetingDocument, Resolution
from sanfang.publicity import demo as board_demo
from sanfang.publicity import services as publicity
from sanfang.publicity.models import (
    BoardChain,
    BoardItem,
    ItemKind,
    ItemStatus,
    ItemVersion,
    digest_of,
    stamp,
)

from . import loader

BENCH_PASSWORD = "bench-sanfang-2026"  # noqa: S105 - the benchmark's own throwaway accounts


@dataclass(frozen=True)
class Shape:
    counties: int
    streets: int  # per county
    communities: int  # per street
    compounds: int  # per community
    cases: int
    events_per_case: float
    meetings: int
    board_years: int
    ballots: int
    big_round: int  # ballots in the tally benchmark's round
    board_compound_cases: int = 500


SCALES = {
    "city": Shape(8, 10, 10, 5, 1_000_000, 6, 15_000, 5, 200_000, 100_000),
    "county": Shape(1, 10, 10, 5, 125_000, 6, 1_875, 5, 25_000, 12_500),
    "tiny": Shape(1, 2, 2, 3, 600, 6, 40, 2, 300, 150, board_compound_cases=60),
    "micro": Shape(1, 1, 2, 2, 120, 6, 8, 2, 60, 30, board_compound_cases=40),  # the test suite's
}
STEPS = ("directory", "cases", "meetings", "boards", "appraisal", "campaigns")

CATEGORY_VALUES = Category.values
CATEGORY_TEXT = {
    "sanitation": "楼道垃圾堆放多日无人清理",
    "greening": "绿化带杂草丛生，树枝遮挡路灯",
    "facilities": "单元门禁损坏，外人随意进出",
    "elevator": "电梯经常停运，老人上下楼困难",
    "water_power": "二次供水水压不足，高层用水困难",
    "parking": "消防通道被私家车长期占用",
    "security": "监控探头损坏，夜间照明不足",
    "fees": "物业费收费项目不清楚，要求公示明细",
    "noise": "夜间装修噪音扰民",
    "building": "顶楼屋面渗水，墙面发霉",
    "other": "小区公共区域管理问题",
}


@dataclass
class World:
    """What later steps (and the benchmark) need to know about the generated city."""

    shape: Shape
    today: dt.date
    counties: list[Place] = field(default_factory=list)
    streets: list[Place] = field(default_factory=list)
    communities: list[Place] = field(default_factory=list)
    compounds: list[Place] = field(default_factory=list)
    rc: dict[int, Organisation] = field(default_factory=dict)  # community id -> RC
    party: dict[int, Organisation] = field(default_factory=dict)
    oc: dict[int, Organisation] = field(default_factory=dict)  # compound id -> OC
    contract: dict[int, ServiceContract] = field(default_factory=dict)  # compound id -> contract
    office: dict[int, Person] = field(default_factory=dict)  # community id -> the RC member leading the EPMC
    buildings: dict[int, list[int]] = field(default_factory=dict)
    communities_by_id: dict[int, Place] = field(default_factory=dict)
    admin: Person | None = None
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _aware(day: dt.date, seconds: int) -> dt.datetime:
    """`timezone.make_aware` of midnight + seconds, without its per-call lookup of the current time zone."""
    return (dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)).replace(tzinfo=_ZONE)


_ZONE = timezone.get_default_timezone()


# --- directory ---------------------------------------------------------------------------------------------


def build_directory(w: World, rng: random.Random) -> None:
    s = w.shape
    pid = itertools.count(loader.next_id(Place))
    places: list[Place] = []

    def place(kind, name, code, parent, **kw):
        pk = next(pid)
        path = f"{parent.path if parent else '/'}{pk}/"
        p = Place(pk=pk, kind=kind, name=name, code=code, parent=parent, path=path, **kw)
        places.append(p)
        return p

    for c in range(s.counties):
        county = place(PlaceKind.COUNTY, f"基准{c + 1}县", f"BX{c + 1:02d}", None)
        w.counties.append(county)
        for t in range(s.streets):
            street = place(
                PlaceKind.STREET, f"基准{c + 1}县第{t + 1}街道", f"{county.code}{t + 1:02d}", county
            )
            w.streets.append(street)
            for m in range(s.communities):
                community = place(
                    PlaceKind.COMMUNITY,
                    f"{street.name[-5:]}第{m + 1}社区",
                    f"{street.code}{m + 1:02d}",
                    street,
                )
                w.communities.append(community)
                for k in range(s.compounds):
                    word = directory_demo.COMPOUND_WORDS[(k + m + t) % len(directory_demo.COMPOUND_WORDS)]
                    w.compounds.append(
                        place(
                            PlaceKind.COMPOUND,
                            f"{word}{k + 1}期",
                            f"{community.code}{k + 1:02d}",
                            community,
                            address=f"{street.name}{rng.randint(1, 300)}号",
                            year_built=rng.randint(1995, 2020),
                            households=rng.randint(120, 1200),
                        )
                    )
    Place.objects.bulk_create(places, batch_size=2000)

    buildings = []
    for compound in w.compounds:
        for b in range(4):
            buildings.append(
                Building(compound=compound, name=f"{b + 1}栋", units=3, floors=rng.randint(6, 30))
            )
    Building.objects.bulk_create(buildings, batch_size=2000)
    for b in Building.objects.filter(compound__in=w.compounds).values_list("compound_id", "pk"):
        w.buildings.setdefault(b[0], []).append(b[1])

    password = make_password(BENCH_PASSWORD)
    people: list[Person] = []
    positions: list[tuple[Person, Organisation, dict]] = []
    phones = itertools.count(1)

    def person(name, username=None):
        p = Person(
            name=name,
            username=username,
            phone=f"1980{next(phones):07d}",
            password=password if username else "!",
        )
        people.append(p)
        return p

    orgs: list[Organisation] = []

    def org(kind, name, place, parent=None, **kw):
        o = Organisation(kind=kind, name=name, place=place, parent=parent, **kw)
        orgs.append(o)
        return o

    county_orgs, street_orgs, companies = {}, {}, []
    for i, county in enumerate(w.counties):
        county_orgs[county.pk] = org(OrgKind.COUNTY, f"{county.name}民政局", county)
        org(OrgKind.DEPARTMENT, f"{county.name}住房和城乡建设局", county, phone="0714-7322000")
        for n in range(25):
            companies.append(
                org(
                    OrgKind.PROPERTY_COMPANY,
                    f"基准{i + 1}县第{n + 1}物业服务有限公司",
                    county,
                    phone=f"0714-7{rng.randint(100000, 999999)}",
                )
            )
    for street in w.streets:
        street_orgs[street.pk] = org(OrgKind.STREET, f"{street.name}办事处", street)
    Organisation.objects.bulk_create(orgs, batch_size=2000)
    community_orgs, compound_orgs = directory_demo.organisation_tree(
        w.communities, w.compounds, rng, is_demo=False
    )
    grid = {}
    for community in w.communities:
        o = community_orgs[community.pk]
        w.party[community.pk], w.rc[community.pk], grid[community.pk] = o["party"], o["rc"], o["grid"]
    w.oc = {pk: o["oc"] for pk, o in compound_orgs.items() if o["oc"] is not None}

    contracts = []
    county_companies = {c.pk: [o for o in companies if o.place_id == c.pk] for c in w.counties}
    county_of = {p.pk: p.ancestor_ids[0] for p in w.compounds}
    for compound in w.compounds:
        if rng.random() < 0.1 and compound is not w.compounds[0]:
            continue  # no professional property service
        company = rng.choice(county_companies[county_of[compound.pk]])
        contract = ServiceContract(
            company=company,
            compound=compound,
            start=dt.date(rng.randint(2012, 2019), rng.randint(1, 12), 1),
            fee_regime="commission" if rng.random() < 0.2 else "lump_sum",
        )
        contracts.append(contract)
        w.contract[compound.pk] = contract
    ServiceContract.objects.bulk_create(contracts, batch_size=2000)

    term = dt.date(w.today.year - 3, 1, 1)
    for i, county in enumerate(w.counties):
        positions.append(
            (person(f"县干部{i + 1}", f"bench-county-{i + 1}"), county_orgs[county.pk], {"is_head": True})
        )
    for i, street in enumerate(w.streets):
        positions.append(
            (person(f"街道干部{i + 1}", f"bench-street-{i + 1}"), street_orgs[street.pk], {"is_head": True})
        )
    for i, community in enumerate(w.communities):
        secretary = person(f"书记{i + 1}")
        positions.append((secretary, w.party[community.pk], {"is_head": True, "is_party_member": True}))
        positions.append((secretary, w.rc[community.pk], {"is_head": True}))
        office = person(f"委员{i + 1}")
        w.office[community.pk] = office
        positions.append((office, w.rc[community.pk], {"leads_epmc": True}))
        positions.append((person(f"网格员{i + 1}"), grid[community.pk], {}))
    for compound_id, oc in w.oc.items():
        positions.append((person(f"业委会主任{compound_id}"), oc, {"is_head": True}))
    for i, company in enumerate(companies):
        positions.append((person(f"项目经理{i + 1}"), company, {"is_head": True}))
    w.admin = person("基准管理员", "bench-admin")
    w.admin.is_superuser = w.admin.is_staff = True
    Person.objects.bulk_create(people, batch_size=2000)
    Position.objects.bulk_create(
        [
            Position(
                person=p,
                organisation=o,
                title="负责人" if kw.get("is_head") else "成员",
                term_start=term,
                **kw,
            )
            for p, o, kw in positions
        ],
        batch_size=2000,
    )
    w.counts["places"] = len(places)
    w.counts["organisations"] = Organisation.objects.count()
    w.counts["people"] = len(people)


# --- cases -------------------------------------------------------------------------------------------------


def build_cases(w: World, rng: random.Random) -> None:
    """Three years of cases, most closed and rated, the recent ones open, ~6 timeline events each."""
    s = w.shape
    start = w.today - dt.timedelta(days=3 * 365)
    span = (w.today - start).total_seconds() - 3600
    first_case = loader.next_id(Case)
    first_event = loader.next_id(CaseEvent)
    first_feedback = loader.next_id(Feedback)
    compounds = w.compounds
    board = compounds[0]
    every = max(1, s.cases // s.board_compound_cases)
    others = compounds[1:] or compounds
    cases: list[tuple] = []
    events: list[tuple] = []
    feedbacks: list[tuple] = []
    eid = itertools.count(first_event)
    fid = itertools.count(first_feedback)
    open_statuses = [Status.NEW, Status.HANDLING, Status.HANDLING, Status.COORDINATING, Status.MONITORING]
    case_fields = [
        "id", "tracking_no", "follow_token", "compound", "community", "street", "building", "unit", "category",
        "title", "description", "source", "reporter_name", "case_class", "status", "step", "handler", "holder",
        "responded_at", "response_due_on", "resolved_at", "closed_at", "version", "created_at", "updated_at",
        "due_from", "due_working_days", "due_on", "progress_note", "solution", "latest_rating",
    ]  # fmt: skip
    event_fields = [
        "id",
        "case",
        "at",
        "actor",
        "actor_label",
        "verb",
        "from_status",
        "to_status",
        "text",
        "public",
    ]
    feedback_fields = ["id", "case", "rating", "comment", "disputed", "at"]
    ratings = [Rating.SATISFIED] * 7 + [Rating.BASIC] * 2 + [Rating.UNSATISFIED]
    extra_events = max(0, round(s.events_per_case) - 5)

    def flush():
        loader.insert(Case, case_fields, cases)
        loader.insert(CaseEvent, event_fields, events)
        loader.insert(Feedback, feedback_fields, feedbacks)
        cases.clear()
        events.clear()
        feedbacks.clear()

    # Per compound, the ids a case row needs (read once, not per case).
    where = {
        c.pk: (c.pk, c.parent_id, w.communities_by_id[c.parent_id].parent_id, w.office[c.parent_id].pk,
               w.rc[c.parent_id].pk, w.buildings[c.pk])
        for c in compounds
    }  # fmt: skip
    board_where = where[board.pk]
    others_where = [where[c.pk] for c in others]
    for n in range(s.cases):
        pk = first_case + n
        compound_id, community_id, street_id, office_id, rc_id, building_ids = (
            board_where if n % every == 0 else others_where[rng.randrange(len(others_where))]
        )
        created = start_dt = _aware(start, int(span * n / s.cases) + rng.randrange(3600))
        age = (w.today - created.date()).days
        category = CATEGORY_VALUES[rng.randrange(len(CATEGORY_VALUES))]
        text = CATEGORY_TEXT[category]
        roll = rng.random()
        if age > 45 or roll < 0.5:
            status = Status.CLOSED if roll < 0.9 else Status.RESOLVED
        else:
            status = open_statuses[rng.randrange(len(open_statuses))]
        case_class = (
            ""
            if status == Status.NEW
            else (
                CaseClass.ROUTINE if roll < 0.8 else CaseClass.MAJOR if roll < 0.9 else CaseClass.BEYOND_REMIT
            )
        )
        responded = created + dt.timedelta(hours=rng.randint(1, 70)) if status != Status.NEW else None
        resolved = closed = None
        due_from = due_days = due_on = None
        step = Step.CLASSIFY
        t = responded or created
        if status in (Status.RESOLVED, Status.CLOSED):
            resolved = t + dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
            step = Step.FEEDBACK if status == Status.RESOLVED else Step.DONE
            if status == Status.CLOSED:
                closed = resolved + dt.timedelta(days=rng.randint(1, 7))
        elif status != Status.NEW:
            step = Step.HANDLE
        if status in (Status.NEW, Status.HANDLING, Status.COORDINATING, Status.MONITORING):
            due_from = (responded or created).date()
            due_days = 2 if status == Status.NEW else 5
            due_on = due_from + dt.timedelta(days=due_days + 2 * (due_days // 5))
        last = closed or resolved or responded or created
        rating = ratings[rng.randrange(10)] if resolved and rng.random() < 0.75 else ""
        cases.append(
            (
                pk, f"{created.date():%Y%m%d}-{pk:05d}", secrets.token_urlsafe(24), compound_id,
                community_id, street_id, building_ids[pk % len(building_ids)], f"{pk % 3 + 1}单元", category,
                text, f"{text}，希望尽快处理。", Source.RESIDENT if roll < 0.7 else Source.GRID, "",
                case_class, status, step, office_id if status != Status.NEW else None,
                rc_id if status != Status.NEW else None, responded, created.date() + dt.timedelta(days=3),
                resolved, closed, 3, created, last, due_from, due_days, due_on,
                "已安排人员处理" if status not in (Status.NEW,) else "", "已处理完毕" if resolved else "", rating,
            )
        )  # fmt: skip
        events.append(
            (next(eid), pk, start_dt, None, "反映人", "submit", "", Status.NEW, "收到问题反映", True)
        )
        if responded:
            events.append(
                (
                    next(eid),
                    pk,
                    responded,
                    office_id,
                    "居委会",
                    "classify",
                    Status.NEW,
                    Status.HANDLING,
                    "已受理",
                    True,
                )
            )
            for k in range(extra_events + (2 if not resolved else 1 if rng.random() < 0.45 else 0)):
                events.append(
                    (
                        next(eid), pk, responded + dt.timedelta(hours=6 * (k + 1)), office_id, "居委会",
                        "progress", Status.HANDLING, Status.HANDLING, "已联系物业上门查看", k % 2 == 0,
                    )
                )  # fmt: skip
        if resolved:
            events.append(
                (
                    next(eid),
                    pk,
                    resolved,
                    office_id,
                    "居委会",
                    "resolve",
                    Status.HANDLING,
                    Status.RESOLVED,
                    "已办结",
                    True,
                )
            )
            if rating:
                at = resolved + dt.timedelta(hours=rng.randint(2, 100))
                feedbacks.append((next(fid), pk, rating, "", False, at))
                events.append((next(eid), pk, at, None, "反映人", "feedback", "", Status.RESOLVED, "", False))
        if closed:
            events.append(
                (next(eid), pk, closed, None, "系统", "close", Status.RESOLVED, Status.CLOSED, "已关闭", True)
            )
        if len(cases) >= 20_000:
            flush()
    flush()
    w.counts["cases"] = s.cases
    w.counts["case_events"] = next(eid) - first_event
    w.counts["feedbacks"] = next(fid) - first_feedback


# --- meetings ----------------------------------------------------------------------------------------------


def build_meetings(w: World, rng: random.Random) -> None:
    """Bimonthly joint meetings per community (JM-3), each with agenda items, resolutions, notice and minutes."""
    s = w.shape
    per = max(1, -(-s.meetings // len(w.communities)))
    mid = itertools.count(loader.next_id(Meeting))
    aid = itertools.count(loader.next_id(AgendaItem))
    rid = itertools.count(loader.next_id(Resolution))
    did = itertools.count(loader.next_id(MeetingDocument))
    meetings, items, resolutions, documents = [], [], [], []
    kinds = [AgendaKind.POLICY, AgendaKind.COMMON, AgendaKind.COORDINATION]
    first = dt.date(w.today.year, w.today.month, 1)
    made = 0
    for community in w.communities:
        rc = w.rc[community.pk]
        office = w.office[community.pk]
        for k in range(per):
            if made >= s.meetings:
                break
            made += 1
            months_back = 2 * (per - 1 - k)
            y, m = divmod(first.year * 12 + first.month - 1 - months_back, 12)
            day = dt.date(y, m + 1, 20)
            held = day < w.today
            pk = next(mid)
            meetings.append(
                (
                    pk, community.pk, Meeting.Kind.REGULAR, f"{y}-{m + 1:02d}", f"{community.name}{y}年{m + 1}月联席会议",
                    day, Meeting.Status.CLOSED if held else Meeting.Status.PLANNED, "社区党群服务中心会议室",
                    day - dt.timedelta(days=20), day - dt.timedelta(days=7), day if held else None,
                    uuid.uuid4().hex[:22], _aware(day - dt.timedelta(days=21), 32400), office.pk,
                )
            )  # fmt: skip
            for position, kind in enumerate(kinds):
                item = next(aid)
                items.append(
                    (
                        item, community.pk, pk, kind, f"{community.name}议题{position + 1}", "",
                        AgendaItem.Source.RESIDENTS_COMMITTEE, _aware(day - dt.timedelta(days=10), 36000),
                        AgendaItem.Status.ACCEPTED, position,
                    )
                )  # fmt: skip
                if held and position:
                    done = rng.random() < 0.85
                    resolutions.append(
                        (
                            next(rid), pk, item, community.pk, "由物业服务企业牵头整改，居委会督办", rc.pk,
                            "done" if done else "open", _aware(day + dt.timedelta(days=9), 36000) if done else None,
                            _aware(day, 39600), day, 10, day + dt.timedelta(days=14),
                        )
                    )  # fmt: skip
            for kind, title in (("notice", "会议通知"), ("minutes", "会议纪要")):
                if kind == "minutes" and not held:
                    continue
                signed = _aware(day + dt.timedelta(days=2 if kind == "minutes" else -7), 36000)
                documents.append(
                    (
                        next(did), pk, kind, f"{community.name}{y}年{m + 1}月联席会议{title}",
                        f"{title}正文", {}, 1, signed, 1, office.pk, signed, signed,
                    )
                )  # fmt: skip
    loader.insert(
        Meeting,
        ["id", "community", "kind", "period", "title", "date", "status", "venue", "agenda_opens_on",
         "agenda_closes_on", "held_on", "checkin_token", "created_at", "created_by"],
        meetings,
    )  # fmt: skip
    loader.insert(
        AgendaItem,
        [
            "id",
            "community",
            "meeting",
            "kind",
            "title",
            "description",
            "source",
            "raised_at",
            "status",
            "position",
        ],
        items,
    )
    loader.insert(
        Resolution,
        ["id", "meeting", "agenda_item", "community", "text", "owner", "status", "done_at", "created_at",
         "due_from", "due_working_days", "due_on"],
        resolutions,
    )  # fmt: skip
    loader.insert(
        MeetingDocument,
        ["id", "meeting", "kind", "title", "body", "content", "version", "updated_at", "signed_version",
         "signed_by", "signed_at", "distributed_at"],
        documents,
    )  # fmt: skip
    w.counts.update(
        meetings=len(meetings),
        agenda_items=len(items),
        resolutions=len(resolutions),
        documents=len(documents),
    )


# --- publicity ---------------------------------------------------------------------------------------------


def _content(item_kind, party, compound, contract, rng, year):
    if item_kind == ItemKind.COMMITMENT:
        return board_demo._commitment(party, rng, 1.0)
    if item_kind == ItemKind.PRICE_DISPLAY:
        return board_demo._price_display(compound, contract, rng)
    if item_kind == ItemKind.INCOME_STATEMENT:
        return board_demo._income_statement(compound, contract, rng)
    if item_kind == ItemKind.COMMON_INCOME:
        return board_demo._common_income(rng, "业主委员会")
    return board_demo._maintenance_fund(compound, rng, year)


def build_boards(w: World, rng: random.Random) -> None:
    """Each compound's obligations over `board_years` years (publicity.services.obligations_for), published
    mostly on time, each version hashed and chained per compound exactly as `_append_version` does."""
    s = w.shape
    item_id = itertools.count(loader.next_id(BoardItem))
    version_id = itertools.count(loader.next_id(ItemVersion))
    items, versions, chains = [], [], []
    item_fields = [
        "id", "compound", "kind", "party", "organisation", "title", "period_key", "period_label", "period_start",
        "period_end", "due_on", "status", "current", "version", "first_published_at", "changed_at", "created_at",
    ]  # fmt: skip
    version_fields = [
        "id", "item", "compound", "number", "seq", "title", "content", "withdrawn", "note", "published_at",
        "published_by", "prev_digest", "digest",
    ]  # fmt: skip
    years = [w.today.year - k for k in range(s.board_years - 1, -1, -1)]
    for compound in w.compounds:
        contract = w.contract.get(compound.pk)
        obligations = {}
        for year in years:
            on = w.today if year == w.today.year else dt.date(year, 12, 31)
            for ob in publicity.obligations_for(
                compound, today=on, contract=contract, oc=w.oc.get(compound.pk), rc=w.rc[compound.parent_id]
            ):
                obligations.setdefault((ob.kind, ob.period_key, ob.party), ob)
        pending = []  # (published_at, item_row_index, title, content, publisher)
        for ob in obligations.values():
            pk = next(item_id)
            publish = ob.due_on <= w.today and rng.random() < 0.96
            row = [
                pk, compound.pk, ob.kind, ob.party, ob.organisation.pk if ob.organisation else None, ob.title,
                ob.period_key, ob.period_label, ob.period_start, ob.period_end, ob.due_on,
                ItemStatus.PUBLISHED if publish else ItemStatus.DUE, None, 0, None, None,
                _aware(ob.period_start or ob.due_on, 0),
            ]  # fmt: skip
            items.append(row)
            if not publish:
                continue
            late = rng.random() < 0.08
            day = ob.due_on + dt.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 15))
            day = min(day, w.today - dt.timedelta(days=1))
            year = int(ob.period_key[:4]) if ob.period_key[:4].isdigit() else w.today.year
            content = publicity.contents_roundtrip(_content(ob.kind, ob.party, compound, contract, rng, year))
            publisher = ob.organisation.name if ob.organisation else ""
            pending.append((_aware(day, 32400 + rng.randrange(28800)), row, ob.title, content, publisher))
            if rng.random() < 0.22 and day < w.today - dt.timedelta(days=10):
                pending.append(
                    (_aware(day + dt.timedelta(days=7), 36000), row, ob.title, content, publisher + " 更正")
                )
        pending.sort(key=lambda p: (p[0], p[1][0]))
        prev = ""
        for seq, (at, row, title, content, publisher) in enumerate(pending, start=1):
            vid = next(version_id)
            number = row[13] + 1
            note = "" if number == 1 else "更正数据"
            payload = {
                "compound": compound.pk,
                "item": row[0],
                "number": number,
                "seq": seq,
                "title": title,
                "content": content,
                "withdrawn": False,
                "note": note,
                "published_at": stamp(at),
                "published_by": publisher,
                "prev": prev,
            }
            digest = digest_of(payload)
            versions.append(
                (
                    vid,
                    row[0],
                    compound.pk,
                    number,
                    seq,
                    title,
                    content,
                    False,
                    note,
                    at,
                    publisher,
                    prev,
                    digest,
                )
            )
            prev = digest
            row[12], row[13], row[15] = vid, number, at
            if row[14] is None:
                row[14] = at
        if pending:
            chains.append(
                BoardChain(
                    compound=compound, length=len(pending), head_digest=prev, updated_at=pending[-1][0]
                )
            )
        if len(items) > 20_000:
            _flush_boards(items, versions, item_fields, version_fields)
    _flush_boards(items, versions, item_fields, version_fields)
    BoardChain.objects.bulk_create(chains, batch_size=2000)
    w.counts["board_items"] = BoardItem.objects.count()
    w.counts["board_versions"] = ItemVersion.objects.count()


def _flush_boards(items, versions, item_fields, version_fields):
    # An item points at its current version and a version at its item; both foreign keys are deferred to
    # the end of the transaction, so the order of the two inserts does not matter.
    loader.insert(BoardItem, item_fields, (tuple(r) for r in items))
    loader.insert(ItemVersion, version_fields, versions)
    items.clear()
    versions.clear()


# --- appraisal ---------------------------------------------------------------------------------------------


def build_appraisal(w: World, rng: random.Random) -> Round | None:
    """A published standard per street (the services), this year's open rounds and their anonymous ballots."""
    s = w.shape
    admin = w.admin
    year = w.today.year
    n_rounds = max(2, min(len(w.communities), 21))
    round_communities = w.communities[:n_rounds]
    streets = {c.parent_id for c in round_communities}
    for street in [s_ for s_ in w.streets if s_.pk in streets]:
        standard = appraisal.create_standard(
            actor=admin,
            street=street,
            name=f"{street.name}考评标准",
            drop_extremes=True,
            indicator_weight="0.2",
        )
        appraisal.add_default_criteria(actor=admin, standard=standard)
        appraisal.publish_standard(actor=admin, standard=standard)
    rounds = []
    for community in round_communities:
        rounds.append(
            appraisal.open_round(
                actor=admin,
                community=community,
                year=year,
                opens_on=dt.date(year, 11, 1),
                closes_on=dt.date(year, 12, 31),
            )
        )
    big = rounds[0]
    rest = s.ballots - s.big_round
    plan = [(big, s.big_round)] + [(r, rest // (len(rounds) - 1)) for r in rounds[1:]]
    total = 0
    for rnd, count in plan:
        form = appraisal.ballot_form(rnd)
        variants = [
            loader.RawJson(json.dumps(appraisal_demo.answers_to(form, rng, rng.random()), ensure_ascii=False))
            for _ in range(64)
        ]
        picks = [rng.randrange(64) for _ in range(count)]
        loader.insert(
            Ballot,
            ["id", "round", "channel", "paper_sheet", "answers"],
            ((uuid.uuid4(), rnd.pk, Ballot.Channel.LINK, "", variants[i]) for i in picks),
        )
        tally_bulk_ballots(rnd, variants, picks)
        Round.objects.filter(pk=rnd.pk).update(ballots_cast=count)
        total += count
    w.counts["appraisal_rounds"] = len(rounds)
    w.counts["ballots"] = total
    w.counts["criteria"] = Criterion.objects.filter(standard__in=Standard.objects.all()).count()
    w.counts["subjects"] = Subject.objects.filter(round__in=rounds).count()
    return big


def tally_bulk_ballots(rnd: Round, variants: list, picks: list[int]) -> None:
    """The round's running tally for ballots written in bulk: exactly what `cast_ballot` adds one ballot at a
    time (`sanfang.appraisal.tally`), so closing the round reads it and `sanfang appraisal tally` agrees.
    `variants` are the distinct answer sets (dicts or already-encoded JSON), `picks` each ballot's variant."""
    per_variant = Counter(picks)
    counts: Counter = Counter()
    for i, times in per_variant.items():
        answers = json.loads(variants[i]) if isinstance(variants[i], str) else variants[i]
        for key, n in tally.count_answers([answers]).items():
            counts[key] += n * times
    tally.add_counts(rnd.pk, counts)


# --- campaigns ---------------------------------------------------------------------------------------------


def build_campaigns(w: World, rng: random.Random) -> None:
    """One rectification campaign per county: every compound surveyed, a third investigated, with problems."""
    admin = w.admin
    today = w.today
    for county in w.counties:
        campaign = campaigns.open_campaign(
            actor=admin,
            county=county,
            title=f"{county.name}住宅小区物业收费不透明专项整治",
            survey_due=today + dt.timedelta(days=10),
            investigation_due=today + dt.timedelta(days=40),
            report_due=today + dt.timedelta(days=20),
        )
        surveys = []
        for compound in w.compounds:
            if not compound.path.startswith(county.path):
                continue
            contract = w.contract.get(compound.pk)
            roll = rng.random()
            status = (
                SurveyStatus.APPROVED
                if roll < 0.6
                else SurveyStatus.SUBMITTED
                if roll < 0.85
                else SurveyStatus.DRAFT
            )
            surveys.append(
                CompoundSurvey(
                    campaign=campaign,
                    compound=compound,
                    community_id=compound.parent_id,
                    street_id=w.communities_by_id[compound.parent_id].parent_id,
                    name=compound.name,
                    address=compound.address,
                    year_built=compound.year_built,
                    buildings=4,
                    households=compound.households,
                    company=contract.company if contract else None,
                    company_name=contract.company.name if contract else "",
                    has_owners_committee=compound.pk in w.oc,
                    status=status,
                    submitted_at=timezone.now() if status != SurveyStatus.DRAFT else None,
                    filled_by=w.office[compound.parent_id],
                )
            )
        CompoundSurvey.objects.bulk_create(surveys, batch_size=2000)
        investigations = [
            Investigation(
                survey=s,
                investigators="街道、社区联合调查组",
                conclusion=rng.choice([Conclusion.COMPLIANT, Conclusion.MOSTLY, Conclusion.NON_COMPLIANT]),
                status=Investigation.Status.RECTIFYING,
                opened_by=admin,
            )
            for s in surveys
            if s.status == SurveyStatus.APPROVED and rng.random() < 0.5
        ]
        Investigation.objects.bulk_create(investigations, batch_size=2000)
        problems = []
        for inv in investigations:
            for k in range(2):
                problems.append(
                    Problem(
                        investigation=inv,
                        description="未按规定公示共有部分经营收益" if k else "收费项目未明码标价",
                        owner_label="物业服务企业",
                        due_on=today + dt.timedelta(days=rng.randint(-10, 30)),
                        rectified_at=timezone.now() if rng.random() < 0.4 else None,
                    )
                )
        Problem.objects.bulk_create(problems, batch_size=2000)
        reports = [
            ProgressReport(campaign=campaign, street=street, stats={})
            for street in w.streets
            if street.path.startswith(county.path)
        ]
        ProgressReport.objects.bulk_create(reports)
    w.counts["campaign_surveys"] = CompoundSurvey.objects.count()


# --- entry point -------------------------------------------------------------------------------------------


def _database_cpu() -> float | None:
    """CPU seconds used so far by the PostgreSQL server process serving this connection, when it runs on this
    machine and /proc shows it (None otherwise); SQLite's work is in this process's own CPU time."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        stat = open(f"/proc/{pid}/stat").read()  # noqa: SIM115, PTH123
    except OSError:
        return None
    if "(postgres" not in stat:
        return None  # a remote server: that id is some other process here, or none
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def build(
    scale: str = "city", seed: int = 2026, today: dt.date | None = None, log=print, steps: tuple = STEPS
) -> World:
    """Generate the data set into the configured database (migrated, without another benchmark set);
    `steps` (always with the directory) lets the test suite build only what a test needs."""
    if Place.objects.filter(code="BX01").exists():
        raise RuntimeError("the benchmark data set is already loaded in this database")
    w = World(shape=SCALES[scale], today=today or timezone.localdate())
    rng = random.Random(seed)
    wanted = set(steps) | {"directory"}
    steps = [
        ("directory", build_directory, []),
        ("cases", build_cases, [Case, CaseEvent, Feedback]),
        ("meetings", build_meetings, [Meeting, AgendaItem, Resolution, MeetingDocument]),
        ("boards", build_boards, [BoardItem, ItemVersion]),
        ("appraisal", build_appraisal, []),
        ("campaigns", build_campaigns, []),
    ]
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # Build-time only: a bigger page cache, and no fsync per commit (a crash just means building again).
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -400000")
            cur.execute("PRAGMA synchronous = OFF")
    started, cpu, db_cpu = time.monotonic(), time.process_time(), _database_cpu()
    steps = [s_ for s_ in steps if s_[0] in wanted]
    for name, step, bulk in steps:
        t0 = time.monotonic()
        with transaction.atomic(), loader.bulk_mode(bulk):
            step(w, rng)
            if name == "directory":
                w.communities_by_id = {c.pk: c for c in w.communities}
        w.timings[name] = time.monotonic() - t0
        log(f"  {name:<10} {w.timings[name]:7.1f} s")
    # The directory was bulk-loaded without signals: no person's scope cached before may be served after it.
    stamps.bump(SCOPE_DIRECTORY_STAMP)
    loader.reset_sequences(
        [
            Place,
            Case,
            CaseEvent,
            Feedback,
            Meeting,
            AgendaItem,
            Resolution,
            MeetingDocument,
            BoardItem,
            ItemVersion,
        ]
    )
    t0 = time.monotonic()
    loader.check_foreign_keys([m for _n, _s, bulk in steps for m in bulk])
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    w.timings["check+analyze"] = time.monotonic() - t0
    w.timings["total"] = time.monotonic() - started
    # The generator's own CPU time: on a shared machine the wall time above also counts waiting for a core.
    w.timings["generator_cpu"] = time.process_time() - cpu
    if db_cpu is not None:  # PostgreSQL on this machine: its server process's CPU time for this connection
        w.timings["database_cpu"] = _database_cpu() - db_cpu
    log(
        f"  {'total':<10} {w.timings['total']:7.1f} s (CPU: generator {w.timings['generator_cpu']:.1f} s, "
        f"database {w.timings.get('database_cpu', 0):.1f} s)"
    )
    return w
