"""Demo data: the county's first campaign against opaque property-service charges, and EPMC records.

The story (issue 7, "done when"): the county opens the campaign; 兴国镇's Residents' Committees fill their forms one
by one and 富池镇 imports its compounds from the .xlsx template (a first file with a deliberate bad row is refused);
the forms are reviewed (one returned and corrected), in-scope compounds investigated and problems rectified; both
streets report, 富池镇 late. Every other street gets surveys in bulk (bulk_create, so "city" scale stays fast).
Dates are moved into the past after the services ran, so the campaign looks like it has been running for weeks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io

from django.db.models import Count
from django.utils import timezone, translation
from openpyxl import Workbook

from sanfang.core.demo import DemoContext
from sanfang.directory import services as directory_services
from sanfang.directory.models import (
    Building,
    Organisation,
    OrgKind,
    Person,
    Place,
    Position,
    ServiceContract,
)

from . import imports, services
from .models import (
    Campaign,
    ChecklistItem,
    CompoundSurvey,
    CompoundType,
    Conclusion,
    DisclosureStatus,
    EpmcActivity,
    ManagementMode,
    ProgressReport,
    SurveyReview,
    SurveyStatus,
)

FEE_STANDARDS = [
    "住宅 0.80 元/㎡·月",
    "住宅 1.00 元/㎡·月",
    "住宅 1.20 元/㎡·月，商铺 2.00 元/㎡·月",
    "住宅 1.50 元/㎡·月",
]
PROBLEMS = [
    ("未按规定在小区显著位置公示收费项目和标准", 10),
    ("年度物业服务收支情况未向业主公布", 15),
    ("停车、广告等共有部分经营收益未单独列账、未公示", 20),
    ("专项维修资金使用情况未公示", 15),
    ("公示内容与合同约定的收费标准不一致", 10),
]
ACTIVITIES = [
    ("meeting", "环境和物业管理委员会例会", "通报辖区小区物业服务情况，研究收费公示整改工作"),
    ("inspection", "小区环境卫生和公共设施巡查", "巡查楼道堆物、消防通道、垃圾分类点，现场交办物业整改"),
    ("coordination", "协调处理物业费争议", "约谈物业项目经理和业委会主任，协调业主对公摊电费的异议"),
    ("supervision", "督查物业服务收费公示", "逐栋检查公示栏收费项目、标准和收支情况公示"),
    ("visit", "入户走访听取居民意见", "走访老年住户，了解物业服务满意度"),
    ("publicity", "物业收费政策宣传", "在居民微信群和公示栏宣传明码标价规定"),
    ("training", "物业管理政策学习", "学习《物业管理条例》和县专项整治通知"),
]


def populate(ctx: DemoContext) -> None:
    today = ctx.today
    admin, county_person, street_person = (
        ctx.personas["admin"],
        ctx.personas["county"],
        ctx.personas["street"],
    )
    rng = ctx.rng
    streets = list(Place.objects.streets().filter(path__startswith=ctx.county.path).order_by("code"))
    if len(streets) < 2:
        return
    street_a, street_b = streets[0], streets[1]

    _epmc_records(ctx)

    campaign = services.open_campaign(
        actor=county_person,
        county=ctx.county,
        title="专业化物业服务收费信息不透明问题专项整治",
        purpose="全面摸排全县住宅小区物业服务收费公示情况，整治收费项目不公开、收支不透明的“糊涂账”，让业主明明白白消费。",
        scope="全县实行专业化物业服务的住宅小区",
        survey_due=today,
        investigation_due=today + dt.timedelta(days=20),
        report_due=today + dt.timedelta(days=20),
    )

    # 兴国镇: each community's Residents' Committee fills its own forms.
    rc_of = _rc_people(street_a)
    for compound in _story_compounds(street_a):
        actor = rc_of.get(compound.parent_id, street_person)
        survey = services.start_survey(actor=actor, campaign=campaign, compound=compound)
        survey = services.save_survey(
            actor=actor, survey=survey, version=survey.version, **_facts(survey, rng)
        )
        services.submit_survey(actor=actor, survey=survey)

    # 富池镇: the street imports its compounds from the template; the first file has a bad row and is refused.
    street_b_person = _street_official(street_b, admin)
    rows = _import_rows(street_b, rng)
    bad = [*rows[:2], {**rows[0], "小区名称": "滨江花园", "建成年份": "二〇一五年", "管理模式": "物业公司"}]
    # Refused as a whole ("第 4 行“建成年份”：应为整数……"): nothing imported.
    with contextlib.suppress(imports.ImportRejected):
        imports.import_surveys(actor=street_b_person, campaign=campaign, data=_xlsx(bad))
    result = imports.import_surveys(actor=street_b_person, campaign=campaign, data=_xlsx(rows), submit=True)
    # The compound the import registered is demo data like the rest (core.demo refuses to mix with real data).
    Place.objects.filter(pk__in=[s.compound_id for s in result.surveys], is_demo=False).update(is_demo=True)

    # Reviews: the street returns one form with comments, the RC corrects it; the county approves most.
    surveys_a = list(
        CompoundSurvey.objects.filter(campaign=campaign, street=street_a).order_by("compound__path")
    )
    returned = surveys_a[-1]
    services.review_survey(
        actor=street_person, survey=returned, approve=False, comment="户数与社区台账不一致，请核实后重新提交"
    )
    returned.refresh_from_db()
    actor = rc_of.get(returned.community_id, street_person)
    returned = services.save_survey(
        actor=actor, survey=returned, version=returned.version, households=(returned.households or 100) + 12
    )
    services.submit_survey(actor=actor, survey=returned)
    for survey in CompoundSurvey.objects.filter(campaign=campaign, street=street_a).order_by(
        "compound__path"
    ):
        survey = services.review_survey(actor=street_person, survey=survey, approve=True)
    for survey in CompoundSurvey.objects.filter(campaign=campaign, street=street_b).order_by(
        "compound__path"
    ):
        services.review_survey(actor=street_b_person, survey=survey, approve=True)
    for n, survey in enumerate(
        CompoundSurvey.objects.filter(campaign=campaign, status=SurveyStatus.STREET_APPROVED).order_by(
            "compound__path"
        )
    ):
        if n % 5 != 4:  # a few stay with the county for review
            services.review_survey(actor=county_person, survey=survey, approve=True)
    self_managed = (
        CompoundSurvey.objects.filter(campaign=campaign, street=street_a, in_scope=True)
        .order_by("-compound__path")
        .first()
    )
    if self_managed is not None:
        services.adjust_scope(
            actor=street_person,
            survey=self_managed,
            in_scope=False,
            reason="该小区物业服务合同已于本月终止，由业主自行管理，待选聘新物业后再纳入",
        )

    # Investigations of in-scope compounds in both streets, problems, follow-up and rectification.
    in_scope = list(
        CompoundSurvey.objects.filter(campaign=campaign, street__in=[street_a, street_b], in_scope=True)
        .exclude(status__in=[SurveyStatus.DRAFT, SurveyStatus.RETURNED])
        .select_related("compound", "street", "community", "company")
        .order_by("compound__path")
    )
    for n, survey in enumerate(in_scope):
        actor = street_person if survey.street_id == street_a.pk else street_b_person
        _investigate(survey, actor, n, rng)

    # Progress reports: 兴国镇 on time; 富池镇 after the deadline.
    report_a = services.report_for(campaign, street_a)
    surveyed_a = CompoundSurvey.objects.filter(campaign=campaign, street=street_a).count()
    in_scope_a = CompoundSurvey.objects.filter(campaign=campaign, street=street_a, in_scope=True).count()
    services.save_report(
        actor=street_person,
        report=report_a,
        version=report_a.version,
        basic_situation=(
            f"全镇已完成 {surveyed_a} 个住宅小区的摸排认定，纳入整治范围 {in_scope_a} 个，已全部开展调查核实。"
        ),
        measures="一是召开专项整治动员会，明确各社区分管环境和物业的委员为联络人；二是逐小区对照收费公示清单开展核查；三是对发现的问题建立台账，限期整改、销号管理。",
        problems="部分物业服务企业对共有部分经营收益单独列账、定期公示的要求认识不足；个别老旧小区业委会未成立，监督力量薄弱。",
        suggestions="建议县级统一公示模板和公示周期，将收费公示情况纳入物业服务企业信用评价。",
        contact_name="陈志强",
        contact_phone="0714-7312001",
    )
    services.submit_report(actor=street_person, report=report_a)
    report_b = services.report_for(campaign, street_b)
    services.save_report(
        actor=street_b_person,
        report=report_b,
        version=report_b.version,
        basic_situation="全镇住宅小区已通过批量导入完成摸排认定。",
        measures="组织社区入户核查，督促物业企业在公示栏补充公示收支情况。",
        problems="乡镇小区多为单位自管或无物业管理，专业化物业服务覆盖率低。",
        suggestions="建议对无物业管理小区推行社区托管或应急物业服务。",
        contact_name=street_b_person.name,
        contact_phone="0714-7388001",
    )

    _bulk_rest(campaign, rng)

    # Move the story into the past: the campaign opened six weeks ago, surveys closed three weeks ago,
    # reports were due five days ago; 兴国镇 reported on time, 富池镇 reports today (late).
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(
        opened_at=now - dt.timedelta(days=42),
        survey_due=today - dt.timedelta(days=21),
        investigation_due=today - dt.timedelta(days=7),
        report_due=today - dt.timedelta(days=5),
    )
    ProgressReport.objects.filter(pk=report_a.pk).update(
        submitted_at=now - dt.timedelta(days=6), is_late=False
    )
    campaign.refresh_from_db()
    report_b.refresh_from_db()
    services.submit_report(actor=street_b_person, report=report_b)


# ---- helpers -------------------------------------------------------------------------------------------------


# The two story streets go through the services compound by compound for their first communities only, so the
# "city" scale stays fast; everything else is created in bulk.
STORY_COMMUNITIES = 3


def _story_compounds(street: Place) -> list[Place]:
    communities = list(Place.objects.communities().filter(parent=street).order_by("path")[:STORY_COMMUNITIES])
    return list(
        Place.objects.compounds().filter(parent__in=communities).select_related("parent").order_by("path")
    )


def _rc_people(street: Place) -> dict[int, Person]:
    """The Residents' Committee member (the one in charge of the EPMC first) of each community of the street."""
    out: dict[int, Person] = {}
    for pos in (
        Position.objects.current()
        .filter(
            organisation__kind=OrgKind.RESIDENTS_COMMITTEE, organisation__place__path__startswith=street.path
        )
        .select_related("person", "organisation")
        .order_by("-leads_epmc", "-is_head", "id")
    ):
        out.setdefault(pos.organisation.place_id, pos.person)
    return out


