"""Case use cases (CS-1 … CS-7). Each checks permission and rules, runs in one transaction, writes the case's
timeline and the audit trail, and tells people after commit through core.delivery."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from sanfang.core import audit, extensions
from sanfang.core.calendar import add_working_days
from sanfang.core.delivery import notify
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.sqlnames import column, table
from sanfang.core.storage import discard_on_error
from sanfang.directory import services as directory
from sanfang.directory.models import Building, Organisation, OrgKind, Person, Place, PlaceKind, Position
from sanfang.directory.scopes import ROLE_LABELS, Role, get_scope

from . import images, permissions
from .models import (
    MATTER_STEPS,
    Case,
    CaseClass,
    CaseEvent,
    CasePhoto,
    DeadlinePolicy,
    Engagement,
    EngagementKind,
    ExplanationSignature,
    Feedback,
    Handover,
    Investigation,
    Invitation,
    JointExplanation,
    LegacyReview,
    MajorMatter,
    MatterKind,
    Rating,
    Source,
    Status,
    Step,
    Summons,
    SummonsLevel,
)

# Working-day limits per class and step, and the bounce threshold (CS-5); a street may override any of them.
DEFAULT_DEADLINES: dict[str, int] = {
    "classify": 2,
    "routine.handle": 5,
    "routine.coordinate": 10,
    "major.investigate": 15,
    "major.report": 5,
    "major.handle": 20,
    "beyond_remit.propose": 10,
    "summons.street": 10,
    "summons.department": 7,
    "legacy.review": 20,
    "feedback": 7,
    "bounce.threshold": 2,
}
DEADLINE_LABELS = {
    "classify": gettext_lazy("受理分类"),
    "routine.handle": gettext_lazy("日常问题协同处置"),
    "routine.coordinate": gettext_lazy("日常问题居委会协调"),
    "major.investigate": gettext_lazy("重大问题调查研究"),
    "major.report": gettext_lazy("重大问题形成方案上报"),
    "major.handle": gettext_lazy("重大问题落实方案"),
    "beyond_remit.propose": gettext_lazy("超出职责问题联席会议研究"),
    "summons.street": gettext_lazy("街道响应吹哨"),
    "summons.department": gettext_lazy("部门报到答复"),
    "legacy.review": gettext_lazy("历史遗留问题跟踪周期"),
    "feedback": gettext_lazy("居民评价期"),
    "bounce.threshold": gettext_lazy("推诿次数上限（超过即升级）"),
}


def policy_value(street: Place | None, key: str) -> int:
    """The street's own value for a deadline key, or the default."""
    if street is not None:
        # One row at most (unique per street and key): no ordering, so no join for the model's default order.
        row = (
            DeadlinePolicy.objects.filter(street=street, key=key)
            .order_by()
            .values_list("value", flat=True)
            .first()
        )
        if row is not None:
            return row
    return DEFAULT_DEADLINES[key]


@transaction.atomic
def set_policy(*, actor, street: Place, key: str, value: int) -> DeadlinePolicy:
    """A street sets its own working-day limits (CS-2 … CS-5 deadlines are configurable per street)."""
    scope = get_scope(actor)
    if not (scope.is_superuser or scope.has_role(Role.STREET, Role.COUNTY, at=street)):
        raise PermissionDenied
    if key not in DEFAULT_DEADLINES:
        raise RuleViolation(_("未知的期限项目。"))
    if value < 1 or value > 365:
        raise RuleViolation(_("期限应在 1 到 365 之间。"))
    row, _created = DeadlinePolicy.objects.update_or_create(street=street, key=key, defaults={"value": value})
    audit.record(actor=actor, verb="cases.policy", target=row, place=street, summary=f"{key}={value}")
    return row


# --- helpers ---------------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _check_version(case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise Conflict(_("该问题已被他人更新，请刷新后再操作。"))


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("compound", "community", "street").get(pk=case.pk)


def _actor_label(actor, case: Case) -> str:
    """A public-safe label: the actor's role at the case, never a resident's name (PN-1)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("反映人") if actor == "reporter" else _("系统")
    if case.reporter_id == actor.pk:
        return _("反映人")
    scope = get_scope(actor)
    for grant in scope.grants:
        if grant.role != Role.RESIDENT and scope.reaches(case.compound, roles=[grant.role]):
            return str(ROLE_LABELS[grant.role])
    for grant in scope.grants:
        if grant.role == Role.DEPARTMENT:
            return str(ROLE_LABELS[grant.role])
    return _("平台管理员") if scope.is_superuser else _("工作人员")


def _in_record_language(build: Callable[[], str]) -> str:
    """What goes on the record (timeline, board, replies) is written in the platform's language whoever acts:
    an officer who reads the site in English must not put English on a Chinese compound's board. Readers see
    stored labels in their own language (CaseEvent.actor_label_display)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(build())


def _event(
    case: Case,
    actor,
    verb: str,
    *,
    text: str | Callable[[], str] = "",
    reason: str = "",
    public: bool = False,
    from_status: str = "",
    changes: dict | None = None,
    off_board: bool = False,
) -> CaseEvent:
    """Timeline + audit trail in one (CS-1: every change with who, when and why). `off_board`: the case was
    reported in this very transaction and is on no board yet, so the event changes no board (hooks.py)."""
    person = actor if getattr(actor, "is_authenticated", False) else None
    text = _in_record_language(text) if callable(text) else text
    event = CaseEvent(
        case=case,
        actor=person,
        actor_label=_in_record_language(lambda: _actor_label(actor, case)),
        verb=verb,
        from_status=from_status,
        to_status=case.status,
        text=text,
        reason=reason,
        public=public,
    )
    event.off_board = off_board and not case.is_public
    event.save(force_insert=True)
    audit.record(
        actor=person,
        verb=f"case.{verb}",
        target=case,
        place=case.compound,
        summary="；".join(p for p in (text, reason) if p)[:500],
        changes={"status": [from_status, case.status], **(changes or {})} if from_status else (changes or {}),
    )
    return event


def _touch(case: Case, fields: list[str]) -> None:
    case.version += 1
    case.updated_at = timezone.now()
    case.save(update_fields=[*fields, "version", "updated_at"])


def _set_step(case: Case, step: str, key: str | None, start: dt.date | None = None) -> list[str]:
    case.step = step
    if key is None:
        case.due_from = case.due_working_days = case.due_on = None
        case.due_estimated = False
    else:
        case.set_deadline(start or _today(), policy_value(case.street, key))
    return ["step", *Case.DEADLINE_FIELDS]


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def follow_url(case: Case) -> str:
    return reverse("cases:follow", args=[case.follow_token])


def _tell_reporter(case: Case, verb: str) -> None:
    """The reporter hears of every status change (inbox/e-mail when they have an account)."""
    if case.reporter_id:
        notify(
            recipients=[case.reporter],
            subject=lambda: (
                _("您反映的问题 %(no)s：%(status)s")
                % {"no": case.tracking_no, "status": case.get_status_display()}
            ),
            key=f"case:{case.pk}:reporter:{verb}:{case.version}",
            body=case.title,
            url=follow_url(case),
        )


def _tell(
    people, case: Case, subject: Callable[[], str], verb: str, urgent: bool = False, fresh: bool = False
) -> None:
    """Tell the people working on a case; `subject` builds the text in each recipient's language. `fresh`: the
    case was reported in this transaction, so no one was told under its key yet (delivery.notify)."""
    notify(
        recipients=[p for p in people if p is not None],
        subject=lambda: f"{case.tracking_no} {subject()}",
        key=f"case:{case.pk}:{verb}:{case.version}",
        body=case.title,
        url=case_url(case),
        urgent=urgent,
        fresh=fresh,
    )


def _org(kind: str, place: Place | None) -> Organisation | None:
    if place is None:
        return None
    return Organisation.objects.filter(kind=kind, place=place).order_by("id").first()


def _person_of(position: Position | None) -> Person | None:
    return position.person if position else None


# --- intake ----------------------------------------------------------------------------------------------


