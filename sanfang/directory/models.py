"""Places, organisations, people, positions, contracts and residencies: who is who, where."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    COUNTY = "county", _("县")
    STREET = "street", _("街道（乡镇）")
    COMMUNITY = "community", _("社区")
    COMPOUND = "compound", _("小区")


PLACE_DEPTH = {PlaceKind.COUNTY: 0, PlaceKind.STREET: 1, PlaceKind.COMMUNITY: 2, PlaceKind.COMPOUND: 3}


class PlaceQuerySet(models.QuerySet["Place"]):
    def counties(self) -> PlaceQuerySet:
        return self.filter(kind=PlaceKind.COUNTY)

    def streets(self) -> PlaceQuerySet:
        return self.filter(kind=PlaceKind.STREET)

    def communities(self) -> PlaceQuerySet:
        return self.filter(kind=PlaceKind.COMMUNITY)

    def compounds(self) -> PlaceQuerySet:
        return self.filter(kind=PlaceKind.COMPOUND)

    def within(self, place: Place) -> PlaceQuerySet:
        """The place itself and everything under it."""
        return self.filter(path__startswith=place.path)

    def visible_to(self, user) -> PlaceQuerySet:
        """Place names and codes are public; staff lists are bounded by their scope (see scopes.Scope)."""
        from .scopes import get_scope

        scope = get_scope(user)
        if scope.is_superuser:
            return self.all()
        if not scope.grants:
            return self.none()
        return self.filter(scope.place_q("path"))


# Sent inside the transaction of a place's move (a new parent), after the paths below it were rewritten; the cases
# app moves the open cases and matters along (cases/hooks.py). Arguments: place.
place_moved = Signal()


class Place(models.Model):
    """A county, street/township, community or compound; `path` lists the ids from the county down."""

    kind = models.CharField(_("层级"), max_length=20, choices=PlaceKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(
        _("代码"),
        max_length=20,
        unique=True,
        help_text=_("行政区划代码；小区为所属社区代码加序号"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=100, db_index=True, editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    year_built = models.PositiveIntegerField(_("建成年份"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    floor_area = models.DecimalField(
        _("建筑面积（平方米）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("地点")
        verbose_name_plural = _("地点")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.parent_id is None and self.kind != PlaceKind.COUNTY:
            raise ValueError("only a county has no parent")
        # One transaction: the save's signals replace the stamps of cached pages and scopes (core/stamps.py) before
        # the path is written, and no reader may see the new stamps without the new path.
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent_id else "/"
            path = f"{parent_path}{self.pk}/"
            if path != self.path:
                self.path = path
                Place.objects.filter(pk=self.pk).update(path=path)
                if old_path:
                    # A moved place takes everything below it along: scopes and visibility read these paths.
                    Place.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(Value(path), Substr("path", len(old_path) + 1))
                    )
                    place_moved.send(sender=Place, place=self)

    def clean(self):
        """A place sits exactly one level below its parent (a compound in a community, a community in a street …),
        which also keeps a place from being moved under itself or one of its own."""
        super().clean()
        if self.parent_id is None:
            if self.kind != PlaceKind.COUNTY:
                raise ValidationError({"parent": _("除县以外，每个地点都须有上级。")})
            return
        if PLACE_DEPTH.get(self.parent.kind, -9) != PLACE_DEPTH.get(self.kind, -9) - 1:
            raise ValidationError(
                {
                    "parent": _("“%(kind)s”的上级须是上一级地点，不能是“%(parent)s”。")
                    % {"kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}
                }
            )

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self) -> PlaceQuerySet:
        return Place.objects.filter(pk__in=self.ancestor_ids[:-1]).order_by("path")

    def ancestor_of_kind(self, kind: str) -> Place | None:
        if self.kind == kind:
            return self
        return Place.objects.filter(pk__in=self.ancestor_ids, kind=kind).first()

    @property
    def community(self) -> Place | None:
        return self.ancestor_of_kind(PlaceKind.COMMUNITY)

    @property
    def street(self) -> Place | None:
        return self.ancestor_of_kind(PlaceKind.STREET)

    def is_within(self, other: Place) -> bool:
        return self.path.startswith(other.path)


class Building(models.Model):
    compound = models.ForeignKey(
        Place,
        verbose_name=_("小区"),
        on_delete=models.CASCADE,
        related_name="buildings",
        limit_choices_to={"kind": PlaceKind.COMPOUND},
    )
    name = models.CharField(_("楼栋"), max_length=40)
    units = models.PositiveIntegerField(_("单元数"), default=1)
    floors = models.PositiveIntegerField(_("层数"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["compound", "id"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="building_name_unique_in_compound")
        ]

    def __str__(self) -> str:
        return self.name


class OrgKind(models.TextChoices):
    PARTY_ORG = "party_org", _("社区党组织")
    COMPOUND_PARTY_ORG = "compound_party_org", _("小区党组织")
    RESIDENTS_COMMITTEE = "residents_committee", _("社区居民委员会")
    EPMC = "epmc", _("环境和物业管理委员会")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")
    GRID = "grid", _("网格")
    STREET = "street", _("街道（乡镇）")
    DEPARTMENT = "department", _("职能部门 / 驻区单位")
    COUNTY = "county", _("县级部门")


# The place kind each organisation kind is attached to.
ORG_PLACE_KIND = {
    OrgKind.PARTY_ORG: PlaceKind.COMMUNITY,
    OrgKind.COMPOUND_PARTY_ORG: PlaceKind.COMPOUND,
    OrgKind.RESIDENTS_COMMITTEE: PlaceKind.COMMUNITY,
    OrgKind.EPMC: PlaceKind.COMMUNITY,
    OrgKind.OWNERS_COMMITTEE: PlaceKind.COMPOUND,
    OrgKind.PROPERTY_COMPANY: None,  # registered anywhere; its scope is its service contracts
    OrgKind.GRID: PlaceKind.COMMUNITY,
    OrgKind.STREET: PlaceKind.STREET,
    OrgKind.DEPARTMENT: None,  # county departments or units stationed in a community
    OrgKind.COUNTY: PlaceKind.COUNTY,
}


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def of_kind(self, *kinds: str) -> OrganisationQuerySet:
        return self.filter(kind__in=kinds)

    def at(self, place: Place) -> OrganisationQuerySet:
        return self.filter(place=place)

    def serving(self, compound: Place, on: dt.date | None = None) -> OrganisationQuerySet:
        """Property companies with a contract for the compound in force on the date (today by default)."""
        on = on or timezone.localdate()
        return (
            self.filter(
                kind=OrgKind.PROPERTY_COMPANY,
                contracts__compound=compound,
                contracts__start__lte=on,
            )
            .filter(Q(contracts__end__isnull=True) | Q(contracts__end__gte=on))
            .distinct()
        )


class Organisation(models.Model):
    kind = models.CharField(_("类型"), max_length=30, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    place = models.ForeignKey(
        Place, verbose_name=_("所在地点"), on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["place__path", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, username: str | None = None, password: str | None = None, **extra) -> Person:
        if not username and not extra.get("phone"):
            raise ValueError("a person needs a username or a phone number to log in")
        person = self.model(username=username or None, **extra)
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save(using=self._db)
        return person

    def create_superuser(self, username: str, password: str | None = None, **extra) -> Person:
        extra.setdefault("name", username)
        return self.create_user(username, password, is_staff=True, is_superuser=True, **extra)

    def get_by_natural_key(self, username: str) -> Person:
        return self.get(username=username)


class Person(AbstractBaseUser, PermissionsMixin):
    """A person known to the platform; those with a usable password can log in."""

    username = models.CharField(_("用户名"), max_length=60, unique=True, null=True, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, unique=True, null=True, blank=True)
    name = models.CharField(_("姓名"), max_length=60)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    totp_enabled = models.BooleanField(_("启用两步验证"), default=False)
    # The last 30-second step whose code was accepted: a code is good once, never replayed (issue 10.7).
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)
    large_type = models.BooleanField(_("长者模式"), default=False)
    language = models.CharField(_("界面语言"), max_length=10, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = PersonManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.username or self.phone or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        from .naming import mask_phone

        return mask_phone(self.phone or "")

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class PositionQuerySet(models.QuerySet["Position"]):
    def current(self, on: dt.date | None = None) -> PositionQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(term_start__isnull=True) | Q(term_start__lte=on)).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=on)
        )

    def public(self) -> PositionQuerySet:
        return self.filter(contact_public=True)


class Position(models.Model):
    """A person's post in an organisation for a term; the role it confers comes from the organisation's kind."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="positions"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField(_("职务"), max_length=60)
    is_head = models.BooleanField(
        _("负责人"), default=False, help_text=_("组织的主要负责人（书记、主任、项目负责人）")
    )
    leads_epmc = models.BooleanField(
        _("分管环境和物业管理"),
        default=False,
        help_text=_("居委会中负责环境和物业管理委员会的委员，主持联席会议办公室"),
    )
    is_party_member = models.BooleanField(_("党员"), default=False)
    term_start = models.DateField(_("任期开始"), null=True, blank=True)
    term_end = models.DateField(_("任期结束"), null=True, blank=True)
    contact_public = models.BooleanField(_("公开联系方式"), default=False)
    contact = models.CharField(_("公开联系电话"), max_length=30, blank=True, help_text=_("留空则不公开电话"))

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["organisation", "-is_head", "id"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.title} {self.person}"

    @property
    def role(self) -> str:
        from .scopes import ROLE_BY_ORG_KIND

        return ROLE_BY_ORG_KIND[self.organisation.kind]