def _street_official(street: Place, admin) -> Person:
    office = Organisation.objects.filter(kind=OrgKind.STREET, place=street).first()
    existing = Position.objects.current().filter(organisation=office).select_related("person").first()
    if existing:
        return existing.person
    person = directory_services.create_person(actor=admin, name="何志明")
    Person.objects.filter(pk=person.pk).update(is_demo=True)  # demo data stays identifiable (core.demo)
    directory_services.appoint(
        actor=admin,
        person=person,
        organisation=office,
        title="党委委员、分管物业工作",
        contact="0714-7388001",
    )
    return person


def _facts(survey: CompoundSurvey, rng) -> dict:
    facts = {
        "address": survey.address
        or f"{survey.street.name}{survey.community.name[:-2]}路{rng.randint(1, 200)}号",
        "year_built": survey.year_built or rng.randint(1995, 2020),
        "households": survey.households or rng.randint(80, 900),
        "floor_area": survey.floor_area or rng.randint(8000, 90000),
        "disclosure_status": rng.choice(DisclosureStatus.values),
    }
    if survey.management_mode == ManagementMode.PROFESSIONAL:
        facts["fee_standard"] = rng.choice(FEE_STANDARDS)
    return facts


MODE_LABEL = dict(ManagementMode.choices)
TYPE_FOR_MODE = {
    ManagementMode.PROFESSIONAL: CompoundType.PROFESSIONAL,
    ManagementMode.EMPLOYER: CompoundType.EMPLOYER,
    ManagementMode.SELF_MANAGED: CompoundType.SELF_MANAGED,
    ManagementMode.COMMUNITY: CompoundType.COMMUNITY,
    ManagementMode.NONE: CompoundType.UNMANAGED,
}


