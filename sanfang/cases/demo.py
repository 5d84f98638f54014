"""Demo cases: every class and route in the home community (through the services, so timelines and audit
are real), a major matter held at the CS-7 gate, and a bounded number of routine cases elsewhere."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from sanfang.core.demo import DemoContext
from sanfang.core.errors import DomainError
from sanfang.directory.models import Building, Organisation, OrgKind

from . import services
from .models import Case, CaseClass, CaseEvent, Rating, Source, Summons

OTHER_COMPOUNDS = 24  # bounded, whatever the scale

ROUTINE_TEXTS = [
    ("sanitation", "垃圾分类投放点气味大，清运不及时"),
    ("facilities", "单元门禁对讲机损坏，老人进出不便"),
    ("greening", "楼前绿化带杂草丛生，蚊虫多"),
    ("parking", "消防通道长期被私家车占用"),
    ("security", "小区东门道闸故障，外来车辆随意进出"),
    ("facilities", "地下车库照明灯坏了一半"),
]


def _backdate(case: Case, days: int) -> None:
    """Spread a freshly created case's timeline back in time, so the demo reads like real history: the
    events, the response and the running deadline move back together (an old open case may be overdue)."""
    delta = dt.timedelta(days=days)
    start = timezone.now() - delta
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
    step = delta / (len(events) + 1)
    for i, ev in enumerate(events):
        at = start + step * i
        if step >= dt.timedelta(days=1):
            # Office hours read more naturally than the arithmetic's 01:23.
            at = timezone.localtime(at).replace(hour=9 + (i * 3) % 8, minute=(i * 17) % 60)
        CaseEvent.objects.filter(pk=ev.pk).update(at=at)
    case = Case.objects.get(pk=case.pk)
    updates: dict = {"created_at": start, "updated_at": start + step * max(len(events) - 1, 0)}
    if case.responded_at:
        updates["responded_at"] = start + step
    for field in ("resolved_at", "closed_at"):
        if getattr(case, field):
            updates[field] = updates["updated_at"]
    for field in ("due_from", "due_on", "response_due_on"):
        value = getattr(case, field)
        if value and case.case_class != CaseClass.LEGACY:
            updates[field] = value - delta
    Case.objects.filter(pk=case.pk).update(**updates)
    # Summonses happened in the second half of the case's life.
    half = delta / 2
    for s in Summons.objects.filter(case=case):
        changes: dict = {"issued_at": s.issued_at - half}
        if s.reported_at:
            changes["reported_at"] = s.reported_at - half
        if s.due_on:
            changes["due_from"] = s.due_from - half if s.due_from else None
            changes["due_on"] = s.due_on - half
        Summons.objects.filter(pk=s.pk).update(**changes)


def populate(ctx: DemoContext) -> None:
    if Case.objects.filter(compound=ctx.home_compound).exists():
        return  # already populated
    with transaction.atomic():
        _home(ctx)
    _elsewhere(ctx)


def _home(ctx: DemoContext) -> None:
    p = ctx.personas
    compound = ctx.home_compound
    office, company, oc, party = p["office"], p["company"], p["oc"], p["party"]
    resident, street, dept = p["resident"], p["street"], p["dept"]
    building = Building.objects.filter(compound=compound).order_by("id").first()
    anon = AnonymousUser()

    def submit(actor, category, text, **kw):
        return services.submit_case(
            actor=actor,
            compound=compound,
            category=category,
            title=kw.pop("title", ""),
            description=text,
            building=building,
            unit=kw.pop("unit", "1单元"),
            **kw,
        )

    # 1. Routine, solved and rated (CS-2).
    c = submit(resident, "facilities", "2单元楼道感应灯不亮，晚上上下楼很危险")
    services.classify_case(actor=office, case=c, case_class=CaseClass.ROUTINE)
    services.resolve_case(actor=company, case=c, solution="物业已更换2单元1至6层感应灯，并检查了其他单元线路")
    services.give_feedback(actor=resident, case=c, rating=Rating.SATISFIED, comment="修得很快，谢谢")
    _backdate(c, 40)

    # 2. Routine, being handled by the three (CS-2).
    c = submit(anon, "sanitation", "垃圾清运不及时，3号楼旁垃圾桶满溢", reporter_contact="19900009901")
    services.classify_case(actor=office, case=c, case_class=CaseClass.ROUTINE)
    services.update_progress(actor=company, case=c, text="已与环卫公司协调，清运改为每日两次，观察一周")
    _backdate(c, 3)

    # 3. Routine the three could not solve: preliminary opinion, RC coordination (CS-2).
    c = submit(resident, "facilities", "5号楼屋顶漏水，顶楼两户墙面发霉", unit="3单元")
    services.classify_case(actor=office, case=c, case_class=CaseClass.ROUTINE)
    services.cannot_solve(
        actor=company,
        case=c,
        opinion="屋面防水层已过保修期，修复约需4.6万元，超出日常维修范围，建议申请使用专项维修资金，报居委会协调",
    )
    _backdate(c, 12)

    # 4. Routine bounced between company and Owners' Committee until it escalated by itself (CS-5).
    c = submit(resident, "parking", "地面停车位划线不清，业主与租户经常为车位争吵")
    services.classify_case(actor=office, case=c, case_class=CaseClass.ROUTINE)
    company_org = Organisation.objects.serving(compound).first()
    oc_org = Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE, place=compound).first()
    if company_org and oc_org:
        try:
            services.hand_over(actor=office, case=c, to_org=company_org, reason="车位划线属物业日常管理")
            for i in range(4):
                actor, to = (company, oc_org) if i % 2 == 0 else (oc, company_org)
                services.hand_over(
                    actor=actor,
                    case=c,
                    to_org=to,
                    reason="车位分配需业委会决定" if i % 2 == 0 else "划线施工由物业负责",
                )
        except DomainError:
            pass
    _backdate(c, 15)

    # 5. Major: investigation with the parties, a hearing, report to the party org and the office (CS-3, CS-6).
    c = submit(resident, "elevator", "2号楼电梯一个月停运4次，有老人被困", title="2号楼电梯频繁故障")
    services.classify_case(actor=office, case=c, case_class=CaseClass.MAJOR)
    services.record_engagement(
        actor=office,
        case=c,
        kind="home_visit",
        held_on=ctx.today - dt.timedelta(days=10),
        participants_count=6,
        summary="走访2号楼高层住户，了解被困经过和出行需求",
        outcome="确认有3户行动不便老人，需优先保障",
    )
    services.record_investigation(
        actor=office,
        case=c,
        held_on=ctx.today - dt.timedelta(days=7),
        participants=[
            {"role": "residents_committee", "name": office.name},
            {"role": "compound_party_org", "name": p.get("cparty", office).name},
            {"role": "owners_committee", "name": oc.name},
            {"role": "property_company", "name": company.name},
            {"role": "stakeholder", "name": "电梯维保单位"},
            {"role": "resident_rep", "name": "2号楼楼栋长"},
        ],
        findings="电梯已运行16年，主机和控制柜老化，维保记录显示近半年故障11次",
        proposed_solution="申请使用专项维修资金更换主机和控制柜，施工期间安排临时助老服务",
    )
    services.record_engagement(
        actor=oc,
        case=c,
        kind="hearing",
        held_on=ctx.today - dt.timedelta(days=3),
        participants_count=38,
        summary="就更换电梯主机方案和维修资金分摊召开听证会",
        outcome="到会业主34人同意方案",
    )
    services.report_major(actor=office, case=c, put_on_agenda=True)
    _backdate(c, 25)

    # 6. Beyond remit: the street is summoned, two departments are summoned, one answers, one is late (CS-4).
    c = submit(
        resident, "water_power", "小区二次供水设施老化，高层经常停水，水质发黄", title="二次供水设施老化"
    )
    services.classify_case(actor=office, case=c, case_class=CaseClass.BEYOND_REMIT)
    services.propose_summons(
        actor=office,
        case=c,
        proposal="二次供水设施移交和改造涉及住建、市场监管等部门，超出三方职责，建议向街道吹哨",
    )
    summons = services.issue_street_summons(
        actor=party, case=c, request="请街道协调住建、市场监管部门解决二次供水设施改造和水质检测"
    )
    departments = list(Organisation.objects.filter(kind=OrgKind.DEPARTMENT, is_demo=True).order_by("id")[:2])
    if len(departments) == 2:
        children = services.summon_departments(
            actor=street, summons=summons, to_orgs=departments, request="请于期限内报到，提出改造和检测方案"
        )
        for child in children:
            if child.to_org.positions.filter(person=dept).exists():
                services.report_in(
                    actor=dept,
                    summons=child,
                    reply="已将该小区二次供水设施纳入今年老旧小区改造计划",
                    actions="下月进场勘察，年内完成改造",
                )
            else:
                # The other department has let its deadline pass (shown as overdue to the street).
                late = ctx.today - dt.timedelta(days=4)
                Summons.objects.filter(pk=child.pk).update(due_on=late)
    _backdate(c, 20)

    # 7. Legacy: periodic reviews, the three parties' joint explanation (CS-5).
    c = submit(resident, "building", "小区建成20年仍未办理不动产权证，业主无法交易", title="不动产权证办理难")
    services.classify_case(actor=office, case=c, case_class=CaseClass.LEGACY)
    services.record_review(
        actor=office, case=c, progress="已报街道和县住建局，开发商已注销，正在补办竣工验收手续"
    )
    exp = services.record_explanation(
        actor=office,
        case=c,
        held_on=ctx.today - dt.timedelta(days=5),
        content="在小区广场向业主说明办证受阻的历史原因、当前进度和下一步计划，请业主理解并支持",
    )
    for signer in (oc, company):
        with contextlib.suppress(DomainError):
            services.sign_explanation(actor=signer, explanation=exp)
    _backdate(c, 60)

    # 8. Fresh reports waiting for the office to classify.
    submit(anon, "noise", "夜间有商户装卸货物噪音很大", reporter_contact="19900009902")
    submit(p["grid"], "security", "巡查发现7号楼消防栓无水", source=Source.GRID)

    # 9. CS-7: a fee adjustment held at the gate (only the street has acknowledged); a fund use let through.
    fee = services.open_matter(
        actor=oc, compound=compound, kind="fee_change", title="物业费由每月1.2元/平方米调整为1.5元/平方米"
    )
    services.invite(actor=office, matter=fee, party="street")
    services.invite(actor=office, matter=fee, party="party_org")
    services.acknowledge(actor=street, matter=fee, party="street", note="街道将派员参加听证")
    fund = services.open_matter(
        actor=oc, compound=compound, kind="fund_use", title="使用维修资金更换2号楼电梯主机"
    )
    services.invite(actor=office, matter=fund, party="street")
    services.invite(actor=office, matter=fund, party="party_org")
    services.acknowledge(actor=street, matter=fund, party="street")
    services.acknowledge(actor=party, matter=fund, party="party_org")
    services.advance_matter(actor=oc, matter=fund)


def _elsewhere(ctx: DemoContext) -> None:
    """A bounded number of routine cases in other compounds (fast at city scale)."""
    home = ctx.home_compound
    compounds = list(ctx.compounds().exclude(pk=home.pk).order_by("path")[:OTHER_COMPOUNDS])
    for i, compound in enumerate(compounds):
        category, text = ROUTINE_TEXTS[i % len(ROUTINE_TEXTS)]
        with transaction.atomic():
            case = services.submit_case(
                actor=AnonymousUser(), compound=compound, category=category, title="", description=text
            )
            lead = services.directory.epmc_lead_for(case.community)
            if lead is None or i % 3 == 0:
                continue
            try:
                services.classify_case(actor=lead.person, case=case, case_class=CaseClass.ROUTINE)
            except DomainError:
                continue
            if i % 3 == 2:
                services.resolve_case(actor=lead.person, case=case, solution="已协调物业处理完毕")
                services.give_feedback(
                    actor=None,
                    case=case,
                    token=case.follow_token,
                    rating=ctx.rng.choice(
                        [Rating.SATISFIED, Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED]
                    ),
                )
        _backdate(case, ctx.rng.randint(1, 30))
    Case.objects.filter(compound__is_demo=True).update(is_demo=True)