def submit_case(
    *,
    actor,
    compound: Place,
    category: str,
    title: str,
    description: str,
    building: Building | None = None,
    unit: str = "",
    reporter_name: str = "",
    reporter_contact: str = "",
    source: str = Source.RESIDENT,
    photos=None,
    on_behalf_of: Person | None = None,
) -> Case:
    """A resident (anonymous allowed) or a staff member/grid worker reports a problem in a compound (CS-1)."""
    signed_in = bool(actor is not None and getattr(actor, "is_authenticated", False))
    if compound.kind != PlaceKind.COMPOUND:
        raise RuleViolation(_("请选择问题所在的小区。"), field="compound")
    if source != Source.RESIDENT and not (signed_in and permissions.can_enter_case(actor, compound)):
        raise PermissionDenied
    title, description = title.strip(), description.strip()
    if len(description) < 5:
        raise RuleViolation(_("请把问题描述清楚（至少 5 个字）。"), field="description")
    if not title:
        title = description[:30]
    if building is not None and building.compound_id != compound.pk:
        raise RuleViolation(_("楼栋不属于该小区。"), field="building")
    contact = reporter_contact.strip()
    if contact and not (contact.replace("-", "").replace(" ", "").isdigit() and 7 <= len(contact) <= 20):
        raise RuleViolation(_("联系电话格式不正确。"), field="reporter_contact")
    cleaned = images.clean_photos(photos)
    # The transaction starts after the pictures are decoded and re-encoded: that CPU work holds no lock (on SQLite
    # a transaction takes the database's write lock at its start, transaction_mode IMMEDIATE). Whatever fails in
    # it, a full disk on the third photo or a later statement, leaves neither rows nor files.
    with discard_on_error() as saved, transaction.atomic():
        community, street = _community_and_street(compound)
        reporter = None
        if source == Source.RESIDENT and signed_in:
            reporter = actor
        elif on_behalf_of is not None:
            reporter = on_behalf_of
        now = timezone.now()
        case = Case(
            compound=compound,
            community=community,
            street=street,
            building=building,
            unit=unit.strip()[:60],
            category=category,
            title=title[:120],
            description=description,
            source=source,
            reporter=reporter,
            reporter_name=reporter_name.strip()[:60],
            reporter_contact=contact,
            entered_by=actor if signed_in else None,
            created_at=now,
            updated_at=now,
        )
        case.set_deadline(timezone.localdate(now), _classify_days(compound, street))
        case.response_due_on = case.due_on
        _insert_numbered(case)
        rows = []
        for photo in cleaned:
            saved.append(default_storage.save(photo.name, photo.content))
            rows.append(
                CasePhoto(case=case, image=saved[-1], width=photo.width, height=photo.height, size=photo.size)
            )
        CasePhoto.objects.bulk_create(rows)
        _event(
            case,
            actor if signed_in else "reporter",
            "submit",
            text=lambda: _("收到问题反映（%(source)s）") % {"source": case.get_source_display()},
            public=True,
            from_status="",
            off_board=True,
        )
        _tell(_office(community), case, lambda: _("新问题待受理"), "submitted", fresh=True)
        return case


def report_places() -> QuerySet[Place]:
    """Places as the report form reads its compound: with its community and street (`select_related`), and the
    street's own working days for classifying a case (`street_classify_days`, None: the default), all in one
    query, so that `submit_case` sends none for them (issue 9)."""
    return _report_places().all()  # a copy: the one built once is never evaluated itself


@functools.cache
def _report_places() -> QuerySet[Place]:
    """Built once per process: resolving the annotation's subquery cost as much CPU as the query it replaced."""
    own_days = DeadlinePolicy.objects.filter(street_id=OuterRef("parent__parent_id"), key="classify")
    return Place.objects.select_related("parent__parent").annotate(
        street_classify_days=Subquery(own_days.order_by().values("value")[:1])
    )


def _classify_days(compound: Place, street: Place | None) -> int:
    """`policy_value(street, "classify")`, from the compound's own query when it was read by `report_places` and
    `street` is the grandparent that query read the policy of."""
    if (
        street is not None
        and hasattr(compound, "street_classify_days")
        and Place.parent.is_cached(compound)
        and compound.parent is not None
        and compound.parent.parent_id == street.pk
    ):
        days = compound.street_classify_days
        return DEFAULT_DEADLINES["classify"] if days is None else days
    return policy_value(street, "classify")


def _community_and_street(compound: Place) -> tuple[Place | None, Place | None]:
    """The compound's community and street: from the parents loaded with it (the report form reads them in the
    compound's own query, `select_related("parent__parent")`), else by its path (a query each)."""
    parent = compound.parent if Place.parent.is_cached(compound) else None
    if parent is not None and parent.kind == PlaceKind.COMMUNITY and Place.parent.is_cached(parent):
        street = parent.parent
        if street is not None and street.kind == PlaceKind.STREET:
            return parent, street
    return compound.community, compound.street


def _tracking_no(case: Case) -> str:
    return f"{timezone.localdate(case.created_at):%Y%m%d}-{case.pk:05d}"


def _insert_numbered(case: Case) -> None:
    """Insert a new case with its tracking number, which contains its id: the id is reserved first, so the row is
    written once. (Insert-then-update was two statements more on every report, the update replacing the board
    stamp although a new report is on no board, issue 9.)"""
    case.pk = _reserve_case_id()
    if case.pk is None:  # a database without a way to reserve it: the number follows in the same transaction
        case.tracking_no = f"tmp-{secrets.token_hex(8)}"  # unique until the id is known
        case.save(force_insert=True)
        case.tracking_no = _tracking_no(case)
        case.save(update_fields=["tracking_no"])
        return
    case.tracking_no = _tracking_no(case)
    case.save(force_insert=True)


def _reserve_case_id() -> int | None:
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT keeps the largest id ever given in sqlite_sequence, and the transaction holds the
            # database's write lock from its start (transaction_mode IMMEDIATE, settings.py): no other writer can
            # take the next id before this one commits or rolls back.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            return (row[0] if row else 0) + 1
    return None


def _office(community: Place | None) -> list[Person]:
    """Who hears of a new case (CS-1): the Residents' Committee member in charge of the EPMC, who runs the joint
    meeting office (JM-4, as `directory.epmc_lead_for` finds them), and the heads of the Residents' Committee,
    all in one query. Each Person carries only what a notice needs (id, e-mail, language: `delivery.notify`);
    anything else is loaded if something asks for it."""
    if community is None:
        return []
    rc, office_kinds = OrgKind.RESIDENTS_COMMITTEE, (OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC)
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(_office_sql(), [community.pk, *office_kinds, rc, today, today])
        rows = cursor.fetchall()
    # The query keeps Position's own order: the first lead is the one epmc_lead_for names.
    lead = next((r for r in rows if r[0]), None)
    heads = [r for r in rows if r[1] and r[2] == rc]
    return [Person.from_db(connection.alias, _NOTICE_FIELDS, r[3:]) for r in ([lead] if lead else []) + heads]


_NOTICE_FIELDS = ("id", "email", "language")


def _office_sql() -> str:
    """`Position.objects.current()` in the community's Residents' Committee and EPMC, the EPMC leads and the
    RC's heads, in Position's own order (organisation: its place, the same for all, then kind and name; head
    first; id). Plain SQL: built by the ORM, the query cost a tenth of a report's CPU time (issue 9)."""
    p, o = functools.partial(column, Position, alias="p"), functools.partial(column, Organisation, alias="o")
    # Names from the models' metadata (core/sqlnames.py); every value is a parameter.
    return (
        f"SELECT {p('leads_epmc')}, {p('is_head')}, {o('kind')}, "  # noqa: S608
        + ", ".join(column(Person, f, "u") for f in _NOTICE_FIELDS)
        + f" FROM {table(Position)} p JOIN {table(Organisation)} o ON {o('id')} = {p('organisation')} "
        f"JOIN {table(Person)} u ON {column(Person, 'id', 'u')} = {p('person')} "
        f"WHERE {o('place')} = %s AND {o('kind')} IN (%s, %s) "
        f"AND ({p('leads_epmc')} OR ({p('is_head')} AND {o('kind')} = %s)) "
        f"AND ({p('term_start')} IS NULL OR {p('term_start')} <= %s) "
        f"AND ({p('term_end')} IS NULL OR {p('term_end')} >= %s) "
        f"ORDER BY {o('kind')}, {o('name')}, {p('is_head')} DESC, {p('id')}"
    )


