"""Publicity use cases (PN-1, PN-2): schedule what each board must show, publish and withdraw it, verify history.

Every write checks permission through `permissions`, runs in one transaction, appends an immutable, hashed
`ItemVersion` to the compound's chain and writes the audit trail.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfang.core import audit, delivery, extensions, stamps
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.directory.models import Organisation, OrgKind, Place, PlaceKind, ServiceContract

from . import content as contents
from . import permissions
from .board import board_stamp
from .models import BoardChain, BoardItem, ItemKind, ItemStatus, ItemVersion, Party

# Due dates (the seed fixes none; these follow the usual practice of the price and housing authorities):
COMMITMENT_DUE = (1, 31)  # a year's commitments are published by 31 January
ANNUAL_ACCOUNT_DUE = (3, 31)  # last year's income statement and maintenance-fund account by 31 March
QUARTER_DUE_DAYS = 15  # a quarter's common-part income within 15 days after the quarter
CHARGE_NOTICE_MONTHS = 1  # a change of charge standard is published at least one month ahead
REMIND_DAYS = 7  # remind the responsible party this many days before a due date


# --- dates ------------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    return start, add_months(start, 3) - dt.timedelta(days=1)


# --- scheduling: what each compound's board owes ------------------------------------------------------------


@dataclass
class _Obligation:
    kind: str
    party: str
    organisation: Organisation | None
    title: str
    period_key: str
    period_label: str
    period_start: dt.date | None
    period_end: dt.date | None
    due_on: dt.date


def obligations_for(
    compound: Place,
    *,
    today: dt.date,
    contract: ServiceContract | None,
    oc: Organisation | None,
    rc: Organisation | None,
) -> list[_Obligation]:
    """PN-1: the items a compound's board must carry as of `today` (this year and the last closed periods)."""
    out: list[_Obligation] = []
    year = today.year
    company = contract.company if contract else None

    def add(kind, party, org, title, key, label, start, end, due):
        out.append(_Obligation(kind, party, org, title, key, label, start, end, due))

    # Annual service commitments of each of the three parties present in the compound.
    for party, org in (
        (Party.RESIDENTS_COMMITTEE, rc),
        (Party.OWNERS_COMMITTEE, oc),
        (Party.PROPERTY_COMPANY, company),
    ):
        if org is None:
            continue
        due = dt.date(year, *COMMITMENT_DUE)
        if party == Party.PROPERTY_COMPANY and contract and contract.start.year == year:
            due = max(due, contract.start + dt.timedelta(days=30))
        add(
            ItemKind.COMMITMENT,
            party,
            org,
            _("%(org)s %(year)d 年度服务承诺") % {"org": org.name, "year": year},
            str(year),
            _("%(year)d 年") % {"year": year},
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            due,
        )
    if contract is not None:
        # The price display is long-term, one per contract, due when the service (and charging) starts.
        add(
            ItemKind.PRICE_DISPLAY,
            Party.PROPERTY_COMPANY,
            company,
            _("%(org)s 物业服务收费公示") % {"org": company.name},
            f"C{contract.pk}",
            _("合同期 %(start)s 起") % {"start": contract.start.isoformat()},
            contract.start,
            contract.end,
            contract.start,
        )
        last = year - 1
        if contract.start <= dt.date(last, 12, 31):
            add(
                ItemKind.INCOME_STATEMENT,
                Party.PROPERTY_COMPANY,
                company,
                _("%(year)d 年度物业服务收支情况") % {"year": last},
                str(last),
                _("%(year)d 年") % {"year": last},
                dt.date(last, 1, 1),
                dt.date(last, 12, 31),
                dt.date(year, *ANNUAL_ACCOUNT_DUE),
            )
    # Common-part income, quarterly: the last quarter of last year and this year's closed quarters.
    holder_party, holder = (
        (Party.OWNERS_COMMITTEE, oc) if oc else (Party.PROPERTY_COMPANY, company) if company else (None, None)
    )
    if holder is not None:
        quarters = [(year - 1, 4)] + [(year, q) for q in range(1, quarter_of(today))]
        for qy, q in quarters:
            start, end = quarter_bounds(qy, q)
            add(
                ItemKind.COMMON_INCOME,
                holder_party,
                holder,
                _("%(year)d 年第 %(q)d 季度共有部分经营收益及使用情况") % {"year": qy, "q": q},
                f"{qy}Q{q}",
                _("%(year)d 年第 %(q)d 季度") % {"year": qy, "q": q},
                start,
                end,
                end + dt.timedelta(days=QUARTER_DUE_DAYS),
            )
    # The maintenance fund, at least yearly: the owners' committee, else the company, else the RC.
    fund_party, fund_org = (
        (Party.OWNERS_COMMITTEE, oc)
        if oc
        else (Party.PROPERTY_COMPANY, company)
        if company
        else (Party.RESIDENTS_COMMITTEE, rc)
    )
    if fund_org is not None:
        last = year - 1
        add(
            ItemKind.MAINTENANCE_FUND,
            fund_party,
            fund_org,
            _("%(year)d 年度专项维修资金余额及使用情况") % {"year": last},
            str(last),
            _("%(year)d 年") % {"year": last},
            dt.date(last, 1, 1),
            dt.date(last, 12, 31),
            dt.date(year, *ANNUAL_ACCOUNT_DUE),
        )
    return out