def _import_rows(street: Place, rng) -> list[dict]:
    rows = []
    contracts = {
        c.compound_id: c
        for c in ServiceContract.objects.in_force()
        .filter(compound__path__startswith=street.path)
        .select_related("company")
    }
    for compound in _story_compounds(street):
        contract = contracts.get(compound.pk)
        if contract:
            mode = ManagementMode.PROFESSIONAL
        else:
            mode = rng.choice([ManagementMode.EMPLOYER, ManagementMode.SELF_MANAGED, ManagementMode.NONE])
        rows.append(
            {
                "社区代码": compound.parent.code,
                "小区代码": compound.code,
                "小区名称": compound.name,
                "地址": compound.address or f"{street.name}{compound.parent.name}",
                "建成年份": compound.year_built or 2005,
                "楼栋数": rng.randint(3, 12),
                "户数": compound.households or 150,
                "房屋性质": "商品房" if contract else "单位房改房",
                "是否老旧小区": "是" if (compound.year_built or 2005) < 2000 else "否",
                "管理模式": str(MODE_LABEL[mode]),
                "物业服务企业": contract.company.name if contract else "",
                "合同开始日期": contract.start if contract else None,
                "合同结束日期": contract.end if contract else None,
                "收费方式": ("包干制" if contract.fee_regime == "lump_sum" else "酬金制") if contract else "",
                "收费标准": rng.choice(FEE_STANDARDS) if contract else "",
                "是否成立业委会": rng.choice(["是", "否"]),
                "收费信息公示情况": rng.choice(["已全面公示", "部分公示", "未公示"]),
                "初步认定类型": str(dict(CompoundType.choices)[TYPE_FOR_MODE[mode]]),
            }
        )
    # One compound the directory did not know yet: the import registers it.
    if rows:
        rows.append({**rows[0], "小区代码": None, "小区名称": "港湾新村", "建成年份": 2016, "户数": 268})
    return rows