# --- classification and routes ----------------------------------------------------------------------------


@transaction.atomic
def classify_case(
    *,
    actor,
    case: Case,
    case_class: str,
    reason: str = "",
    convener: Person | None = None,
    version: int | None = None,
) -> Case:
    """The office classifies a case and starts its route; reclassifying needs a reason (audited)."""
    case = _lock(case)
    if not permissions.can_classify_case(actor, case):
        raise PermissionDenied
    _check_version(case, version)
    if case_class not in CaseClass.values:
        raise RuleViolation(_("请选择问题分类。"), field="case_class")
    if not case.is_open:
        raise RuleViolation(_("问题已办结，不能再分类。"))
    reclass = bool(case.case_class)
    if reclass and case_class == case.case_class:
        raise RuleViolation(_("分类没有变化。"))
    if reclass and len(reason.strip()) < 4:
        raise RuleViolation(_("调整分类时必须写明理由。"), field="reason")
    old_class, old_status = case.case_class, case.status
    case.case_class = case_class
    fields = ["case_class", "status", "handler", "holder", "next_review_on"]
    if case.responded_at is None:
        case.responded_at = timezone.now()
        fields.append("responded_at")
    tree = directory.governance_tree(case.community)
    people: list = []
    if case_class != CaseClass.ROUTINE:
        case.co_handlers.clear()  # co-handlers belong to the routine route (CS-2)
    if case_class != CaseClass.LEGACY:
        case.next_review_on = None
    if case_class == CaseClass.ROUTINE:
        # CS-2: the EPMC lead (or an authorised compound party org head) convenes OC member + company head.
        lead = convener or _person_of(directory.epmc_lead_for(case.community))
        if convener is not None and not _may_convene(convener, case):
            raise RuleViolation(_("召集人须为分管环境和物业管理的居委会委员或经授权的小区党组织负责人。"))
        if lead is None:
            raise RuleViolation(_("本社区尚未指定分管环境和物业管理的居委会委员，无法派单。"))
        oc_head = _person_of(directory.head_of(directory.owners_committee_of(case.compound)))
        company_head = _person_of(directory.company_head_for(case.compound))
        case.handler = lead
        case.status = Status.HANDLING
        case.holder = tree.epmc or tree.residents_committee
        fields += _set_step(case, Step.HANDLE, "routine.handle")
        case.co_handlers.set([p for p in (oc_head, company_head) if p is not None])
        people = [lead, oc_head, company_head]
    elif case_class == CaseClass.MAJOR:
        case.handler = _person_of(directory.epmc_lead_for(case.community))
        case.status = Status.INVESTIGATING
        case.holder = tree.residents_committee
        fields += _set_step(case, Step.INVESTIGATE, "major.investigate")
        people = [case.handler, _person_of(directory.convener_for(case.community))]
    elif case_class == CaseClass.BEYOND_REMIT:
        case.handler = _person_of(directory.epmc_lead_for(case.community))
        case.status = Status.AWAITING_SUMMONS
        case.holder = tree.residents_committee
        fields += _set_step(case, Step.PROPOSE, "beyond_remit.propose")
        people = [case.handler, _person_of(directory.convener_for(case.community))]
    else:
        case.handler = _person_of(directory.epmc_lead_for(case.community))
        case.status = Status.MONITORING
        case.holder = tree.residents_committee
        interval = policy_value(case.street, "legacy.review")
        case.next_review_on = add_working_days(_today(), interval)
        fields += _set_step(case, Step.REVIEW, "legacy.review")
        people = [case.handler]
        # CS-5: the RC reports a legacy problem to the street (and through it the departments) for attention.
        street_office = _org(OrgKind.STREET, case.street)
        if street_office is not None:
            notify(
                recipients=[
                    p.person
                    for p in Position.objects.current()
                    .filter(organisation=street_office)
                    .select_related("person")
                ],
                subject=lambda: _("历史遗留问题报街道关注：%(t)s") % {"t": case.title},
                key=f"case:{case.pk}:legacy-report",
                body=case.description,
                url=case_url(case),
                organisations=[street_office],
            )
    _touch(case, fields)
    label = CaseClass(case_class).label
    _event(
        case,
        actor,
        "reclassify" if reclass else "classify",
        text=lambda: (
            _("分类由“%(old)s”调整为“%(new)s”") % {"old": CaseClass(old_class).label, "new": label}
            if reclass
            else _("受理，分类为“%(new)s”") % {"new": label}
        ),
        reason=reason.strip(),
        public=True,
        from_status=old_status,
        changes={"case_class": [old_class, case_class]},
    )
    _tell(people, case, lambda: _("已派给您办理（%(cls)s）") % {"cls": label}, "assigned")
    _tell_reporter(case, "classified")
    return case


def _may_convene(person: Person, case: Case) -> bool:
    """CS-2: the EPMC lead, or the head of a compound party organisation of the case's compound."""
    lead = directory.epmc_lead_for(case.community)
    if lead and lead.person_id == person.pk:
        return True
    return (
        Position.objects.current()
        .filter(
            person=person,
            is_head=True,
            organisation__kind=OrgKind.COMPOUND_PARTY_ORG,
            organisation__place=case.compound,
        )
        .exists()
    )


@transaction.atomic
def cannot_solve(*, actor, case: Case, opinion: str, version: int | None = None) -> Case:
    """CS-2: a routine case the convener cannot solve goes to RC coordination with a written opinion."""
    case = _lock(case)
    if not permissions.can_handle_routine(actor, case):
        raise PermissionDenied
    _check_version(case, version)
    if case.case_class != CaseClass.ROUTINE or case.status != Status.HANDLING:
        raise RuleViolation(_("只有正在协同处置的日常问题才能提请居委会协调。"))
    if len(opinion.strip()) < 10:
        raise RuleViolation(_("提请协调必须附书面初步意见（至少 10 个字）。"), field="opinion")
    old = case.status
    case.preliminary_opinion = opinion.strip()
    case.status = Status.COORDINATING
    rc = _org(OrgKind.RESIDENTS_COMMITTEE, case.community)
    case.holder = rc or case.holder
    fields = [
        "preliminary_opinion",
        "status",
        "holder",
        *_set_step(case, Step.COORDINATE, "routine.coordinate"),
    ]
    _touch(case, fields)
    _event(
        case,
        actor,
        "cannot_solve",
        text=lambda: _("难以解决，提出初步意见报居委会协调"),
        reason=opinion,
        public=True,
        from_status=old,
    )
    rc_people = (
        [p.person for p in Position.objects.current().filter(organisation=rc).select_related("person")]
        if rc
        else []
    )
    _tell(rc_people, case, lambda: _("日常问题提请居委会协调"), "coordinate")
    _tell_reporter(case, "coordinating")
    return case


@transaction.atomic
def resolve_case(*, actor, case: Case, solution: str, version: int | None = None) -> Case:
    """The route ends with an agreed solution published to the board; the reporter is asked to rate it."""
    case = _lock(case)
    _check_version(case, version)
    if case.case_class == CaseClass.ROUTINE:
        allowed = permissions.can_handle_routine(actor, case)
    else:
        allowed = permissions.is_office(actor, case)
    if not allowed:
        raise PermissionDenied
    if not case.is_open or case.status == Status.NEW:
        raise RuleViolation(_("该问题当前不能办结。"))
    if len(solution.strip()) < 4:
        raise RuleViolation(_("请写明解决方案或处理结果。"), field="solution")
    if case.case_class == CaseClass.MAJOR:
        inv = Investigation.objects.filter(case=case).first()
        if inv is None or inv.reported_at is None:
            raise RuleViolation(_("重大问题须先完成调查研究并向党组织和联席会议办公室报告（CS-3）。"))
    if case.case_class == CaseClass.BEYOND_REMIT:
        if not case.summonses.exists():
            raise RuleViolation(_("超出三方职责的问题须经党组织向街道吹哨协调（CS-4）。"))
        if case.summonses.filter(reported_at__isnull=True).exists():
            raise RuleViolation(_("还有被吹哨单位没有报到答复（CS-4）。"))
    if case.case_class == CaseClass.LEGACY and not has_joint_explanation(case):
        raise RuleViolation(_("历史遗留问题须有三方共同向居民解释的记录（CS-5）。"))
    old = case.status
    case.solution = solution.strip()
    case.status = Status.RESOLVED
    case.resolved_at = timezone.now()
    fields = ["solution", "status", "resolved_at", *_set_step(case, Step.FEEDBACK, "feedback")]
    _touch(case, fields)
    _event(
        case,
        actor,
        "resolve",
        text=lambda: _("已办结：%(s)s") % {"s": case.solution},
        public=True,
        from_status=old,
    )
    _tell_reporter(case, "resolved")
    return case