def ensure_schedule(*, compounds: Iterable[Place] | None = None, today: dt.date | None = None) -> int:
    """Create the missing obligations of the given compounds (all when None); idempotent. Returns how many."""
    today = today or timezone.localdate()
    qs = Place.objects.compounds() if compounds is None else None
    compound_list = list(qs) if qs is not None else list(compounds)
    if not compound_list:
        return 0
    ids = [c.pk for c in compound_list]
    contracts: dict[int, ServiceContract] = {}
    for contract in (
        ServiceContract.objects.in_force(today)
        .filter(compound_id__in=ids)
        .select_related("company")
        .order_by("compound_id", "-start", "-id")
    ):
        contracts.setdefault(contract.compound_id, contract)
    ocs: dict[int, Organisation] = {}
    for org in Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE, place_id__in=ids).order_by("id"):
        ocs.setdefault(org.place_id, org)
    community_ids = {c.parent_id for c in compound_list}
    rcs: dict[int, Organisation] = {}
    for org in Organisation.objects.filter(
        kind=OrgKind.RESIDENTS_COMMITTEE, place_id__in=community_ids
    ).order_by("id"):
        rcs.setdefault(org.place_id, org)
    existing = set(
        BoardItem.objects.filter(compound_id__in=ids)
        .exclude(kind=ItemKind.CHARGE_CHANGE)
        .values_list("compound_id", "kind", "period_key", "party")
    )
    new: list[BoardItem] = []
    for compound in compound_list:
        for ob in obligations_for(
            compound,
            today=today,
            contract=contracts.get(compound.pk),
            oc=ocs.get(compound.pk),
            rc=rcs.get(compound.parent_id),
        ):
            key = (compound.pk, ob.kind, ob.period_key, ob.party)
            if key in existing:
                continue
            existing.add(key)
            new.append(
                BoardItem(
                    compound=compound,
                    kind=ob.kind,
                    party=ob.party,
                    organisation=ob.organisation,
                    title=ob.title,
                    period_key=ob.period_key,
                    period_label=ob.period_label,
                    period_start=ob.period_start,
                    period_end=ob.period_end,
                    due_on=ob.due_on,
                )
            )
    BoardItem.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    if new:  # bulk_create sends no signals: the boards that list these items must be rendered afresh
        stamps.bump(*sorted({board_stamp(i.compound_id) for i in new}))
    return len(new)


# --- publishing ----------------------------------------------------------------------------------------------


def _contract_for(item: BoardItem, on: dt.date) -> ServiceContract | None:
    qs = ServiceContract.objects.in_force(on).filter(compound=item.compound).select_related("company")
    if item.organisation_id and item.party == Party.PROPERTY_COMPANY:
        qs = qs.filter(company_id=item.organisation_id)
    return qs.order_by("-start", "-id").first()


