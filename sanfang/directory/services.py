"""Directory use cases. Each checks permission and rules, runs in one transaction and writes the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfang.core import audit
from sanfang.core.errors import RuleViolation

from . import permissions
from .auth import normalise_login
from .models import (
    ORG_PLACE_KIND,
    Building,
    FeeRegime,
    Organisation,
    OrgKind,
    Person,
    Place,
    PlaceKind,
    Position,
    Residency,
    ServiceContract,
)
from .scopes import forget_scope

PARENT_KIND = {
    PlaceKind.STREET: PlaceKind.COUNTY,
    PlaceKind.COMMUNITY: PlaceKind.STREET,
    PlaceKind.COMPOUND: PlaceKind.COMMUNITY,
}

# Organisations that work under the community party organisation's leadership (JM-1).
LED_BY_PARTY_ORG = (
    OrgKind.RESIDENTS_COMMITTEE,
    OrgKind.EPMC,
    OrgKind.OWNERS_COMMITTEE,
    OrgKind.COMPOUND_PARTY_ORG,
    OrgKind.GRID,
)


@transaction.atomic
def create_place(*, actor, kind: str, name: str, code: str, parent: Place | None, **facts) -> Place:
    name, code = name.strip(), code.strip()
    if not name or not code:
        raise RuleViolation(_("名称和代码都必须填写。"))
    if kind != PlaceKind.COUNTY:
        if parent is None or parent.kind != PARENT_KIND[kind]:
            raise RuleViolation(_("上级地点的层级不对：街道属于县，社区属于街道，小区属于社区。"))
        if not permissions.can_manage_place(actor, parent):
            raise PermissionDenied
    elif not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    if Place.objects.filter(code=code).exists():
        raise RuleViolation(_("代码 %(code)s 已被使用。") % {"code": code}, field="code")
    place = Place.objects.create(kind=kind, name=name, code=code, parent=parent, **facts)
    audit.record(actor=actor, verb="place.create", target=place, summary=f"{place.get_kind_display()} {name}")
    return place


@transaction.atomic
def add_building(*, actor, compound: Place, name: str, units: int = 1, floors: int | None = None) -> Building:
    if not permissions.can_manage_place(actor, compound):
        raise PermissionDenied
    if Building.objects.filter(compound=compound, name=name.strip()).exists():
        raise RuleViolation(_("该小区已有名为“%(name)s”的楼栋。") % {"name": name})
    building = Building.objects.create(compound=compound, name=name.strip(), units=units, floors=floors)
    audit.record(actor=actor, verb="building.create", target=building, place=compound, summary=name)
    return building


@transaction.atomic
def create_organisation(*, actor, kind: str, name: str, place: Place, **fields) -> Organisation:
    """JM-1: a community's three parties are rooted at its party organisation, which must exist first."""
    expected = ORG_PLACE_KIND[kind]
    if expected is not None and place.kind != expected:
        raise RuleViolation(
            _("%(kind)s 应设在%(place)s一级。")
            % {"kind": OrgKind(kind).label, "place": PlaceKind(expected).label}
        )
    if kind == OrgKind.PROPERTY_COMPANY:
        scope_ok = permissions.can_manage_place(actor, place) if place.kind != PlaceKind.COMPOUND else False
    else:
        scope_ok = permissions.can_manage_place(actor, place)
    if not scope_ok:
        raise PermissionDenied
    parent = fields.pop("parent", None)
    if kind in LED_BY_PARTY_ORG:
        community = place if place.kind == PlaceKind.COMMUNITY else place.community
        party_org = Organisation.objects.filter(kind=OrgKind.PARTY_ORG, place=community).first()
        if party_org is None:
            raise RuleViolation(_("请先建立社区党组织：三方在社区党组织领导下开展工作（JM-1）。"))
        if kind == OrgKind.EPMC:
            parent = Organisation.objects.filter(kind=OrgKind.RESIDENTS_COMMITTEE, place=place).first()
            if parent is None:
                raise RuleViolation(_("环境和物业管理委员会是居委会的下属委员会，请先建立社区居民委员会。"))
        else:
            parent = parent or party_org
    org = Organisation.objects.create(kind=kind, name=name.strip(), place=place, parent=parent, **fields)
    audit.record(
        actor=actor, verb="organisation.create", target=org, place=place, summary=org.get_kind_display()
    )
    return org