@transaction.atomic
def hand_over(*, actor, case: Case, to_org: Organisation, reason: str, version: int | None = None) -> Case:
    """CS-5: a hand-over between parties is recorded; handing it back is a bounce; too many escalate."""
    case = _lock(case)
    if not permissions.can_hand_over(actor, case):
        raise PermissionDenied
    _check_version(case, version)
    if not case.is_open:
        raise RuleViolation(_("已办结的问题不能移交。"))
    if not reason.strip():
        raise RuleViolation(_("移交必须写明理由。"), field="reason")
    if to_org.pk == case.holder_id:
        raise RuleViolation(_("问题已在该组织手中。"))
    if not _org_belongs(to_org, case):
        raise RuleViolation(_("只能移交给本小区、本社区的联动各方。"))
    from_org = case.holder
    previous = case.handovers.order_by("-at", "-id").first()
    is_bounce = bool(
        previous
        and from_org
        and previous.from_org
        and _party_key(previous.from_org) == _party_key(to_org)
        and _party_key(previous.to_org) == _party_key(from_org)
    )
    Handover.objects.create(
        case=case, from_org=from_org, to_org=to_org, by=actor, reason=reason.strip(), is_bounce=is_bounce
    )
    case.holder = to_org
    fields = ["holder", "bounce_count", "escalation_level"]
    if is_bounce:
        case.bounce_count += 1
    _touch(case, fields)
    _event(
        case,
        actor,
        "hand_over",
        text=lambda: _("由%(a)s移交%(b)s") % {"a": from_org or "—", "b": to_org},
        reason=reason,
        changes={"holder": [str(from_org or ""), str(to_org)], "bounce": is_bounce},
    )
    heads = [_person_of(directory.head_of(to_org))]
    _tell(heads, case, lambda: _("问题移交给您所在组织"), "handover")
    if is_bounce:
        _maybe_escalate(case)
    return case


def _party_key(org: Organisation) -> int:
    """The EPMC is a sub-committee of the RC: handing a case between them and back counts as one party."""
    if org.kind == OrgKind.EPMC and org.parent_id:
        return org.parent_id
    return org.pk


def _org_belongs(org: Organisation, case: Case) -> bool:
    if org.kind == OrgKind.PROPERTY_COMPANY:
        return Organisation.objects.serving(case.compound).filter(pk=org.pk).exists()
    return case.compound.path.startswith(org.place.path) and org.kind in (
        OrgKind.RESIDENTS_COMMITTEE,
        OrgKind.EPMC,
        OrgKind.OWNERS_COMMITTEE,
        OrgKind.COMPOUND_PARTY_ORG,
        OrgKind.PARTY_ORG,
        OrgKind.GRID,
    )


def _maybe_escalate(case: Case) -> None:
    """CS-5: past the threshold the case goes to the RC; past twice the threshold, to the party organisation."""
    threshold = policy_value(case.street, "bounce.threshold")
    if case.bounce_count > 2 * threshold and case.escalation_level < 2:
        level, org = 2, _org(OrgKind.PARTY_ORG, case.community)
    elif case.bounce_count > threshold and case.escalation_level < 1:
        level, org = 1, _org(OrgKind.RESIDENTS_COMMITTEE, case.community)
    else:
        return
    if org is None:
        return
    from_org = case.holder
    Handover.objects.create(
        case=case,
        from_org=from_org,
        to_org=org,
        by=None,
        reason=_("推诿次数超过上限，自动升级"),
        is_escalation=True,
    )
    case.holder = org
    case.escalation_level = level
    _touch(case, ["holder", "escalation_level"])
    _event(
        case,
        None,
        "escalate",
        text=lambda: (
            _("问题被来回推诿 %(n)d 次，自动升级至%(org)s") % {"n": case.bounce_count, "org": org.name}
        ),
        public=True,
        changes={"escalation_level": [level - 1, level]},
    )
    _tell(
        [_person_of(directory.head_of(org))],
        case,
        lambda: _("推诿升级：请牵头解决"),
        f"escalate{level}",
        urgent=True,
    )


# --- major (CS-3) ------------------------------------------------------------------------------------------

REQUIRED_INVESTIGATION_ROLES = ("residents_committee", "owners_committee", "property_company")
INVESTIGATION_ROLES = {
    "residents_committee": gettext_lazy("社区居民委员会"),
    "compound_party_org": gettext_lazy("小区党组织"),
    "epmc": gettext_lazy("环境和物业管理委员会"),
    "owners_committee": gettext_lazy("业主委员会"),
    "property_company": gettext_lazy("物业服务企业"),
    "stakeholder": gettext_lazy("利益相关方"),
    "resident_rep": gettext_lazy("居民代表"),
}


@transaction.atomic
def record_investigation(
    *,
    actor,
    case: Case,
    held_on: dt.date,
    participants: list[dict],
    findings: str,
    proposed_solution: str = "",
) -> Investigation:
    """CS-3: the RC with the compound party org, EPMC, OC, company, stakeholders and residents investigates."""
    case = _lock(case)
    if not permissions.can_investigate(actor, case):
        raise PermissionDenied
    if case.case_class != CaseClass.MAJOR or not case.is_open:
        raise RuleViolation(_("只有办理中的重大问题需要调查研究记录。"))
    clean = []
    for p in participants:
        role, name = str(p.get("role", "")).strip(), str(p.get("name", "")).strip()
        if role not in INVESTIGATION_ROLES or not name:
            raise RuleViolation(_("参加人员须写明身份和姓名。"), field="participants")
        clean.append({"role": role, "name": name[:60]})
    missing = [
        INVESTIGATION_ROLES[r] for r in REQUIRED_INVESTIGATION_ROLES if r not in {p["role"] for p in clean}
    ]
    if missing:
        raise RuleViolation(
            _("调查研究须有三方参加，缺少：%(m)s（CS-3）。")
            % {"m": pgettext("list separator", "、").join(str(m) for m in missing)},
            field="participants",
        )
    if len(findings.strip()) < 10:
        raise RuleViolation(_("请写明调查情况（至少 10 个字）。"), field="findings")
    if held_on > _today():
        raise RuleViolation(_("调查日期不能晚于今天。"), field="held_on")
    inv, created = Investigation.objects.select_for_update().get_or_create(
        case=case,
        defaults={
            "held_on": held_on,
            "participants": clean,
            "findings": findings.strip(),
            "proposed_solution": proposed_solution.strip(),
            "recorded_by": actor,
        },
    )
    if not created:
        inv.held_on, inv.participants, inv.findings = held_on, clean, findings.strip()
        inv.proposed_solution = proposed_solution.strip()
        inv.version += 1
        inv.save(update_fields=["held_on", "participants", "findings", "proposed_solution", "version"])
    fields: list[str] = []
    if case.step == Step.INVESTIGATE and inv.proposed_solution:
        fields += _set_step(case, Step.REPORT, "major.report")
    _touch(case, fields)
    _event(
        case,
        actor,
        "investigate",
        text=lambda: _("完成调查研究，%(n)d 人参加") % {"n": len(clean)},
        public=True,
    )
    return inv