def _append_version(
    *, actor, item: BoardItem, title: str, content: dict, note: str, withdrawn: bool, at=None
) -> ItemVersion:
    """Append a version to the compound's hash chain (the chain head is locked for the transaction)."""
    BoardChain.objects.get_or_create(compound_id=item.compound_id)
    chain = BoardChain.objects.select_for_update().get(compound_id=item.compound_id)
    now = at or timezone.now()
    version = ItemVersion(
        item=item,
        compound_id=item.compound_id,
        number=item.version + 1,
        seq=chain.length + 1,
        title=title,
        content=content,
        withdrawn=withdrawn,
        note=note,
        published_at=now,
        published_by=publisher_label(actor, item),
        prev_digest=chain.head_digest,
    )
    # Hash exactly what a database round trip will give back (JSON of plain values).
    version.content = contents_roundtrip(content)
    version.digest = version.compute_digest()
    version.save()
    chain.length, chain.head_digest, chain.updated_at = version.seq, version.digest, now
    chain.save(update_fields=["length", "head_digest", "updated_at"])
    return version


def contents_roundtrip(value):
    import json

    return json.loads(json.dumps(value, ensure_ascii=False))


def publisher_label(actor, item: BoardItem) -> str:
    """Who published, as the public sees it: the publishing organisation and the staff member's name."""
    org = item.organisation.name if item.organisation_id else item.get_party_display()
    name = getattr(actor, "name", "") or ""
    return f"{org} {name}".strip()[:200]


@transaction.atomic
def publish_item(
    *, actor, item: BoardItem, content: dict, version: int, note: str = "", at: dt.datetime | None = None
) -> ItemVersion:
    """PN-2: publish (or update) an item; the previous version stays readable and the change is chained.

    `at` (the moment of publication, default now) exists for importing a board's earlier history (the demo);
    no page or endpoint passes it.
    """
    item = (
        BoardItem.objects.select_for_update(of=("self",))
        .select_related("organisation", "compound")
        .get(pk=item.pk)
    )
    if not permissions.can_publish_item(actor, item):
        raise PermissionDenied
    if item.version != version:
        raise Conflict(_("该公示事项已被他人更新，请刷新后再修改。"))
    note = (note or "").strip()
    if item.version and not note:
        raise RuleViolation(_("修改已公示的内容时，请写明变更说明（公众可见）。"), field="note")
    if item.kind == ItemKind.CHARGE_CHANGE:
        raise RuleViolation(_("收费标准调整一经公示不能修改；如有变化请撤回并重新公示。"))
    today = timezone.localdate()
    company_name, regime = "", ""
    if item.kind in (ItemKind.PRICE_DISPLAY, ItemKind.INCOME_STATEMENT):
        contract = _contract_for(item, today)
        if contract is None and item.kind == ItemKind.PRICE_DISPLAY:
            raise RuleViolation(_("该小区当前没有有效的物业服务合同，无法公示收费。"))
        if contract is not None:
            company_name, regime = (
                contract.company.name,
                contract.fee_regime,
            )  # the regime comes from the contract
    clean = contents.clean(item.kind, content, company_name=company_name, fee_regime=regime)
    new = _append_version(
        actor=actor, item=item, title=item.title, content=clean, note=note, withdrawn=False, at=at
    )
    changes = {"version": [item.version, new.number]}
    item.version, item.current, item.status = new.number, new, ItemStatus.PUBLISHED
    item.changed_at = new.published_at
    if item.first_published_at is None:
        item.first_published_at = new.published_at
    item.save(update_fields=["version", "current", "status", "changed_at", "first_published_at"])
    audit.record(
        actor=actor,
        verb="publicity.publish" if new.number == 1 else "publicity.update",
        target=item,
        place=item.compound,
        summary=note or item.title,
        changes=changes,
    )
    return new


