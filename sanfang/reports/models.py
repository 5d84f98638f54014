"""Typed reports (报告, PN-4) to the street, the party organisation, the RC and the joint meeting, and the
opinions recipients return on them, each of which the reporting party must answer (PN-5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfang.core.models import DeadlineMixin

from .kinds import ReportType

# Working days the reporting party has to answer an opinion (PN-5: "study and handle promptly").
DEFAULT_ANSWER_WORKING_DAYS = 5


def answer_working_days() -> int:
    return int(
        getattr(settings, "SANFANG", {}).get("REPORT_ANSWER_WORKING_DAYS", DEFAULT_ANSWER_WORKING_DAYS)
    )


def attachment_path(instance, filename: str) -> str:
    """A random name: attachments are served only through the guarded view, and must not be guessable."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Mode(models.TextChoices):
    WRITTEN = "written", _("书面报告")
    ORAL = "oral", _("口头报告")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已报送")
    RECEIVED = "received", _("已接收")
    CLOSED = "closed", _("已办结")


class RecipientKind(models.TextChoices):
    STREET = "street", _("街道（乡镇）")
    PARTY_ORG = "party_org", _("社区党组织")
    RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会")
    JOINT_MEETING = "joint_meeting", _("联席会议")


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user) -> ReportQuerySet:
        """The reporting organisation, the recipients, and oversight over the compound's area."""
        from sanfang.directory.scopes import Role, get_scope

        scope = get_scope(user)
        if scope.is_superuser:
            return self
        if not scope.is_authenticated:
            return self.none()
        orgs = list(scope.organisation_ids)
        q = Q(reporting_org_id__in=orgs) | Q(
            Exists(ReportRecipient.objects.filter(report=OuterRef("pk"), organisation_id__in=orgs))
        )
        q |= scope.place_q(
            "compound__path",
            roles=(
                Role.PARTY_ORG,
                Role.RESIDENTS_COMMITTEE,
                Role.COMPOUND_PARTY_ORG,
                Role.STREET,
                Role.COUNTY,
            ),
        )
        return self.filter(q)

    def open(self) -> ReportQuerySet:
        return self.exclude(status=Status.CLOSED)

    def with_unanswered(self) -> ReportQuerySet:
        return self.filter(Exists(Opinion.objects.filter(report=OuterRef("pk"), answered_at__isnull=True)))


class Report(models.Model):
    type = models.CharField(_("报告类型"), max_length=30, choices=ReportType.choices, db_index=True)
    mode = models.CharField(_("报告方式"), max_length=10, choices=Mode.choices, default=Mode.WRITTEN)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    compound = models.ForeignKey(
        "directory.Place", on_delete=models.PROTECT, related_name="reports", verbose_name=_("小区")
    )
    community = models.ForeignKey(
        "directory.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    reporting_org = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("报告单位")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    title = models.CharField(_("标题"), max_length=120)
    summary = models.TextField(_("报告内容"))
    fields = models.JSONField(_("事项要素"), default=dict, blank=True)
    attachment = models.FileField(_("附件"), upload_to=attachment_path, blank=True)
    # An oral report is recorded by the receiver: who spoke, when, and who took it down.
    oral_reporter = models.CharField(_("口头报告人"), max_length=60, blank=True)
    oral_at = models.DateTimeField(_("口头报告时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        null=True,
        blank=True,
        verbose_name=_("续报的报告"),
        help_text=_("出现新情况时，对原报告的续报（PN-5）"),
    )
    agenda_ref = models.CharField(_("联席会议议题"), max_length=200, blank=True)
    agenda_proposed_at = models.DateTimeField(_("提交联席会议时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_oral(self) -> bool:
        return self.mode == Mode.ORAL


class ReportRecipient(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(_("接收方"), max_length=30, choices=RecipientKind.choices)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("接收单位")
    )
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("报告接收方")
        verbose_name_plural = _("报告接收方")
        ordering = ["report", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="report_recipient_kind_once")]

    def __str__(self) -> str:
        return f"{self.report} → {self.organisation}"


class OpinionQuerySet(models.QuerySet["Opinion"]):
    def unanswered(self) -> OpinionQuerySet:
        return self.filter(answered_at__isnull=True)

    def overdue(self, today=None) -> OpinionQuerySet:
        return self.unanswered().filter(due_on__lt=today or timezone.localdate())


class Opinion(DeadlineMixin):
    """A recipient's opinion on a report; the reporting party must answer it (PN-5)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="opinions")
    recipient = models.ForeignKey(
        ReportRecipient, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("提出方")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("意见"))
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    flagged_at = models.DateTimeField(_("逾期提示时间"), null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告意见")
        verbose_name_plural = _("报告意见")
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def overdue(self) -> bool:
        return self.answered_at is None and self.due_on is not None and self.due_on < timezone.localdate()
