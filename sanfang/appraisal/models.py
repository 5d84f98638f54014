"""Annual evaluation (评议监督考评, EV-1 … EV-5): street standards, rounds, subjects, participants, anonymous
ballots, objections and the property companies' credit records.

Anonymity by construction (EV-3): a `Ballot` has a random UUID key, no timestamp and no reference to a person
or a participant; the only trace of who voted is `Participant.has_voted` (a boolean, no time). Raw answers are
stored on the ballot and, at close, as per-criterion distributions on each `Subject`; the weighted score is a
view computed from those distributions (see scoring.py), never a replacement for them.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanfang.core.models import DeadlineMixin


class Content(models.TextChoices):
    """The four contents of the appraisal (EV-4)."""

    LINKAGE = "linkage", _("落实三方联动机制")
    COMMITMENTS = "commitments", _("履行服务承诺和合同职责")
    COMPLAINTS = "complaints", _("处理居民投诉")
    ORDER_SAFETY = "order_safety", _("小区秩序和安全")


class Scale(models.TextChoices):
    SCORE = "score", _("百分制")
    LEVELS = "levels", _("满意 / 基本满意 / 不满意")


class Level(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class SubjectKind(models.TextChoices):
    RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")


class AppliesTo(models.TextChoices):
    ALL = "all", _("全部评议对象")
    RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")


# Credit grades of a property company by final score (EV-5); the first threshold reached wins.
GRADE_THRESHOLDS = ((90, "AAA"), (80, "AA"), (70, "A"), (60, "B"), (0, "C"))


def grade_for(score: float | Decimal | None) -> str:
    if score is None:
        return ""
    for floor, grade in GRADE_THRESHOLDS:
        if float(score) >= floor:
            return grade
    return "C"


# --- Standards (EV-3, EV-4) -------------------------------------------------------------------------------


class StandardQuerySet(models.QuerySet["Standard"]):
    def published(self) -> StandardQuerySet:
        return self.filter(status=Standard.Status.PUBLISHED)

    def drafts(self) -> StandardQuerySet:
        return self.filter(status=Standard.Status.DRAFT)

    def of_street(self, street) -> StandardQuerySet:
        return self.filter(street=street)

    def current_for(self, street) -> Standard | None:
        return self.of_street(street).published().order_by("-number").first()


class Standard(models.Model):
    """A street's appraisal standard, one version of it; a published version is never edited again (EV-3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    street = models.ForeignKey(
        "directory.Place", verbose_name=_("街道（乡镇）"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=120)
    number = models.PositiveIntegerField(_("版本号"), default=1)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    drop_extremes = models.BooleanField(
        _("去掉一个最高分和一个最低分"), default=False, help_text=_("每项至少有 3 份评分时生效")
    )
    indicator_weight = models.DecimalField(
        _("客观指标权重"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("0 到 1 之间；0 表示客观指标只作参考，不计入得分"),
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = StandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评标准")
        verbose_name_plural = _("测评标准")
        ordering = ["street", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["street", "number"], name="standard_number_unique_per_street"),
            models.UniqueConstraint(
                fields=["street"], condition=Q(status="draft"), name="standard_one_draft_per_street"
            ),
        ]

    def __str__(self) -> str:
        return _("%(name)s（第 %(number)s 版）") % {"name": self.name, "number": self.number}

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Criterion(models.Model):
    """One node of a standard's tree of criteria; leaves are scored, inner nodes group and weight them."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级指标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    title = models.CharField(_("指标"), max_length=200)
    content = models.CharField(_("考评内容"), max_length=20, choices=Content.choices)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, default=Decimal("1"))
    scale = models.CharField(_("计分方式"), max_length=10, choices=Scale.choices, default=Scale.LEVELS)
    points_satisfied = models.DecimalField(_("“满意”分值"), max_digits=5, decimal_places=1, default=100)
    points_basic = models.DecimalField(_("“基本满意”分值"), max_digits=5, decimal_places=1, default=60)
    points_unsatisfied = models.DecimalField(_("“不满意”分值"), max_digits=5, decimal_places=1, default=0)
    applies_to = models.CharField(
        _("适用对象"), max_length=30, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("测评指标")
        verbose_name_plural = _("测评指标")
        ordering = ["standard", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title_display(self) -> str:
        """The default template's titles are stored in Chinese and are msgids; shown in the reader's language.
        A title a street typed itself has no msgid and shows as typed."""
        return gettext(self.title)

    def points_for(self, level: str) -> float:
        return float(
            {
                Level.SATISFIED: self.points_satisfied,
                Level.BASIC: self.points_basic,
                Level.UNSATISFIED: self.points_unsatisfied,
            }[level]
        )

    def applies(self, subject_kind: str) -> bool:
        return self.applies_to in (AppliesTo.ALL, subject_kind)


# --- Rounds (EV-1, EV-2) ----------------------------------------------------------------------------------


class RoundQuerySet(models.QuerySet["Round"]):
    def open(self) -> RoundQuerySet:
        return self.filter(status=Round.Status.OPEN)

    def in_publicity(self) -> RoundQuerySet:
        return self.filter(status=Round.Status.PUBLICITY)

    def results_known(self) -> RoundQuerySet:
        return self.exclude(status=Round.Status.OPEN)

    def circulated(self) -> RoundQuerySet:
        return self.filter(status=Round.Status.CIRCULATED)

    def visible_to(self, user) -> RoundQuerySet:
        from sanfang.directory.scopes import Role, get_scope

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        return self.filter(scope.place_q("community__path", roles=Role.STAFF))


class Round(DeadlineMixin):
    """The annual appraisal of one community (EV-1): opened by the street, run by the party organisation.

    The publicity period's last day is `due_on` (DeadlineMixin, working days from publication, EV-5).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束测评（初步结果）")
        PUBLICITY = "publicity", _("公示中")
        APPROVED = "approved", _("街道已审定")
        CIRCULATED = "circulated", _("已通报（锁定）")

    community = models.ForeignKey(
        "directory.Place", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        "directory.Place", verbose_name=_("街道（乡镇）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("年度"))
    standard = models.ForeignKey(
        Standard, verbose_name=_("测评标准"), on_delete=models.PROTECT, related_name="rounds"
    )
    run_by = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("组织实施"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("社区党组织"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opens_on = models.DateField(_("测评开始"))
    closes_on = models.DateField(_("测评截止"))
    publicity_days = models.PositiveIntegerField(_("公示期（工作日）"), default=5)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("结束测评时间"), null=True, blank=True)
    published_on = models.DateField(_("公示开始"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approval_note = models.TextField(_("审定意见"), blank=True)
    circulated_at = models.DateTimeField(_("通报时间"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("有效票数"), default=0)
    version = models.PositiveIntegerField(default=1)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度评议")
        verbose_name_plural = _("年度评议")
        ordering = ["-year", "community__path"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="round_once_per_community_year")
        ]

    def __str__(self) -> str:
        return _("%(community)s %(year)s 年度评议") % {"community": self.community.name, "year": self.year}

    @property
    def results_visible(self) -> bool:
        """Results stay hidden from everyone, staff included, until the round closes (EV-3)."""
        return self.status != self.Status.OPEN

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLICITY, self.Status.APPROVED, self.Status.CIRCULATED)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.CIRCULATED

    def voting_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.opens_on <= today <= self.closes_on

    def publicity_over(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.due_on is not None and today > self.due_on


class Subject(models.Model):
    """An organisation appraised in a round (EV-2), its self-report (EV-3) and, after close, its result."""

    class ReportMode(models.TextChoices):
        NONE = "", _("未提交")
        WRITTEN = "written", _("书面")
        DOCUMENT = "document", _("文档")
        ORAL = "oral", _("口头（办公室记录）")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="subjects")
    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name=_("评议对象"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=SubjectKind.choices)
    order = models.PositiveIntegerField(default=0)
    # Self-report (述职, EV-3)
    report_mode = models.CharField(
        _("述职方式"), max_length=20, choices=ReportMode.choices, default="", blank=True
    )
    report_text = models.TextField(_("述职内容"), blank=True)
    report_file = models.FileField(_("述职文档"), upload_to="appraisal/self_reports/%Y/", blank=True)
    report_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Result, filled at close (EV-5); `distribution` keeps the raw answers per criterion.
    distribution = models.JSONField(default=dict, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    ballot_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    indicator_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    final_score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=4, blank=True)
    responses = models.PositiveIntegerField(_("有效评价数"), default=0)

    class Meta:
        verbose_name = _("评议对象")
        verbose_name_plural = _("评议对象")
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="subject_once_per_round")
        ]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def has_report(self) -> bool:
        return bool(self.report_mode)


class Participant(models.Model):
    """An eligible participant of the evaluation meeting (EV-3). Holds the only 'has voted' marker."""

    class Category(models.TextChoices):
        THREE_PARTIES = "three_parties", _("三方代表")
        PARTY_MEMBER = "party_member", _("党员")
        OWNER_REP = "owner_rep", _("业主代表")
        RESIDENT_REP = "resident_rep", _("居民代表")
        OTHER = "other", _("办公室增补")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("身份"), max_length=20, choices=Category.choices)
    added_by_office = models.BooleanField(_("办公室增补"), default=False)
    token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    has_voted = models.BooleanField(_("已投票"), default=False)

    class Meta:
        verbose_name = _("参评人员")
        verbose_name_plural = _("参评人员")
        ordering = ["round", "category", "person__name", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="participant_once_per_round")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_category_display()}"


class Ballot(models.Model):
    """One anonymous ballot: random key, no time, no voter (EV-3). `answers` = {subject_id: {criterion_id: v}}."""

    class Channel(models.TextChoices):
        LINK = "link", _("个人链接")
        PAPER = "paper", _("纸质票")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    paper_sheet = models.CharField(max_length=40, blank=True)
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "paper_sheet"], condition=~Q(paper_sheet=""), name="ballot_paper_sheet_once"
            )
        ]

    def __str__(self) -> str:
        return str(_("匿名选票"))