@transaction.atomic
def withdraw_item(*, actor, item: BoardItem, reason: str, version: int) -> ItemVersion:
    """PN-2: a withdrawal is itself a published, reasoned version; the withdrawn content stays in the history."""
    item = (
        BoardItem.objects.select_for_update(of=("self",))
        .select_related("organisation", "compound")
        .get(pk=item.pk)
    )
    if not permissions.can_publish_item(actor, item):
        raise PermissionDenied
    if item.version != version:
        raise Conflict(_("该公示事项已被他人更新，请刷新后再操作。"))
    if item.status != ItemStatus.PUBLISHED:
        raise RuleViolation(_("只有已公示的事项才能撤回。"))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("撤回须写明理由，理由将公开显示。"), field="reason")
    new = _append_version(actor=actor, item=item, title=item.title, content={}, note=reason, withdrawn=True)
    item.version, item.current, item.status, item.changed_at = (
        new.number,
        new,
        ItemStatus.WITHDRAWN,
        new.published_at,
    )
    item.save(update_fields=["version", "current", "status", "changed_at"])
    audit.record(actor=actor, verb="publicity.withdraw", target=item, place=item.compound, summary=reason)
    return new


def fee_change_gate(compound: Place) -> dict | None:
    """The fee-change major matter of the compound, through the cases app's extension point (CS-7)."""
    return extensions.first("major_matter.status", compound, "fee_change")


@transaction.atomic
def publish_charge_change(
    *, actor, compound: Place, content: dict, at: dt.datetime | None = None
) -> BoardItem:
    """A change of charge standard: published at least one month before it takes effect, linked to its CS-7 gate."""
    if compound.kind != PlaceKind.COMPOUND:
        raise RuleViolation(_("收费标准调整须针对具体小区公示。"))
    if not permissions.can_publish_charge_change(actor, compound):
        raise PermissionDenied
    today = timezone.localdate(at) if at else timezone.localdate()
    contract = (
        ServiceContract.objects.in_force(today)
        .filter(compound=compound, company_id__in=permissions.company_ids_of(actor) or [0])
        .select_related("company")
        .order_by("-start", "-id")
        .first()
    )
    if contract is None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied
    if contract is None:
        contract = (
            ServiceContract.objects.in_force(today)
            .filter(compound=compound)
            .select_related("company")
            .first()
        )
    if contract is None:
        raise RuleViolation(_("该小区当前没有有效的物业服务合同。"))
    clean = contents.clean(ItemKind.CHARGE_CHANGE, content)
    effective = dt.date.fromisoformat(clean["effective_on"])
    earliest = add_months(today, CHARGE_NOTICE_MONTHS)
    if effective < earliest:
        raise RuleViolation(
            _("收费标准调整须至少提前一个月公示：今天公示，最早 %(date)s 起生效。")
            % {"date": earliest.isoformat()},
            field="effective_on",
        )
    gate = fee_change_gate(compound)
    if extensions.has("major_matter.status"):
        if gate is None:
            raise RuleViolation(
                _(
                    "调整物业费属于重大事项：请先由联席会议办公室发起，并邀请街道和社区党组织提前介入（CS-7）。"
                )
            )
        if not gate.get("gate_open"):
            raise RuleViolation(_("该物业费调整事项尚待街道和社区党组织确认提前介入（CS-7），暂不能公示。"))
    if gate:
        clean["major_matter"] = {
            k: gate.get(k) for k in ("id", "kind", "title", "status", "gate_open", "url") if k in gate
        }
    item = BoardItem.objects.create(
        compound=compound,
        kind=ItemKind.CHARGE_CHANGE,
        party=Party.PROPERTY_COMPANY,
        organisation=contract.company,
        title=_("%(item)s收费标准调整公示") % {"item": clean["charge_item"]},
        period_key=clean["effective_on"],
        period_label=_("%(date)s 起执行") % {"date": clean["effective_on"]},
        period_start=effective,
        due_on=today,
        effective_on=effective,
    )
    new = _append_version(
        actor=actor, item=item, title=item.title, content=clean, note="", withdrawn=False, at=at
    )
    item.version, item.current, item.status = new.number, new, ItemStatus.PUBLISHED
    item.first_published_at = item.changed_at = new.published_at
    item.save(update_fields=["version", "current", "status", "first_published_at", "changed_at"])
    audit.record(
        actor=actor,
        verb="publicity.charge_change",
        target=item,
        place=compound,
        summary=f"{clean['old_standard']} → {clean['new_standard']}（{clean['effective_on']}）",
    )
    return item