@transaction.atomic
def report_major(*, actor, case: Case, put_on_agenda: bool = False) -> Investigation:
    """CS-3: the proposed solution is reported to the party org and the joint meeting office (agenda optional)."""
    case = _lock(case)
    if not permissions.can_investigate(actor, case):
        raise PermissionDenied
    inv = Investigation.objects.select_for_update().filter(case=case).first()
    if inv is None or not inv.proposed_solution:
        raise RuleViolation(_("请先完成调查研究并提出解决方案（CS-3）。"))
    if inv.reported_at:
        raise RuleViolation(_("已经报告过了。"))
    inv.reported_at = timezone.now()
    if put_on_agenda:
        item = extensions.first(
            "agenda.propose",
            actor=actor,
            community=case.community,
            kind="case",
            title=case.title,
            description=inv.proposed_solution,
            source=case,
        )
        inv.agenda_ref = str(item)[:200] if item is not None else _("已提请列入联席会议议题")
    inv.save(update_fields=["reported_at", "agenda_ref"])
    old = case.status
    case.status = Status.REPORTED
    case.progress_note = inv.proposed_solution
    fields = ["status", "progress_note", *_set_step(case, Step.HANDLE, "major.handle")]
    _touch(case, fields)
    _event(
        case,
        actor,
        "report",
        text=lambda: _("拟定方案已报社区党组织和联席会议办公室：%(s)s") % {"s": inv.proposed_solution},
        public=True,
        from_status=old,
    )
    _tell(
        [
            _person_of(directory.convener_for(case.community)),
            _person_of(directory.epmc_lead_for(case.community)),
        ],
        case,
        lambda: _("重大问题调查报告"),
        "major-report",
    )
    _tell_reporter(case, "reported")
    return inv


# --- beyond remit (CS-4) -----------------------------------------------------------------------------------


@transaction.atomic
def propose_summons(*, actor, case: Case, proposal: str, put_on_agenda: bool = False) -> Case:
    """CS-4: the joint meeting studies the case and proposes to the party organisation that it be escalated."""
    case = _lock(case)
    if not permissions.is_office(actor, case):
        raise PermissionDenied
    if case.case_class != CaseClass.BEYOND_REMIT or case.status != Status.AWAITING_SUMMONS:
        raise RuleViolation(_("只有待吹哨的超出职责问题可以提出建议。"))
    if len(proposal.strip()) < 4:
        raise RuleViolation(_("请写明联席会议的研究意见。"), field="proposal")
    case.proposal = proposal.strip()
    if put_on_agenda:
        extensions.first(
            "agenda.propose",
            actor=actor,
            community=case.community,
            kind="case",
            title=case.title,
            description=case.proposal,
            source=case,
        )
    _touch(case, ["proposal"])
    _event(
        case, actor, "propose", text=lambda: _("联席会议研究提出：%(p)s") % {"p": case.proposal}, public=True
    )
    _tell(
        [_person_of(directory.convener_for(case.community))],
        case,
        lambda: _("联席会议建议向街道吹哨"),
        "propose",
    )
    return case


@transaction.atomic
def issue_street_summons(*, actor, case: Case, request: str) -> Summons:
    """CS-4: the community party organisation blows the whistle (吹哨) to the street."""
    case = _lock(case)
    if not permissions.can_issue_street_summons(actor, case):
        raise PermissionDenied
    if case.case_class != CaseClass.BEYOND_REMIT or not case.is_open:
        raise RuleViolation(_("只有超出三方职责的问题才能向街道吹哨（CS-4）。"))
    if not case.proposal:
        raise RuleViolation(_("须先经联席会议研究提出建议（CS-4）。"))
    if case.summonses.filter(level=SummonsLevel.STREET).exists():
        raise RuleViolation(_("已经向街道吹哨了。"))
    if len(request.strip()) < 4:
        raise RuleViolation(_("请写明需要协调的事项。"), field="request")
    party_org = _org(OrgKind.PARTY_ORG, case.community)
    street_office = _org(OrgKind.STREET, case.street)
    if party_org is None or street_office is None:
        raise RuleViolation(_("未找到社区党组织或街道办事处，无法吹哨。"))
    summons = Summons(
        case=case,
        level=SummonsLevel.STREET,
        from_org=party_org,
        to_org=street_office,
        issued_by=actor,
        request=request.strip(),
    )
    summons.set_deadline(_today(), policy_value(case.street, "summons.street"))
    summons.save()
    old = case.status
    case.status = Status.SUMMONED
    fields = ["status", *_set_step(case, Step.SUMMONS, "summons.street")]
    _touch(case, fields)
    _event(
        case,
        actor,
        "summons",
        text=lambda: _("社区党组织向%(to)s吹哨：%(r)s") % {"to": street_office.name, "r": summons.request},
        public=True,
        from_status=old,
    )
    street_people = [
        p.person
        for p in Position.objects.current().filter(organisation=street_office).select_related("person")
    ]
    notify(
        recipients=street_people,
        subject=lambda: _("吹哨：%(t)s") % {"t": case.title},
        key=f"summons:{summons.pk}:issued",
        body=summons.request,
        url=case_url(case),
        urgent=True,
        organisations=[street_office],
    )
    _tell_reporter(case, "summoned")
    return summons


@transaction.atomic
def summon_departments(
    *, actor, summons: Summons, to_orgs: list[Organisation], request: str
) -> list[Summons]:
    """CS-4: the street summons departments or units stationed in the community, each with a deadline."""
    parent = Summons.objects.select_for_update().select_related("case").get(pk=summons.pk)
    case = _lock(parent.case)
    if parent.level != SummonsLevel.STREET or not permissions.can_issue_department_summons(actor, case):
        raise PermissionDenied
    if not to_orgs:
        raise RuleViolation(_("请选择报到的部门或单位。"), field="to_orgs")
    if len(request.strip()) < 4:
        raise RuleViolation(_("请写明需要协调的事项。"), field="request")
    already = set(parent.children.values_list("to_org_id", flat=True))
    created = []
    for org in to_orgs:
        if org.kind != OrgKind.DEPARTMENT:
            raise RuleViolation(_("%(o)s 不是职能部门或驻区单位。") % {"o": org.name})
        if org.pk in already:
            continue
        child = Summons(
            case=case,
            parent=parent,
            level=SummonsLevel.DEPARTMENT,
            from_org=parent.to_org,
            to_org=org,
            issued_by=actor,
            request=request.strip(),
        )
        child.set_deadline(_today(), policy_value(case.street, "summons.department"))
        child.save()
        created.append(child)
        people = [
            p.person for p in Position.objects.current().filter(organisation=org).select_related("person")
        ]
        notify(
            recipients=people,
            subject=lambda: _("街道吹哨，请报到：%(t)s") % {"t": case.title},
            key=f"summons:{child.pk}:issued",
            body=child.request,
            url=case_url(case),
            urgent=True,
            organisations=[org],
        )
    if not parent.reported_at:
        # The street's own report-in is its act of coordination.
        parent.reported_at, parent.reported_by = timezone.now(), actor
        parent.reply = _in_record_language(
            lambda: (
                _("已组织%(orgs)s报到")
                % {"orgs": pgettext("list separator", "、").join(o.name for o in to_orgs)}
            )
        )
        parent.save(update_fields=["reported_at", "reported_by", "reply"])
    fields = _set_step(case, Step.SUMMONS, "summons.department")
    _touch(case, fields)
    _event(
        case,
        actor,
        "summon_departments",
        text=lambda: (
            _("街道吹哨，%(orgs)s报到")
            % {"orgs": pgettext("list separator", "、").join(o.name for o in to_orgs)}
        ),
        public=True,
    )
    return created


@transaction.atomic
def report_in(*, actor, summons: Summons, reply: str, actions: str = "") -> Summons:
    """CS-4 报到: the summoned department or unit replies with its opinion and the actions it takes."""
    summons = Summons.objects.select_for_update().select_related("case", "to_org").get(pk=summons.pk)
    if not permissions.can_report_in(actor, summons):
        raise PermissionDenied
    if summons.reported_at:
        raise RuleViolation(_("已经报到答复过了。"))
    if len(reply.strip()) < 4:
        raise RuleViolation(_("请写明答复意见。"), field="reply")
    summons.reply, summons.actions = reply.strip(), actions.strip()
    summons.reported_at, summons.reported_by = timezone.now(), actor
    summons.save(update_fields=["reply", "actions", "reported_at", "reported_by"])
    case = _lock(summons.case)
    _touch(case, [])
    late = summons.is_late
    _event(
        case,
        actor,
        "report_in",
        text=lambda: (
            _("%(org)s报到答复：%(r)s") % {"org": summons.to_org.name, "r": summons.reply}
            + (_("（逾期）") if late else "")
        ),
        reason=summons.actions,
        public=True,
    )
    _tell(
        [case.handler, summons.issued_by],
        case,
        lambda: _("%(org)s已报到答复") % {"org": summons.to_org.name},
        f"reportin{summons.pk}",
    )
    return summons


