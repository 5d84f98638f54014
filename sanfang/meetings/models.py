"""The joint meeting system (JM-1 … JM-6): schedule, meetings, participants, agenda, documents, resolutions.

Invariants kept here (not only in services) so no path — UI, API, admin, shell — can break them:
- a regular meeting exists once per community and even month (unique constraint, JM-3);
- a signed document (notice, minutes, addendum, summary) cannot be changed: `save()` refuses (JM-4, JM-6).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfang.core.models import DeadlineMixin


class SignedDocumentLocked(Exception):
    """Raised by `save()` when a signed document would change (every path, admin included)."""


WEEKDAYS = [
    (0, _("周一")),
    (1, _("周二")),
    (2, _("周三")),
    (3, _("周四")),
    (4, _("周五")),
]


class MeetingSchedule(models.Model):
    """A community's preferred weekday, time and venue for its regular joint meeting (JM-3)."""

    community = models.OneToOneField(
        "directory.Place",
        verbose_name=_("社区"),
        on_delete=models.CASCADE,
        related_name="meeting_schedule",
        limit_choices_to={"kind": "community"},
    )
    weekday = models.PositiveSmallIntegerField(_("首选星期"), choices=WEEKDAYS, default=3)
    start_time = models.TimeField(_("开始时间"), default=dt.time(9, 0))
    venue = models.CharField(_("地点"), max_length=120, default="社区党群服务中心会议室")
    agenda_close_working_days = models.PositiveSmallIntegerField(_("议题征集截止（会前工作日）"), default=5)

    class Meta:
        verbose_name = _("例会安排")
        verbose_name_plural = _("例会安排")
        ordering = ["community__path"]

    def __str__(self) -> str:
        return f"{self.community} {self.get_weekday_display()} {self.start_time:%H:%M}"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def regular(self) -> MeetingQuerySet:
        return self.filter(kind=Meeting.Kind.REGULAR)

    def upcoming(self, today: dt.date | None = None) -> MeetingQuerySet:
        today = today or timezone.localdate()
        return self.filter(date__gte=today, status__in=Meeting.OPEN_STATUSES).order_by("date", "id")

    def not_cancelled(self) -> MeetingQuerySet:
        return self.exclude(status=Meeting.Status.CANCELLED)

    def held(self) -> MeetingQuerySet:
        return self.filter(status__in=(Meeting.Status.HELD, Meeting.Status.CLOSED))

    def in_period(self, start: dt.date, end: dt.date) -> MeetingQuerySet:
        return self.filter(date__gte=start, date__lte=end)

    def visible_to(self, user) -> MeetingQuerySet:
        from .permissions import meetings_visible_to

        return meetings_visible_to(user, self)