class FeeRegime(models.TextChoices):
    LUMP_SUM = "lump_sum", _("包干制")
    COMMISSION = "commission", _("酬金制")


class ServiceContractQuerySet(models.QuerySet["ServiceContract"]):
    def in_force(self, on: dt.date | None = None) -> ServiceContractQuerySet:
        on = on or timezone.localdate()
        return self.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))


class ServiceContract(models.Model):
    """A property-service contract: a company serves a compound for a term under a fee regime."""

    company = models.ForeignKey(
        Organisation,
        verbose_name=_("物业服务企业"),
        on_delete=models.PROTECT,
        related_name="contracts",
        limit_choices_to={"kind": OrgKind.PROPERTY_COMPANY},
    )
    compound = models.ForeignKey(
        Place,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        related_name="contracts",
        limit_choices_to={"kind": PlaceKind.COMPOUND},
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    fee_regime = models.CharField(
        _("收费方式"), max_length=20, choices=FeeRegime.choices, default=FeeRegime.LUMP_SUM
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ServiceContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业服务合同")
        verbose_name_plural = _("物业服务合同")
        ordering = ["compound", "-start"]

    def __str__(self) -> str:
        return f"{self.company} · {self.compound}"


class Residency(models.Model):
    """A resident's claim to live in a compound, verified by the Residents' Committee or the property company."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("业主")
        TENANT = "tenant", _("租户")
        FAMILY = "family", _("家庭成员")

    class Status(models.TextChoices):
        PENDING = "pending", _("待核实")
        VERIFIED = "verified", _("已核实")
        REJECTED = "rejected", _("未通过")
        MOVED_OUT = "moved_out", _("已迁出")

    person = models.ForeignKey(
        Person, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="residencies"
    )
    compound = models.ForeignKey(
        Place,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        related_name="residencies",
        limit_choices_to={"kind": PlaceKind.COMPOUND},
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    room = models.CharField(_("单元房号"), max_length=40, blank=True)
    relation = models.CharField(_("身份"), max_length=20, choices=Relation.choices, default=Relation.OWNER)
    is_owner_representative = models.BooleanField(_("业主代表"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    verified_by = models.ForeignKey(
        Person, verbose_name=_("核实人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("迁出登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("居住登记")
        verbose_name_plural = _("居住登记")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "compound", "room"], name="residency_unique_per_room"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.compound}"

    @property
    def address(self) -> str:
        """Compound, building and room as a worker says them ("幸福家园 1栋 2单元 301")."""
        return " ".join(
            p for p in (self.compound.name, self.building.name if self.building else "", self.room) if p
        )
