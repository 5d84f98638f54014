"""Rectification campaigns (WN-3/WN-4) and the EPMC's special work records (WN-1).

A county opens a `Campaign`; every compound gets a `CompoundSurvey` (小区摸排认定表) filled by the Residents'
Committee and reviewed by the street and then the county (`SurveyReview` keeps the history); in-scope compounds get an
`Investigation` with a disclosure checklist and `Problem`s followed up until rectified; each street files a
`ProgressReport` by the deadline. The EPMC's activities are `EpmcActivity` rows; `EpmcIdleFlag` marks a community
whose EPMC has been silent too long.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfang.core.models import DeadlineMixin

# --------------------------------------------------------------------------------------------------------------
# Campaign


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def open(self) -> CampaignQuerySet:
        return self.filter(closed_at__isnull=True)

    def visible_to(self, user) -> CampaignQuerySet:
        """Campaigns of the counties the person's oversight or community role lies in."""
        from sanfang.directory.scopes import get_scope

        from .permissions import CAMPAIGN_VIEWERS

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        county_ids = set()
        for grant in scope.grants:
            if grant.role in CAMPAIGN_VIEWERS:
                parts = grant.place_path.strip("/").split("/")
                if parts and parts[0]:
                    county_ids.add(int(parts[0]))
        return self.filter(county_id__in=sorted(county_ids))