class BallotTally(models.Model):
    """Running counts of a round's ballots, kept in the same transaction as each ballot is cast (issue 9).

    One row per (subject, criterion, answer value) with how many ballots gave that answer, one row per subject
    with `criterion` empty counting the ballots that answered for it, and one row with neither counting the
    round's ballots. Nothing here refers to a voter
    or a time; the rows are read only when the round closes and by the recount that checks them against
    the ballots (`tally.py`), never shown while voting is open (EV-3).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tallies")
    subject = models.ForeignKey(Subject, null=True, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, null=True, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=32, blank=True)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("计票汇总")
        verbose_name_plural = _("计票汇总")
        ordering = ["round", "subject", "criterion", "value"]
        constraints = [
            # The conflict targets of the increments in tally.py: one row per answer, one per subject.
            models.UniqueConstraint(
                fields=["subject", "criterion", "value"],
                condition=Q(criterion__isnull=False),
                name="ballot_tally_answer_once",
            ),
            models.UniqueConstraint(
                fields=["subject"], condition=Q(criterion__isnull=True), name="ballot_tally_subject_once"
            ),
            models.UniqueConstraint(
                fields=["round"], condition=Q(subject__isnull=True), name="ballot_tally_round_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id}/{self.criterion_id}/{self.value}: {self.n}"


class PaperEntry(models.Model):
    """One clerk's entry of a paper ballot sheet; two entries by two different clerks must match (EV-3)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="paper_entries")
    sheet_no = models.CharField(_("票号"), max_length=40)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("纸质票录入")
        verbose_name_plural = _("纸质票录入")
        ordering = ["round", "sheet_no", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "sheet_no", "clerk"], name="paper_entry_once_per_clerk")
        ]

    def __str__(self) -> str:
        return f"{self.sheet_no}"


