"""Cases (问题工单) and everything a case's route records: CS-1 … CS-7.

A case belongs to a compound (and, denormalised for scope filters, its community and street). Every change of
state writes a `CaseEvent` (the case's own timeline, CS-1) besides the platform's audit trail.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanfang.core.models import DeadlineMixin


class CaseClass(models.TextChoices):
    ROUTINE = "routine", _("日常问题")
    MAJOR = "major", _("重大问题")
    BEYOND_REMIT = "beyond_remit", _("超出三方职责")
    LEGACY = "legacy", _("历史遗留问题")


class Category(models.TextChoices):
    SANITATION = "sanitation", _("环境卫生")
    GREENING = "greening", _("绿化养护")
    FACILITIES = "facilities", _("设施设备维修")
    ELEVATOR = "elevator", _("电梯")
    WATER_POWER = "water_power", _("水电气暖")
    PARKING = "parking", _("停车秩序")
    SECURITY = "security", _("安全秩序")
    FEES = "fees", _("物业收费")
    NOISE = "noise", _("噪音扰民")
    BUILDING = "building", _("房屋质量")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    RESIDENT = "resident", _("居民网上反映")
    PHONE = "phone", _("电话反映")
    GRID = "grid", _("网格员巡查")
    STAFF = "staff", _("工作人员录入")
    MEETING = "meeting", _("联席会议")
    REPORT = "report", _("报告")


class Status(models.TextChoices):
    NEW = "new", _("待受理")
    HANDLING = "handling", _("办理中")
    COORDINATING = "coordinating", _("居委会协调中")
    INVESTIGATING = "investigating", _("调查研究中")
    REPORTED = "reported", _("已上报")
    AWAITING_SUMMONS = "awaiting_summons", _("待吹哨")
    SUMMONED = "summoned", _("已吹哨，部门报到中")
    MONITORING = "monitoring", _("长期跟踪")
    RESOLVED = "resolved", _("已办结，待评价")
    CLOSED = "closed", _("已关闭")


OPEN_STATUSES = [s for s in Status.values if s not in (Status.RESOLVED, Status.CLOSED)]


class Step(models.TextChoices):
    """The step whose working-day deadline the case is running against."""

    CLASSIFY = "classify", _("受理分类")
    HANDLE = "handle", _("协同处置")
    COORDINATE = "coordinate", _("居委会协调")
    INVESTIGATE = "investigate", _("深入调查")
    REPORT = "report", _("形成方案并上报")
    PROPOSE = "propose", _("联席会议研究提出")
    SUMMONS = "summons", _("街道协调")
    REVIEW = "review", _("定期跟踪")
    FEEDBACK = "feedback", _("居民评价")
    DONE = "done", _("完成")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class DeadlinePolicy(models.Model):
    """A street's own working-day limit for one class and step; absent rows fall back to DEFAULT_DEADLINES."""

    street = models.ForeignKey(
        "directory.Place", verbose_name=_("街道"), on_delete=models.CASCADE, related_name="case_deadlines"
    )
    key = models.CharField(_("环节"), max_length=40, help_text=_("如 routine.handle、summons.department"))
    value = models.PositiveIntegerField(
        _("数值"), help_text=_("期限为工作日数；bounce.threshold 为推诿次数上限")
    )

    class Meta:
        verbose_name = _("办理期限设置")
        verbose_name_plural = _("办理期限设置")
        ordering = ["street", "key"]
        constraints = [models.UniqueConstraint(fields=["street", "key"], name="case_deadline_once_per_key")]

    def __str__(self) -> str:
        return f"{self.street} {self.key} {self.value}"


def _token() -> str:
    return secrets.token_urlsafe(24)


# The columns the rates read (services.rates): kept in the period indexes so a cold overview reads no table rows.
RATES_COLUMNS = [
    "compound",
    "community",
    "status",
    "responded_at",
    "response_due_on",
    "bounce_count",
    "latest_rating",
]


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, on=None) -> CaseQuerySet:
        on = on or timezone.localdate()
        return self.open().filter(due_on__lt=on)

    def of_class(self, case_class: str) -> CaseQuerySet:
        return self.filter(case_class=case_class)

    def untriaged(self) -> CaseQuerySet:
        return self.filter(status=Status.NEW)

    def visible_to(self, user) -> CaseQuerySet:
        from .permissions import cases_visible_to

        return cases_visible_to(user, self)

    def public(self) -> CaseQuerySet:
        """What a compound's board may list (PN-1): classified cases, never the reporter."""
        return self.exclude(status=Status.NEW).exclude(case_class="")


