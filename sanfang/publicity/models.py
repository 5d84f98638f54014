"""The public board (公示栏, PN-1/PN-2): published items, their immutable versions and the per-compound hash chain.

A `BoardItem` is one thing a compound's board must show: a party's annual service commitments, the property
company's price display, an annual income and expenditure statement, a quarter's common-part income, the year's
maintenance-fund account, or a notice of a change of charge standard. Disclosures have a period and a due date;
one not published by its due date is overdue, publicly.

Publishing never edits anything in place: it appends an `ItemVersion` whose content is hashed (SHA-256 over a
canonical JSON form) and chained to the previous version *of the same compound* (`prev_digest`), and moves the
compound's `BoardChain` head. Altering, deleting or re-ordering a stored version breaks the chain, which
`services.verify_chain` (the `sanfang publicity verify` command and the public /b/<code>/verify page) names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfang.directory.models import Organisation, Place


class ItemKind(models.TextChoices):
    COMMITMENT = "commitment", _("年度服务承诺")
    PRICE_DISPLAY = "price_display", _("收费公示（明码标价）")
    INCOME_STATEMENT = "income_statement", _("年度收支情况")
    COMMON_INCOME = "common_income", _("共有部分经营收益")
    MAINTENANCE_FUND = "maintenance_fund", _("专项维修资金")
    CHARGE_CHANGE = "charge_change", _("收费标准调整")


# The disclosures of the rectification of opaque charges (everything but the commitments).
DISCLOSURE_KINDS = (
    ItemKind.PRICE_DISPLAY,
    ItemKind.INCOME_STATEMENT,
    ItemKind.COMMON_INCOME,
    ItemKind.MAINTENANCE_FUND,
    ItemKind.CHARGE_CHANGE,
)


class Party(models.TextChoices):
    """The party responsible for an item: one of the three parties of the linkage."""

    RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")


class ItemStatus(models.TextChoices):
    DUE = "due", _("待公示")
    PUBLISHED = "published", _("已公示")
    WITHDRAWN = "withdrawn", _("已撤回")


class BoardItemQuerySet(models.QuerySet["BoardItem"]):
    def published(self) -> BoardItemQuerySet:
        return self.filter(status=ItemStatus.PUBLISHED)

    def unpublished(self) -> BoardItemQuerySet:
        return self.filter(status=ItemStatus.DUE)

    def overdue(self, on: dt.date | None = None) -> BoardItemQuerySet:
        on = on or timezone.localdate()
        return self.filter(status=ItemStatus.DUE, due_on__lt=on)

    def due_within(self, days: int, on: dt.date | None = None) -> BoardItemQuerySet:
        on = on or timezone.localdate()
        return self.filter(status=ItemStatus.DUE, due_on__gte=on, due_on__lte=on + dt.timedelta(days=days))

    def disclosures(self) -> BoardItemQuerySet:
        return self.filter(kind__in=DISCLOSURE_KINDS)

    def visible_to(self, user) -> BoardItemQuerySet:
        """Staff lists: the items of the compounds the user's scope reaches (the board itself is public)."""
        from sanfang.directory.scopes import Role, get_scope

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        return self.filter(scope.place_q("compound__path", roles=Role.STAFF))


class BoardItem(models.Model):
    """One item of a compound's board; its public content is always its latest published version."""

    compound = models.ForeignKey(
        Place, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="board_items"
    )
    kind = models.CharField(_("类别"), max_length=30, choices=ItemKind.choices, db_index=True)
    party = models.CharField(_("责任方"), max_length=30, choices=Party.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("发布单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="board_items",
    )
    title = models.CharField(_("标题"), max_length=200)
    period_key = models.CharField(
        _("期间代码"), max_length=20, blank=True, help_text=_("如 2026、2026Q3；长期公示为空")
    )
    period_label = models.CharField(_("期间"), max_length=60, blank=True)
    period_start = models.DateField(_("期间开始"), null=True, blank=True)
    period_end = models.DateField(_("期间结束"), null=True, blank=True)
    due_on = models.DateField(_("应公示日期"), null=True, blank=True, db_index=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.DUE, db_index=True
    )
    current = models.ForeignKey(
        "ItemVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=0, help_text=_("已发布的版本数，用于并发检查"))
    first_published_at = models.DateTimeField(_("首次公示时间"), null=True, blank=True)
    changed_at = models.DateTimeField(_("最近更新时间"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = BoardItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示事项")
        verbose_name_plural = _("公示事项")
        ordering = ["compound", "kind", "-period_key", "party", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "kind", "period_key", "party"],
                condition=~Q(kind="charge_change"),
                name="board_item_once_per_period",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status == ItemStatus.DUE and self.due_on is not None and self.due_on < on

    @property
    def is_disclosure(self) -> bool:
        return self.kind in DISCLOSURE_KINDS

    def published_late(self) -> bool:
        return bool(
            self.first_published_at
            and self.due_on
            and timezone.localtime(self.first_published_at).date() > self.due_on
        )


class ItemVersionQuerySet(models.QuerySet["ItemVersion"]):
    def update(self, **kwargs):  # type: ignore[override]
        raise TypeError("Published versions are immutable.")

    def delete(self):  # type: ignore[override]
        raise TypeError("Published versions are immutable.")


class ItemVersion(models.Model):
    """One published (or withdrawn) state of an item: immutable, hashed and chained per compound (PN-2)."""

    item = models.ForeignKey(BoardItem, on_delete=models.PROTECT, related_name="versions")
    compound = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("版本号"))
    seq = models.PositiveIntegerField(_("链上序号"), help_text=_("该小区公示链上的序号，从 1 起连续"))
    title = models.CharField(_("标题"), max_length=200)
    content = models.JSONField(_("公示内容"), default=dict)
    withdrawn = models.BooleanField(_("撤回"), default=False)
    note = models.CharField(_("变更说明"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.CharField(_("发布人"), max_length=200, blank=True)
    prev_digest = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64)

    objects = ItemVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示版本")
        verbose_name_plural = _("公示版本")
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique"),
            models.UniqueConstraint(fields=["compound", "seq"], name="item_version_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Published versions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Published versions are immutable.")

    def payload(self) -> dict:
        """Everything the digest covers, in a form that survives a database round trip unchanged."""
        return {
            "compound": self.compound_id,
            "item": self.item_id,
            "number": self.number,
            "seq": self.seq,
            "title": self.title,
            "content": self.content,
            "withdrawn": self.withdrawn,
            "note": self.note,
            "published_at": stamp(self.published_at),
            "published_by": self.published_by,
            "prev": self.prev_digest,
        }

    def compute_digest(self) -> str:
        return digest_of(self.payload())


class BoardChain(models.Model):
    """The head of a compound's hash chain: its length and the digest of its last version."""

    compound = models.OneToOneField(Place, on_delete=models.PROTECT, related_name="board_chain")
    length = models.PositiveIntegerField(default=0)
    head_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("公示链")
        verbose_name_plural = _("公示链")

    def __str__(self) -> str:
        return f"{self.compound} #{self.length}"


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest_of(payload: dict) -> str:
    return hashlib.sha256(canonical(payload).encode("utf-8")).hexdigest()
