"""Demo bulletins (PN-3). The home community (城东社区) gets a realistic run through the services: urgent ones
acknowledged in time, some late, one escalated to the party organisation and the street, one still open;
a bounded number of other communities get a couple of acknowledged bulletins each (bulk-created)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanfang.core.demo import DemoContext
from sanfang.directory.models import Organisation, OrgKind

from . import links, permissions, services
from .models import Bulletin, BulletinRecipient, Topic, Urgency

OTHER_COMMUNITIES = {"small": 20, "county": 60, "city": 60}


def _at(ctx: DemoContext, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(ctx.today - dt.timedelta(days=days_ago), dt.time(hour, minute))
    )


def _orgs_of(person, community) -> list[Organisation]:
    return permissions.sender_orgs_for(person, community)


def populate(ctx: DemoContext) -> None:
    community = ctx.home_community
    compound = ctx.home_compound
    p = ctx.personas
    parties = permissions.community_parties(community)
    by_kind: dict[str, list[Organisation]] = {}
    for org in parties:
        by_kind.setdefault(org.kind, []).append(org)
    party_org = (by_kind.get(OrgKind.PARTY_ORG) or [None])[0]
    rc = (by_kind.get(OrgKind.RESIDENTS_COMMITTEE) or [None])[0]
    company = (_orgs_of(p["company"], community) or [None])[0]
    oc = (_orgs_of(p["oc"], community) or [None])[0]
    if not (party_org and rc and company and oc):
        return
    now = timezone.now()

    def send(actor, sender, recipients, title, body, urgency, days_ago, hour, minute=0, **kw):
        return services.send_bulletin(
            actor=actor,
            community=community,
            sender_org=sender,
            recipient_orgs=recipients,
            title=title,
            body=body,
            urgency=urgency,
            now=_at(ctx, days_ago, hour, minute),
            **kw,
        )

    def ack(actor, bulletin, org, minutes_after, note=""):
        services.acknowledge(
            actor=actor,
            bulletin=bulletin,
            organisation=org,
            note=note,
            now=bulletin.sent_at + dt.timedelta(minutes=minutes_after),
        )

    three = [party_org, rc, oc]
    b = send(
        p["company"],
        company,
        three,
        "2栋电梯困人故障，人员已安全解救，电梯停运检修",
        "今日 7:40 2栋1单元电梯困人，维保人员 15 分钟内到场解救，无人受伤。电梯主板故障，已停运检修，"
        "预计明日 18:00 前恢复。检修期间安排保安协助老人上下楼。",
        Urgency.URGENT,
        40,
        8,
        10,
        topic=Topic.EMERGENCY,
        compound=compound,
    )
    ack(p["rc"], b, rc, 20, "已知悉，居委会通知楼栋长")
    ack(p["oc"], b, oc, 50, "业委会将跟进维保记录")
    ack(p["party"], b, party_org, 70)

    b = send(
        p["oc"],
        oc,
        [company, rc],
        "多名业主反映地下车库照明不足、夜间出行不安全",
        "近一周业委会收到 12 位业主反映 B 区车库约三分之一灯具不亮，请物业排查更换并告知完成时间。",
        Urgency.IMPORTANT,
        30,
        19,
        topic=Topic.PROBLEMS,
        compound=compound,
    )
    ack(p["rc"], b, rc, 60 * 3)
    ack(p["company"], b, company, 60 * 30, "已安排电工，本周内完成更换")  # late: 24 h window

    b = send(
        p["rc"],
        rc,
        [company, oc],
        "台风蓝色预警：请立即加固高空设施、清理阳台花盆",
        "气象台发布台风蓝色预警，预计今夜至明日有 8~9 级大风。请物业立即检查广告牌、空调外机支架、"
        "屋顶设施，并通过业主群提醒住户收起阳台花盆。",
        Urgency.URGENT,
        20,
        14,
        topic=Topic.EMERGENCY,
    )
    ack(p["oc"], b, oc, 55, "已在业主群转发")
    ack(p["company"], b, company, 60 * 3 + 10, "已加固完毕")  # late: 2 h window

    send(
        p["company"],
        company,
        three,
        "二次供水水箱清洗消毒完成",
        "本月二次供水水箱清洗消毒已完成，水质检测报告已张贴在各单元公告栏。",
        Urgency.NORMAL,
        10,
        16,
        topic=Topic.PROGRESS,
        compound=compound,
    )
    send(
        p["party"],
        party_org,
        [rc, oc, company],
        "联席会议议定事项进展（第三季度）",
        "1. 车库照明更换已完成；2. 电梯维保记录已公示；3. 楼道堆物清理完成 80%，剩余部分本月底前完成。",
        Urgency.NORMAL,
        7,
        10,
        topic=Topic.PROGRESS,
    )
    case = _a_case(compound)
    b = send(
        p["rc"],
        rc,
        [company, oc],
        "3栋化粪池外溢，居民投诉气味严重",
        "网格员巡查发现 3栋北侧化粪池外溢，污水流至人行道。请物业立即组织清掏，业委会协助通知住户。",
        Urgency.URGENT,
        2,
        9,
        topic=Topic.PROBLEMS,
        compound=compound,
        case_ref=case or "",
    )
    ack(p["company"], b, company, 40, "清掏车已出发")
    # the Owners' Committee never signed: the sweep escalates it to the party organisation and then the street
    services.escalate_overdue(now=b.ack_due_at + dt.timedelta(minutes=5))
    services.escalate_overdue(now=b.ack_due_at + dt.timedelta(hours=2, minutes=10))

    recent = now - dt.timedelta(minutes=30)
    services.send_bulletin(
        actor=p["company"],
        community=community,
        sender_org=company,
        recipient_orgs=[rc, oc],
        title="小区东门道闸故障，临时人工放行",
        body="东门道闸控制板损坏，今日起临时人工登记放行，预计两天内修复。",
        urgency=Urgency.URGENT,
        topic=Topic.PROBLEMS,
        compound=compound,
        now=recent,
    )
    _others(ctx, community)


def _a_case(compound) -> str | None:
    """The tracking number of one of the compound's cases, when the cases app has demo data (linked softly)."""
    model = links.case_model()
    if model is None:
        return None
    return (
        model.objects.filter(compound=compound).order_by("pk").values_list("tracking_no", flat=True).first()
    )


