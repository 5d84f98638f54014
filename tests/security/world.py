"""One populated world for the security tests: `make_world()` plus an object of every kind in compound A1.

The permission matrix fills every URL parameter from these objects, so each route is probed against a real row
that lies in community A / compound A1: in scope for the world's insiders, out of scope for its outsiders.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from sanfang.core.testing import PERSONAS as WORLD_PERSONAS
from sanfang.core.testing import XSS, World, make_resident, make_world

# A Thursday in December 2026: the appraisal round is open, meetings and deadlines fall on working days.
NOW = dt.datetime(2026, 12, 10, 10, 0, tzinfo=dt.UTC)

# The matrix columns, in this order: the administrator, every persona of the world, then anonymous.
PERSONAS = ("admin", *(p for p in WORLD_PERSONAS if p != "admin"), "anonymous")


@dataclass
class Objects:
    """Primary keys and codes the matrix puts into URLs (all of them in community A, most in compound A1)."""

    world: World
    ids: dict[str, object] = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.ids[key]


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def build() -> Objects:
    """Create the world and one object of every kind a URL names (call with time frozen at NOW)."""
    world = make_world()
    objects = Objects(world=world)
    ids = objects.ids
    ids["compound"] = world.compound_a1.code
    ids["community"] = world.community_a.code
    ids["street"] = world.street_a.code
    ids["street_id"] = world.street_a.pk
    ids["organisation"] = world.oc_a1.pk
    ids["company"] = world.company_x.pk
    ids["year"] = 2026
    _directory(world, ids)
    _meetings(world, ids)
    _cases(world, ids)
    _publicity(world, ids)
    _bulletins(world, ids)
    _reports(world, ids)
    _appraisal(world, ids)
    _campaigns(world, ids)
    _inbox(world, ids)
    _jobs(world, ids)
    return objects


def _directory(world: World, ids: dict) -> None:
    from sanfang.core.api_auth import issue_token
    from sanfang.directory.models import Position, ServiceContract

    pending = make_resident(world.compound_a1, verified=False)
    ids["residency"] = pending.residencies.get().pk
    ids["verified_residency"] = world.resident.residencies.get().pk  # on the residents' register
    ids["position"] = Position.objects.get(person=world.compound_party_head).pk
    ids["contract"] = ServiceContract.objects.get(compound=world.compound_a1).pk
    token, _raw = issue_token(world.county_official, "matrix")
    ids["token"] = token.pk


def _meetings(world: World, ids: dict) -> None:
    from sanfang.meetings import services

    meeting, _created = services.create_regular_meeting(world.community_a, 2026, 12)
    ids["meeting"] = meeting.pk
    ids["participant"] = meeting.participants.order_by("pk").first().pk
    ids["checkin_token"] = meeting.checkin_token
    item = services.raise_item(
        actor=world.oc_member, community=world.community_a, kind="common", title=f"停车难{XSS}"
    )
    services.screen_item(actor=world.epmc_lead, item=item, decision="accept")
    ids["item"] = item.pk
    notice = services.draft_notice(actor=world.epmc_lead, meeting=meeting)
    ids["document"] = notice.pk
    # An October meeting already held carries the resolution (resolutions follow a held meeting, JM-5).
    october, _created = services.create_regular_meeting(world.community_a, 2026, 10)
    for participant in october.participants.all():
        services.record_attendance(actor=world.epmc_lead, participant=participant, present=True)
    services.mark_held(actor=world.epmc_lead, meeting=october, held_on=dt.date(2026, 10, 28))
    ids["held_meeting"] = october.pk
    resolution = services.add_resolution(
        actor=world.epmc_lead,
        meeting=october,
        text=f"清理楼道杂物{XSS}",
        owner=world.company_x,
        working_days=5,
    )
    ids["resolution"] = resolution.pk
    note = services.add_progress(
        actor=world.company_head,
        resolution=resolution,
        text=f"已清理 3 栋楼道{XSS}",
        evidence=SimpleUploadedFile("清理前后照片.pdf", b"%PDF-1.4 evidence", "application/pdf"),
    )
    ids["evidence_note"] = note.pk
    summary = services.generate_summary(
        actor=world.epmc_lead, community=world.community_a, kind="half_year", year=2026, half=1
    )
    ids["summary"] = summary.pk
    ids["summary_action"] = "sign"


def _cases(world: World, ids: dict) -> None:
    from sanfang.cases import services

    case = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="facilities",
        title=f"楼道灯坏了{XSS}",
        description=f"3栋楼道灯坏了一个月没人修{XSS}",
        photos=[SimpleUploadedFile("a.png", _png(), content_type="image/png")],
    )
    ids["case"] = case.pk
    ids["tracking_no"] = case.tracking_no
    ids["follow_token"] = case.follow_token
    ids["photo"] = case.photos.get().pk
    ids["case_action"] = "classify"
    case = services.classify_case(actor=world.epmc_lead, case=case, case_class="beyond_remit")
    services.propose_summons(actor=world.epmc_lead, case=case, proposal=f"需住建部门协调{XSS}")
    summons = services.issue_street_summons(
        actor=world.party_secretary, case=case, request="请街道协调住建部门处理二次供水"
    )
    children = services.summon_departments(
        actor=world.street_official, summons=summons, to_orgs=[world.department], request="请住建部门报到"
    )
    ids["summons"] = children[0].pk
    legacy = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="facilities",
        title=f"产权证未办{XSS}",
        description="历史遗留的产权证问题",
    )
    legacy = services.classify_case(actor=world.epmc_lead, case=legacy, case_class="legacy")
    explanation = services.record_explanation(
        actor=world.epmc_lead, case=legacy, held_on=NOW.date(), content=f"向居民说明{XSS}"
    )
    ids["legacy_case"] = legacy.pk
    ids["explanation"] = explanation.pk
    matter = services.open_matter(
        actor=world.company_head, compound=world.compound_a1, kind="fee_change", title=f"调整物业费{XSS}"
    )
    ids["matter"] = matter.pk
    ids["matter_action"] = "advance"


def _publicity(world: World, ids: dict) -> None:
    from sanfang.publicity import services
    from sanfang.publicity.models import BoardItem, ItemKind

    services.ensure_schedule(compounds=[world.compound_a1, world.compound_a2, world.compound_b1])
    item = BoardItem.objects.filter(
        compound=world.compound_a1, kind=ItemKind.COMMITMENT, party="property_company"
    ).first()
    services.publish_item(
        actor=world.company_head,
        item=item,
        content={"entries": [{"text": f"24 小时内响应报修{XSS}", "status": "kept", "note": ""}]},
        version=item.version,
    )
    ids["board_item"] = item.pk


def _bulletins(world: World, ids: dict) -> None:
    from sanfang.bulletins import services

    bulletin = services.send_bulletin(
        actor=world.company_head,
        community=world.community_a,
        sender_org=world.company_x,
        recipient_orgs=[world.party_org_a, world.rc_a, world.oc_a1],
        title=f"停水通知{XSS}",
        body="明日 9:00-12:00 二次供水水箱清洗。",
        compound=world.compound_a1,
    )
    ids["bulletin"] = bulletin.pk


def _reports(world: World, ids: dict) -> None:
    from sanfang.reports import services
    from sanfang.reports.tests.factories import file_fund_use

    report = file_fund_use(world, attachment=SimpleUploadedFile("业主大会决议.pdf", b"%PDF-1.4 x"))
    ids["report"] = report.pk
    ids["report_type"] = str(report.type.value if hasattr(report.type, "value") else report.type)
    opinion = services.give_opinion(actor=world.street_official, report=report, text=f"请补充表决材料{XSS}")
    ids["opinion"] = opinion.pk


def _appraisal(world: World, ids: dict) -> None:
    from sanfang.appraisal import services
    from sanfang.appraisal.models import Level, Participant, Scale

    standard = services.create_standard(
        actor=world.street_official, street=world.street_a, name="兴国镇评议标准"
    )
    services.add_default_criteria(actor=world.street_official, standard=standard)
    standard = services.publish_standard(actor=world.street_official, standard=standard)
    ids["standard"] = standard.pk
    ids["criterion"] = standard.criteria.order_by("pk").first().pk
    rnd = services.open_round(actor=world.street_official, community=world.community_a, year=2026)
    services.sync_participants(actor=world.party_secretary, round=rnd)
    services.add_participant(
        actor=world.epmc_lead, round=rnd, person=world.resident, category=Participant.Category.RESIDENT_REP
    )
    subject = rnd.subjects.get(organisation=world.company_x)
    services.submit_self_report(
        actor=world.company_head,
        subject=subject,
        mode="document",
        text=f"述职要点{XSS}",
        file=SimpleUploadedFile("述职报告.pdf", b"%PDF-1.4 self-report", "application/pdf"),
    )
    ids["subject"] = subject.pk
    links = services.issue_links(actor=world.party_secretary, round=rnd)
    voter = rnd.participants.get(person=world.resident)
    # The resident votes (and spends their link); the RC member's link stays unused.
    unused = next(url for p, url in links if p.person_id == world.rc_member.pk)
    ids["ballot_token"] = unused.rstrip("/").rsplit("/", 1)[-1]
    answers = {
        str(block["subject"].pk): {
            str(c.pk): (90 if c.scale == Scale.SCORE else Level.SATISFIED) for c in block["criteria"]
        }
        for block in services.ballot_form(rnd)
    }
    services.cast_ballot(participant=voter, answers=answers)
    rnd = services.close_round(actor=world.party_secretary, round=rnd)
    rnd = services.publish_results(actor=world.party_secretary, round=rnd)
    objection = services.raise_objection(actor=world.resident, round=rnd, text=f"评分有误{XSS}")
    ids["round"] = rnd.pk
    ids["objection"] = objection.pk


def _campaigns(world: World, ids: dict) -> None:
    from sanfang.campaigns import services
    from sanfang.campaigns.models import EpmcActivity

    campaign = services.open_campaign(
        actor=world.county_official,
        county=world.county,
        title=f"收费信息不透明问题专项整治{XSS}",
        purpose="让业主明明白白消费",
        survey_due=dt.date(2026, 12, 20),
        investigation_due=dt.date(2026, 12, 25),
        report_due=dt.date(2026, 12, 28),
    )
    ids["campaign"] = campaign.pk
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    survey = services.save_survey(
        actor=world.rc_member,
        survey=survey,
        version=survey.version,
        address=f"兴国镇城东路1号{XSS}",
        year_built=2008,
        households=320,
        fee_standard="住宅 1.20 元/㎡·月",
    )
    survey = services.submit_survey(actor=world.rc_member, survey=survey, version=survey.version)
    survey = services.review_survey(
        actor=world.street_official, survey=survey, approve=True, version=survey.version
    )
    survey = services.review_survey(
        actor=world.county_official, survey=survey, approve=True, version=survey.version
    )
    ids["survey"] = survey.pk
    investigation = services.open_investigation(actor=world.rc_member, survey=survey)
    ids["investigation"] = investigation.pk
    problem = services.add_problem(
        actor=world.rc_member,
        investigation=investigation,
        description=f"未公示停车费{XSS}",
        owner=world.company_x,
        working_days=10,
    )
    ids["problem"] = problem.pk
    report = services.report_for(campaign, world.street_a)
    ids["progress_report"] = report.pk
    activity = services.record_epmc_activity(
        actor=world.epmc_lead,
        community=world.community_a,
        date=NOW.date() - dt.timedelta(days=3),
        kind=EpmcActivity.Kind.INSPECTION,
        title=f"环境卫生巡查{XSS}",
        content="巡查公共区域",
        participants=[world.epmc_lead, world.rc_member],
        files=[SimpleUploadedFile("签到表.pdf", b"%PDF-1.4", "application/pdf")],
    )
    ids["epmc_attachment"] = activity.attachments.get().pk


def _inbox(world: World, ids: dict) -> None:
    from sanfang.core.models import Message

    ids["message"] = Message.objects.filter(recipient=world.party_secretary).order_by("pk").first().pk


def _jobs(world: World, ids: dict) -> None:
    """A finished export of the county official's (issue 8.5): only its owner may see it or its file."""
    from sanfang.core import jobs

    job = jobs.submit(
        actor=world.county_official,
        kind="campaigns.rollup_xlsx",
        title="导出进展汇总表",
        params={"campaign": ids["campaign"]},
        place=world.county,
    )
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == job.State.DONE, job.error
    ids["job"] = job.pk
