"""Demo boards: every demo compound gets its obligations; a bounded set gets realistic published history.

The home compound (幸福家园) shows every section with versions that changed through the year and one overdue
quarter; the others are published mostly on time, some late, some not at all (overdue on their boards).
Publishing goes through the services (so every version is hashed and chained) with back-dated moments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from sanfang.core.demo import DemoContext
from sanfang.core.errors import DomainError
from sanfang.directory.models import Position, ServiceContract

from . import content as contents
from . import services
from .models import BoardChain, BoardItem, ItemKind, ItemStatus, ItemVersion, Party

# How many compounds get a published history, by scale (all of them for the small and county demos).
PUBLISHED_LIMIT = {"small": 10_000, "county": 10_000, "city": 150}

COMMITMENTS = {
    Party.RESIDENTS_COMMITTEE: [
        "每月组织一次环境和物业管理委员会活动并留存专项工作资料",
        "每双月最后一周召开联席会议，议定事项按期督办",
        "居民反映的问题 2 个工作日内回应，日常问题 10 个工作日内协调解决",
        "每季度走访小区，听取业主对物业服务的意见",
    ],
    Party.OWNERS_COMMITTEE: [
        "每月 15 日在小区活动室接待业主",
        "每季度公示共有部分经营收益及使用情况",
        "监督物业服务合同履行，每半年开展一次服务评议",
        "维修资金使用严格履行业主表决程序并全程公示",
    ],
    Party.PROPERTY_COMPANY: [
        "24 小时受理报修，一般维修 24 小时内上门",
        "公共区域每日清扫两次，垃圾日产日清",
        "电梯、消防设施按规定维保并公示维保记录",
        "每年 3 月底前公示上一年度物业服务收支情况",
        "每季度开展一次业主满意度回访",
    ],
}


def _moment(day: dt.date, rng) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)))
    return timezone.make_aware(naive)


def _money(value: float) -> str:
    return str(Decimal(value).quantize(Decimal("1")))


def _commitment(party: str, rng, progress: float) -> dict:
    entries = []
    for text in COMMITMENTS[party]:
        roll = rng.random()
        if progress < 0.2:
            status = "pending"
        elif roll < progress * 0.8:
            status = "kept"
        elif roll < 0.93:
            status = "in_progress"
        else:
            status = "not_kept"
        note = {
            "kept": "已按承诺完成",
            "in_progress": "正在推进",
            "not_kept": "因资金未到位延期",
            "pending": "",
        }
        entries.append({"text": text, "status": status, "note": note[status]})
    return {"entries": entries}


def _price_display(compound, contract, rng, parking: int | None = None) -> dict:
    guided = round(rng.choice([0.8, 0.95, 1.1, 1.2, 1.35]), 2)
    return {
        "charged_party": f"{compound.name}全体业主及物业使用人",
        "service_content": "公共区域清洁卫生、秩序维护、绿化养护、共用部位及共用设施设备日常运行维护、装饰装修管理服务",
        "service_standard": rng.choice(["一级", "二级", "三级"]) + "物业服务等级标准（详见物业服务合同附件）",
        "charging_method": "住宅按建筑面积按月计收，按季度预交",
        "start_date": contract.start.isoformat(),
        "items": [
            {
                "name": "住宅物业服务费",
                "standard": f"{guided:.2f} 元/平方米·月",
                "price_form": "government_guided",
                "base_price": f"{guided:.2f} 元/平方米·月",
                "float_range": "上下浮动不超过 10%",
                "basis": "县发展和改革局住宅物业服务收费指导标准",
            },
            {
                "name": "地面停车服务费",
                "standard": f"{parking or rng.choice([60, 80, 100, 120])} 元/月·车位",
                "price_form": "market",
                "basis": "物业服务合同约定",
            },
            {
                "name": "装修垃圾清运费",
                "standard": "300 元/户（一次性）",
                "price_form": "market",
                "basis": "物业服务合同约定",
            },
        ],
        "basis": "《物业服务收费管理办法》《湖北省物业服务和使用管理条例》及物业服务合同",
        "company_phone": contract.company.phone,
    }


def _income_statement(compound, contract, rng) -> dict:
    area = float(compound.floor_area or (compound.households or 300) * 95)
    fee = area * 1.1 * 12
    budget = fee * rng.uniform(0.95, 1.05)
    raw = {
        "incomes": [
            {"name": "物业服务费", "budget": _money(budget), "actual": _money(fee * rng.uniform(0.85, 0.97))},
            {
                "name": "停车服务费",
                "budget": _money(budget * 0.1),
                "actual": _money(budget * rng.uniform(0.08, 0.12)),
            },
        ],
        "summary": f"物业费收缴率 {rng.randint(86, 98)}%；详细账目可到物业服务中心查阅。",
    }
    if contract.fee_regime == "commission":
        shares = [0.45, 0.15, 0.1, 0.06, 0.12, 0.03, 0.02, 0.02, 0.05]
        raw["costs"] = [
            {
                "category": code,
                "budget": _money(budget * 0.9 * share),
                "actual": _money(budget * 0.9 * share * rng.uniform(0.9, 1.1)),
            }
            for (code, _label), share in zip(contents.COST_CATEGORIES, shares, strict=True)
        ]
        raw["commission_basis"] = "按预收物业服务资金的 10% 提取"
        raw["commission_budget"] = _money(budget * 0.1)
        raw["commission_actual"] = _money(budget * 0.095)
    else:
        raw["costs"] = [
            {
                "label": label,
                "budget": _money(budget * share),
                "actual": _money(budget * share * rng.uniform(0.9, 1.1)),
            }
            for label, share in (
                ("人员费用", 0.5),
                ("公共设施维护", 0.15),
                ("清洁绿化", 0.15),
                ("秩序维护", 0.12),
            )
        ]
    return raw


def _common_income(rng, custodian: str) -> dict:
    ads = rng.randint(3, 15) * 1000
    parking = rng.randint(5, 40) * 1000
    venue = rng.choice([0, 0, 1200, 2400])
    incomes = [
        {"source": "advertising", "detail": "电梯轿厢及道闸广告", "amount": str(ads)},
        {"source": "parking", "detail": "地面公共车位临时停车", "amount": str(parking)},
    ]
    if venue:
        incomes.append({"source": "venue", "detail": "活动室场地租赁", "amount": str(venue)})
    uses = [{"purpose": "补充专项维修资金", "amount": str(int((ads + parking) * 0.5))}]
    if rng.random() < 0.5:
        uses.append({"purpose": "更换单元门禁", "amount": str(rng.randint(2, 8) * 1000)})
    return {
        "opening_balance": str(rng.randint(0, 30) * 1000),
        "incomes": incomes,
        "uses": uses,
        "custodian": custodian,
        "note": "收益归全体业主所有，扣除合理成本后按业主大会决定使用。",
    }


def _maintenance_fund(compound, rng, year: int) -> dict:
    households = compound.households or 300
    opening = households * rng.randint(2500, 6000)
    uses = []
    if rng.random() < 0.6:
        uses.append(
            {
                "date": dt.date(year, rng.randint(3, 11), rng.randint(1, 28)).isoformat(),
                "project": rng.choice(["屋面防水维修", "电梯主机更换", "消防管网维修", "外墙脱落隐患处理"]),
                "amount": str(rng.randint(3, 30) * 5000),
                "approval": "经专有部分面积和人数双过半业主同意",
            }
        )
    return {
        "opening_balance": str(opening),
        "deposits": str(rng.randint(0, 20) * 1000),
        "interest": str(int(opening * 0.0135)),
        "uses": uses,
        "account_bank": "阳新农村商业银行（维修资金专户）",
        "note": "",
    }


def populate(ctx: DemoContext) -> None:
    today = ctx.today
    compounds = list(ctx.compounds().select_related("parent").order_by("path"))
    services.ensure_schedule(compounds=compounds, today=today)
    home = ctx.home_compound
    community_ids = {home.parent_id}
    chosen = [c for c in compounds if c.pk == home.pk or c.parent_id in community_ids]
    chosen += [c for c in compounds if c not in chosen]
    chosen = chosen[: PUBLISHED_LIMIT.get(ctx.scale, 150)]

    ids = [c.pk for c in chosen]
    contracts = {
        c.compound_id: c
        for c in ServiceContract.objects.in_force(today)
        .filter(compound_id__in=ids)
        .select_related("company")
        .order_by("compound_id", "start")
    }
    items = list(BoardItem.objects.filter(compound_id__in=ids).select_related("compound", "organisation"))
    heads: dict[int, object] = {}
    for pos in (
        Position.objects.current(today)
        .filter(is_head=True, organisation_id__in={i.organisation_id for i in items if i.organisation_id})
        .select_related("person")
        .order_by("organisation_id", "id")
    ):
        heads.setdefault(pos.organisation_id, pos.person)
    # The personas publish for their own organisations (so the demo logins see their own work).
    for persona in ("company", "oc", "rc"):
        person = ctx.personas.get(persona)
        for pos in Position.objects.current(today).filter(person=person, is_head=True):
            heads[pos.organisation_id] = person

    by_compound: dict[int, list[BoardItem]] = {}
    for item in items:
        by_compound.setdefault(item.compound_id, []).append(item)
    plans = {}
    for compound in chosen:
        plans[compound.pk] = _populate_compound(
            compound, by_compound.get(compound.pk, []), contracts.get(compound.pk), heads, ctx, home
        )
    _bulk_publish({pk: plan for pk, plan in plans.items() if plan}, contracts, heads)


def _bulk_publish(plans: dict, contracts: dict, heads: dict) -> None:
    """The other compounds' history in bulk: the same cleaning, digests and chain as `services.publish_item`
    (the demo test verifies every chain), without one transaction per version, so a county loads in seconds."""
    if BoardChain.objects.filter(compound_id__in=list(plans)).exists():
        raise RuntimeError("the demo's bulk history needs compounds without a board history")
    versions: list[ItemVersion] = []
    chains: list[BoardChain] = []
    touched: dict[int, BoardItem] = {}
    for compound_id, plan in plans.items():
        seq, head = 0, ""
        contract = contracts.get(compound_id)
        for moment, item, raw, note in plan:
            company_name = regime = ""
            if item.kind in (ItemKind.PRICE_DISPLAY, ItemKind.INCOME_STATEMENT) and contract is not None:
                company_name, regime = contract.company.name, contract.fee_regime
            try:
                clean = contents.clean(item.kind, raw, company_name=company_name, fee_regime=regime)
            except DomainError:
                continue
            seq += 1
            number = getattr(item, "_demo_number", 0) + 1
            version = ItemVersion(
                item=item,
                compound_id=compound_id,
                number=number,
                seq=seq,
                title=item.title,
                content=services.contents_roundtrip(clean),
                withdrawn=False,
                note=note,
                published_at=moment,
                published_by=services.publisher_label(heads[item.organisation_id], item),
                prev_digest=head,
            )
            version.digest = version.compute_digest()
            head = version.digest
            versions.append(version)
            item._demo_number, item._demo_current = number, version
            item.first_published_at = item.first_published_at or moment
            item.changed_at = moment
            touched[item.pk] = item
        if seq:
            chains.append(
                BoardChain(compound_id=compound_id, length=seq, head_digest=head, updated_at=timezone.now())
            )
    ItemVersion.objects.bulk_create(versions, batch_size=500)
    for item in touched.values():  # one plain UPDATE each: far cheaper than bulk_update's CASE expressions
        BoardItem.objects.filter(pk=item.pk).update(
            version=item._demo_number,
            current=item._demo_current,
            status=ItemStatus.PUBLISHED,
            first_published_at=item.first_published_at,
            changed_at=item.changed_at,
        )
    BoardChain.objects.bulk_create(chains, batch_size=500)


def _populate_compound(compound, items, contract, heads, ctx, home) -> list:
    rng, today = ctx.rng, ctx.today
    is_home = compound.pk == home.pk
    plan: list[tuple[dt.datetime, BoardItem, dict, str]] = []
    for item in items:
        actor = heads.get(item.organisation_id)
        if actor is None or item.due_on is None:
            continue
        skip = rng.random() < (0.0 if is_home else 0.15)
        if is_home and item.kind == ItemKind.COMMON_INCOME and item.period_key == f"{today.year}Q3":
            skip = True  # the home board shows what an overdue disclosure looks like
        if skip or (item.due_on > today and rng.random() < 0.7):
            continue
        late = not is_home and rng.random() < 0.12
        day = (
            item.due_on + dt.timedelta(days=rng.randint(3, 25))
            if late
            else item.due_on - dt.timedelta(days=rng.randint(0, 12))
        )
        day = min(max(day, today - dt.timedelta(days=700)), today - dt.timedelta(days=1))
        first = _moment(day, rng)
        if item.kind == ItemKind.COMMITMENT:
            plan.append((first, item, _commitment(item.party, rng, 0.0), ""))
            for month, progress, note in ((7, 0.5, "年中更新兑现情况"), (today.month, 0.85, "更新兑现情况")):
                moment = _moment(dt.date(today.year, month, min(today.day, 20)), rng)
                if first < moment < timezone.now() and (is_home or rng.random() < 0.5):
                    plan.append((moment, item, _commitment(item.party, rng, progress), note))
        elif item.kind == ItemKind.PRICE_DISPLAY and contract is not None:
            content = _price_display(compound, contract, rng, parking=100 if is_home else None)
            plan.append((first, item, content, ""))
            if is_home or rng.random() < 0.2:
                changed = dict(content, company_phone=content["company_phone"] or "0714-7399001")
                changed["charging_method"] = "住宅按建筑面积按月计收，可按季度或按年预交"
                moment = first + dt.timedelta(days=rng.randint(20, 90))
                if moment < timezone.now():
                    plan.append((moment, item, changed, "增加按年预交方式"))
        elif item.kind == ItemKind.INCOME_STATEMENT and contract is not None:
            plan.append((first, item, _income_statement(compound, contract, rng), ""))
        elif item.kind == ItemKind.COMMON_INCOME:
            custodian = item.organisation.name if item.organisation else ""
            plan.append((first, item, _common_income(rng, custodian), ""))
        elif item.kind == ItemKind.MAINTENANCE_FUND:
            year = item.period_start.year if item.period_start else today.year - 1
            plan.append((first, item, _maintenance_fund(compound, rng, year), ""))
    plan.sort(key=lambda row: (row[0], row[1].pk))
    if not is_home:
        return plan
    # The home compound goes through the services, so its audit trail reads like real use.
    for moment, item, content, note in plan:
        item.refresh_from_db(fields=["version"])
        try:
            services.publish_item(
                actor=heads[item.organisation_id],
                item=item,
                content=content,
                version=item.version,
                note=note,
                at=moment,
            )
        except DomainError:
            continue  # e.g. a contract that ended; the board then shows the item as due or overdue
    if is_home and contract is not None:
        company_head = heads.get(contract.company_id)
        change = {
            "charge_item": "地面停车服务费",
            "old_standard": "100 元/月·车位",
            "new_standard": "120 元/月·车位",
            "effective_on": services.add_months(today, 2).isoformat(),
            "reason": "道闸系统升级及车位划线维护成本增加",
            "basis": "经业主大会表决同意（专有部分面积和人数双过半）",
        }
        if company_head is not None:
            # Without a fee-change major matter whose gate is open in the cases demo (CS-7) it is not published.
            with contextlib.suppress(DomainError):
                services.publish_charge_change(actor=company_head, compound=compound, content=change)
    return []