class EvaluationMeeting(models.Model):
    """The evaluation meeting record (评议会, EV-3): date, attendance, materials reviewed, resident visits."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="meeting")
    held_on = models.DateField(_("会议日期"))
    place_text = models.CharField(_("地点"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(_("到会人数"), default=0)
    attendance_note = models.TextField(
        _("出席情况"), blank=True, help_text=_("各方出席人员，按“职务 + 姓名”")
    )
    materials_reviewed = models.TextField(_("查阅资料"), blank=True)
    opinions_heard = models.TextField(_("听取意见"), blank=True)
    visits = models.PositiveIntegerField(_("走访居民户数"), default=0)
    visits_note = models.TextField(_("走访情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("评议会记录")
        verbose_name_plural = _("评议会记录")

    def __str__(self) -> str:
        return f"{self.round} {self.held_on}"


class ObjectionQuerySet(models.QuerySet["Objection"]):
    def unanswered(self) -> ObjectionQuerySet:
        return self.filter(answered_at__isnull=True)


class Objection(models.Model):
    """An objection to the preliminary result raised during the publicity period; each must be answered (EV-5)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="objections")
    subject = models.ForeignKey(
        Subject, verbose_name=_("涉及对象"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("异议内容"))
    raised_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["round", "raised_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class CreditEntryQuerySet(models.QuerySet["CreditEntry"]):
    def valid(self, on=None) -> CreditEntryQuerySet:
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))


class CreditEntry(models.Model):
    """One line of a property company's credit record (信用评价, EV-5): an appraisal result, a good or a bad entry."""

    class Kind(models.TextChoices):
        APPRAISAL = "appraisal", _("年度评议结果")
        GOOD = "good", _("良好信息")
        BAD = "bad", _("不良信息")

    company = models.ForeignKey(
        "directory.Organisation", verbose_name=_("物业服务企业"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=4, blank=True)
    text = models.CharField(_("内容"), max_length=300)
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = CreditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["company", "-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.company} {self.get_kind_display()} {self.text}"
