"""Inter-party bulletins (通报, PN-3): one party tells the others of problems and progress; urgent ones are
acknowledged by every recipient party within a set time, or escalate to the party organisation, then the street.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    IMPORTANT = "important", _("重要")
    URGENT = "urgent", _("紧急")


# Default acknowledgement windows in minutes, per urgency (None: no acknowledgement required).
# Overridable in settings.SANFANG["BULLETIN_ACK_MINUTES"].
DEFAULT_ACK_MINUTES: dict[str, int | None] = {
    Urgency.NORMAL: None,
    Urgency.IMPORTANT: 24 * 60,
    Urgency.URGENT: 2 * 60,
}
# After the first escalation (to the party organisation), how long before the street is told.
DEFAULT_STREET_AFTER_MINUTES = 2 * 60


def ack_minutes_for(urgency: str) -> int | None:
    configured = getattr(settings, "SANFANG", {}).get("BULLETIN_ACK_MINUTES", {})
    return configured.get(urgency, DEFAULT_ACK_MINUTES.get(urgency))


def street_after_minutes() -> int:
    return int(
        getattr(settings, "SANFANG", {}).get("BULLETIN_STREET_AFTER_MINUTES", DEFAULT_STREET_AFTER_MINUTES)
    )


class Topic(models.TextChoices):
    PROBLEMS = "problems", _("收集到的居民问题")
    PROGRESS = "progress", _("问题处理进展")
    EMERGENCY = "emergency", _("突发情况")
    OTHER = "other", _("其他情况")


class BulletinQuerySet(models.QuerySet["Bulletin"]):
    def visible_to(self, user) -> BulletinQuerySet:
        """Sender and recipient organisations' members; the party organisation, RC and street over their area."""
        from sanfang.directory.scopes import Role, get_scope

        scope = get_scope(user)
        if scope.is_superuser:
            return self
        if not scope.is_authenticated:
            return self.none()
        orgs = list(scope.organisation_ids)
        q = Q(sender_org_id__in=orgs) | Q(
            Exists(BulletinRecipient.objects.filter(bulletin=OuterRef("pk"), organisation_id__in=orgs))
        )
        q |= scope.place_q(
            "community__path", roles=(Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE, Role.STREET, Role.COUNTY)
        )
        return self.filter(q)

    def needing_ack(self) -> BulletinQuerySet:
        return self.filter(ack_due_at__isnull=False)

    def unacknowledged(self) -> BulletinQuerySet:
        """Bulletins that still wait for at least one recipient party's acknowledgement."""
        return self.needing_ack().filter(
            Exists(BulletinRecipient.objects.filter(bulletin=OuterRef("pk"), acknowledged_at__isnull=True))
        )

    def overdue(self, now: dt.datetime | None = None) -> BulletinQuerySet:
        return self.unacknowledged().filter(ack_due_at__lt=now or timezone.now())


class Bulletin(models.Model):
    community = models.ForeignKey(
        "directory.Place", on_delete=models.PROTECT, related_name="bulletins", verbose_name=_("社区")
    )
    compound = models.ForeignKey(
        "directory.Place",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("涉及小区"),
    )
    sender_org = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("通报方")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("通报人")
    )
    topic = models.CharField(_("类别"), max_length=20, choices=Topic.choices, default=Topic.PROBLEMS)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    case_ref = models.CharField(
        _("关联问题编号"), max_length=40, blank=True, help_text=_("问题（工单）的编号，可留空")
    )
    include_street = models.BooleanField(_("同时通报街道"), default=False)
    sent_at = models.DateTimeField(_("发出时间"), default=timezone.now, db_index=True)
    ack_minutes = models.PositiveIntegerField(_("签收时限（分钟）"), null=True, blank=True)
    ack_due_at = models.DateTimeField(_("签收截止"), null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    escalated_to_party_at = models.DateTimeField(_("报告社区党组织时间"), null=True, blank=True)
    escalated_to_street_at = models.DateTimeField(_("报告街道时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_ack(self) -> bool:
        return self.ack_due_at is not None


class BulletinRecipient(models.Model):
    """One recipient party of a bulletin and its acknowledgement (who, when)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("接收方")
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("签收人"),
    )
    note = models.CharField(_("签收意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("通报接收方")
        verbose_name_plural = _("通报接收方")
        ordering = ["bulletin", "organisation__kind", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "organisation"], name="bulletin_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.organisation}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def late(self) -> bool:
        """Acknowledged after the deadline, or not yet acknowledged and past it."""
        due = self.bulletin.ack_due_at
        if due is None:
            return False
        if self.acknowledged_at is None:
            return timezone.now() > due
        return self.acknowledged_at > due