def _others(ctx: DemoContext, home) -> None:
    """Two acknowledged bulletins per community in a bounded set of other communities (bulk, no notices)."""
    limit = OTHER_COMMUNITIES.get(ctx.scale, 20)
    communities = list(ctx.communities().exclude(pk=home.pk).order_by("path")[:limit])
    orgs = Organisation.objects.filter(
        place__in=communities, kind__in=(OrgKind.PARTY_ORG, OrgKind.RESIDENTS_COMMITTEE)
    ).order_by("pk")
    by_place: dict[int, dict[str, Organisation]] = {}
    for org in orgs:
        by_place.setdefault(org.place_id, {}).setdefault(org.kind, org)
    from sanfang.directory.models import Position

    heads = {
        pos.organisation_id: pos.person
        for pos in Position.objects.current()
        .filter(organisation__in=orgs)
        .select_related("person")
        .order_by("pk")
    }
    subjects = [
        ("楼道堆物集中清理安排", "本周六上午组织楼道堆物集中清理，请各方派员参加。", Urgency.NORMAL),
        (
            "强降雨期间请加强地下空间巡查",
            "预计未来三天有强降雨，请加强地下车库、配电房巡查。",
            Urgency.URGENT,
        ),
    ]
    bulletins, pairs = [], []
    for n, community in enumerate(communities):
        found = by_place.get(community.pk, {})
        rc, party = found.get(OrgKind.RESIDENTS_COMMITTEE), found.get(OrgKind.PARTY_ORG)
        if not (rc and party and rc.pk in heads and party.pk in heads):
            continue
        for i, (title, body, urgency) in enumerate(subjects):
            sent = _at(ctx, 5 + (n * 3 + i * 11) % 50, 9 + i * 5)
            minutes = 120 if urgency == Urgency.URGENT else None
            bulletins.append(
                Bulletin(
                    community=community,
                    sender_org=rc,
                    author=heads[rc.pk],
                    topic=Topic.PROBLEMS,
                    urgency=urgency,
                    title=title,
                    body=body,
                    sent_at=sent,
                    ack_minutes=minutes,
                    ack_due_at=sent + dt.timedelta(minutes=minutes) if minutes else None,
                )
            )
            late = ctx.rng.random() < 0.2
            pairs.append((party, heads[party.pk], sent + dt.timedelta(minutes=150 if late else 45)))
    Bulletin.objects.bulk_create(bulletins, batch_size=500)
    BulletinRecipient.objects.bulk_create(
        [
            BulletinRecipient(bulletin=b, organisation=org, acknowledged_by=person, acknowledged_at=at)
            for b, (org, person, at) in zip(bulletins, pairs, strict=True)
        ],
        batch_size=500,
    )