def _xlsx(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    with translation.override("zh-hans"):  # the rows below are keyed by the Chinese headers
        header = [str(c.label) for c in imports.COLUMNS]
    ws.append(header)
    for row in rows:
        ws.append([row.get(label) for label in header])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _investigate(survey: CompoundSurvey, actor, n: int, rng) -> None:
    inv = services.open_investigation(actor=actor, survey=survey, investigators="街道物业办、社区分管委员")
    kind = n % 4  # 0: compliant; 1, 2: mostly compliant; 3: not compliant
    results = {}
    for item in inv.checklist.all():
        if kind == 0:
            result = ChecklistItem.Result.OK
        else:
            result = item.result or rng.choice(
                [ChecklistItem.Result.OK, ChecklistItem.Result.OK, ChecklistItem.Result.INCOMPLETE]
            )
        results[item.pk] = {"result": result, "note": "" if result == "ok" else "现场核查公示栏，内容不完整"}
    findings = "对照收费公示清单逐项核查公示栏、收费台账和合同，听取业委会和居民代表意见。"
    inv = services.update_investigation(
        actor=actor,
        investigation=inv,
        version=inv.version,
        findings=findings,
        checklist=results,
        investigated_on=timezone.localdate() - dt.timedelta(days=rng.randint(1, 12)),
    )
    if kind == 0:
        services.conclude_investigation(actor=actor, investigation=inv, conclusion=Conclusion.COMPLIANT)
        return
    owner = survey.company or Organisation.objects.serving(survey.compound).first()
    problems = []
    for text, days in rng.sample(PROBLEMS, 2 if kind == 3 else 1):
        problems.append(
            services.add_problem(
                actor=actor,
                investigation=inv,
                description=text,
                owner=owner,
                owner_label="" if owner else "业主委员会",
                working_days=days,
            )
        )
    inv.refresh_from_db()
    services.conclude_investigation(
        actor=actor,
        investigation=inv,
        conclusion=Conclusion.NON_COMPLIANT if kind == 3 else Conclusion.MOSTLY,
    )
    services.note_problem(actor=actor, problem=problems[0], text="已约谈物业项目经理，要求限期补充公示")
    if kind in (1, 3):
        services.rectify_problem(
            actor=actor, problem=problems[0], rectification="已在公示栏和业主群公示，经现场复核销号"
        )


def _bulk_prefill(compounds: list[Place]) -> dict[int, dict]:
    """The directory facts of many compounds in four queries (the services' `prefill` is one compound at a time)."""
    ids = [c.pk for c in compounds]
    contracts = {}
    for c in (
        ServiceContract.objects.in_force()
        .filter(compound_id__in=ids)
        .select_related("company")
        .order_by("start")
    ):
        contracts[c.compound_id] = c
    with_oc = set(
        Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE, place_id__in=ids).values_list(
            "place_id", flat=True
        )
    )
    buildings = dict(
        Building.objects.filter(compound_id__in=ids)
        .values("compound_id")
        .annotate(n=Count("id"))
        .values_list("compound_id", "n")
    )
    out = {}
    for c in compounds:
        contract = contracts.get(c.pk)
        out[c.pk] = {
            "contract": contract,
            "has_oc": c.pk in with_oc,
            "buildings": buildings.get(c.pk),
        }
    return out


