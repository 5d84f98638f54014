"""Core records shared by every app: the audit trail, the working-day calendar and message delivery."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_target(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))

    def update(self, **kwargs):  # type: ignore[override]
        raise TypeError("The audit trail is append-only.")

    def delete(self):  # type: ignore[override]
        raise TypeError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One change of state: who did what to which object, when, from where. Append-only (DB trigger too)."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=120, blank=True)
    verb = models.CharField(_("操作"), max_length=60, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("对象"), max_length=300, blank=True)
    place = models.ForeignKey(
        "directory.Place",
        verbose_name=_("地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("摘要"), blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")


class CalendarDay(models.Model):
    """An administrator's override of the official calendar (e.g. next year's arrangement, published in November)."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=60, blank=True, help_text=_("如：春节、国庆节调休上班"))

    class Meta:
        verbose_name = _("工作日历条目")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working_day else '休息'} {self.name}"


class CalendarYear(models.Model):
    """Marks a year whose whole official arrangement has been entered into CalendarDay by an administrator."""

    year = models.PositiveIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：国务院办公厅通知文号"))
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已录入年份")
        verbose_name_plural = _("已录入年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class Message(models.Model):
    """A notice in a person's web inbox; every delivery channel starts from one."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="messages"
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    urgent = models.BooleanField(_("紧急"), default=False)
    key = models.CharField(max_length=200, help_text="idempotency key: one message per (recipient, key)")
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="message_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class WebhookEndpoint(models.Model):
    """A group robot (WeCom / DingTalk) that an organisation's notices are also posted to."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")

    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name=_("组织"), on_delete=models.CASCADE, related_name="webhooks"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()}"


class Delivery(models.Model):
    """One attempt-tracked send of a message over a real channel (e-mail or webhook): the delivery log."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        WEBHOOK = "webhook", _("群机器人")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        # Claimed by a worker and being sent now; `next_attempt_at` is the end of its lease. A worker that dies
        # mid-send leaves it here, and the retry sweep sends it again (same idempotency key) once the lease ends.
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    key = models.CharField(max_length=255, unique=True, help_text="idempotency key")
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    webhook = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=500)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.get_status_display()}"


class ApiToken(models.Model):
    """A personal API token for integrations; only its hash is stored."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Stamp(models.Model):
    """A token that changes, in the same transaction, with every change of the data behind a cached page
    (core/stamps.py): a page cached under the token is never served after its data changed (issue 9)."""

    key = models.CharField(max_length=80, primary_key=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("缓存标记")
        verbose_name_plural = _("缓存标记")

    def __str__(self) -> str:
        return self.key


class DeadlineMixin(models.Model):
    """A due date counted in working days from a start date; recomputed if it was estimated (unknown year)."""

    due_from = models.DateField(_("起算日"), null=True, blank=True)
    due_working_days = models.PositiveIntegerField(_("期限（工作日）"), null=True, blank=True)
    due_on = models.DateField(_("截止日期"), null=True, blank=True, db_index=True)
    due_estimated = models.BooleanField(
        _("截止日期为估算"),
        default=False,
        help_text=_("计算时遇到尚未公布放假安排的年份，按周一至周五估算；录入该年日历后自动重算"),
    )

    class Meta:
        abstract = True

    def set_deadline(self, start, working_days: int) -> None:
        from .calendar import add_working_days

        due = add_working_days(start, working_days)
        self.due_from, self.due_working_days = start, working_days
        self.due_on, self.due_estimated = due, due.estimated

    DEADLINE_FIELDS = ["due_from", "due_working_days", "due_on", "due_estimated"]


def _job_path(instance, filename: str) -> str:
    import uuid

    return f"jobs/{uuid.uuid4().hex}/{filename}"


class Job(models.Model):
    """A long operation (an import, an export, a generated summary) run by the worker, not by the request.

    The person who asked for it follows it on its progress page (`/jobs/<pk>/`) and only they may see it or
    download its result. The worker claims a job with a lease (`attempts` is the lease's token); a worker killed
    mid-way leaves a `running` row whose lease runs out, and `core.jobs.recover` queues it again or fails it
    with a message, so it is never lost and never finished twice. See core/jobs.py.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("任务"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.CASCADE, related_name="jobs"
    )
    place = models.ForeignKey(
        "directory.Place",
        verbose_name=_("范围"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, default="zh-hans")
    input_file = models.FileField(upload_to=_job_path, blank=True, max_length=300)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(_("当前步骤"), max_length=200, blank=True)
    message = models.TextField(_("结果说明"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    errors = models.JSONField(default=list, blank=True)
    result_file = models.FileField(upload_to=_job_path, blank=True, max_length=300)
    result_name = models.CharField(max_length=200, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "lease_until"]),
            models.Index(fields=["owner", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None while the amount of work is not known yet."""
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