class Campaign(models.Model):
    """A rectification campaign opened by the county (WN-3), e.g. against opaque property-service charges."""

    county = models.ForeignKey(
        "directory.Place", verbose_name=_("县"), on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField(_("名称"), max_length=150)
    purpose = models.TextField(_("工作目标"), blank=True)
    scope = models.TextField(_("整治范围"), blank=True, help_text=_("默认：实行专业化物业服务的住宅小区"))
    survey_due = models.DateField(_("摸排认定截止日期"))
    investigation_due = models.DateField(_("调查核实截止日期"))
    report_due = models.DateField(_("进展报告截止日期"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


# --------------------------------------------------------------------------------------------------------------
# Compound survey (小区摸排认定表)


class HousingNature(models.TextChoices):
    COMMODITY = "commodity", _("商品房")
    RESETTLEMENT = "resettlement", _("安置房")
    AFFORDABLE = "affordable", _("保障性住房")
    UNIT = "unit", _("单位房改房")
    MIXED = "mixed", _("混合")
    OTHER = "other", _("其他")


class ManagementMode(models.TextChoices):
    PROFESSIONAL = "professional", _("专业化物业服务")
    EMPLOYER = "employer", _("单位自管")
    SELF_MANAGED = "self_managed", _("业主自治管理")
    COMMUNITY = "community", _("社区托管")
    EMERGENCY = "emergency", _("应急物业服务")
    NONE = "none", _("无物业管理")
    OTHER = "other", _("其他")


class CompoundType(models.TextChoices):
    """The preliminary type determination (初步认定类型) the RC makes on the form."""

    PROFESSIONAL = "professional", _("专业化物业服务小区")
    EMPLOYER = "employer", _("单位自管小区")
    SELF_MANAGED = "self_managed", _("业主自治小区")
    COMMUNITY = "community", _("社区托管小区")
    EMERGENCY = "emergency", _("应急物业服务小区")
    UNMANAGED = "unmanaged", _("无物业管理小区")
    OTHER = "other", _("其他")


class DisclosureStatus(models.TextChoices):
    FULL = "full", _("已全面公示")
    PARTIAL = "partial", _("部分公示")
    NONE = "none", _("未公示")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("待街道审核")
    STREET_APPROVED = "street_approved", _("待县级审核")
    APPROVED = "approved", _("已审定")
    RETURNED = "returned", _("已退回")


EDITABLE_SURVEY_STATUSES = (SurveyStatus.DRAFT, SurveyStatus.RETURNED)


class CompoundSurveyQuerySet(models.QuerySet["CompoundSurvey"]):
    def in_scope(self) -> CompoundSurveyQuerySet:
        return self.filter(in_scope=True)

    def submitted(self) -> CompoundSurveyQuerySet:
        """Filled in and handed over (awaiting review or reviewed)."""
        return self.exclude(status__in=EDITABLE_SURVEY_STATUSES)

    def awaiting_street(self) -> CompoundSurveyQuerySet:
        return self.filter(status=SurveyStatus.SUBMITTED)

    def awaiting_county(self) -> CompoundSurveyQuerySet:
        return self.filter(status=SurveyStatus.STREET_APPROVED)

    def approved(self) -> CompoundSurveyQuerySet:
        return self.filter(status=SurveyStatus.APPROVED)

    def visible_to(self, user) -> CompoundSurveyQuerySet:
        from sanfang.directory.scopes import get_scope

        from .permissions import SURVEY_VIEWERS

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        return self.filter(scope.place_q("compound__path", roles=SURVEY_VIEWERS))


class CompoundSurvey(models.Model):
    """One compound's 小区摸排认定表 in a campaign (WN-3): facts, management, fees, owners' committee, type."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项整治"), on_delete=models.CASCADE, related_name="surveys"
    )
    compound = models.ForeignKey(
        "directory.Place", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="campaign_surveys"
    )
    community = models.ForeignKey(
        "directory.Place", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        "directory.Place", verbose_name=_("街道（乡镇）"), on_delete=models.PROTECT, related_name="+"
    )
    # Basic facts
    name = models.CharField(_("小区名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    year_built = models.PositiveIntegerField(_("建成年份"), null=True, blank=True)
    buildings = models.PositiveIntegerField(_("楼栋数"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    floor_area = models.DecimalField(
        _("建筑面积（平方米）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    housing_nature = models.CharField(
        _("房屋性质"), max_length=20, choices=HousingNature.choices, default=HousingNature.COMMODITY
    )
    is_old_compound = models.BooleanField(_("老旧小区"), default=False)
    # Management
    management_mode = models.CharField(
        _("管理模式"), max_length=20, choices=ManagementMode.choices, default=ManagementMode.PROFESSIONAL
    )
    company = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("物业服务企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    company_name = models.CharField(_("物业服务企业名称"), max_length=120, blank=True)
    contract_start = models.DateField(_("合同开始日期"), null=True, blank=True)
    contract_end = models.DateField(_("合同结束日期"), null=True, blank=True)
    fee_regime = models.CharField(
        _("收费方式"),
        max_length=20,
        blank=True,
        choices=[("lump_sum", _("包干制")), ("commission", _("酬金制"))],
    )
    fee_standard = models.CharField(
        _("收费标准"), max_length=200, blank=True, help_text=_("如：住宅 1.20 元/㎡·月")
    )
    # Owners' committee
    has_owners_committee = models.BooleanField(_("已成立业主委员会"), default=False)
    oc_term_end = models.DateField(_("业委会任期届满日期"), null=True, blank=True)
    # Disclosure and determination
    disclosure_status = models.CharField(
        _("收费信息公示情况"), max_length=20, choices=DisclosureStatus.choices, default=DisclosureStatus.NONE
    )
    preliminary_type = models.CharField(
        _("初步认定类型"), max_length=20, choices=CompoundType.choices, default=CompoundType.PROFESSIONAL
    )
    note = models.TextField(_("备注"), blank=True)
    # Workflow
    status = models.CharField(
        _("状态"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT, db_index=True
    )
    in_scope = models.BooleanField(_("纳入整治范围"), default=True)
    in_scope_reason = models.CharField(_("范围调整理由"), max_length=300, blank=True)
    scope_adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = CompoundSurveyQuerySet.as_manager()

    FACT_FIELDS = [
        "name",
        "address",
        "year_built",
        "buildings",
        "households",
        "floor_area",
        "housing_nature",
        "is_old_compound",
        "management_mode",
        "company",
        "company_name",
        "contract_start",
        "contract_end",
        "fee_regime",
        "fee_standard",
        "has_owners_committee",
        "oc_term_end",
        "disclosure_status",
        "preliminary_type",
        "note",
    ]

    class Meta:
        verbose_name = _("小区摸排认定表")
        verbose_name_plural = _("小区摸排认定表")
        ordering = ["compound__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "compound"], name="one_survey_per_compound")
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.campaign}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_SURVEY_STATUSES

    @property
    def default_in_scope(self) -> bool:
        """WN-3: compounds under professional property service are in the rectification scope by default."""
        return self.management_mode == ManagementMode.PROFESSIONAL


class SurveyReview(models.Model):
    """One step of the review of a survey (street, then county); the history is kept, never overwritten."""

    class Stage(models.TextChoices):
        STREET = "street", _("街道审核")
        COUNTY = "county", _("县级审核")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("通过")
        RETURN = "return", _("退回修改")
        SCOPE = "scope", _("调整整治范围")
        SUBMIT = "submit", _("提交")

    survey = models.ForeignKey(CompoundSurvey, on_delete=models.CASCADE, related_name="reviews")
    stage = models.CharField(_("环节"), max_length=10, choices=Stage.choices, blank=True)
    decision = models.CharField(_("意见"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_decision_display()}"


# --------------------------------------------------------------------------------------------------------------
# Investigation


class Conclusion(models.TextChoices):
    COMPLIANT = "compliant", _("规范")
    MOSTLY = "mostly", _("基本规范")
    NON_COMPLIANT = "non_compliant", _("不规范")


class InvestigationQuerySet(models.QuerySet["Investigation"]):
    def visible_to(self, user) -> InvestigationQuerySet:
        from sanfang.directory.scopes import get_scope

        from .permissions import SURVEY_VIEWERS

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        return self.filter(scope.place_q("survey__compound__path", roles=SURVEY_VIEWERS))

    def concluded(self) -> InvestigationQuerySet:
        return self.exclude(conclusion="")


class Investigation(models.Model):
    """The investigation record of an in-scope compound (WN-3): checklist, findings, problems, conclusion."""

    class Status(models.TextChoices):
        OPEN = "open", _("调查中")
        RECTIFYING = "rectifying", _("整改中")
        CLOSED = "closed", _("已整改完毕")

    survey = models.OneToOneField(CompoundSurvey, on_delete=models.CASCADE, related_name="investigation")
    investigated_on = models.DateField(_("调查日期"), default=timezone.localdate)
    investigators = models.CharField(_("调查人员"), max_length=300, blank=True)
    findings = models.TextField(_("调查情况"), blank=True)
    conclusion = models.CharField(_("调查结论"), max_length=20, choices=Conclusion.choices, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("整改完毕时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = _("调查核实记录")
        verbose_name_plural = _("调查核实记录")
        ordering = ["survey__compound__code", "id"]

    def __str__(self) -> str:
        return f"{self.survey.name} {_('调查核实记录')}"

    @property
    def compound(self):
        return self.survey.compound


class ChecklistItem(models.Model):
    """One disclosure item checked during an investigation, prefilled from the compound's board."""

    class Kind(models.TextChoices):
        FEE_ITEMS = "fee_items", _("收费项目和标准")
        INCOME_EXPENDITURE = "income_expenditure", _("物业服务收支情况")
        COMMON_INCOME = "common_income", _("共有部分经营收益")
        MAINTENANCE_FUND = "maintenance_fund", _("专项维修资金使用情况")
        OTHER = "other", _("其他")

    class Result(models.TextChoices):
        UNCHECKED = "", _("未核查")
        OK = "ok", _("已公示且规范")
        INCOMPLETE = "incomplete", _("公示不完整或不及时")
        MISSING = "missing", _("未公示")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="checklist")
    kind = models.CharField(_("公示事项"), max_length=30, choices=Kind.choices)
    label = models.CharField(_("名称"), max_length=120)
    board_published = models.BooleanField(_("公示栏已发布"), null=True)
    board_published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    board_period = models.CharField(_("公示期间"), max_length=60, blank=True)
    board_overdue = models.BooleanField(_("公示逾期"), default=False)
    board_url = models.CharField(max_length=300, blank=True)
    result = models.CharField(_("核查结果"), max_length=20, choices=Result.choices, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("公示事项核查")
        verbose_name_plural = _("公示事项核查")
        ordering = ["investigation", "id"]

    def __str__(self) -> str:
        return self.label


class ProblemQuerySet(models.QuerySet["Problem"]):
    def open(self) -> ProblemQuerySet:
        return self.filter(rectified_at__isnull=True)

    def rectified(self) -> ProblemQuerySet:
        return self.filter(rectified_at__isnull=False)

    def overdue(self, today: dt.date | None = None) -> ProblemQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)


class Problem(DeadlineMixin):
    """A problem found by an investigation, with an owner and a rectification deadline; followed until rectified."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="problems")
    description = models.TextField(_("问题"))
    owner = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("整改责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_label = models.CharField(_("整改责任方"), max_length=120, blank=True)
    rectification = models.TextField(_("整改情况"), blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    overdue_notified_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["investigation", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_rectified(self) -> bool:
        return self.rectified_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_rectified and bool(self.due_on) and self.due_on < timezone.localdate()

    @property
    def owner_display(self) -> str:
        return self.owner.name if self.owner_id else self.owner_label


class ProgressNote(models.Model):
    """A follow-up note on a problem (督促整改): what was done, by whom, when."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("跟进情况"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


# --------------------------------------------------------------------------------------------------------------
# Progress report (WN-4)


class ProgressReportQuerySet(models.QuerySet["ProgressReport"]):
    def submitted(self) -> ProgressReportQuerySet:
        return self.filter(submitted_at__isnull=False)

    def visible_to(self, user) -> ProgressReportQuerySet:
        from sanfang.directory.scopes import Role, get_scope

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        return self.filter(scope.place_q("street__path", roles=(Role.STREET, Role.COUNTY)))


class ProgressReport(models.Model):
    """A street's report on the early implementation of the rectification (WN-4); locked once submitted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="progress_reports")
    street = models.ForeignKey(
        "directory.Place", verbose_name=_("街道（乡镇）"), on_delete=models.PROTECT, related_name="+"
    )
    basic_situation = models.TextField(_("基本情况"), blank=True)
    measures = models.TextField(_("主要做法和措施"), blank=True)
    problems = models.TextField(_("存在的问题"), blank=True)
    suggestions = models.TextField(_("意见建议"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    stats = models.JSONField(_("统计数据"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_late = models.BooleanField(_("逾期提交"), default=False)
    overdue_flagged_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ProgressReportQuerySet.as_manager()

    TEXT_FIELDS = ["basic_situation", "measures", "problems", "suggestions", "contact_name", "contact_phone"]

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["campaign", "street__code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "street"], name="one_report_per_street")]

    def __str__(self) -> str:
        return f"{self.street.name} · {self.campaign.title}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


# --------------------------------------------------------------------------------------------------------------
# EPMC records (WN-1)


class EpmcActivityQuerySet(models.QuerySet["EpmcActivity"]):
    def visible_to(self, user) -> EpmcActivityQuerySet:
        from sanfang.directory.scopes import get_scope

        from .permissions import EPMC_VIEWERS

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        return self.filter(scope.place_q("community__path", roles=EPMC_VIEWERS))

    def between(self, start: dt.date, end: dt.date) -> EpmcActivityQuerySet:
        return self.filter(date__gte=start, date__lte=end)


class EpmcActivity(models.Model):
    """One activity of a community's Environment & Property Management Committee (WN-1)."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("例会")
        INSPECTION = "inspection", _("环境和物业巡查")
        COORDINATION = "coordination", _("协调处理物业纠纷")
        SUPERVISION = "supervision", _("监督物业服务")
        VISIT = "visit", _("入户走访")
        PUBLICITY = "publicity", _("宣传动员")
        TRAINING = "training", _("政策学习培训")
        OTHER = "other", _("其他")

    community = models.ForeignKey(
        "directory.Place", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="epmc_activities"
    )
    date = models.DateField(_("日期"), db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("主题"), max_length=150)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参加人员"), blank=True, related_name="+"
    )
    other_participants = models.CharField(_("其他参加人员"), max_length=300, blank=True)
    content = models.TextField(_("内容"))
    outcome = models.TextField(_("成效"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = EpmcActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("环境和物业管理委员会活动")
        verbose_name_plural = _("环境和物业管理委员会活动")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["community", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


def _attachment_path(instance, filename: str) -> str:
    return f"campaigns/epmc/{instance.activity.community_id}/{filename}"


class EpmcAttachment(models.Model):
    activity = models.ForeignKey(EpmcActivity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=_attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class EpmcIdleFlagQuerySet(models.QuerySet["EpmcIdleFlag"]):
    def active(self) -> EpmcIdleFlagQuerySet:
        return self.filter(cleared_at__isnull=True)

    def visible_to(self, user) -> EpmcIdleFlagQuerySet:
        from sanfang.directory.scopes import get_scope

        from .permissions import EPMC_VIEWERS

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        return self.filter(scope.place_q("community__path", roles=EPMC_VIEWERS))


class EpmcIdleFlag(models.Model):
    """WN-1: the community's EPMC has had no activity for the configured time; cleared by the next activity."""

    community = models.ForeignKey("directory.Place", on_delete=models.PROTECT, related_name="+")
    last_activity_on = models.DateField(_("最近一次活动"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("标记时间"), default=timezone.now)
    cleared_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    objects = EpmcIdleFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("环境和物业管理委员会长期未活动")
        verbose_name_plural = _("环境和物业管理委员会长期未活动")
        ordering = ["community__code", "-flagged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community"], condition=Q(cleared_at__isnull=True), name="one_active_idle_flag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community} idle"