class Case(DeadlineMixin):
    tracking_no = models.CharField(_("受理编号"), max_length=20, unique=True, editable=False)
    follow_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    compound = models.ForeignKey(
        "directory.Place", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="cases"
    )
    community = models.ForeignKey(
        "directory.Place", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="community_cases"
    )
    street = models.ForeignKey(
        "directory.Place", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="street_cases"
    )
    building = models.ForeignKey(
        "directory.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    unit = models.CharField(_("单元/位置"), max_length=60, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("问题描述"))
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.RESIDENT)
    # The reporter: never shown publicly (PN-1); contact visible to handling staff only.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反映人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("反映人称呼"), max_length=60, blank=True)
    reporter_contact = models.CharField(_("联系方式（不公开）"), max_length=60, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entered_cases",
    )
    case_class = models.CharField(_("问题分类"), max_length=20, choices=CaseClass.choices, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NEW)
    step = models.CharField(_("当前环节"), max_length=20, choices=Step.choices, default=Step.CLASSIFY)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("牵头人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_cases",
    )
    co_handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("协办人"), blank=True, related_name="co_handled_cases"
    )
    holder = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("当前责任组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_cases",
    )
    bounce_count = models.PositiveIntegerField(_("推诿次数"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    preliminary_opinion = models.TextField(_("初步意见"), blank=True)
    proposal = models.TextField(_("联席会议研究意见"), blank=True)
    solution = models.TextField(_("议定解决方案"), blank=True)
    progress_note = models.TextField(_("最新进展（公开）"), blank=True)
    next_review_on = models.DateField(_("下次跟踪日期"), null=True, blank=True)
    responded_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    response_due_on = models.DateField(_("受理期限"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    reopened_count = models.PositiveIntegerField(_("重新办理次数"), default=0)
    # The reporter's latest rating, written with each Feedback (every rating is kept there): the rates read it.
    latest_rating = models.CharField(
        _("评价"), max_length=20, choices=Rating.choices, blank=True, default="", editable=False
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("反映时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["community", "status"]),
            models.Index(fields=["street", "status"]),
            # Rates over a period within a street or community (the overview, indicators), read from the index
            # alone on PostgreSQL (INCLUDE; SQLite ignores it): issue 9.
            models.Index(
                fields=["street", "created_at"], include=RATES_COLUMNS, name="case_street_period_rates"
            ),
            models.Index(
                fields=["community", "created_at"], include=RATES_COLUMNS, name="case_community_period_rates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        """Whether CaseQuerySet.public() selects it: classified, so boards may list it (PN-1)."""
        return self.status != Status.NEW and bool(self.case_class)

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_on and self.due_on < timezone.localdate())

    @property
    def location(self) -> str:
        parts = [self.building.name if self.building_id else "", self.unit]
        return " ".join(p for p in parts if p)


class CaseEvent(models.Model):
    """One step on a case's timeline (CS-1): who, when, what, why. `public` ones reach the board and reporter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=120, blank=True, help_text="role or organisation, public-safe")
    verb = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.verb}"

    @property
    def actor_label_display(self) -> str:
        """The label was stored in the language of the moment (a msgid such as "反映人"); show it in the reader's."""
        return gettext(self.actor_label) if self.actor_label else ""

    @property
    def from_label(self) -> str:
        return str(Status(self.from_status).label) if self.from_status in Status.values else self.from_status

    @property
    def to_label(self) -> str:
        return str(Status(self.to_status).label) if self.to_status in Status.values else self.to_status


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to="cases/", max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id} photo {self.pk}"


class Handover(models.Model):
    """A case handed from one party to another (CS-5); a hand-back to the party that handed it is a bounce."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_org = models.ForeignKey(
        "directory.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_org = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    is_bounce = models.BooleanField(default=False)
    is_escalation = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_org_id} → {self.to_org_id}"


class Investigation(models.Model):
    """CS-3: the in-depth investigation of a major case: who took part (by role), findings, proposed solution."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="investigation")
    held_on = models.DateField(_("调查日期"))
    participants = models.JSONField(_("参加人员"), default=list, help_text="[{role, name}]")
    findings = models.TextField(_("调查情况"))
    proposed_solution = models.TextField(_("拟定解决方案"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    agenda_ref = models.CharField(_("联席会议议题"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return _("调查 %(case)s") % {"case": self.case_id}


class SummonsLevel(models.TextChoices):
    STREET = "street", _("社区党组织向街道吹哨")
    DEPARTMENT = "department", _("街道向部门吹哨")


class SummonsQuerySet(models.QuerySet["Summons"]):
    def open(self) -> SummonsQuerySet:
        return self.filter(reported_at__isnull=True)

    def overdue(self, on=None) -> SummonsQuerySet:
        return self.open().filter(due_on__lt=on or timezone.localdate())


class Summons(DeadlineMixin):
    """CS-4 吹哨: who summons whom about which case, by when; the summoned party reports in (报到)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="summonses")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.CharField(_("层级"), max_length=20, choices=SummonsLevel.choices)
    from_org = models.ForeignKey(
        "directory.Organisation", verbose_name=_("吹哨方"), on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("报到方"),
        on_delete=models.PROTECT,
        related_name="summonses",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    request = models.TextField(_("协调事项"))
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.TextField(_("答复意见"), blank=True)
    actions = models.TextField(_("采取措施"), blank=True)

    objects = SummonsQuerySet.as_manager()

    class Meta:
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_org} → {self.to_org}"

    @property
    def is_late(self) -> bool:
        if self.due_on is None:
            return False
        if self.reported_at is None:
            return self.due_on < timezone.localdate()
        return timezone.localdate(self.reported_at) > self.due_on


class LegacyReview(models.Model):
    """CS-5: a periodic progress review of a legacy case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("跟踪日期"))
    progress = models.TextField(_("进展情况"))
    next_review_on = models.DateField(_("下次跟踪日期"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reviewed_on}"


class Party(models.TextChoices):
    RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")


class JointExplanation(models.Model):
    """CS-5: the three parties' joint explanation to residents; complete once all three have signed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="explanations")
    held_on = models.DateField(_("解释日期"))
    content = models.TextField(_("解释内容"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_on}"

    @property
    def signed_parties(self) -> set[str]:
        return {s.party for s in self.signatures.all()}

    @property
    def is_complete(self) -> bool:
        return self.signed_parties >= set(Party.values)


class ExplanationSignature(models.Model):
    explanation = models.ForeignKey(JointExplanation, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=30, choices=Party.choices)
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["explanation", "party"], name="explanation_signed_once_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.explanation_id} {self.party}"


class EngagementKind(models.TextChoices):
    CONSULTATION = "consultation", _("民情恳谈会")
    HEARING = "hearing", _("工作听证会")
    SERVICE_REVIEW = "service_review", _("服务评议会")
    HOME_VISIT = "home_visit", _("上门走访")


class Engagement(models.Model):
    """CS-6: a consultation, hearing, service review or home visit held while solving a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(_("形式"), max_length=20, choices=EngagementKind.choices)
    held_on = models.DateField(_("日期"))
    participants_count = models.PositiveIntegerField(_("参加人数"))
    summary = models.TextField(_("情况摘要"))
    outcome = models.TextField(_("结果"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class Feedback(models.Model):
    """The reporter's rating of a resolved case; every rating kept (raw distribution), a dispute reopens."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedbacks")
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("意见"), blank=True)
    disputed = models.BooleanField(_("对办结有异议"), default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rating}"


class MatterKind(models.TextChoices):
    FUND_USE = "fund_use", _("使用维修资金")
    COMPANY_CHANGE = "company_change", _("更换物业服务企业")
    FEE_CHANGE = "fee_change", _("调整物业费")


# The steps of each major matter; the gate (CS-7) stands between the first and the second.
MATTER_STEPS = {
    MatterKind.FUND_USE: ["proposed", "plan", "owners_vote", "publicised", "done"],
    MatterKind.COMPANY_CHANGE: ["proposed", "plan", "owners_vote", "tender", "handover", "done"],
    MatterKind.FEE_CHANGE: ["proposed", "plan", "hearing", "owners_vote", "publicised", "done"],
}
STEP_LABELS = {
    "proposed": _("提出动议"),
    "plan": _("拟定方案"),
    "owners_vote": _("业主表决"),
    "publicised": _("结果公示"),
    "tender": _("选聘招标"),
    "handover": _("交接"),
    "hearing": _("听证"),
    "done": _("完成"),
}


class MajorMatter(models.Model):
    """CS-7: a major matter of a compound, held at its first step until street and party org acknowledge."""

    compound = models.ForeignKey(
        "directory.Place", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="major_matters"
    )
    community = models.ForeignKey("directory.Place", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("事项类型"), max_length=20, choices=MatterKind.choices)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("情况说明"), blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="major_matters"
    )
    step = models.CharField(_("当前步骤"), max_length=20, default="proposed")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("重大事项")
        verbose_name_plural = _("重大事项")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def steps(self) -> list[str]:
        return MATTER_STEPS[self.kind]

    @property
    def step_label(self) -> str:
        return str(STEP_LABELS.get(self.step, self.step))

    @property
    def gate_open(self) -> bool:
        invites = {i.party: i for i in self.invitations.all()}
        return all(p in invites and invites[p].acknowledged_at for p in ("street", "party_org"))


class Invitation(models.Model):
    """CS-7: the joint meeting office invites the street or the party organisation to intervene early."""

    class Party(models.TextChoices):
        STREET = "street", _("街道（乡镇）")
        PARTY_ORG = "party_org", _("社区党组织")

    matter = models.ForeignKey(MajorMatter, on_delete=models.CASCADE, related_name="invitations")
    party = models.CharField(max_length=20, choices=Party.choices)
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "party"], name="matter_invited_once_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.party}"