class Meeting(models.Model):
    """One joint meeting of a community: regular (last week of an even month) or ad hoc with a reason (JM-3)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("例会")
        AD_HOC = "ad_hoc", _("临时会议")

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        NOTIFIED = "notified", _("已发通知")
        HELD = "held", _("已召开")
        CLOSED = "closed", _("纪要已签发")
        CANCELLED = "cancelled", _("已取消")

    OPEN_STATUSES = (Status.PLANNED, Status.NOTIFIED)

    community = models.ForeignKey(
        "directory.Place", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    period = models.CharField(
        _("例会月份"), max_length=7, blank=True, help_text=_("例会所属的双月，如 2026-04；临时会议为空")
    )
    title = models.CharField(_("会议名称"), max_length=200)
    reason = models.TextField(_("召开事由"), blank=True, help_text=_("临时会议必须写明事由"))
    date = models.DateField(_("会议日期"), db_index=True)
    date_estimated = models.BooleanField(
        _("日期为估算"), default=False, help_text=_("该年放假安排尚未录入，按周一至周五估算")
    )
    start_time = models.TimeField(_("开始时间"), default=dt.time(9, 0))
    venue = models.CharField(_("地点"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("召集人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="convened_meetings",
    )
    convener_title = models.CharField(_("召集人职务"), max_length=120, blank=True)
    convener_entrusted = models.BooleanField(_("受委托召集"), default=False)
    agenda_opens_on = models.DateField(_("议题征集开始"))
    agenda_closes_on = models.DateField(_("议题征集截止"))
    held_on = models.DateField(_("实际召开日期"), null=True, blank=True)
    checkin_token = models.CharField(max_length=40, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "period"],
                condition=Q(kind="regular"),
                name="one_regular_meeting_per_community_period",
            ),
            models.CheckConstraint(
                condition=Q(kind="regular") | ~Q(reason=""), name="ad_hoc_meeting_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.checkin_token:
            self.checkin_token = secrets.token_urlsafe(16)
        super().save(*args, **kwargs)

    @property
    def agenda_open(self) -> bool:
        today = timezone.localdate()
        return self.status in self.OPEN_STATUSES and self.agenda_opens_on <= today <= self.agenda_closes_on

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Participant(models.Model):
    """A member (the four roles) or an attendee without membership (列席) of one meeting, with attendance."""

    class Role(models.TextChoices):
        # Members (JM-3)
        PARTY_ORG = "party_org", _("社区党组织委员")
        RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会委员")
        OWNERS_COMMITTEE = "owners_committee", _("业主委员会委员")
        PROPERTY_COMPANY = "property_company", _("物业服务企业负责人")
        # Attendees without membership (列席)
        COMPOUND_PARTY_ORG = "compound_party_org", _("小区党组织成员")
        GRID_WORKER = "grid_worker", _("网格员")
        CADRE = "cadre", _("下沉党员干部")
        OWNER_REP = "owner_rep", _("业主代表")
        LAWYER = "lawyer", _("社区律师")
        OTHER = "other", _("其他列席人员")

    MEMBER_ROLES = (Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY)

    class Attendance(models.TextChoices):
        EXPECTED = "expected", _("待签到")
        PRESENT = "present", _("已签到")
        ABSENT = "absent", _("缺席")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_participations",
    )
    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("职务"), max_length=160, blank=True)
    role = models.CharField(_("身份"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    compound = models.ForeignKey(
        "directory.Place",
        verbose_name=_("所涉小区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attendance = models.CharField(
        _("出席"), max_length=20, choices=Attendance.choices, default=Attendance.EXPECTED
    )
    absence_reason = models.CharField(_("缺席原因"), max_length=200, blank=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    self_signed = models.BooleanField(_("扫码签到"), default=False)

    class Meta:
        verbose_name = _("参会人员")
        verbose_name_plural = _("参会人员")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "role"],
                condition=Q(person__isnull=False),
                name="participant_once_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def is_member(self) -> bool:
        return self.role in self.MEMBER_ROLES


class AgendaKind(models.TextChoices):
    """The four kinds of business of JM-2, plus follow-up (督办) items the system adds (JM-5)."""

    POLICY = "policy", _("学习法规政策、通报情况")
    COMMON = "common", _("三方共性意见建议")
    RULES_MAJOR = "rules_major", _("管理规约及居民利益重大事项")
    COORDINATION = "coordination", _("协调物业管理矛盾")
    FOLLOW_UP = "follow_up", _("督办事项")


RAISED_KINDS = [c for c in AgendaKind.choices if c[0] != AgendaKind.FOLLOW_UP]


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def accepted(self) -> AgendaItemQuerySet:
        return self.filter(status=AgendaItem.Status.ACCEPTED)

    def to_screen(self) -> AgendaItemQuerySet:
        return self.filter(status=AgendaItem.Status.PROPOSED)

    def pooled(self) -> AgendaItemQuerySet:
        """Items waiting for the community's next meeting to exist (raised or deferred with none planned)."""
        return self.filter(meeting__isnull=True, status=AgendaItem.Status.PROPOSED)