# --- legacy (CS-5) -----------------------------------------------------------------------------------------


@transaction.atomic
def record_review(*, actor, case: Case, progress: str, next_review_on: dt.date | None = None) -> LegacyReview:
    """CS-5: a periodic progress review of a legacy case; the next review date is set by the street's cycle."""
    case = _lock(case)
    if not permissions.is_office(actor, case):
        raise PermissionDenied
    if case.case_class != CaseClass.LEGACY or not case.is_open:
        raise RuleViolation(_("只有跟踪中的历史遗留问题需要定期跟踪。"))
    if len(progress.strip()) < 4:
        raise RuleViolation(_("请写明进展情况。"), field="progress")
    today = _today()
    nxt = next_review_on or add_working_days(today, policy_value(case.street, "legacy.review"))
    if nxt <= today:
        raise RuleViolation(_("下次跟踪日期须晚于今天。"), field="next_review_on")
    review = LegacyReview.objects.create(
        case=case, reviewed_on=today, progress=progress.strip(), next_review_on=nxt, by=actor
    )
    case.next_review_on = nxt
    case.progress_note = review.progress
    case.step = Step.REVIEW
    case.due_from, case.due_on, case.due_working_days, case.due_estimated = today, nxt, None, False
    _touch(case, ["next_review_on", "progress_note", "step", *Case.DEADLINE_FIELDS])
    _event(case, actor, "review", text=lambda: _("跟踪进展：%(p)s") % {"p": review.progress}, public=True)
    _tell_reporter(case, f"review{review.pk}")
    return review


def has_joint_explanation(case: Case) -> bool:
    return any(e.is_complete for e in case.explanations.prefetch_related("signatures"))


@transaction.atomic
def record_explanation(*, actor, case: Case, held_on: dt.date, content: str) -> JointExplanation:
    """CS-5: one party records the joint explanation to residents and signs it; the other two co-sign."""
    case = _lock(case)
    parties = permissions.parties_of(actor, case.compound)
    if not parties and not get_scope(actor).is_superuser:
        raise PermissionDenied
    if case.case_class != CaseClass.LEGACY:
        raise RuleViolation(_("三方共同解释记录用于历史遗留问题（CS-5）。"))
    if len(content.strip()) < 10:
        raise RuleViolation(_("请写明向居民解释的内容（至少 10 个字）。"), field="content")
    exp = JointExplanation.objects.create(
        case=case, held_on=held_on, content=content.strip(), created_by=actor
    )
    for party, org in parties.items():
        ExplanationSignature.objects.create(explanation=exp, party=party, organisation=org, person=actor)
    _touch(case, [])
    _event(case, actor, "explain", text=lambda: _("三方共同向居民解释：%(c)s") % {"c": exp.content})
    return exp


@transaction.atomic
def sign_explanation(*, actor, explanation: JointExplanation) -> JointExplanation:
    exp = JointExplanation.objects.select_for_update().select_related("case__compound").get(pk=explanation.pk)
    parties = permissions.parties_of(actor, exp.case.compound)
    if not parties:
        raise PermissionDenied
    signed = exp.signed_parties
    new = {p: o for p, o in parties.items() if p not in signed}
    if not new:
        raise RuleViolation(_("您所在的一方已经签认过了。"))
    for party, org in new.items():
        ExplanationSignature.objects.create(explanation=exp, party=party, organisation=org, person=actor)
    case = _lock(exp.case)
    _touch(case, [])
    complete = JointExplanation.objects.get(pk=exp.pk).is_complete
    _event(
        case,
        actor,
        "explain_sign",
        text=lambda: _("三方共同解释已由三方签认") if complete else _("签认共同解释记录"),
        public=complete,
    )
    return exp


# --- engagements (CS-6) ------------------------------------------------------------------------------------


@transaction.atomic
def record_engagement(
    *,
    actor,
    case: Case,
    kind: str,
    held_on: dt.date,
    participants_count: int,
    summary: str,
    outcome: str = "",
) -> Engagement:
    """CS-6: a consultation meeting, hearing, service review or home visit held while solving a case."""
    case = _lock(case)
    if not permissions.can_record_engagement(actor, case):
        raise PermissionDenied
    if kind not in EngagementKind.values:
        raise RuleViolation(_("请选择活动形式。"), field="kind")
    if participants_count < 1:
        raise RuleViolation(_("参加人数至少为 1。"), field="participants_count")
    if held_on > _today():
        raise RuleViolation(_("日期不能晚于今天。"), field="held_on")
    if len(summary.strip()) < 4:
        raise RuleViolation(_("请写明情况摘要。"), field="summary")
    eng = Engagement.objects.create(
        case=case,
        kind=kind,
        held_on=held_on,
        participants_count=participants_count,
        summary=summary.strip(),
        outcome=outcome.strip(),
        recorded_by=actor,
    )
    _touch(case, [])
    _event(
        case,
        actor,
        "engagement",
        text=lambda: (
            ngettext("%(kind)s（%(n)d 人参加）：%(o)s", "%(kind)s（%(n)d 人参加）：%(o)s", participants_count)
            % {"kind": eng.get_kind_display(), "n": participants_count, "o": eng.outcome or eng.summary}
        ),
        public=True,
    )
    return eng


# --- reporter feedback -------------------------------------------------------------------------------------


@transaction.atomic
def give_feedback(
    *, actor, case: Case, rating: str, comment: str = "", dispute: bool = False, token: str | None = None
) -> Feedback:
    """The reporter rates a resolved case (满意/基本满意/不满意); disputing the closure reopens it."""
    case = _lock(case)
    if not permissions.can_give_feedback(actor, case, token):
        raise PermissionDenied
    if case.status != Status.RESOLVED:
        raise RuleViolation(_("问题办结后才能评价。"))
    if rating not in Rating.values:
        raise RuleViolation(_("请选择满意程度。"), field="rating")
    if dispute and len(comment.strip()) < 4:
        raise RuleViolation(_("对办结有异议时请写明理由。"), field="comment")
    fb = Feedback.objects.create(case=case, rating=rating, comment=comment.strip(), disputed=dispute)
    case.latest_rating = fb.rating  # kept on the case for the rates (issue 9)
    old = case.status
    who = actor if getattr(actor, "is_authenticated", False) else "reporter"
    if dispute:
        case.reopened_count += 1
        case.resolved_at = None
        case.status = {
            CaseClass.ROUTINE: Status.HANDLING,
            CaseClass.MAJOR: Status.REPORTED,
            CaseClass.BEYOND_REMIT: Status.SUMMONED,
            CaseClass.LEGACY: Status.MONITORING,
        }[case.case_class]
        key = {
            "routine": "routine.handle",
            "major": "major.handle",
            "beyond_remit": "summons.department",
            "legacy": "legacy.review",
        }[case.case_class]
        fields = [
            "reopened_count",
            "resolved_at",
            "status",
            *_set_step(case, Step.HANDLE if case.case_class != CaseClass.LEGACY else Step.REVIEW, key),
        ]
        _touch(case, [*fields, "latest_rating"])
        _event(
            case,
            who,
            "dispute",
            text=lambda: _("反映人对办结有异议，重新办理"),
            reason=fb.comment,
            public=True,
            from_status=old,
        )
        _tell(
            [case.handler, *case.co_handlers.all()],
            case,
            lambda: _("反映人对办结有异议，已重新打开"),
            f"reopen{fb.pk}",
            urgent=True,
        )
    else:
        case.status = Status.CLOSED
        case.closed_at = timezone.now()
        fields = ["status", "closed_at", *_set_step(case, Step.DONE, None)]
        _touch(case, [*fields, "latest_rating"])
        _event(
            case,
            who,
            "feedback",
            text=lambda: _("反映人评价：%(r)s") % {"r": fb.get_rating_display()},
            public=True,
            from_status=old,
        )
    return fb