@transaction.atomic
def create_person(
    *, actor, name: str, phone: str = "", username: str = "", email: str = "", password: str | None = None
) -> Person:
    phone = normalise_login(phone) if phone else ""
    if not name.strip():
        raise RuleViolation(_("姓名必须填写。"), field="name")
    if phone and Person.objects.filter(phone=phone).exists():
        raise RuleViolation(_("手机号 %(phone)s 已被登记。") % {"phone": phone}, field="phone")
    if username and Person.objects.filter(username=username).exists():
        raise RuleViolation(_("用户名已被使用。"), field="username")
    person = Person(name=name.strip(), phone=phone or None, username=username or None, email=email)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    audit.record(actor=actor, verb="person.create", target=person, summary=person.name)
    return person


@transaction.atomic
def appoint(
    *,
    actor,
    person: Person,
    organisation: Organisation,
    title: str,
    is_head: bool = False,
    leads_epmc: bool = False,
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
    contact_public: bool = False,
    contact: str = "",
    is_party_member: bool = False,
) -> Position:
    if not permissions.can_manage_organisation(actor, organisation):
        raise PermissionDenied
    if term_start and term_end and term_end < term_start:
        raise RuleViolation(_("任期结束日期不能早于开始日期。"))
    if leads_epmc and organisation.kind not in (OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC):
        raise RuleViolation(_("只有居委会委员可以分管环境和物业管理。"))
    position = Position.objects.create(
        person=person,
        organisation=organisation,
        title=title.strip(),
        is_head=is_head,
        leads_epmc=leads_epmc,
        term_start=term_start or timezone.localdate(),
        term_end=term_end,
        contact_public=contact_public,
        contact=contact,
        is_party_member=is_party_member,
    )
    forget_scope(person)
    audit.record(
        actor=actor,
        verb="position.appoint",
        target=position,
        place=organisation.place,
        summary=f"{organisation.name} {title} {person.name}",
    )
    return position


@transaction.atomic
def end_position(*, actor, position: Position, on: dt.date | None = None) -> Position:
    position = Position.objects.select_for_update().get(pk=position.pk)
    if not permissions.can_manage_organisation(actor, position.organisation):
        raise PermissionDenied
    on = on or timezone.localdate()
    if position.term_start and on < position.term_start:
        raise RuleViolation(_("结束日期不能早于任期开始日期。"))
    position.term_end = on
    position.save(update_fields=["term_end"])
    audit.record(
        actor=actor,
        verb="position.end",
        target=position,
        place=position.organisation.place,
        changes={"term_end": [None, on]},
    )
    return position


@transaction.atomic
def sign_contract(
    *,
    actor,
    company: Organisation,
    compound: Place,
    start: dt.date,
    end: dt.date | None = None,
    fee_regime: str = FeeRegime.LUMP_SUM,
    note: str = "",
) -> ServiceContract:
    if company.kind != OrgKind.PROPERTY_COMPANY or compound.kind != PlaceKind.COMPOUND:
        raise RuleViolation(_("物业服务合同须由物业服务企业与小区签订。"))
    if not permissions.can_manage_place(actor, compound):
        raise PermissionDenied
    if end and end < start:
        raise RuleViolation(_("合同结束日期不能早于开始日期。"))
    overlapping = (
        ServiceContract.objects.filter(compound=compound, company=company)
        .filter(start__lte=end or dt.date.max)
        .exclude(end__lt=start)
    )
    if overlapping.exists():
        raise RuleViolation(_("该企业与该小区在这段时间已有合同。"))
    contract = ServiceContract.objects.create(
        company=company, compound=compound, start=start, end=end, fee_regime=fee_regime, note=note
    )
    audit.record(
        actor=actor,
        verb="contract.sign",
        target=contract,
        place=compound,
        summary=f"{company.name} {start}—{end or ''}",
    )
    return contract