# --- verification ---------------------------------------------------------------------------------------------


@dataclass
class ChainBreak:
    seq: int | None
    version_id: int | None
    item_id: int | None
    title: str
    reason: str


@dataclass
class ChainReport:
    compound: Place
    length: int
    head_digest: str
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_chain(compound: Place) -> ChainReport:
    """Recompute every version's digest and link, in chain order; name every version that does not fit (PN-2)."""
    chain = BoardChain.objects.filter(compound=compound).first()
    report = ChainReport(compound, chain.length if chain else 0, chain.head_digest if chain else "")
    prev, expected_seq = "", 1
    numbers: dict[int, int] = {}
    versions = ItemVersion.objects.filter(compound=compound).order_by("seq", "id")
    for v in versions.iterator(chunk_size=500):
        label = f"{v.title} v{v.number}"
        if v.seq != expected_seq:
            report.breaks.append(
                ChainBreak(
                    v.seq, v.pk, v.item_id, label, _("链上序号不连续：应为 %(n)d") % {"n": expected_seq}
                )
            )
        if v.prev_digest != prev:
            report.breaks.append(ChainBreak(v.seq, v.pk, v.item_id, label, _("与前一版本的链接不符")))
        if v.compute_digest() != v.digest:
            report.breaks.append(ChainBreak(v.seq, v.pk, v.item_id, label, _("内容与其摘要不符（已被改动）")))
        if v.number != numbers.get(v.item_id, 0) + 1:
            report.breaks.append(ChainBreak(v.seq, v.pk, v.item_id, label, _("版本号不连续")))
        numbers[v.item_id] = v.number
        prev, expected_seq = v.digest, v.seq + 1
    # Each item must show its latest version: a board pointing at an older one would hide a change.
    latest: dict[int, tuple[int, int, bool]] = {}
    for item_id, pk, number, withdrawn in (
        ItemVersion.objects.filter(compound=compound)
        .order_by("item_id", "number")
        .values_list("item_id", "id", "number", "withdrawn")
    ):
        latest[item_id] = (pk, number, withdrawn)
    for item in BoardItem.objects.filter(compound=compound).order_by("id"):
        want = latest.get(item.pk)
        expected_status = (
            ItemStatus.DUE if want is None else ItemStatus.WITHDRAWN if want[2] else ItemStatus.PUBLISHED
        )
        if (item.current_id, item.version, item.status) != (
            want[0] if want else None,
            want[1] if want else 0,
            expected_status,
        ):
            report.breaks.append(
                ChainBreak(None, item.current_id, item.pk, item.title, _("公示栏显示的不是最新版本"))
            )
    if chain and (chain.length != expected_seq - 1 or chain.head_digest != prev):
        report.breaks.append(
            ChainBreak(None, None, None, _("链头"), _("链头与最后一个版本不符（版本可能被删除）"))
        )
    if not chain and expected_seq > 1:
        report.breaks.append(ChainBreak(None, None, None, _("链头"), _("缺少链头记录")))
    return report


def compounds_to_verify(code: str | None = None):
    """The compound with that code, or every compound that has a chain or a version."""
    qs = Place.objects.compounds()
    if code:
        return qs.filter(code=code)
    with_versions = ItemVersion.objects.values("compound_id")
    return qs.filter(Q(board_chain__isnull=False) | Q(pk__in=with_versions)).distinct().order_by("path")


# --- sweeps' verbs ----------------------------------------------------------------------------------------


def _responsible_people(item: BoardItem):
    from sanfang.directory.models import Person, Position

    if item.organisation_id is None:
        return Person.objects.none()
    return Person.objects.filter(
        pk__in=Position.objects.current().filter(organisation_id=item.organisation_id).values("person_id"),
        is_active=True,
    )