# At "city" scale the remaining compounds beyond this many are simply not surveyed yet (shown as 未填报).
BULK_LIMIT = 1200


def _bulk_rest(campaign: Campaign, rng) -> None:
    """Every other compound: surveys in bulk, in every state of the review, so the overview has something to show."""
    compounds = list(
        Place.objects.compounds()
        .filter(path__startswith=campaign.county.path)
        .exclude(campaign_surveys__campaign=campaign)
        .select_related("parent")
        .order_by("path")[:BULK_LIMIT]
    )
    if not compounds:
        return
    streets = {c.parent.parent_id for c in compounds}
    facts = _bulk_prefill(compounds)
    statuses = [SurveyStatus.APPROVED] * 5 + [SurveyStatus.STREET_APPROVED] * 2 + [SurveyStatus.SUBMITTED] * 2
    statuses += [SurveyStatus.DRAFT]
    # Some streets are slower than others.
    slowness = {pk: rng.random() for pk in sorted(streets)}
    now = timezone.now()
    surveys = []
    for c in compounds:
        f = facts[c.pk]
        contract = f["contract"]
        status = (
            rng.choice(statuses) if rng.random() > slowness[c.parent.parent_id] * 0.6 else SurveyStatus.DRAFT
        )
        mode = (
            ManagementMode.PROFESSIONAL
            if contract
            else rng.choice([ManagementMode.EMPLOYER, ManagementMode.NONE])
        )
        surveys.append(
            CompoundSurvey(
                campaign=campaign,
                compound=c,
                community=c.parent,
                street_id=c.parent.parent_id,
                name=c.name,
                address=c.address,
                year_built=c.year_built,
                households=c.households,
                buildings=f["buildings"],
                is_old_compound=bool(c.year_built and c.year_built < 2000),
                management_mode=mode,
                company=contract.company if contract else None,
                company_name=contract.company.name if contract else "",
                contract_start=contract.start if contract else None,
                contract_end=contract.end if contract else None,
                fee_regime=contract.fee_regime if contract else "",
                fee_standard=rng.choice(FEE_STANDARDS) if contract else "",
                has_owners_committee=f["has_oc"],
                disclosure_status=rng.choice(DisclosureStatus.values),
                preliminary_type=TYPE_FOR_MODE[mode],
                status=status,
                in_scope=mode == ManagementMode.PROFESSIONAL,
                submitted_at=None
                if status == SurveyStatus.DRAFT
                else now - dt.timedelta(days=rng.randint(20, 30)),
            )
        )
    CompoundSurvey.objects.bulk_create(surveys, batch_size=500)
    saved = CompoundSurvey.objects.filter(campaign=campaign, reviews__isnull=True).exclude(
        status=SurveyStatus.DRAFT
    )
    person = (
        Position.objects.filter(organisation__kind=OrgKind.COUNTY).values_list("person_id", flat=True).first()
    )
    reviews = []
    for sid, status in saved.values_list("id", "status"):
        reviews.append(SurveyReview(survey_id=sid, decision=SurveyReview.Decision.SUBMIT, by_id=person))
        if status in (SurveyStatus.STREET_APPROVED, SurveyStatus.APPROVED):
            reviews.append(
                SurveyReview(
                    survey_id=sid, stage="street", decision=SurveyReview.Decision.APPROVE, by_id=person
                )
            )
        if status == SurveyStatus.APPROVED:
            reviews.append(
                SurveyReview(
                    survey_id=sid, stage="county", decision=SurveyReview.Decision.APPROVE, by_id=person
                )
            )
    SurveyReview.objects.bulk_create(reviews, batch_size=1000)