@transaction.atomic
def close_unrated(*, case: Case) -> Case:
    """A resolved case whose feedback window passed without a rating is closed by the system."""
    case = _lock(case)
    if case.status != Status.RESOLVED:
        return case
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    fields = ["status", "closed_at", *_set_step(case, Step.DONE, None)]
    _touch(case, fields)
    _event(
        case,
        None,
        "auto_close",
        text=lambda: _("评价期满未评价，自动关闭"),
        public=True,
        from_status=Status.RESOLVED,
    )
    return case


@transaction.atomic
def update_progress(*, actor, case: Case, text: str) -> Case:
    """A public progress note (PN-1) by anyone working on the case."""
    case = _lock(case)
    if not permissions.can_hand_over(actor, case) and not permissions.is_office(actor, case):
        raise PermissionDenied
    if not case.is_open:
        raise RuleViolation(_("问题已办结。"))
    if len(text.strip()) < 2:
        raise RuleViolation(_("请写明进展。"), field="text")
    case.progress_note = text.strip()
    _touch(case, ["progress_note"])
    _event(case, actor, "progress", text=case.progress_note, public=True)
    _tell_reporter(case, "progress")
    return case


# --- major matters (CS-7) ----------------------------------------------------------------------------------


@transaction.atomic
def open_matter(
    *, actor, compound: Place, kind: str, title: str, description: str = "", case: Case | None = None
) -> MajorMatter:
    """CS-7: a maintenance-fund use, company change or fee adjustment starts at its first step (proposed)."""
    if not permissions.can_open_matter(actor, compound):
        raise PermissionDenied
    if kind not in MatterKind.values:
        raise RuleViolation(_("请选择事项类型。"), field="kind")
    if not title.strip():
        raise RuleViolation(_("请填写标题。"), field="title")
    matter = MajorMatter.objects.create(
        compound=compound,
        community=compound.community,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        case=case,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        verb="major_matter.open",
        target=matter,
        place=compound,
        summary=matter.get_kind_display(),
    )
    lead = _person_of(directory.epmc_lead_for(matter.community))
    notify(
        recipients=[lead] if lead else [],
        subject=lambda: _("重大事项：%(t)s，请邀请街道和党组织提前介入") % {"t": matter.title},
        key=f"matter:{matter.pk}:opened",
        url=matter_url(matter),
    )
    return matter


def _moved_text(street: Place, community: Place | None) -> Callable[[], str]:
    """The timeline's words for a case that moved with its compound to `community`, or (None) with its community to
    another street; built in the record's language."""
    if community is None:
        return lambda: _("社区已划归%(street)s，由新街道督办。") % {"street": street.name}
    return lambda: (
        _("小区已划归%(street)s%(community)s，由新社区继续办理。")
        % {"street": street.name, "community": community.name}
    )


@transaction.atomic
def follow_moved_place(place: Place) -> int:
    """A place was moved in the directory — a compound to another community, a community to another street
    (`directory.models.place_moved`). Its open cases and unfinished major matters follow it: from now on the new
    community's office and street handle them (routing, summonses and statistics read `case.community` and
    `case.street`). Closed and resolved cases stay with the community and street that handled them, as their
    history. Each case so moved says so on its timeline (public: residents see who is responsible now) and in the
    audit trail; the new community's office hears of them. Returns the number of cases moved."""
    moved, offices = 0, {}
    compounds = Place.objects.compounds().filter(path__startswith=place.path).select_related("parent__parent")
    for compound in compounds:
        community, street = compound.parent, compound.parent.parent
        cases = list(
            Case.objects.select_for_update()
            .select_related("compound", "community", "street")
            .filter(compound=compound)
            .open()
            .exclude(community=community, street=street)
            .order_by("id")
        )
        for case in cases:
            changes = {
                "community": [case.community.name, community.name],
                "street": [case.street.name, street.name],
            }
            new_community = case.community_id != community.pk
            case.community, case.street = community, street
            _touch(case, ["community", "street"])
            text = _moved_text(street, community if new_community else None)
            _event(case, None, "moved", text=text, public=True, changes=changes)
            if new_community:
                if community.pk not in offices:  # read once per community, not once per case
                    offices[community.pk] = _office(community)
                _tell(offices[community.pk], case, lambda: _("随小区划入本社区，请继续办理"), "moved")
        moved += len(cases)
        for matter in (
            MajorMatter.objects.select_for_update()
            .filter(compound=compound)
            .exclude(step="done")
            .exclude(community=community)
            .select_related("community")
        ):
            before = matter.community.name
            matter.community = community
            matter.version += 1
            matter.save(update_fields=["community", "version"])
            audit.record(
                actor=None,
                verb="major_matter.moved",
                target=matter,
                place=compound,
                changes={"community": [before, community.name]},
            )
    return moved


def matter_url(matter: MajorMatter) -> str:
    return reverse("cases:matter", args=[matter.pk])


@transaction.atomic
def invite(*, actor, matter: MajorMatter, party: str) -> Invitation:
    """CS-7: the joint meeting office invites the street or the party organisation to intervene in advance."""
    matter = MajorMatter.objects.select_for_update().select_related("compound", "community").get(pk=matter.pk)
    if not permissions.can_invite(actor, matter):
        raise PermissionDenied
    if party not in Invitation.Party.values:
        raise RuleViolation(_("只能邀请街道或社区党组织。"))
    if matter.invitations.filter(party=party).exists():
        raise RuleViolation(_("已经邀请过了。"))
    place = matter.community.street if party == "street" else matter.community
    org = _org(OrgKind.STREET if party == "street" else OrgKind.PARTY_ORG, place)
    if org is None:
        raise RuleViolation(_("未找到被邀请的组织。"))
    inv = Invitation.objects.create(matter=matter, party=party, organisation=org, invited_by=actor)
    audit.record(
        actor=actor,
        verb="major_matter.invite",
        target=matter,
        place=matter.compound,
        summary=org.name,
        changes={"party": party},
    )
    people = [p.person for p in Position.objects.current().filter(organisation=org).select_related("person")]
    notify(
        recipients=people,
        subject=lambda: _("邀请提前介入重大事项：%(t)s") % {"t": matter.title},
        key=f"matter:{matter.pk}:invite:{party}",
        url=matter_url(matter),
        urgent=True,
        organisations=[org],
    )
    return inv


@transaction.atomic
def acknowledge(*, actor, matter: MajorMatter, party: str, note: str = "") -> Invitation:
    """CS-7: the street / the party organisation acknowledges the invitation; timing is audited."""
    matter = MajorMatter.objects.select_for_update().select_related("compound", "community").get(pk=matter.pk)
    if not permissions.can_acknowledge(actor, matter, party):
        raise PermissionDenied
    inv = matter.invitations.filter(party=party).first()
    if inv is None:
        raise RuleViolation(_("尚未收到邀请，不能确认。"))
    if inv.acknowledged_at:
        raise RuleViolation(_("已经确认过了。"))
    inv.acknowledged_at, inv.acknowledged_by, inv.note = timezone.now(), actor, note.strip()
    inv.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
    delay = inv.acknowledged_at - inv.invited_at
    audit.record(
        actor=actor,
        verb="major_matter.acknowledge",
        target=matter,
        place=matter.compound,
        summary=inv.organisation.name,
        changes={
            "party": party,
            "invited_at": inv.invited_at.isoformat(),
            "hours_to_acknowledge": round(delay.total_seconds() / 3600, 1),
        },
    )
    return inv


@transaction.atomic
def advance_matter(*, actor, matter: MajorMatter, version: int | None = None) -> MajorMatter:
    """CS-7: nothing past the first step until the street and the party organisation have acknowledged."""
    matter = MajorMatter.objects.select_for_update().select_related("compound", "community").get(pk=matter.pk)
    if not permissions.can_advance_matter(actor, matter):
        raise PermissionDenied
    if version is not None and version != matter.version:
        raise Conflict(_("该事项已被他人更新，请刷新后再操作。"))
    steps = MATTER_STEPS[matter.kind]
    idx = steps.index(matter.step)
    if idx + 1 >= len(steps):
        raise RuleViolation(_("该事项已经完成。"))
    if not matter.gate_open:
        raise RuleViolation(_("须先邀请街道和社区党组织提前介入，并经双方确认后才能进入下一步（CS-7）。"))
    old = matter.step
    matter.step = steps[idx + 1]
    matter.version += 1
    matter.save(update_fields=["step", "version"])
    audit.record(
        actor=actor,
        verb="major_matter.advance",
        target=matter,
        place=matter.compound,
        changes={"step": [old, matter.step]},
    )
    return matter