@transaction.atomic
def end_contract(*, actor, contract: ServiceContract, on: dt.date, reason: str) -> ServiceContract:
    """The company stops serving the compound on `on` (its last day): a contract is ended early, never lengthened
    here, and the reason goes on the record (the board shows the serving company from the contracts in force)."""
    contract = (
        ServiceContract.objects.select_for_update().select_related("company", "compound").get(pk=contract.pk)
    )
    if not permissions.can_manage_place(actor, contract.compound):
        raise PermissionDenied
    if not reason.strip():
        raise RuleViolation(_("请写明结束合同的原因。"), field="reason")
    if on < contract.start:
        raise RuleViolation(
            _("结束日期不能早于合同开始日期（%(start)s）。") % {"start": contract.start}, field="end"
        )
    if contract.end and on >= contract.end:
        raise RuleViolation(
            _("合同原定于 %(end)s 结束；提前结束须选在此之前的日期。") % {"end": contract.end}, field="end"
        )
    before = contract.end
    contract.end = on
    contract.save(update_fields=["end"])
    audit.record(
        actor=actor,
        verb="contract.end",
        target=contract,
        place=contract.compound,
        changes={"end": [before, on]},
        summary=f"{contract.company.name}: {reason.strip()}",
    )
    return contract


@transaction.atomic
def register_resident(
    *,
    name: str,
    phone: str,
    password: str,
    compound: Place,
    building: Building | None,
    room: str,
    relation: str = Residency.Relation.OWNER,
) -> Person:
    """A resident signs up against their compound; the RC or the property company verifies them."""
    from django.contrib.auth.password_validation import validate_password

    phone = normalise_login(phone)
    if not phone.isdigit() or len(phone) != 11 or not phone.startswith("1"):
        raise RuleViolation(_("请填写 11 位手机号码。"), field="phone")
    if compound.kind != PlaceKind.COMPOUND:
        raise RuleViolation(_("请选择所住的小区。"), field="compound")
    if building is not None and building.compound_id != compound.pk:
        raise RuleViolation(_("楼栋不属于所选小区。"), field="building")
    if Person.objects.filter(phone=phone).exists():
        raise RuleViolation(_("该手机号已注册，请直接登录。"), field="phone")
    person = Person(name=name.strip(), phone=phone)
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, person)
    except ValidationError as exc:
        raise RuleViolation(_("；").join(exc.messages), field="password") from exc
    person.set_password(password)
    try:
        person.save()
    except IntegrityError as exc:
        raise RuleViolation(_("该手机号已注册，请直接登录。"), field="phone") from exc
    residency = Residency.objects.create(
        person=person, compound=compound, building=building, room=room.strip(), relation=relation
    )
    audit.record(actor=person, verb="residency.register", target=residency, place=compound)
    return person


@transaction.atomic
def claim_residency(
    *,
    actor: Person,
    compound: Place,
    building: Building | None,
    room: str,
    relation: str = Residency.Relation.OWNER,
) -> Residency:
    if compound.kind != PlaceKind.COMPOUND:
        raise RuleViolation(_("请选择所住的小区。"))
    if building is not None and building.compound_id != compound.pk:
        raise RuleViolation(_("楼栋不属于所选小区。"))
    earlier = (
        Residency.objects.select_for_update()
        .filter(person=actor, compound=compound, room=room.strip())
        .first()
    )
    if earlier is not None and earlier.status != Residency.Status.MOVED_OUT:
        raise RuleViolation(_("您已经登记过这个住址。"))
    if earlier is not None:  # moved back: the same address is registered again and verified again
        earlier.status, earlier.ended_at, earlier.verified_by, earlier.verified_at = (
            Residency.Status.PENDING,
            None,
            None,
            None,
        )
        earlier.building, earlier.relation, earlier.reject_reason = building, relation, ""
        earlier.save(update_fields=["status", "ended_at", "verified_by", "verified_at", "building", "relation",
                                    "reject_reason"])  # fmt: skip
        residency = earlier
    else:
        residency = Residency.objects.create(
            person=actor, compound=compound, building=building, room=room.strip(), relation=relation
        )
    forget_scope(actor)
    audit.record(actor=actor, verb="residency.register", target=residency, place=compound)
    return residency


@transaction.atomic
def end_residency(*, actor, residency: Residency, reason: str = "") -> Residency:
    """The resident has moved out: they say so themselves, or the RC / the serving company records it. The row stays
    (its history, ballots cast while living there); the person no longer counts as a resident of the compound."""
    residency = Residency.objects.select_for_update().select_related("compound").get(pk=residency.pk)
    own = actor.is_authenticated and residency.person_id == actor.pk
    if not (own or permissions.can_verify_residency(actor, residency)):
        raise PermissionDenied
    if residency.status in (Residency.Status.MOVED_OUT, Residency.Status.REJECTED):
        raise RuleViolation(_("这条居住登记已经不再有效，无需注销。"))
    if not own and not reason.strip():
        raise RuleViolation(
            _("代居民登记迁出时，请写明依据（例如：居民电话告知、房屋已过户）。"), field="reason"
        )
    before = residency.status
    residency.status, residency.ended_at = Residency.Status.MOVED_OUT, timezone.now()
    residency.is_owner_representative = False
    residency.save(update_fields=["status", "ended_at", "is_owner_representative"])
    forget_scope(residency.person)
    audit.record(
        actor=actor,
        verb="residency.end",
        target=residency,
        place=residency.compound,
        changes={"status": [before, residency.status]},
        summary=reason.strip(),
    )
    return residency


