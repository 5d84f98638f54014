"""Demo data for the joint meeting system.

The home community gets a year of regular meetings (agenda, attendance, signed notice and minutes, resolutions
some done, some overdue and on the next agenda), one ad-hoc meeting, the next regular meeting with its agenda
window open, and a half-year summary draft. Every other community gets its regular schedule (bulk insert,
bounded at city scale); the home street's communities also get their next regular meeting if it is due.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sanfang.core.demo import DemoContext
from sanfang.directory.models import Organisation, OrgKind, Place

from . import schedule, services
from .models import AgendaItem, Meeting, MeetingSchedule, Participant, Resolution

TOPICS = [
    ("policy", "学习《物业管理条例》修订内容及县住建局物业收费公示要求"),
    ("common", "幸福家园夜间停车难、消防通道被占用问题"),
    ("coordination", "2号楼电梯频繁停运，业主与物业协商维修方案"),
    ("rules_major", "讨论修订《幸福家园管理规约》（征求意见稿）"),
    ("common", "小区垃圾分类投放点设置与清运时间"),
    ("coordination", "物业费收缴率偏低与服务质量提升"),
    ("rules_major", "使用专项维修资金更换3号楼屋面防水层"),
    ("policy", "通报全县物业服务收费信息不透明专项整治进展"),
    ("common", "小区绿化补植与公共区域照明维修"),
    ("coordination", "业委会与物业就共有部分广告收益分配的分歧"),
    ("common", "老旧小区加装电梯意愿摸底"),
    ("policy", "学习民法典物权编业主共有权相关规定"),
]

# (agreed matter, the kind of organisation that carries it out)
RESOLUTIONS = [
    ("在东侧空地施划临时停车位40个，并清理消防通道", OrgKind.PROPERTY_COMPANY),
    ("联系电梯维保单位完成2号楼电梯全面检修并公示检修报告", OrgKind.PROPERTY_COMPANY),
    ("在小区公示栏公示管理规约修订征求意见稿，收集业主意见", OrgKind.OWNERS_COMMITTEE),
    ("协调环卫所将垃圾清运时间调整至早7点前", OrgKind.RESIDENTS_COMMITTEE),
    ("公示上半年物业费收支情况", OrgKind.PROPERTY_COMPANY),
    ("组织业主表决专项维修资金使用方案", OrgKind.OWNERS_COMMITTEE),
    ("完成路灯维修和绿化补植", OrgKind.PROPERTY_COMPANY),
    ("牵头召开共有部分收益分配协调会", OrgKind.RESIDENTS_COMMITTEE),
]


def populate(ctx: DemoContext) -> None:
    communities = list(ctx.communities().order_by("path"))
    _schedules(ctx, communities)
    with transaction.atomic():
        _home_year(ctx)
    street = ctx.home_community.street
    home_street = [c for c in communities if street and c.path.startswith(street.path)][:12]
    others = Place.objects.filter(pk__in=[c.pk for c in home_street]).exclude(pk=ctx.home_community.pk)
    services.create_upcoming_regular_meetings(ctx.today, communities=others)


def _schedules(ctx: DemoContext, communities: list[Place]) -> None:
    existing = set(
        MeetingSchedule.objects.filter(community__in=communities).values_list("community_id", flat=True)
    )
    rows = []
    for community in communities:
        if community.pk in existing:
            continue
        rows.append(
            MeetingSchedule(
                community=community,
                weekday=3 if community.pk == ctx.home_community.pk else ctx.rng.randint(0, 4),
                start_time=dt.time(ctx.rng.choice([9, 9, 10, 14, 15]), ctx.rng.choice([0, 30])),
                venue=f"{community.name}党群服务中心会议室",
            )
        )
    MeetingSchedule.objects.bulk_create(rows, batch_size=500)


def _orgs(community: Place) -> dict[str, list[Organisation]]:
    out: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.filter(place__path__startswith=community.path):
        out.setdefault(org.kind, []).append(org)
    return out


def _home_year(ctx: DemoContext) -> None:
    if Meeting.objects.filter(community=ctx.home_community).exists():
        return
    p = ctx.personas
    office, convener = p["office"], p["party"]
    community = ctx.home_community
    today = ctx.today
    orgs = _orgs(community)
    company = Organisation.objects.serving(ctx.home_compound).first()
    home_oc = Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE, place=ctx.home_compound).first()
    rc = (orgs.get(OrgKind.RESIDENTS_COMMITTEE) or [None])[0]
    owners = {
        OrgKind.PROPERTY_COMPANY: company or rc,
        OrgKind.OWNERS_COMMITTEE: home_oc or rc,
        OrgKind.RESIDENTS_COMMITTEE: rc,
    }
    raisers = [p["oc"], p["company"], p["rc"], p["party"], p["cparty"]]
    topics = iter(TOPICS * 3)
    res_texts = iter(RESOLUTIONS * 4)
    periods = schedule.periods_between(today - dt.timedelta(days=365), today - dt.timedelta(days=1))
    past = []
    for year, month in periods:
        planned = schedule.regular_date(year, month, 3)
        if planned.date >= today:
            continue
        meeting, _created = services.create_regular_meeting(community, year, month)
        past.append(meeting)
    for n, meeting in enumerate(past):
        _hold(ctx, meeting, office, convener, raisers, topics, res_texts, owners, absent=n % 2 == 1)
        _settle(ctx, meeting)
    # One ad-hoc meeting, months ago, for an emergency.
    if past:
        when = past[len(past) // 2].date + dt.timedelta(days=14)
        while when >= today:
            when -= dt.timedelta(days=7)
        adhoc = Meeting.objects.create(
            community=community,
            kind=Meeting.Kind.AD_HOC,
            title=f"{community.name}三方联动联席会议（临时会议）",
            reason="暴雨导致幸福家园地下车库进水，需紧急协调排水和车辆损失处置",
            date=when,
            start_time=dt.time(15, 0),
            venue=services.schedule_of(community).venue,
            convener=convener,
            convener_title=Meeting.objects.filter(pk=past[0].pk).values_list("convener_title", flat=True)[0],
            agenda_opens_on=when,
            agenda_closes_on=when,
            created_by=office,
        )
        services.add_default_participants(adhoc)
        _hold(ctx, adhoc, office, convener, raisers, topics, res_texts, owners, absent=False, items=1)
        _settle(ctx, adhoc)
    # The next regular meeting: agenda window open, items raised, overdue resolutions listed for follow-up.
    upcoming = None
    for year, month in schedule.periods_between(today, today + dt.timedelta(days=70)):
        upcoming, _created = services.create_regular_meeting(community, year, month)
        break
    if upcoming is not None:
        services.flag_overdue_resolutions(today)
        for person, (kind, title) in zip(
            raisers[:3], [next(topics), next(topics), next(topics)], strict=False
        ):
            services.raise_item(
                actor=person, community=community, kind=kind, title=title, description="请联席会议研究。"
            )
        first = upcoming.agenda_items.filter(status=AgendaItem.Status.PROPOSED).order_by("id").first()
        if first is not None:
            services.screen_item(actor=office, item=first, decision="accept")
    # The last complete half year's summary, as a draft for the office to finish.
    half = 1 if today.month > 6 else 2
    year = today.year if half == 1 else today.year - 1
    services.generate_summary(actor=office, community=community, kind="half_year", year=year, half=half)


def _hold(
    ctx, meeting, office, convener, raisers, topics, res_texts, owners, *, absent: bool, items: int = 2
):
    rng = ctx.rng
    for i in range(items):
        kind, title = next(topics)
        person = raisers[(meeting.pk + i) % len(raisers)]
        item = AgendaItem.objects.create(
            community=meeting.community,
            meeting=meeting,
            kind=kind,
            title=title,
            description="在本次会议上研究，请三方提出意见。",
            source=services._raiser_source(person, meeting.community)[0],  # noqa: SLF001 - demo reuses the service's mapping
            raised_by=person,
        )
        services.screen_item(actor=office, item=item, decision="accept")
    notice = services.draft_notice(actor=office, meeting=meeting)
    services.sign_off(actor=convener, document=notice, version=notice.version)
    meeting.refresh_from_db()
    for participant in meeting.participants.all():
        if absent and participant.role == Participant.Role.PROPERTY_COMPANY and rng.random() < 0.5:
            services.record_attendance(
                actor=office, participant=participant, present=False, reason="外出参加企业培训"
            )
        else:
            services.record_attendance(actor=office, participant=participant, present=True)
    services.mark_held(actor=office, meeting=meeting, held_on=meeting.date)
    meeting.refresh_from_db()
    accepted = list(meeting.agenda_items.accepted().order_by("position", "id"))
    entries = {
        str(item.pk): {
            "discussion": "责任方汇报了办理进展和未按期办结的原因。"
            if item.kind == "follow_up"
            else "三方充分发表意见，业主代表反映了具体情况。",
            "decision": "继续督办，责任方限期办结并向联席会议办公室报告。"
            if item.kind == "follow_up"
            else "会议同意按议定事项办理，由联席会议办公室督办。",
        }
        for item in accepted
    }
    services.draft_minutes(actor=office, meeting=meeting, entries=entries)
    for item in accepted:
        if item.kind == "follow_up":
            continue
        text, kind = next(res_texts)
        services.add_resolution(
            actor=office,
            meeting=meeting,
            text=text,
            owner=owners[kind],
            working_days=rng.choice([5, 10, 15, 20]),
            agenda_item=item,
        )
    minutes = meeting.documents.get(kind="minutes")
    services.sign_off(actor=convener, document=minutes, version=minutes.version)


def _settle(ctx: DemoContext, meeting: Meeting) -> None:
    """Most resolutions done on time, one in five late, one in four left open (so it becomes overdue)."""
    p = ctx.personas
    today = ctx.today
    for res in Resolution.objects.filter(meeting=meeting).select_related("owner").order_by("id"):
        if res.due_on is None or res.due_on >= today or ctx.rng.random() < 0.25:
            services.add_progress(actor=p["office"], resolution=res, text="正在推进，已约谈责任方负责人。")
            continue
        late = ctx.rng.random() < 0.2
        day = (
            res.due_on + dt.timedelta(days=3)
            if late
            else res.due_on - dt.timedelta(days=ctx.rng.randint(0, 3))
        )
        actor = p["company"] if res.owner.kind == OrgKind.PROPERTY_COMPANY else p["office"]
        services.add_progress(
            actor=actor, resolution=res, text="已按会议要求办理完毕，附现场照片。", done=True
        )
        done_at = timezone.make_aware(dt.datetime.combine(min(day, today), dt.time(16, 0)))
        Resolution.objects.filter(pk=res.pk).update(done_at=done_at)
