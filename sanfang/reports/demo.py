"""Demo reports (PN-4, PN-5). The home compound (幸福家园) gets one report of every type through the services:
received, with opinions answered and some left unanswered (one overdue and flagged), one oral report recorded by
the joint meeting office, one on the meeting agenda; a bounded set of other compounds gets a quarterly
common-income report each (bulk-created)."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sanfang.core.demo import DemoContext
from sanfang.core.errors import DomainError
from sanfang.directory.models import Organisation, OrgKind, Position

from . import permissions, services
from .kinds import ReportType
from .models import Mode, Opinion, RecipientKind, Report, ReportRecipient, Status

OTHER_COMPOUNDS = {"small": 30, "county": 80, "city": 80}


def _at(ctx: DemoContext, days_ago: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(ctx.today - dt.timedelta(days=days_ago), dt.time(hour, 0)))


def populate(ctx: DemoContext) -> None:
    compound = ctx.home_compound
    p = ctx.personas
    oc = (permissions.reporting_orgs_for(p["oc"], compound, ReportType.FUND_USE) or [None])[0]
    company = (permissions.reporting_orgs_for(p["company"], compound, ReportType.STAFF_CHANGE) or [None])[0]
    if oc is None or company is None:
        return
    year = ctx.today.year

    def file(actor, org, report_type, title, summary, fields, days_ago, **kw):
        return services.file_report(
            actor=actor,
            compound=compound,
            report_type=report_type,
            reporting_org=org,
            title=title,
            summary=summary,
            fields=fields,
            now=_at(ctx, days_ago),
            **kw,
        )

    def receive(actor, report, days_after=0, hours=2):
        # suppressed: this persona's organisation may not be among the recipients, or already received it
        with contextlib.suppress(DomainError, PermissionDenied):
            services.mark_received(
                actor=actor,
                report=report,
                now=report.submitted_at + dt.timedelta(days=days_after, hours=hours),
            )

    # 1. Maintenance-fund use: two opinions, one answered, one overdue and flagged.
    fund = file(
        p["oc"],
        oc,
        ReportType.FUND_USE,
        "关于使用专项维修资金翻新3栋屋面防水的报告",
        "3栋顶层 8 户反映雨季屋面渗漏，经业主大会表决，拟使用专项维修资金翻新屋面防水层。",
        {
            "item": "3栋屋面防水翻新",
            "amount": "86000",
            "owners_consent": "96",
            "area_consent": "72.5",
            "application_date": (ctx.today - dt.timedelta(days=26)).isoformat(),
            "apportionment": "3栋全体业主按专有部分面积分摊",
        },
        25,
    )
    for who in ("street", "party", "office"):
        receive(p[who], fund)
    op = services.give_opinion(
        actor=p["street"],
        report=fund,
        text="请补充三家以上施工单位的比价材料，并在小区公示施工方案不少于 7 日。",
        now=fund.submitted_at + dt.timedelta(days=1),
    )
    services.answer_opinion(
        actor=p["oc"],
        opinion=op,
        answer="已补充三家施工单位报价（附后），施工方案已于公示栏公示 7 日，无异议。",
        now=op.created_at + dt.timedelta(days=3),
    )
    services.give_opinion(
        actor=p["rc"],
        report=fund,
        text="请说明顶层以外业主的分摊比例及告知方式。",
        now=fund.submitted_at + dt.timedelta(days=2),
    )

    # 2. Change of the project manager: received by everyone, no opinions, closed.
    staff = file(
        p["company"],
        company,
        ReportType.STAFF_CHANGE,
        "关于变更幸福家园项目经理的报告",
        "因工作调整，原项目经理调任公司总部，新任项目经理自下月 1 日起到岗。",
        {
            "post": "项目经理",
            "previous_person": "王强",
            "new_person": "李明",
            "new_contact": "0714-7300102",
            "effective_date": (ctx.today - dt.timedelta(days=30)).isoformat(),
            "reason": "原项目经理调任公司总部；新任项目经理持物业管理师证书，有 6 年住宅项目经验。",
        },
        40,
    )
    for who in ("street", "party", "office", "rc"):
        receive(p[who], staff)
    services.close_report(actor=p["company"], report=staff, version=staff.version, now=_at(ctx, 35))

    # 3. Common-part income, reported orally to the joint meeting office and recorded there.
    oral = services.record_oral_report(
        actor=p["office"],
        compound=compound,
        report_type=ReportType.COMMON_INCOME,
        reporting_org=oc,
        oral_reporter="业委会主任",
        oral_at=_at(ctx, 3, 15),
        title=f"{year}年第三季度共有部分经营收益情况（口头报告）",
        summary="业委会主任在联席会议办公室口头报告本季度电梯广告、地面停车收益及使用情况。",
        fields={
            "period": f"{year}年第三季度",
            "items": "电梯轿厢广告 12 部、地面临时停车 40 个车位",
            "income": "18600",
            "costs": "2400",
            "use": "扣除管理成本后 16200 元转入小区专项维修资金账户",
        },
        recipients=[RecipientKind.JOINT_MEETING, RecipientKind.PARTY_ORG, RecipientKind.RESIDENTS_COMMITTEE],
        now=_at(ctx, 3, 16),
    )
    services.give_opinion(
        actor=p["party"],
        report=oral,
        text="请业委会在公示栏公示收益明细，并在下次联席会议上书面说明。",
        now=_at(ctx, 2, 9),
    )

    # 4. Facility works, put on the joint meeting agenda.
    works = file(
        p["oc"],
        oc,
        ReportType.FACILITY_WORKS,
        "关于更换小区监控系统的报告",
        "小区监控设备已使用 9 年，约 40% 摄像头失效，拟整体更换为高清网络监控。",
        {
            "facility": "小区公共区域视频监控系统",
            "works": "更换摄像头 64 个、硬盘录像机 4 台，新增车库出入口人脸抓拍 2 处",
            "budget": "128000",
            "contractor": "待比选确定",
            "planned_start": (ctx.today + dt.timedelta(days=30)).isoformat(),
            "planned_end": (ctx.today + dt.timedelta(days=60)).isoformat(),
            "funding": "公共收益 6 万元，其余申请使用专项维修资金",
        },
        15,
    )
    receive(p["office"], works)
    receive(p["party"], works, hours=20)
    with contextlib.suppress(DomainError):  # no meetings app, or no meeting to put it on
        services.propose_to_agenda(actor=p["oc"], report=works, now=_at(ctx, 14))

    # 5. Renewal of the property company: closed after its opinion was answered.
    hiring = file(
        p["oc"],
        oc,
        ReportType.COMPANY_HIRING,
        "关于续聘安居物业服务有限公司的报告",
        "物业服务合同将于年底到期，业主大会表决同意续聘现物业服务企业。",
        {
            "action": "renew",
            "company_name": company.name,
            "decision_date": (ctx.today - dt.timedelta(days=65)).isoformat(),
            "method": "negotiation",
            "consent_ratio": "78.6",
            "contract_term": f"{year + 1}年1月1日至{year + 3}年12月31日",
            "reason": "年度满意度测评 86 分；续聘合同增加电梯维保公示、季度收支公示条款。",
        },
        60,
    )
    for who in ("street", "party", "office", "rc"):
        receive(p[who], hiring)
    op = services.give_opinion(
        actor=p["office"],
        report=hiring,
        text="续聘合同文本请报联席会议办公室备案。",
        now=hiring.submitted_at + dt.timedelta(days=2),
    )
    services.answer_opinion(actor=p["oc"], opinion=op, answer="合同文本已报送备案。", now=_at(ctx, 55))
    services.close_report(actor=p["oc"], report=hiring, version=hiring.version, now=_at(ctx, 54))

    # 6. Owners' Committee member change: just submitted, nobody has received it yet.
    file(
        p["oc"],
        oc,
        ReportType.OC_ELECTION,
        "关于业主委员会委员变更的报告",
        "业委会委员 1 名因房屋出售申请辞去委员职务，经业主大会补选产生新委员。",
        {
            "change_kind": "by_election",
            "assembly_date": (ctx.today - dt.timedelta(days=6)).isoformat(),
            "members": "新任委员：张华（5栋业主）",
            "term_start": (ctx.today - dt.timedelta(days=5)).isoformat(),
            "term_end": (ctx.today + dt.timedelta(days=700)).isoformat(),
            "vote_summary": "参与表决业主 412 户，占总户数 68%；同意 389 户，专有部分面积占比 70.2%。",
        },
        5,
    )
    services.flag_unanswered(now=timezone.now())
    _others(ctx, compound)


def _others(ctx: DemoContext, home) -> None:
    """A common-income report per compound for a bounded set of other compounds (bulk; no notices)."""
    limit = OTHER_COMPOUNDS.get(ctx.scale, 30)
    ocs = list(
        Organisation.objects.filter(
            kind=OrgKind.OWNERS_COMMITTEE, place__in=ctx.compounds().exclude(pk=home.pk)
        )
        .select_related("place")
        .order_by("place__path", "pk")[:limit]
    )
    heads = {
        pos.organisation_id: pos.person
        for pos in Position.objects.current()
        .filter(organisation__in=ocs)
        .select_related("person")
        .order_by("pk")
    }
    communities = {}
    reports = []
    for n, oc in enumerate(ocs):
        if oc.pk not in heads:
            continue
        compound = oc.place
        community = communities.get(compound.parent_id) or compound.community
        communities[compound.parent_id] = community
        income = 6000 + (n * 1733) % 20000
        reports.append(
            Report(
                type=ReportType.COMMON_INCOME,
                mode=Mode.WRITTEN,
                status=Status.RECEIVED if n % 3 else Status.CLOSED,
                compound=compound,
                community=community,
                reporting_org=oc,
                author=heads[oc.pk],
                title=f"{compound.name}上季度共有部分经营收益报告",
                summary="电梯广告、地面停车等共有部分经营收益及使用情况。",
                fields={
                    "period": "上季度",
                    "items": "电梯广告、地面停车",
                    "income": f"{income}.00",
                    "costs": f"{income // 8}.00",
                    "use": "转入专项维修资金",
                },
                submitted_at=_at(ctx, 10 + n % 40),
                closed_at=None if n % 3 else _at(ctx, 5),
            )
        )
    Report.objects.bulk_create(reports, batch_size=500)
    recipient_orgs = {cid: permissions.recipient_orgs(c) for cid, c in communities.items()}
    rows = []
    for report in reports:
        for kind, org in recipient_orgs[report.community.pk].items():
            rows.append(
                ReportRecipient(
                    report=report,
                    kind=kind,
                    organisation=org,
                    received_at=report.submitted_at + dt.timedelta(days=1),
                )
            )
    ReportRecipient.objects.bulk_create(rows, batch_size=1000)
    # A few carry an opinion from the party organisation; every third is still unanswered (never on a closed one).
    party_heads = {
        pos.organisation_id: pos.person
        for pos in Position.objects.current()
        .filter(organisation__in=[r.organisation for r in rows if r.kind == RecipientKind.PARTY_ORG])
        .select_related("person")
        .order_by("pk")
    }
    opinions = []
    by_report = {}
    for row in rows:
        if row.kind == RecipientKind.PARTY_ORG:
            by_report[row.report_id] = row
    for i, report in enumerate(reports[::4]):
        row = by_report.get(report.pk)
        if row is None or row.organisation_id not in party_heads:
            continue
        op = Opinion(
            report=report,
            recipient=row,
            author=party_heads[row.organisation_id],
            text="请在小区公示栏公示收益明细。",
            created_at=report.submitted_at + dt.timedelta(days=2),
        )
        op.set_deadline(timezone.localtime(op.created_at).date(), 5)
        if i % 3 or report.status == Status.CLOSED:
            op.answer, op.answered_at, op.answered_by = (
                "已公示。",
                op.created_at + dt.timedelta(days=2),
                report.author,
            )
        opinions.append(op)
    Opinion.objects.bulk_create(opinions, batch_size=500)