@transaction.atomic
def verify_residency(*, actor, residency: Residency, approve: bool, reason: str = "") -> Residency:
    residency = Residency.objects.select_for_update().get(pk=residency.pk)
    if not permissions.can_verify_residency(actor, residency):
        raise PermissionDenied
    if residency.status != Residency.Status.PENDING:
        raise RuleViolation(_("该登记已经处理过了。"))
    if not approve and not reason.strip():
        raise RuleViolation(_("不通过时请写明原因，居民会看到。"), field="reason")
    residency.status = Residency.Status.VERIFIED if approve else Residency.Status.REJECTED
    residency.verified_by, residency.verified_at = actor, timezone.now()
    residency.reject_reason = "" if approve else reason.strip()
    residency.save(update_fields=["status", "verified_by", "verified_at", "reject_reason"])
    forget_scope(residency.person)
    audit.record(
        actor=actor,
        verb="residency.verify" if approve else "residency.reject",
        target=residency,
        place=residency.compound,
        summary=reason,
    )
    return residency


# --- Governance tree (JM-1) -----------------------------------------------------------------------------


@dataclass
class GovernanceTree:
    community: Place
    party_org: Organisation | None
    residents_committee: Organisation | None
    epmc: Organisation | None
    compound_party_orgs: list[Organisation] = field(default_factory=list)
    owners_committees: list[Organisation] = field(default_factory=list)
    property_companies: list[Organisation] = field(default_factory=list)


def governance_tree(community: Place) -> GovernanceTree:
    """JM-1: the community's linkage organisations, rooted at its party organisation."""
    orgs = list(
        Organisation.objects.filter(place__path__startswith=community.path).exclude(
            kind=OrgKind.PROPERTY_COMPANY
        )
    )
    by_kind: dict[str, list[Organisation]] = {}
    for org in orgs:
        by_kind.setdefault(org.kind, []).append(org)
    companies = list(
        Organisation.objects.filter(
            kind=OrgKind.PROPERTY_COMPANY,
            pk__in=ServiceContract.objects.in_force()
            .filter(compound__path__startswith=community.path)
            .values("company_id"),
        )
    )
    first = lambda kind: (by_kind.get(kind) or [None])[0]  # noqa: E731
    return GovernanceTree(
        community=community,
        party_org=first(OrgKind.PARTY_ORG),
        residents_committee=first(OrgKind.RESIDENTS_COMMITTEE),
        epmc=first(OrgKind.EPMC),
        compound_party_orgs=by_kind.get(OrgKind.COMPOUND_PARTY_ORG, []),
        owners_committees=by_kind.get(OrgKind.OWNERS_COMMITTEE, []),
        property_companies=companies,
    )


def head_of(organisation: Organisation | None, on: dt.date | None = None) -> Position | None:
    if organisation is None:
        return None
    return (
        Position.objects.current(on)
        .filter(organisation=organisation, is_head=True)
        .select_related("person", "organisation")
        .first()
    )


def convener_for(community: Place, on: dt.date | None = None) -> Position | None:
    """JM-1/JM-3: the head of the community party organisation convenes and signs off."""
    party_org = Organisation.objects.filter(kind=OrgKind.PARTY_ORG, place=community).first()
    return head_of(party_org, on)


def epmc_lead_for(community: Place, on: dt.date | None = None) -> Position | None:
    """JM-4: the Residents' Committee member in charge of the EPMC runs the joint meeting office."""
    return (
        Position.objects.current(on)
        .filter(
            leads_epmc=True,
            organisation__place=community,
            organisation__kind__in=(OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC),
        )
        .select_related("person", "organisation")
        .first()
    )


def company_head_for(compound: Place, on: dt.date | None = None) -> Position | None:
    company = Organisation.objects.serving(compound, on).first()
    return head_of(company, on)


def owners_committee_of(compound: Place) -> Organisation | None:
    return Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE, place=compound).first()