class AgendaItem(models.Model):
    """A topic for a joint meeting (JM-2), raised by a party or coming from a case/report, screened by the office."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        ACCEPTED = "accepted", _("已列入议程")
        DEFERRED = "deferred", _("推迟至下次会议")
        MERGED = "merged", _("已合并")
        DECLINED = "declined", _("不予列入")

    class Source(models.TextChoices):
        PARTY_ORG = "party_org", _("社区党组织")
        RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会")
        OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
        PROPERTY_COMPANY = "property_company", _("物业服务企业")
        CASE = "case", _("问题工单")
        REPORT = "report", _("报告")
        FOLLOW_UP = "follow_up", _("督办")
        OFFICE = "office", _("联席会议办公室")

    community = models.ForeignKey(
        "directory.Place", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    kind = models.CharField(_("议题类别"), max_length=20, choices=AgendaKind.choices)
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("来源"), max_length=30, choices=Source.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_agenda_items",
    )
    raised_org = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("提出单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(default=timezone.now)
    link_type = models.CharField(_("关联对象类型"), max_length=60, blank=True)
    link_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    link_label = models.CharField(_("关联对象"), max_length=200, blank=True)
    link_url = models.CharField(_("关联链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    screen_reason = models.TextField(_("审核意见"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_items"
    )
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("由此议题顺延"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    resolution = models.ForeignKey(
        "Resolution",
        verbose_name=_("督办的议定事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_up_items",
    )
    position = models.PositiveIntegerField(default=0)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["position", "raised_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "meeting"],
                condition=Q(resolution__isnull=False),
                name="one_follow_up_item_per_resolution_meeting",
            )
        ]

    def __str__(self) -> str:
        return self.title


LOCKED_DOCUMENT_FIELDS = {"title", "body", "content", "version", "signed_at", "signed_by", "signed_version"}
LOCKED_SUMMARY_FIELDS = {
    "narrative",
    "suggestions",
    "figures",
    "version",
    "signed_at",
    "signed_by",
    "signed_version",
}


class LockedWhenSignedQuerySet(models.QuerySet):
    """Bulk updates and deletes cannot reach signed rows either (JM-4, JM-6)."""

    locked_fields: set[str] = set()

    def update(self, **kwargs):
        if self.locked_fields.intersection(kwargs) and self.filter(signed_at__isnull=False).exists():
            raise SignedDocumentLocked("已签发的文书不能修改。")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(signed_at__isnull=False).exists():
            raise SignedDocumentLocked("已签发的文书不能删除。")
        return super().delete()


class MeetingDocumentQuerySet(LockedWhenSignedQuerySet):
    locked_fields = LOCKED_DOCUMENT_FIELDS


class SummaryQuerySet(LockedWhenSignedQuerySet):
    locked_fields = LOCKED_SUMMARY_FIELDS


class MeetingDocument(models.Model):
    """A notice, the minutes, or a signed addendum: a versioned draft the convener signs off (JM-4)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("会议通知")
        MINUTES = "minutes", _("会议纪要")
        ADDENDUM = "addendum", _("补充说明")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书类型"), max_length=20, choices=Kind.choices)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的文书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addenda",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    content = models.JSONField(_("结构化内容"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sign_requested_at = models.DateTimeField(_("提请签发时间"), null=True, blank=True)
    signed_version = models.PositiveIntegerField(_("签发版本"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    distributed_at = models.DateTimeField(_("分送时间"), null=True, blank=True)

    objects = MeetingDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议文书")
        verbose_name_plural = _("会议文书")
        ordering = ["meeting", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind"],
                condition=~Q(kind="addendum"),
                name="one_notice_and_one_minutes_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                MeetingDocument.objects.filter(pk=self.pk)
                .values("signed_at", "body", "title", "version", "content")
                .first()
            )
            if stored and stored["signed_at"] is not None:
                changed = any(stored[f] != getattr(self, f) for f in ("body", "title", "version", "content"))
                if changed or self.signed_at != stored["signed_at"]:
                    raise SignedDocumentLocked("已签发的文书不能修改，请以签发的补充说明更正。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_signed:
            raise SignedDocumentLocked("已签发的文书不能删除。")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class DocumentVersion(models.Model):
    """Every saved version of a document, kept (nothing silently overwritten)."""

    document = models.ForeignKey(MeetingDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    title = models.CharField(max_length=200)
    body = models.TextField()
    content = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class Distribution(models.Model):
    """One recipient of a signed document: the organisation, the person told, and the inbox message (read receipt)."""

    document = models.ForeignKey(MeetingDocument, on_delete=models.CASCADE, related_name="distributions")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(
        "core.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("文书分送")
        verbose_name_plural = _("文书分送")
        ordering = ["document", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "organisation", "person"], name="distribution_once")
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.person}"

    @property
    def read_at(self):
        return self.message.read_at if self.message_id and self.message else None


class ResolutionQuerySet(models.QuerySet["Resolution"]):
    def open(self) -> ResolutionQuerySet:
        return self.filter(status=Resolution.Status.OPEN)

    def overdue(self, today: dt.date | None = None) -> ResolutionQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)

    def done(self) -> ResolutionQuerySet:
        return self.filter(status=Resolution.Status.DONE)

    def visible_to(self, user) -> ResolutionQuerySet:
        from .permissions import resolutions_visible_to

        return resolutions_visible_to(user, self)


class Resolution(DeadlineMixin):
    """An agreed matter (议定事项): an owner party, a deadline in working days, a status and progress (JM-5)."""

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        DONE = "done", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolutions",
    )
    community = models.ForeignKey(
        "directory.Place", on_delete=models.PROTECT, related_name="meeting_resolutions"
    )
    text = models.TextField(_("议定事项"))
    owner = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("责任方"),
        on_delete=models.PROTECT,
        related_name="meeting_resolutions",
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN and self.due_on is not None and self.due_on < timezone.localdate()
        )

    @property
    def done_on_time(self) -> bool:
        return (
            self.status == self.Status.DONE
            and self.done_at is not None
            and (self.due_on is None or timezone.localdate(self.done_at) <= self.due_on)
        )


def evidence_path(instance, filename: str) -> str:
    return f"meetings/evidence/{instance.resolution_id}/{filename}"


class ProgressNote(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("进展情况"))
    evidence = models.FileField(_("佐证材料"), upload_to=evidence_path, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办理进展")
        verbose_name_plural = _("办理进展")
        ordering = ["resolution", "at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Summary(models.Model):
    """A half-year (工作小结) or annual (工作总结) summary, drafted from data, signed and submitted (JM-6)."""

    class Kind(models.TextChoices):
        HALF_YEAR = "half_year", _("半年工作小结")
        ANNUAL = "annual", _("年度工作总结")

    community = models.ForeignKey(
        "directory.Place", on_delete=models.PROTECT, related_name="meeting_summaries"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField(_("年度"))
    period_start = models.DateField()
    period_end = models.DateField()
    figures = models.JSONField(_("数据"), default=dict)
    narrative = models.TextField(_("工作情况"), blank=True)
    suggestions = models.TextField(_("意见建议"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_version = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作总结")
        verbose_name_plural = _("工作总结")
        ordering = ["-period_end", "community__path", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "period_start"], name="one_summary_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                Summary.objects.filter(pk=self.pk)
                .values("signed_at", "narrative", "suggestions", "figures", "version")
                .first()
            )
            if (
                stored
                and stored["signed_at"] is not None
                and any(
                    stored[f] != getattr(self, f)
                    for f in ("narrative", "suggestions", "figures", "version", "signed_at")
                )
            ):
                raise SignedDocumentLocked("已签发的总结不能修改。")
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