def flag_overdue(*, now: dt.datetime) -> int:
    """Mark items unpublished past their due date (the board shows them overdue, PN-1) and tell each responsible
    organisation once per sweep day, in one message listing its items rather than one message per item."""
    today = timezone.localdate(now)
    items = list(
        BoardItem.objects.overdue(today)
        .filter(overdue_flagged_at__isnull=True)
        .select_related("compound", "organisation")
        .order_by("organisation_id", "due_on", "id")[:2000]
    )
    by_org: dict[int | None, list[BoardItem]] = {}
    for item in items:
        by_org.setdefault(item.organisation_id, []).append(item)
    for org_id, group in by_org.items():
        with transaction.atomic():
            BoardItem.objects.filter(pk__in=[i.pk for i in group], overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=now
            )
            for item in group:
                audit.record(
                    actor="系统",
                    verb="publicity.overdue",
                    target=item,
                    place=item.compound,
                    summary=_("%(title)s 应于 %(due)s 前公示，已逾期")
                    % {"title": item.title, "due": item.due_on},
                )
            if org_id is None:
                continue
            delivery.notify(
                recipients=_responsible_people(group[0]),
                subject=lambda group=group: _("公示逾期：%(n)d 项未按期公示") % {"n": len(group)},
                key=f"publicity:org:{org_id}:overdue:{today.isoformat()}",
                body=lambda group=group: _overdue_list(group),
                url=reverse("publicity:home") + "?overdue=1",
                urgent=True,
            )
    return len(items)


def _overdue_list(group: list[BoardItem]) -> str:
    """The body of an overdue notice, in the active language."""
    lines = [
        _("· %(compound)s：%(title)s（应于 %(due)s 前公示）")
        % {"compound": i.compound.name, "title": i.title, "due": i.due_on}
        for i in group[:30]
    ]
    if len(group) > 30:
        lines.append(_("……共 %(n)d 项") % {"n": len(group)})
    return _("以下事项已过应公示日期，公示栏上已公开显示为逾期：") + "\n" + "\n".join(lines)


def remind_due(*, now: dt.datetime) -> int:
    """Remind the responsible organisation `REMIND_DAYS` before an item falls due (idempotent per item)."""
    today = timezone.localdate(now)
    reminded = 0
    for item in (
        BoardItem.objects.due_within(REMIND_DAYS, today)
        .filter(reminded_at__isnull=True)
        .select_related("compound", "organisation")[:2000]
    ):
        with transaction.atomic():
            BoardItem.objects.filter(pk=item.pk).update(reminded_at=now)
            delivery.notify(
                recipients=_responsible_people(item),
                subject=lambda item=item: _("公示即将到期：%(title)s") % {"title": item.title},
                key=f"publicity:item:{item.pk}:remind",
                body=lambda item=item: (
                    _("%(compound)s 的“%(title)s”应于 %(due)s 前公示。")
                    % {"compound": item.compound.name, "title": item.title, "due": item.due_on}
                ),
                url=reverse("publicity:item-edit", args=[item.pk]),
            )
        reminded += 1
    return reminded


def remind_charge_effective(*, now: dt.datetime) -> int:
    """When a published change of charge standard takes effect, tell the company to update its price display."""
    today = timezone.localdate(now)
    told = 0
    for item in (
        BoardItem.objects.published()
        .filter(
            kind=ItemKind.CHARGE_CHANGE,
            effective_on__lte=today,
            effective_on__gte=today - dt.timedelta(days=30),
        )
        .select_related("compound", "organisation")
        .order_by("effective_on", "id")[:500]
    ):
        price = (
            BoardItem.objects.filter(
                compound=item.compound, kind=ItemKind.PRICE_DISPLAY, organisation_id=item.organisation_id
            )
            .order_by("-id")
            .first()
        )
        if (
            price is not None
            and price.changed_at
            and timezone.localtime(price.changed_at).date() >= item.effective_on
        ):
            continue  # the price display was already updated
        messages = delivery.notify(
            recipients=_responsible_people(item),
            subject=lambda item=item: _("请更新收费公示：%(title)s 已生效") % {"title": item.title},
            key=f"publicity:item:{item.pk}:effective",
            body=lambda item=item: (
                _("%(compound)s 的收费标准调整自 %(date)s 起执行，请同步更新收费公示（明码标价）。")
                % {"compound": item.compound.name, "date": item.effective_on}
            ),
            url=reverse("publicity:item-edit", args=[price.pk]) if price else "",
        )
        told += bool(messages)
    return told