def matter_status(compound: Place, kind: str) -> dict | None:
    """The "major_matter.status" extension point (CS-7)."""
    matter = (
        MajorMatter.objects.filter(compound=compound, kind=kind)
        .exclude(step="done")
        .prefetch_related("invitations")
        .first()
    )
    if matter is None:
        return None
    return {
        "id": matter.pk,
        "kind": matter.kind,
        "title": matter.title,
        "status": matter.step_label,
        "gate_open": matter.gate_open,
        "url": matter_url(matter),
    }


# --- rates (EV-4, issue item 7) ----------------------------------------------------------------------------


@dataclass
class Rates:
    received: int
    responded_in_time: int
    resolved: int
    rated: int
    satisfied: int
    basic: int
    unsatisfied: int
    bounces: int

    @staticmethod
    def _rate(n: int, d: int) -> float | None:
        return None if not d else n / d

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.responded_in_time, self.received)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.resolved, self.received)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied + self.basic, self.rated)


RATES_VERSION_KEY = "cases:rates-version"


def rates_version() -> int:
    """Bumped on every saved case, rating or hand-over: cached rates keyed by it are never stale in this
    process (with a shared cache such as Redis, in any process; otherwise within the cache's timeout)."""
    return cache.get(RATES_VERSION_KEY) or 0


def bump_rates_version() -> None:
    try:
        cache.incr(RATES_VERSION_KEY)
    except ValueError:
        cache.set(RATES_VERSION_KEY, 1, None)


def _rates_aggregates() -> dict:
    """The counts behind Rates as SQL aggregates: one query however many cases (issue 9). Counting created_at
    (never null), not the id, so that PostgreSQL answers from the period index alone (models.RATES_COLUMNS)."""
    done = [Status.RESOLVED, Status.CLOSED]
    return {
        "received": Count("created_at"),
        "responded_in_time": Count(
            "created_at",
            filter=Q(responded_at__isnull=False, response_due_on__isnull=False)
            & Q(_responded_on__lte=F("response_due_on")),
        ),
        "resolved": Count("created_at", filter=Q(status__in=done)),
        # The latest rating per case counts (kept on the case); every rating stays in Feedback.
        "rated": Count("created_at", filter=~Q(latest_rating="")),
        "satisfied": Count("created_at", filter=Q(latest_rating=Rating.SATISFIED)),
        "basic": Count("created_at", filter=Q(latest_rating=Rating.BASIC)),
        "unsatisfied": Count("created_at", filter=Q(latest_rating=Rating.UNSATISFIED)),
        "bounces": Coalesce(Sum("bounce_count"), 0),
    }


def _rated(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.order_by().annotate(_responded_on=TruncDate("responded_at"))


def rates(qs: QuerySet[Case]) -> Rates:
    """响应率 (classified within the limit), 解决率 (resolved or closed), 满意率 (satisfied + basically) of cases."""
    return Rates(**_rated(qs).aggregate(**_rates_aggregates()))


def rates_by(qs: QuerySet[Case], field: str) -> dict:
    """`rates` of each value of `field` (e.g. community__name), in one grouped query."""
    rows = _rated(qs).values(field).annotate(**_rates_aggregates())
    return {row.pop(field): Rates(**row) for row in rows}


def cases_of_subject(org: Organisation, start: dt.date, end: dt.date) -> QuerySet[Case]:
    """The cases an organisation answers for over a period: its place's, or a company's served compounds'."""
    qs = Case.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
    if org.kind == OrgKind.PROPERTY_COMPANY:
        from sanfang.directory.models import ServiceContract

        compounds = (
            ServiceContract.objects.filter(company=org, start__lte=end)
            .filter(Q(end__isnull=True) | Q(end__gte=start))
            .values("compound_id")
        )
        return qs.filter(compound_id__in=compounds)
    return qs.filter(compound__path__startswith=org.place.path)


def rates_of_subjects(orgs: list[Organisation], community: Place, start: dt.date, end: dt.date) -> dict:
    """`rates(cases_of_subject(org, start, end))` within the community for each organisation, keyed by its id,
    in two queries: the community's cases counted per compound (every count adds up over compounds), and the
    companies' contracts over the period."""
    from sanfang.directory.models import ServiceContract

    cases = Case.objects.filter(
        created_at__date__gte=start, created_at__date__lte=end, compound__path__startswith=community.path
    )
    rows = _rated(cases).values("compound_id", "compound__path").annotate(**_rates_aggregates())
    by_compound = {(row.pop("compound_id"), row.pop("compound__path")): row for row in rows}
    companies = [o.pk for o in orgs if o.kind == OrgKind.PROPERTY_COMPANY]
    served: dict[int, set[int]] = {pk: set() for pk in companies}
    for company_id, compound_id in (
        ServiceContract.objects.filter(company_id__in=companies, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .values_list("company_id", "compound_id")
    ):
        served[company_id].add(compound_id)
    paths = dict(Place.objects.filter(pk__in={o.place_id for o in orgs}).values_list("pk", "path"))
    out = {}
    for org in orgs:
        if org.kind == OrgKind.PROPERTY_COMPANY:
            counted = [row for (cid, _path), row in by_compound.items() if cid in served[org.pk]]
        else:
            counted = [
                row for (_cid, path), row in by_compound.items() if path.startswith(paths[org.place_id])
            ]
        out[org.pk] = Rates(**{name: sum(row[name] for row in counted) for name in _rates_aggregates()})
    return out


def bounce_report(place: Place) -> list[dict]:
    """CS-5: how often each organisation handed a case back (bounces), within a place."""
    rows = Counter(
        Handover.objects.filter(is_bounce=True, case__compound__path__startswith=place.path).values_list(
            "from_org__name", flat=True
        )
    )
    return [
        {"organisation": name, "bounces": n}
        for name, n in sorted(rows.items(), key=lambda kv: (-kv[1], kv[0] or ""))
    ]


def _board_queryset(today: dt.date | None = None):
    """The cases a board may show (PN-1): classified, and open or closed within the last 180 days."""
    # From the start of a day, so that what a board shows depends on the date alone (it is cached per day).
    since = dt.datetime.combine(
        (today or timezone.localdate()) - dt.timedelta(days=180),
        dt.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return (
        Case.objects.public()
        .filter(Q(status__in=[s for s in Status.values if s != Status.CLOSED]) | Q(closed_at__gte=since))
        .select_related("building")
        .prefetch_related("summonses__to_org", "events")
    )


def _board_dict(case: Case) -> dict:
    summonses = list(case.summonses.all())
    return {
        "tracking_no": case.tracking_no,
        "category": case.get_category_display(),
        "case_class": case.case_class,
        "case_class_label": case.get_case_class_display(),
        "status": case.status,
        "status_label": case.get_status_display(),
        "title": case.title,
        "summary": case.get_category_display()
        + (pgettext("label separator", "：") + case.location if case.location else ""),
        "solution": case.solution,
        "reported_to": pgettext("list separator", "、").join(s.to_org.name for s in summonses)
        or (_("社区党组织、联席会议办公室") if case.status == Status.REPORTED else ""),
        "reply": pgettext("clause separator", "；").join(
            s.to_org.name + pgettext("label separator", "：") + s.reply for s in summonses if s.reply
        ),
        "progress": [{"at": e.at, "text": e.text} for e in case.events.all() if e.public],
        "opened_at": case.created_at,
        "updated_at": case.updated_at,
        "url": reverse("cases:public", args=[case.tracking_no]),
    }


def board_cases(compound: Place) -> list[dict]:
    """The "board.cases" extension point (PN-1): no reporter, no contact, no photos."""
    qs = _board_queryset().filter(compound=compound).order_by("-updated_at", "-id")[:50]
    return [_board_dict(case) for case in qs]


def board_case(pk: int, *, today: dt.date | None = None) -> tuple[Case, dict] | None:
    """One case as its compound's board shows it on `today` (the public case page, cases/public.py), in three
    queries; None when the board does not show it."""
    case = _board_queryset(today).select_related("compound").filter(pk=pk).first()
    return (case, _board_dict(case)) if case is not None else None
