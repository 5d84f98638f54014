"""Appraisal use cases (EV-1 … EV-5). Each checks permission and rules in one transaction, writes the audit
trail and notifies after commit. Nothing here ever records who cast which ballot."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sanfang.core import audit, delivery, extensions
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.directory.models import (
    Organisation,
    OrgKind,
    Person,
    Place,
    PlaceKind,
    Position,
    Residency,
    ServiceContract,
)
from sanfang.directory.services import convener_for, head_of

from . import permissions, scoring, tally
from .models import (
    AppliesTo,
    Ballot,
    Content,
    CreditEntry,
    Criterion,
    EvaluationMeeting,
    Level,
    Objection,
    PaperEntry,
    Participant,
    Round,
    Scale,
    Standard,
    Subject,
    SubjectKind,
    grade_for,
)

logger = logging.getLogger(__name__)

# How long an appraisal result stays on a company's credit record, and the weight of good / bad entries.
CREDIT_VALID_YEARS = 2
GOOD_ENTRY_POINTS = 2
BAD_ENTRY_POINTS = 5


def _in_record_language(build: Callable[[], str]) -> str:
    """Permanent records (the credit record) are written in the platform's language, whoever acts."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(build())


def years_after(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _check_version(obj, version: int | None, message: str) -> None:
    if version is not None and int(version) != obj.version:
        raise Conflict(message)


# --- Standards (EV-3, EV-4) -------------------------------------------------------------------------------


def _draft(standard: Standard) -> Standard:
    standard = Standard.objects.select_for_update().get(pk=standard.pk)
    if not standard.is_draft:
        raise RuleViolation(_("已发布的标准不能再修改；请新建一个版本。"))
    return standard


def _weight(value) -> Decimal:
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RuleViolation(_("权重必须是数字。"), field="weight") from exc
    if weight <= 0 or weight > 1000:
        raise RuleViolation(_("权重必须大于 0。"), field="weight")
    return weight


def _indicator_weight(value) -> Decimal:
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RuleViolation(_("客观指标权重必须是 0 到 1 之间的数。"), field="indicator_weight") from exc
    if weight < 0 or weight > 1:
        raise RuleViolation(_("客观指标权重必须是 0 到 1 之间的数。"), field="indicator_weight")
    return weight


@transaction.atomic
def create_standard(
    *,
    actor,
    street: Place,
    name: str,
    drop_extremes: bool = False,
    indicator_weight=Decimal("0"),
    note: str = "",
) -> Standard:
    """The street sets one appraisal standard for all its communities (EV-3); it starts as a draft."""
    if street.kind != PlaceKind.STREET:
        raise RuleViolation(_("测评标准由街道（乡镇）统一制定。"))
    if not permissions.can_edit_standard(actor, street):
        raise PermissionDenied
    if not name.strip():
        raise RuleViolation(_("请填写标准名称。"), field="name")
    if Standard.objects.of_street(street).drafts().exists():
        raise RuleViolation(_("本街道已有一个草稿版本，请先完成或发布它。"))
    number = (Standard.objects.of_street(street).aggregate(n=Max("number"))["n"] or 0) + 1
    standard = Standard.objects.create(
        street=street,
        name=name.strip(),
        number=number,
        drop_extremes=drop_extremes,
        indicator_weight=_indicator_weight(indicator_weight),
        note=note,
        created_by=actor,
    )
    audit.record(actor=actor, verb="appraisal.standard.create", target=standard, place=street)
    return standard


@transaction.atomic
def update_standard(*, actor, standard: Standard, version: int | None = None, **fields) -> Standard:
    standard = _draft(standard)
    if not permissions.can_edit_standard(actor, standard.street):
        raise PermissionDenied
    _check_version(standard, version, _("标准已被他人修改，请刷新后再试。"))
    allowed = {"name", "drop_extremes", "indicator_weight", "note"}
    values = {k: v for k, v in fields.items() if k in allowed}
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise RuleViolation(_("请填写标准名称。"), field="name")
    if "indicator_weight" in values:
        values["indicator_weight"] = _indicator_weight(values["indicator_weight"])
    changes = audit.diff(standard, list(values), values)
    for key, value in values.items():
        setattr(standard, key, value)
    standard.version += 1
    standard.save(update_fields=[*values, "version"])
    audit.record(actor=actor, verb="appraisal.standard.update", target=standard, changes=changes)
    return standard


def _clean_points(scale: str, points: dict) -> dict:
    out = {}
    for key in ("points_satisfied", "points_basic", "points_unsatisfied"):
        if key in points and points[key] not in (None, ""):
            try:
                out[key] = Decimal(str(points[key]))
            except (InvalidOperation, ValueError) as exc:
                raise RuleViolation(_("分值必须是数字。"), field=key) from exc
            if out[key] < 0 or out[key] > 100:
                raise RuleViolation(_("分值必须在 0 到 100 之间。"), field=key)
    return out


@transaction.atomic
def add_criterion(
    *,
    actor,
    standard: Standard,
    title: str,
    content: str | None = None,
    parent: Criterion | None = None,
    weight=1,
    scale: str = Scale.LEVELS,
    applies_to: str = AppliesTo.ALL,
    order: int | None = None,
    **points,
) -> Criterion:
    """A criterion of the standard's tree; a child inherits its parent's content (EV-4)."""
    standard = _draft(standard)
    if not permissions.can_edit_standard(actor, standard.street):
        raise PermissionDenied
    if not title.strip():
        raise RuleViolation(_("请填写指标名称。"), field="title")
    if parent is not None:
        if parent.standard_id != standard.pk:
            raise RuleViolation(_("上级指标不属于这个标准。"), field="parent")
        content = parent.content
    if content not in Content.values:
        raise RuleViolation(_("请选择考评内容。"), field="content")
    if scale not in Scale.values:
        raise RuleViolation(_("请选择计分方式。"), field="scale")
    if applies_to not in AppliesTo.values:
        raise RuleViolation(_("请选择适用对象。"), field="applies_to")
    if order is None:
        order = (standard.criteria.filter(parent=parent).aggregate(n=Max("order"))["n"] or 0) + 1
    criterion = Criterion.objects.create(
        standard=standard,
        parent=parent,
        title=title.strip(),
        content=content,
        weight=_weight(weight),
        scale=scale,
        applies_to=applies_to,
        order=order,
        **_clean_points(scale, points),
    )
    _touch(standard)
    audit.record(actor=actor, verb="appraisal.criterion.add", target=criterion, place=standard.street)
    return criterion


@transaction.atomic
def update_criterion(*, actor, criterion: Criterion, **fields) -> Criterion:
    standard = _draft(criterion.standard)
    if not permissions.can_edit_standard(actor, standard.street):
        raise PermissionDenied
    values: dict = {}
    if "title" in fields:
        values["title"] = str(fields["title"]).strip()
        if not values["title"]:
            raise RuleViolation(_("请填写指标名称。"), field="title")
    if "weight" in fields:
        values["weight"] = _weight(fields["weight"])
    if "scale" in fields:
        if fields["scale"] not in Scale.values:
            raise RuleViolation(_("请选择计分方式。"), field="scale")
        values["scale"] = fields["scale"]
    if "applies_to" in fields:
        if fields["applies_to"] not in AppliesTo.values:
            raise RuleViolation(_("请选择适用对象。"), field="applies_to")
        values["applies_to"] = fields["applies_to"]
    if "content" in fields and criterion.parent_id is None:
        if fields["content"] not in Content.values:
            raise RuleViolation(_("请选择考评内容。"), field="content")
        values["content"] = fields["content"]
    values.update(_clean_points(values.get("scale", criterion.scale), fields))
    changes = audit.diff(criterion, list(values), values)
    for key, value in values.items():
        setattr(criterion, key, value)
    criterion.save(update_fields=list(values) or None)
    if "content" in values:
        _descendants(criterion).update(content=values["content"])
    _touch(standard)
    audit.record(actor=actor, verb="appraisal.criterion.update", target=criterion, changes=changes)
    return criterion


def _descendants(criterion: Criterion):
    ids: list[int] = []
    frontier = [criterion.pk]
    while frontier:
        children = list(Criterion.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(children)
        frontier = children
    return Criterion.objects.filter(pk__in=ids)


@transaction.atomic
def delete_criterion(*, actor, criterion: Criterion) -> None:
    standard = _draft(criterion.standard)
    if not permissions.can_edit_standard(actor, standard.street):
        raise PermissionDenied
    audit.record(
        actor=actor,
        verb="appraisal.criterion.delete",
        target=criterion,
        place=standard.street,
        summary=criterion.title,
    )
    criterion.delete()
    _touch(standard)


def _touch(standard: Standard) -> None:
    Standard.objects.filter(pk=standard.pk).update(version=standard.version + 1)
    standard.version += 1


def check_standard(standard: Standard) -> list[str]:
    """Problems that keep a standard from being published (EV-4: the four contents must all be covered)."""
    criteria = list(standard.criteria.all())
    problems: list[str] = []
    leaf_list = scoring.leaves(criteria)
    if not leaf_list:
        problems.append(_("标准还没有任何测评指标。"))
    weights = scoring.effective_weights(criteria)
    covered = {c.content for c in leaf_list if weights.get(c.pk, 0) > 0}
    for content in Content:
        if content.value not in covered:
            problems.append(
                _("缺少“%(content)s”方面的指标（EV-4 规定的四项内容都要覆盖）。") % {"content": content.label}
            )
    for c in leaf_list:
        if c.scale == Scale.LEVELS and not (c.points_satisfied >= c.points_basic >= c.points_unsatisfied):
            problems.append(_("指标“%(title)s”的分值应满足：满意 ≥ 基本满意 ≥ 不满意。") % {"title": c.title})
    for kind in SubjectKind:
        if not any(c.applies(kind.value) for c in leaf_list):
            problems.append(_("没有适用于%(kind)s的指标。") % {"kind": kind.label})
    return problems


@transaction.atomic
def publish_standard(*, actor, standard: Standard, version: int | None = None) -> Standard:
    """Publish a draft; it is frozen from now on and every new round uses it (EV-3)."""
    standard = _draft(standard)
    if not permissions.can_edit_standard(actor, standard.street):
        raise PermissionDenied
    _check_version(standard, version, _("标准已被他人修改，请刷新后再试。"))
    problems = check_standard(standard)
    if problems:
        raise RuleViolation(" ".join(problems))
    standard.status = Standard.Status.PUBLISHED
    standard.published_at = timezone.now()
    standard.version += 1
    standard.save(update_fields=["status", "published_at", "version"])
    audit.record(actor=actor, verb="appraisal.standard.publish", target=standard, place=standard.street)
    return standard


@transaction.atomic
def new_version(*, actor, standard: Standard) -> Standard:
    """Copy a published standard into a new draft version; rounds already opened keep theirs."""
    if not permissions.can_edit_standard(actor, standard.street):
        raise PermissionDenied
    if standard.is_draft:
        raise RuleViolation(_("草稿可以直接修改，不必新建版本。"))
    draft = create_standard(
        actor=actor,
        street=standard.street,
        name=standard.name,
        drop_extremes=standard.drop_extremes,
        indicator_weight=standard.indicator_weight,
        note=standard.note,
    )
    mapping: dict[int, Criterion] = {}
    for c, _depth in scoring.ordered_tree(standard.criteria.all()):
        copy = Criterion.objects.create(
            standard=draft,
            parent=mapping.get(c.parent_id) if c.parent_id else None,
            title=c.title,
            content=c.content,
            weight=c.weight,
            scale=c.scale,
            points_satisfied=c.points_satisfied,
            points_basic=c.points_basic,
            points_unsatisfied=c.points_unsatisfied,
            applies_to=c.applies_to,
            order=c.order,
        )
        mapping[c.pk] = copy
    return draft


DEFAULT_TREE = [
    (
        Content.LINKAGE,
        gettext_noop("落实三方联动机制"),
        30,
        [
            (gettext_noop("按时参加联席会议，落实议定事项"), AppliesTo.ALL, Scale.LEVELS),
            (gettext_noop("及时公示、通报和报告"), AppliesTo.ALL, Scale.LEVELS),
        ],
    ),
    (
        Content.COMMITMENTS,
        gettext_noop("履行服务承诺和职责"),
        30,
        [
            (gettext_noop("年度服务承诺兑现情况"), AppliesTo.ALL, Scale.SCORE),
            (gettext_noop("履行物业服务合同约定"), AppliesTo.PROPERTY_COMPANY, Scale.SCORE),
            (gettext_noop("依法履行业主委员会职责"), AppliesTo.OWNERS_COMMITTEE, Scale.LEVELS),
            (gettext_noop("指导监督物业服务工作"), AppliesTo.RESIDENTS_COMMITTEE, Scale.LEVELS),
        ],
    ),
    (
        Content.COMPLAINTS,
        gettext_noop("处理居民投诉"),
        25,
        [
            (gettext_noop("投诉响应及时"), AppliesTo.ALL, Scale.LEVELS),
            (gettext_noop("问题解决效果"), AppliesTo.ALL, Scale.LEVELS),
        ],
    ),
    (
        Content.ORDER_SAFETY,
        gettext_noop("小区秩序和安全"),
        15,
        [
            (gettext_noop("环境卫生和公共秩序"), AppliesTo.ALL, Scale.LEVELS),
            (gettext_noop("消防和设施设备安全"), AppliesTo.ALL, Scale.LEVELS),
        ],
    ),
]


@transaction.atomic
def add_default_criteria(*, actor, standard: Standard) -> list[Criterion]:
    """Fill an empty draft with a starting tree covering the four contents of EV-4."""
    out = []
    for content, title, weight, children in DEFAULT_TREE:
        parent = add_criterion(actor=actor, standard=standard, title=title, content=content, weight=weight)
        out.append(parent)
        for child_title, applies_to, scale in children:
            out.append(
                add_criterion(
                    actor=actor,
                    standard=standard,
                    title=child_title,
                    parent=parent,
                    scale=scale,
                    applies_to=applies_to,
                )
            )
    return out


# --- Rounds (EV-1, EV-2) ----------------------------------------------------------------------------------


def subject_organisations(community: Place, year: int) -> list[tuple[Organisation, str]]:
    """EV-2: the Residents' Committee, each Owners' Committee and each company serving the community's compounds."""
    out: list[tuple[Organisation, str]] = []
    rc = Organisation.objects.filter(kind=OrgKind.RESIDENTS_COMMITTEE, place=community).order_by("pk").first()
    if rc:
        out.append((rc, SubjectKind.RESIDENTS_COMMITTEE))
    ocs = Organisation.objects.filter(
        kind=OrgKind.OWNERS_COMMITTEE, place__path__startswith=community.path
    ).order_by("place__path", "pk")
    out.extend((oc, SubjectKind.OWNERS_COMMITTEE) for oc in ocs)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    companies = Organisation.objects.filter(
        kind=OrgKind.PROPERTY_COMPANY,
        pk__in=ServiceContract.objects.filter(compound__path__startswith=community.path, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .values("company_id"),
    ).order_by("name", "pk")
    out.extend((c, SubjectKind.PROPERTY_COMPANY) for c in companies)
    return out


def eligible_from_directory(community: Place, subjects: list[Organisation]) -> dict[int, tuple[Person, str]]:
    """EV-3: the three parties, party members, owner and resident representatives, from the directory."""
    out: dict[int, tuple[Person, str]] = {}
    positions = (
        Position.objects.current()
        .filter(organisation__in=subjects)
        .select_related("person")
        .order_by("person_id")
    )
    for p in positions:
        out.setdefault(p.person_id, (p.person, Participant.Category.THREE_PARTIES))
    members = (
        Position.objects.current()
        .filter(is_party_member=True, organisation__place__path__startswith=community.path)
        .select_related("person")
        .order_by("person_id")
    )
    for p in members:
        out.setdefault(p.person_id, (p.person, Participant.Category.PARTY_MEMBER))
    reps = (
        Residency.objects.filter(
            status=Residency.Status.VERIFIED,
            is_owner_representative=True,
            compound__path__startswith=community.path,
        )
        .select_related("person")
        .order_by("person_id")
    )
    for r in reps:
        category = (
            Participant.Category.OWNER_REP
            if r.relation == Residency.Relation.OWNER
            else Participant.Category.RESIDENT_REP
        )
        out.setdefault(r.person_id, (r.person, category))
    return out


# Rounds are annual (EV-1); a year outside this range is a typing error, not a plan (and no date can hold it).
MIN_YEAR, MAX_YEAR = 2000, 2100


@transaction.atomic
def open_round(
    *,
    actor,
    community: Place,
    year: int,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    publicity_days: int = 5,
) -> Round:
    """EV-1: the street opens the community's annual round (December by default); the party org runs it."""
    if community.kind != PlaceKind.COMMUNITY:
        raise RuleViolation(_("年度评议以社区为单位开展。"))
    if not permissions.can_open_round(actor, community):
        raise PermissionDenied
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleViolation(_("请填写正确的评议年度。"), field="year")
    street = community.street
    standard = Standard.objects.current_for(street)
    if standard is None:
        raise RuleViolation(_("街道还没有发布测评标准，请先制定并发布（EV-3）。"))
    party_org = Organisation.objects.filter(kind=OrgKind.PARTY_ORG, place=community).order_by("pk").first()
    if party_org is None:
        raise RuleViolation(_("该社区还没有社区党组织，无法组织评议（EV-1）。"))
    opens_on = opens_on or dt.date(year, 12, 1)
    closes_on = closes_on or dt.date(year, 12, 31)
    if closes_on < opens_on:
        raise RuleViolation(_("测评截止日期不能早于开始日期。"), field="closes_on")
    if not 1 <= int(publicity_days) <= 30:
        raise RuleViolation(_("公示期应为 1 至 30 个工作日。"), field="publicity_days")
    if Round.objects.filter(community=community, year=year).exists():
        raise RuleViolation(_("%(year)s 年度评议已经开启过了。") % {"year": year})
    subjects = subject_organisations(community, year)
    if not subjects:
        raise RuleViolation(_("该社区没有可评议的对象（居委会、业委会、物业服务企业）。"))
    try:
        with transaction.atomic():
            rnd = Round.objects.create(
                community=community,
                street=street,
                year=year,
                standard=standard,
                run_by=party_org,
                opens_on=opens_on,
                closes_on=closes_on,
                publicity_days=publicity_days,
                opened_by=actor,
            )
    except IntegrityError as exc:
        raise RuleViolation(_("%(year)s 年度评议已经开启过了。") % {"year": year}) from exc
    Subject.objects.bulk_create(
        [Subject(round=rnd, organisation=org, kind=kind, order=i) for i, (org, kind) in enumerate(subjects)]
    )
    eligible = eligible_from_directory(community, [org for org, _kind in subjects])
    Participant.objects.bulk_create(
        [Participant(round=rnd, person=person, category=cat) for person, cat in eligible.values()]
    )
    audit.record(
        actor=actor,
        verb="appraisal.round.open",
        target=rnd,
        place=community,
        summary=f"{year} {standard}",
    )
    head = head_of(party_org)
    delivery.notify(
        recipients=[head.person] if head else [],
        subject=lambda: (
            _("%(community)s %(year)s 年度评议已开启，请组织实施")
            % {"community": community.name, "year": year}
        ),
        key=f"appraisal:round:{rnd.pk}:opened",
        url=reverse("appraisal:round", args=[rnd.pk]),
        organisations=[party_org],
    )
    return rnd


def _open(rnd: Round) -> Round:
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status != Round.Status.OPEN:
        raise RuleViolation(_("本轮测评已经结束，不能再修改。"))
    return rnd


@transaction.atomic
def sync_participants(*, actor, round: Round) -> int:
    """Add anyone newly eligible in the directory (nobody is removed); returns how many were added."""
    rnd = _open(round)
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    orgs = [s.organisation for s in rnd.subjects.select_related("organisation")]
    have = set(rnd.participants.values_list("person_id", flat=True))
    new = [
        Participant(round=rnd, person=person, category=cat)
        for pid, (person, cat) in eligible_from_directory(rnd.community, orgs).items()
        if pid not in have
    ]
    Participant.objects.bulk_create(new)
    if new:
        audit.record(actor=actor, verb="appraisal.participants.sync", target=rnd, summary=str(len(new)))
    return len(new)


@transaction.atomic
def add_participant(
    *, actor, round: Round, person: Person, category: str = Participant.Category.OTHER
) -> Participant:
    """The office adds an eligible participant the directory does not know about (EV-3)."""
    rnd = _open(round)
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    if category not in Participant.Category.values:
        raise RuleViolation(_("请选择参评身份。"), field="category")
    if rnd.participants.filter(person=person).exists():
        raise RuleViolation(_("%(name)s 已在参评名单中。") % {"name": person.name})
    participant = Participant.objects.create(
        round=rnd, person=person, category=category, added_by_office=True
    )
    audit.record(
        actor=actor,
        verb="appraisal.participant.add",
        target=rnd,
        summary=f"{person.name} {participant.get_category_display()}",
    )
    return participant


@transaction.atomic
def remove_participant(*, actor, participant: Participant) -> None:
    rnd = _open(participant.round)
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.has_voted:
        raise RuleViolation(_("已投票的人员不能移出名单。"))
    audit.record(
        actor=actor, verb="appraisal.participant.remove", target=rnd, summary=participant.person.name
    )
    participant.delete()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ballot_url(token: str) -> str:
    return reverse("appraisal:ballot", args=[token])


@transaction.atomic
def issue_links(
    *, actor, round: Round, participants=None, renew: bool = False
) -> list[tuple[Participant, str]]:
    """Give each participant who has not voted a personal one-time link (only its hash is kept) and send it."""
    rnd = _open(round)
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    qs = rnd.participants.filter(has_voted=False).select_related("person")
    if participants is not None:
        qs = qs.filter(pk__in=[p.pk for p in participants])
    if not renew:
        qs = qs.filter(token_digest="")
    out: list[tuple[Participant, str]] = []
    for participant in qs:
        token = secrets.token_urlsafe(24)
        participant.token_digest = _digest(token)
        participant.save(update_fields=["token_digest"])
        url = ballot_url(token)
        out.append((participant, url))
        delivery.notify(
            recipients=[participant.person],
            subject=lambda: (
                _("请参加%(community)s %(year)s 年度评议测评")
                % {"community": rnd.community.name, "year": rnd.year}
            ),
            body=lambda: _("这是您的个人测评链接，只能使用一次，请勿转发。测评匿名进行。"),
            key=f"appraisal:round:{rnd.pk}:link:{participant.token_digest[:16]}",
            url=url,
        )
    audit.record(actor=actor, verb="appraisal.links.issue", target=rnd, summary=str(len(out)))
    return out


def participant_for_token(token: str) -> Participant | None:
    if not token or len(token) > 100:
        return None
    return (
        Participant.objects.select_related("round__community", "round__standard")
        .filter(token_digest=_digest(token))
        .first()
    )


def ballot_form(rnd: Round) -> list[dict]:
    """What a ballot asks: per subject, the leaf criteria of the round's standard version that apply to it."""
    criteria = list(rnd.standard.criteria.all())
    leaf_list = [c for c, _d in scoring.ordered_tree(criteria) if c in scoring.leaves(criteria)]
    out = []
    for subject in rnd.subjects.select_related("organisation"):
        out.append({"subject": subject, "criteria": [c for c in leaf_list if c.applies(subject.kind)]})
    return out


def validate_answers(rnd: Round, answers: dict) -> dict[str, dict[str, object]]:
    """Every applicable criterion of every subject answered, each within its scale; normalised keys."""
    clean: dict[str, dict[str, object]] = {}
    for block in ballot_form(rnd):
        subject = block["subject"]
        given = answers.get(str(subject.pk)) or answers.get(subject.pk) or {}
        row: dict[str, object] = {}
        for c in block["criteria"]:
            value = given.get(str(c.pk), given.get(c.pk))
            if value in (None, ""):
                raise RuleViolation(
                    _("请对“%(subject)s”的“%(criterion)s”作出评价。")
                    % {"subject": subject.organisation.name, "criterion": c.title_display}
                )
            if c.scale == Scale.SCORE:
                try:
                    number = float(value)
                except (TypeError, ValueError) as exc:
                    raise RuleViolation(
                        _("“%(criterion)s”请填写 0 到 100 的分数。") % {"criterion": c.title_display}
                    ) from exc
                if not 0 <= number <= 100:
                    raise RuleViolation(
                        _("“%(criterion)s”请填写 0 到 100 的分数。") % {"criterion": c.title_display}
                    )
                row[str(c.pk)] = round(number, 1)
            else:
                if value not in Level.values:
                    raise RuleViolation(
                        _("“%(criterion)s”请选择满意、基本满意或不满意。") % {"criterion": c.title_display}
                    )
                row[str(c.pk)] = value
        clean[str(subject.pk)] = row
    return clean


@transaction.atomic
def cast_ballot(*, participant: Participant, answers: dict) -> None:
    """EV-3: one anonymous ballot per eligible participant. The ballot row knows nothing of the voter; the
    participant row only learns that they voted. Returns nothing, so no caller can link the two."""
    # Lock the round first, then the participant: the same order as the office's paths (no deadlock).
    rnd = Round.objects.select_for_update().get(pk=participant.round_id)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not rnd.voting_open():
        raise RuleViolation(
            _("现在不在测评时间内（%(start)s 至 %(end)s）。") % {"start": rnd.opens_on, "end": rnd.closes_on}
        )
    if participant.has_voted:
        raise RuleViolation(_("您已经投过票了，每人只能投一次。"))
    clean = validate_answers(rnd, answers)
    Ballot.objects.create(round=rnd, channel=Ballot.Channel.LINK, answers=clean)
    tally.count_ballot(rnd.pk, clean)
    participant.has_voted = True
    participant.token_digest = ""  # one-time link
    participant.save(update_fields=["has_voted", "token_digest"])
    # Deliberately no actor: the trail must not say who voted when a ballot appeared.
    audit.record(actor=None, verb="appraisal.ballot.cast", target=rnd, summary=_("收到一张匿名选票"))


@transaction.atomic
def mark_paper_voted(*, actor, participant: Participant) -> Participant:
    """The office ticks a participant who handed in a paper ballot (the participation list, not the content)."""
    rnd = _open(participant.round)
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.has_voted:
        raise RuleViolation(_("%(name)s 已经投过票了。") % {"name": participant.person.name})
    participant.has_voted = True
    participant.token_digest = ""
    participant.save(update_fields=["has_voted", "token_digest"])
    audit.record(actor=actor, verb="appraisal.paper.collect", target=rnd, summary=participant.person.name)
    return participant


def _diff_answers(a: dict, b: dict) -> list[tuple[str, str]]:
    keys = set()
    for sid in set(a) | set(b):
        for cid in set(a.get(sid, {})) | set(b.get(sid, {})):
            if a.get(sid, {}).get(cid) != b.get(sid, {}).get(cid):
                keys.add((sid, cid))
    return sorted(keys)


@transaction.atomic
def enter_paper_ballot(*, actor, round: Round, sheet_no: str, answers: dict) -> str:
    """EV-3: paper ballots are typed in twice by two different clerks; a ballot exists only once both match.

    Returns "waiting" (one entry so far), "matched" (the ballot is counted) or "mismatch".
    """
    rnd = _open(round)
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    sheet_no = str(sheet_no).strip()
    if not sheet_no:
        raise RuleViolation(_("请填写纸质票的票号。"), field="sheet_no")
    if Ballot.objects.filter(round=rnd, paper_sheet=sheet_no).exists():
        raise RuleViolation(_("第 %(no)s 号纸质票已经录入并核对一致。") % {"no": sheet_no})
    clean = validate_answers(rnd, answers)
    PaperEntry.objects.update_or_create(
        round=rnd, sheet_no=sheet_no, clerk=actor, defaults={"answers": clean}
    )
    audit.record(actor=actor, verb="appraisal.paper.enter", target=rnd, summary=sheet_no)
    entries = list(PaperEntry.objects.filter(round=rnd, sheet_no=sheet_no).order_by("id"))
    if len(entries) < 2:
        return "waiting"
    if any(_diff_answers(entries[0].answers, e.answers) for e in entries[1:]):
        return "mismatch"
    voted = rnd.participants.filter(has_voted=True).count()
    if rnd.ballots.count() >= voted:
        raise RuleViolation(_("选票数将超过已投票人数：请先在参评名单中登记交回纸质票的人员。"))
    Ballot.objects.create(round=rnd, channel=Ballot.Channel.PAPER, paper_sheet=sheet_no, answers=clean)
    tally.count_ballot(rnd.pk, clean)
    PaperEntry.objects.filter(round=rnd, sheet_no=sheet_no).delete()
    audit.record(
        actor=None,
        verb="appraisal.ballot.cast",
        target=rnd,
        summary=_("纸质票 %(no)s 两次录入一致") % {"no": sheet_no},
    )
    return "matched"


@transaction.atomic
def discard_paper_sheet(*, actor, round: Round, sheet_no: str, reason: str) -> int:
    """Set aside an unfinished sheet (e.g. illegible or spoilt); the reason is audited. Returns entries removed."""
    rnd = _open(round)
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    if not reason.strip():
        raise RuleViolation(_("请写明作废原因。"), field="reason")
    removed, _detail = PaperEntry.objects.filter(round=rnd, sheet_no=str(sheet_no).strip()).delete()
    if not removed:
        raise RuleViolation(_("没有找到录入中的第 %(no)s 号纸质票。") % {"no": sheet_no})
    audit.record(
        actor=actor, verb="appraisal.paper.discard", target=rnd, summary=f"{sheet_no}：{reason.strip()}"
    )
    return removed


def paper_status(rnd: Round) -> list[dict]:
    """Sheets still being entered: who entered them and where two entries differ (positions, not values)."""
    subjects = {str(s.pk): s.organisation.name for s in rnd.subjects.select_related("organisation")}
    criteria = {str(c.pk): c.title for c in rnd.standard.criteria.all()}
    sheets: dict[str, list[PaperEntry]] = {}
    for e in PaperEntry.objects.filter(round=rnd).select_related("clerk").order_by("sheet_no", "id"):
        sheets.setdefault(e.sheet_no, []).append(e)
    out = []
    for sheet_no, entries in sheets.items():
        diffs = _diff_answers(entries[0].answers, entries[1].answers) if len(entries) > 1 else []
        out.append(
            {
                "sheet_no": sheet_no,
                "clerks": [e.clerk.name for e in entries],
                "mismatch": bool(diffs),
                "differences": [f"{subjects.get(s, s)} · {criteria.get(c, c)}" for s, c in diffs],
            }
        )
    return out


# --- Self-reports and the meeting (EV-3) -----------------------------------------------------------------


@transaction.atomic
def submit_self_report(*, actor, subject: Subject, mode: str, text: str = "", file=None) -> Subject:
    """Each subject gives its self-report (述职): written or as a document; an oral one is recorded by the office."""
    subject = Subject.objects.select_for_update().select_related("round", "organisation").get(pk=subject.pk)
    rnd = subject.round
    if rnd.status != Round.Status.OPEN:
        raise RuleViolation(_("本轮测评已经结束，不能再提交述职。"))
    if mode == Subject.ReportMode.ORAL:
        if not permissions.can_run_round(actor, rnd):
            raise PermissionDenied
    elif mode in (Subject.ReportMode.WRITTEN, Subject.ReportMode.DOCUMENT):
        if not permissions.can_submit_self_report(actor, subject):
            raise PermissionDenied
    else:
        raise RuleViolation(_("请选择述职方式。"), field="mode")
    if mode == Subject.ReportMode.DOCUMENT and not file:
        raise RuleViolation(_("请上传述职文档。"), field="file")
    if mode != Subject.ReportMode.DOCUMENT and not text.strip():
        raise RuleViolation(_("请填写述职内容（口头述职请记录要点）。"), field="text")
    subject.report_mode = mode
    subject.report_text = text.strip()
    if file:
        subject.report_file = file
    subject.report_by, subject.report_at = actor, timezone.now()
    subject.save(update_fields=["report_mode", "report_text", "report_file", "report_by", "report_at"])
    audit.record(
        actor=actor,
        verb="appraisal.self_report",
        target=subject,
        place=rnd.community,
        summary=subject.get_report_mode_display(),
    )
    return subject


@transaction.atomic
def record_meeting(*, actor, round: Round, version: int | None = None, **fields) -> EvaluationMeeting:
    """The evaluation meeting record: date, attendance, materials reviewed, opinions heard, visits (EV-3)."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    if rnd.is_locked:
        raise RuleViolation(_("本轮评议已通报锁定。"))
    allowed = {
        "held_on", "place_text", "attendance", "attendance_note", "materials_reviewed", "opinions_heard",
        "visits", "visits_note",
    }  # fmt: skip
    values = {k: v for k, v in fields.items() if k in allowed}
    if not values.get("held_on"):
        raise RuleViolation(_("请填写会议日期。"), field="held_on")
    meeting = EvaluationMeeting.objects.select_for_update().filter(round=rnd).first()
    if meeting is None:
        meeting = EvaluationMeeting.objects.create(round=rnd, recorded_by=actor, **values)
        changes = {}
    else:
        _check_version(meeting, version, _("会议记录已被他人修改，请刷新后再试。"))
        changes = audit.diff(meeting, list(values), values)
        for key, value in values.items():
            setattr(meeting, key, value)
        meeting.recorded_by, meeting.version = actor, meeting.version + 1
        meeting.save()
    audit.record(actor=actor, verb="appraisal.meeting.record", target=rnd, changes=changes)
    return meeting


# --- Indicators (EV-4) -----------------------------------------------------------------------------------


def indicators_for(subject: Subject) -> list[dict]:
    """Objective indicators of a subject over the round's year, from every app that provides them (EV-4).

    A failing provider must not stop a ballot or the close: it is logged and the indicators are left out.
    """
    try:
        with transaction.atomic():  # a savepoint, so a provider's database error leaves ours usable
            collected = extensions.collect(
                "indicators", subject.organisation, subject.round.community, subject.round.year
            )
    except Exception:  # noqa: BLE001 - another app's provider failing must not block the appraisal
        logger.exception("indicators provider failed for subject %s", subject.pk)
        collected = []
    return [_indicator_dict(ind) for ind in collected]


def indicators_of_round(rnd: Round, subjects: list[Subject]) -> dict[int, list[dict]]:
    """`indicators_for` every subject of the round, keyed by subject id, with one set of grouped queries per
    provider instead of one per subject (issue 9). Should any provider fail, each subject is asked on its own,
    so a failure costs exactly what it cost before: that subject's indicators."""
    try:
        with transaction.atomic():
            collected = extensions.collect_each(
                "indicators", [s.organisation for s in subjects], rnd.community, rnd.year
            )
    except Exception:  # noqa: BLE001 - another app's provider failing must not block the appraisal
        logger.exception("batched indicators failed for round %s; asking per subject", rnd.pk)
        return {s.pk: indicators_for(s) for s in subjects}
    return {s.pk: [_indicator_dict(ind) for ind in collected[s.organisation_id]] for s in subjects}


def _indicator_dict(ind: extensions.Indicator) -> dict:
    return {
        "code": ind.code,
        "label": str(ind.label),
        "numerator": float(ind.numerator),
        "denominator": float(ind.denominator),
        "rate": ind.rate,
        "percent": round(ind.rate * 100, 1) if ind.rate is not None else None,
        "source": ind.source,
    }


# --- Close, publicity, objections, approval, circulation (EV-5) -----------------------------------------


def _rank(subjects: list[Subject]) -> None:
    """Rank within each subject kind, by final score (ties share a rank)."""
    by_kind: dict[str, list[Subject]] = {}
    for s in subjects:
        by_kind.setdefault(s.kind, []).append(s)
    for group in by_kind.values():
        scored = sorted((s for s in group if s.final_score is not None), key=lambda s: (-s.final_score, s.pk))
        previous, rank = None, 0
        for i, s in enumerate(scored, start=1):
            if s.final_score != previous:
                rank, previous = i, s.final_score
            s.rank = rank


def _fix_results(rnd: Round) -> int:
    """Distributions, indicators, scores and ranks of every subject, from the counts kept as ballots were cast
    (tally.py), not from a walk over every ballot (issue 9). Returns the number of ballots."""
    criteria = list(rnd.standard.criteria.all())
    leaf_list = scoring.leaves(criteria)
    subjects = list(rnd.subjects.select_related("organisation", "round__community"))
    dists: dict[int, dict] = {
        s.pk: {str(c.pk): scoring.empty_distribution(c) for c in leaf_list if c.applies(s.kind)}
        for s in subjects
    }
    responses = dict.fromkeys(dists, 0)
    kept = tally.read(rnd)
    n_ballots = kept[tally.BALLOTS]
    for (sid, cid, value), n in kept.items():
        if sid not in dists:
            continue
        if cid is None:
            responses[sid] += n
        elif str(cid) in dists[sid]:
            scoring.add_answer(dists[sid][str(cid)], value, n)
    indicators = indicators_of_round(rnd, subjects)
    for s in subjects:
        s.distribution = {cid: scoring.finish(d) for cid, d in dists[s.pk].items()}
        s.responses = responses[s.pk]
        s.indicators = indicators[s.pk]
        score = scoring.score_subject(rnd.standard, criteria, s.kind, s.distribution, s.indicators)
        s.ballot_score = _dec(score.ballot)
        s.indicator_score = _dec(score.indicator)
        s.final_score = _dec(score.final)
        s.grade = grade_for(s.final_score)
    _rank(subjects)
    Subject.objects.bulk_update(
        subjects,
        [
            "distribution",
            "responses",
            "indicators",
            "ballot_score",
            "indicator_score",
            "final_score",
            "grade",
            "rank",
        ],
    )
    return n_ballots


@transaction.atomic
def close_round(*, actor, round: Round, version: int | None = None) -> Round:
    """The party organisation closes the ballot; distributions, indicators and preliminary results are fixed."""
    rnd = _open(round)
    if not permissions.can_close_round(actor, rnd):
        raise PermissionDenied
    _check_version(rnd, version, _("本轮评议已被他人修改，请刷新后再试。"))
    if not rnd.ballots.exists():
        raise RuleViolation(_("还没有收到任何选票，不能结束测评。"))
    pending = PaperEntry.objects.filter(round=rnd).values("sheet_no").distinct().count()
    if pending:
        raise RuleViolation(_("还有 %(n)d 张纸质票未完成两次一致录入。") % {"n": pending})
    n_ballots = _fix_results(rnd)
    rnd.participants.exclude(token_digest="").update(token_digest="")  # unused links die with the ballot
    rnd.status = Round.Status.CLOSED
    rnd.closed_at = timezone.now()
    rnd.ballots_cast = n_ballots
    rnd.version += 1
    rnd.save(update_fields=["status", "closed_at", "ballots_cast", "version"])
    audit.record(
        actor=actor, verb="appraisal.round.close", target=rnd, summary=_("有效票 %(n)d 张") % {"n": n_ballots}
    )
    return rnd


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@transaction.atomic
def publish_results(*, actor, round: Round, version: int | None = None) -> Round:
    """EV-5: the preliminary result is publicised in the community for `publicity_days` working days."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if not permissions.can_close_round(actor, rnd):
        raise PermissionDenied
    if rnd.status != Round.Status.CLOSED:
        raise RuleViolation(_("只有结束测评、形成初步结果后才能公示。"))
    _check_version(rnd, version, _("本轮评议已被他人修改，请刷新后再试。"))
    # Before a result goes public, the counts it came from are checked against every ballot (issue 9).
    check = tally.verify(rnd)
    if not check.ok:
        raise RuleViolation(
            _(
                "计票核对不一致：结束测评时使用的计票与逐张重新清点选票的结果有 %(n)d 处不同，不能公示。"
                "已记录错误；请系统管理员运行“sanfang appraisal tally --repair --round %(pk)s”重新计票后再公示。"
            )
            % {"n": len(check.differences), "pk": rnd.pk}
        )
    today = timezone.localdate()
    rnd.status = Round.Status.PUBLICITY
    rnd.published_on = today
    rnd.set_deadline(today, rnd.publicity_days)
    rnd.version += 1
    rnd.save(update_fields=["status", "published_on", *Round.DEADLINE_FIELDS, "version"])
    audit.record(actor=actor, verb="appraisal.round.publish", target=rnd, summary=f"→ {rnd.due_on}")
    people = [p.person for p in rnd.participants.select_related("person")]
    delivery.notify(
        recipients=people,
        subject=lambda: (
            _("%(community)s %(year)s 年度评议初步结果公示（至 %(end)s）")
            % {"community": rnd.community.name, "year": rnd.year, "end": rnd.due_on}
        ),
        body=lambda: _("公示期内如有异议，可在公示页面提出，社区党组织将逐条答复。"),
        key=f"appraisal:round:{rnd.pk}:publicity",
        url=reverse("appraisal:public", args=[rnd.pk]),
        email=False,
    )
    return rnd


@transaction.atomic
def repair_tally(*, actor: str, round: Round) -> tally.Check:
    """Rebuild a round's kept counts from its ballots and, if it is closed but not yet public, its preliminary
    results from them (issue 9). Run by the system's operator (`sanfang appraisal tally --repair`), who is the
    permission here; published results are never changed silently: they need a new decision."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if rnd.status not in (Round.Status.OPEN, Round.Status.CLOSED):
        raise RuleViolation(_("本轮评议的结果已经公示，不能重新计票。"))
    before = tally.verify(rnd)
    tally.rebuild(rnd)
    summary = _("重新计票：%(n)d 处与选票不一致") % {"n": len(before.differences)}
    if rnd.status == Round.Status.CLOSED:
        rnd.ballots_cast = _fix_results(rnd)
        rnd.version += 1
        rnd.save(update_fields=["ballots_cast", "version"])
        summary += _("，初步结果已按选票重新计算")
    audit.record(actor=actor, verb="appraisal.tally.repair", target=rnd, summary=summary)
    return before


@transaction.atomic
def raise_objection(*, actor, round: Round, text: str, subject: Subject | None = None) -> Objection:
    """EV-5: during the publicity period anyone eligible may object; the objection must be answered."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if rnd.status != Round.Status.PUBLICITY or rnd.publicity_over():
        raise RuleViolation(_("现在不在公示期内，不能提出异议。"))
    if not permissions.can_object(actor, rnd):
        raise PermissionDenied
    if not text.strip():
        raise RuleViolation(_("请写明异议的内容和理由。"), field="text")
    if subject is not None and subject.round_id != rnd.pk:
        raise RuleViolation(_("所选对象不在本轮评议中。"), field="subject")
    objection = Objection.objects.create(round=rnd, subject=subject, raised_by=actor, text=text.strip())
    audit.record(actor=actor, verb="appraisal.objection.raise", target=objection, place=rnd.community)
    head = convener_for(rnd.community)
    delivery.notify(
        recipients=[head.person] if head else [],
        subject=lambda: _("%(community)s 年度评议收到异议，请答复") % {"community": rnd.community.name},
        key=f"appraisal:objection:{objection.pk}",
        url=reverse("appraisal:publicity", args=[rnd.pk]),
        organisations=[rnd.run_by],
    )
    return objection


@transaction.atomic
def answer_objection(*, actor, objection: Objection, answer: str) -> Objection:
    objection = Objection.objects.select_for_update().select_related("round").get(pk=objection.pk)
    rnd = objection.round
    if not permissions.can_run_round(actor, rnd):
        raise PermissionDenied
    if rnd.status != Round.Status.PUBLICITY:
        raise RuleViolation(_("结果已审定，不能再修改答复。"))
    if not answer.strip():
        raise RuleViolation(_("请填写答复内容。"), field="answer")
    changes = {"answer": [objection.answer, answer.strip()]}
    objection.answer = answer.strip()
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(
        actor=actor, verb="appraisal.objection.answer", target=objection, place=rnd.community, changes=changes
    )
    delivery.notify(
        recipients=[objection.raised_by],
        subject=lambda: _("您对年度评议结果提出的异议已答复"),
        key=f"appraisal:objection:{objection.pk}:answer:{objection.answered_at:%Y%m%d%H%M%S}",
        url=reverse("appraisal:public", args=[rnd.pk]),
    )
    return objection


def approval_blockers(rnd: Round) -> list[str]:
    """Why the street may not approve yet (EV-5)."""
    problems = []
    if rnd.status != Round.Status.PUBLICITY:
        problems.append(_("结果尚未公示。"))
        return problems
    if not rnd.publicity_over():
        problems.append(_("公示期到 %(end)s 结束，结束后才能审定。") % {"end": rnd.due_on})
    open_count = rnd.objections.unanswered().count()
    if open_count:
        problems.append(_("还有 %(n)d 条异议未答复。") % {"n": open_count})
    return problems


@transaction.atomic
def approve_round(*, actor, round: Round, note: str = "", version: int | None = None) -> Round:
    """EV-5: the street approves once the publicity period is over and every objection is answered."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if not permissions.can_approve_round(actor, rnd):
        raise PermissionDenied
    _check_version(rnd, version, _("本轮评议已被他人修改，请刷新后再试。"))
    problems = approval_blockers(rnd)
    if problems:
        raise RuleViolation(" ".join(problems))
    rnd.status = Round.Status.APPROVED
    rnd.approved_by, rnd.approved_at, rnd.approval_note = actor, timezone.now(), note.strip()
    rnd.version += 1
    rnd.save(update_fields=["status", "approved_by", "approved_at", "approval_note", "version"])
    audit.record(actor=actor, verb="appraisal.round.approve", target=rnd, summary=note)
    return rnd


@transaction.atomic
def circulate_round(*, actor, round: Round, version: int | None = None) -> Round:
    """EV-5: circulate the approved result within the street, record it on each organisation's history and on
    the property companies' credit records; the round is locked from now on."""
    rnd = Round.objects.select_for_update().select_related("community", "street").get(pk=round.pk)
    if not permissions.can_approve_round(actor, rnd):
        raise PermissionDenied
    if rnd.status != Round.Status.APPROVED:
        raise RuleViolation(_("只有街道审定后的结果才能通报。"))
    _check_version(rnd, version, _("本轮评议已被他人修改，请刷新后再试。"))
    rnd.status = Round.Status.CIRCULATED
    rnd.circulated_at = timezone.now()
    rnd.version += 1
    rnd.save(update_fields=["status", "circulated_at", "version"])
    today = timezone.localdate()
    entries = []
    for s in rnd.subjects.filter(kind=SubjectKind.PROPERTY_COMPANY).select_related("organisation"):
        if s.final_score is None:
            continue
        entries.append(
            CreditEntry(
                company=s.organisation,
                kind=CreditEntry.Kind.APPRAISAL,
                subject=s,
                year=rnd.year,
                score=s.final_score,
                grade=s.grade,
                # a permanent record, read by everyone: written in the platform's language whoever circulates
                text=_in_record_language(
                    lambda s=s: (
                        _("%(community)s %(year)s 年度评议：%(score)s 分，%(grade)s 级")
                        % {
                            "community": rnd.community.name,
                            "year": rnd.year,
                            "score": s.final_score,
                            "grade": s.grade,
                        }
                    )
                ),
                valid_from=today,
                valid_until=years_after(today, CREDIT_VALID_YEARS),
                recorded_by=actor,
            )
        )
    CreditEntry.objects.bulk_create(entries)
    audit.record(
        actor=actor,
        verb="appraisal.round.circulate",
        target=rnd,
        summary=_("信用记录 %(n)d 条") % {"n": len(entries)},
    )
    party_orgs = Organisation.objects.filter(kind=OrgKind.PARTY_ORG, place__parent=rnd.street)
    heads = [
        p.person
        for p in Position.objects.current()
        .filter(organisation__in=party_orgs, is_head=True)
        .select_related("person")
    ]
    delivery.notify(
        recipients=heads,
        subject=lambda: (
            _("%(street)s %(year)s 年度评议结果通报：%(community)s")
            % {"street": rnd.street.name, "year": rnd.year, "community": rnd.community.name}
        ),
        key=f"appraisal:round:{rnd.pk}:circulated",
        url=reverse("appraisal:circulation", args=[rnd.street_id, rnd.year]),
        organisations=list(party_orgs),
    )
    return rnd


# --- Credit record (EV-5) --------------------------------------------------------------------------------


@transaction.atomic
def add_credit_entry(
    *,
    actor,
    company: Organisation,
    kind: str,
    text: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> CreditEntry:
    """Oversight records a good or bad entry on a company's credit record, with its validity."""
    if not permissions.can_add_credit_entry(actor, company):
        raise PermissionDenied
    if kind not in (CreditEntry.Kind.GOOD, CreditEntry.Kind.BAD):
        raise RuleViolation(_("请选择良好信息或不良信息。"), field="kind")
    if not text.strip():
        raise RuleViolation(_("请填写内容。"), field="text")
    if valid_until and valid_until < valid_from:
        raise RuleViolation(_("有效期结束日期不能早于开始日期。"), field="valid_until")
    entry = CreditEntry.objects.create(
        company=company,
        kind=kind,
        text=text.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        recorded_by=actor,
    )
    audit.record(actor=actor, verb="appraisal.credit.add", target=entry, place=company.place, summary=text)
    return entry


def credit_summary(company: Organisation, on: dt.date | None = None) -> dict:
    """The credit score: the mean of valid appraisal scores, +2 per valid good entry, −5 per valid bad one."""
    valid = list(CreditEntry.objects.filter(company=company).valid(on))
    scores = [float(e.score) for e in valid if e.kind == CreditEntry.Kind.APPRAISAL and e.score is not None]
    if not scores:
        return {"score": None, "grade": "", "good": 0, "bad": 0, "appraisals": 0}
    good = sum(1 for e in valid if e.kind == CreditEntry.Kind.GOOD)
    bad = sum(1 for e in valid if e.kind == CreditEntry.Kind.BAD)
    score = sum(scores) / len(scores) + GOOD_ENTRY_POINTS * good - BAD_ENTRY_POINTS * bad
    score = round(min(max(score, 0.0), 100.0), 2)
    return {"score": score, "grade": grade_for(score), "good": good, "bad": bad, "appraisals": len(scores)}


def credit_history(company: Organisation) -> list[dict]:
    """The 'credit.history' extension point: appraisal results and entries of a company, newest first."""
    today = timezone.localdate()
    out = []
    entries = CreditEntry.objects.filter(company=company).select_related("subject__round__community")
    for e in entries:
        rnd = e.subject.round if e.subject_id else None
        out.append(
            {
                "kind": e.kind,
                "kind_label": str(e.get_kind_display()),
                "year": e.year,
                "community": rnd.community.name if rnd else "",
                "score": float(e.score) if e.score is not None else None,
                "grade": e.grade,
                "rank": e.subject.rank if e.subject_id else None,
                "text": e.text,
                "valid_from": e.valid_from,
                "valid_until": e.valid_until,
                "valid": e.valid_from <= today and (e.valid_until is None or e.valid_until >= today),
                "url": reverse("appraisal:credit", args=[company.pk]),
            }
        )
    return out