def _epmc_records(ctx: DemoContext) -> None:
    """WN-1: a year of activities for the home community (through the service), fewer elsewhere, some none."""
    today, rng = ctx.today, ctx.rng
    home = ctx.home_community
    office = ctx.personas["office"]
    members = [p.person for p in services.epmc_members(home)]
    for k in range(10):
        kind, title, content = ACTIVITIES[k % len(ACTIVITIES)]
        services.record_epmc_activity(
            actor=office,
            community=home,
            date=today - dt.timedelta(days=5 + 35 * k),
            kind=kind,
            title=title,
            content=content,
            participants=members,
            other_participants="业委会主任、物业项目经理" if kind in ("meeting", "coordination") else "",
            outcome="已形成整改清单，明确责任人和完成时限" if kind in ("inspection", "supervision") else "",
        )
    communities = list(ctx.communities().exclude(pk=home.pk).order_by("path"))
    recorders = dict(
        Position.objects.filter(
            organisation__kind=OrgKind.RESIDENTS_COMMITTEE, organisation__place__in=communities
        )
        .order_by("-leads_epmc", "id")
        .values_list("organisation__place_id", "person_id")
    )
    rows = []
    for c in communities:
        roll = rng.random()
        n = 0 if roll < 0.15 else (1 if roll < 0.3 else rng.randint(2, 6))
        for _i in range(n):
            kind, title, content = rng.choice(ACTIVITIES)
            # The sparse communities' only activity lies long ago, so the idle sweep flags them.
            days_ago = rng.randint(150, 300) if n == 1 else rng.randint(3, 200)
            rows.append(
                EpmcActivity(
                    community=c,
                    date=today - dt.timedelta(days=days_ago),
                    kind=kind,
                    title=title,
                    content=content,
                    other_participants="社区分管委员、网格员",
                    recorded_by_id=recorders.get(c.pk, office.pk),
                )
            )
    EpmcActivity.objects.bulk_create(rows, batch_size=1000)
    services.flag_idle_epmcs(today, within=ctx.county)
