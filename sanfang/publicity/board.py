"""The public board of a compound, assembled from live data (PN-1): one source for every output (PN-2).

Nothing here carries a resident's personal data: people come from public positions only (a position whose
holder agreed to publish a contact), and cases come through the "board.cases" extension point, which promises
summaries without personal data.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sanfang.core import extensions, page_cache, stamps
from sanfang.core.sqlnames import column, every_column, table
from sanfang.directory.models import Organisation, OrgKind, Place, PlaceKind, Position, ServiceContract

from . import content as contents
from .models import BoardChain, BoardItem, ItemKind, ItemStatus, Party


@dataclass
class PeopleGroup:
    kind: str
    party: str
    organisation: str
    people: list[dict]


@dataclass
class Board:
    compound: Place
    community: Place | None
    today: dt.date
    people: list[PeopleGroup]
    contract: ServiceContract | None
    commitments: list[BoardItem]
    items: dict[str, list[BoardItem]]
    disclosures: list[BoardItem]
    cases: dict[str, list[dict]]
    chain: BoardChain | None
    last_changed: dt.datetime | None
    url: str
    overdue_count: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def price_display(self) -> BoardItem | None:
        items = self.items.get(ItemKind.PRICE_DISPLAY) or []
        published = [i for i in items if i.status == ItemStatus.PUBLISHED]
        return (published or items or [None])[0]

    @property
    def upcoming_changes(self) -> list[BoardItem]:
        """Published changes of charge standard not yet in effect: announced at the top of the board."""
        return [
            i
            for i in self.items.get(ItemKind.CHARGE_CHANGE, [])
            if i.status == ItemStatus.PUBLISHED and i.effective_on and i.effective_on >= self.today
        ]

    @property
    def fee_sections(self) -> list[tuple[str, list[BoardItem]]]:
        """The fee and fund disclosures in the order a resident reads them (charges first, then money)."""
        kinds = (
            ItemKind.PRICE_DISPLAY,
            ItemKind.CHARGE_CHANGE,
            ItemKind.INCOME_STATEMENT,
            ItemKind.COMMON_INCOME,
            ItemKind.MAINTENANCE_FUND,
        )
        sections = [(str(ItemKind(k).label), self.items.get(k, [])) for k in kinds]
        return [
            (label, items) for label, items in sections if items or label == str(ItemKind.PRICE_DISPLAY.label)
        ]

    @property
    def fee_regime_label(self) -> str:
        if self.contract is None:
            return ""
        return str(contents.FEE_REGIMES.get(self.contract.fee_regime, self.contract.get_fee_regime_display()))


logger = logging.getLogger(__name__)

PARTY_ORDER = {Party.RESIDENTS_COMMITTEE: 0, Party.OWNERS_COMMITTEE: 1, Party.PROPERTY_COMPANY: 2}


def board_url(compound: Place) -> str:
    return reverse("publicity:board", args=[compound.code])


def public_people(
    compound: Place, community: Place | None, companies: list[Organisation]
) -> list[PeopleGroup]:
    """PN-1: the three parties' responsible people with position and published contact (public positions only)."""
    org_q = Q(organisation__place=compound, organisation__kind=OrgKind.OWNERS_COMMITTEE)
    if community is not None:
        org_q |= Q(
            organisation__place=community,
            organisation__kind__in=(OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC, OrgKind.PARTY_ORG),
        )
    if companies:
        org_q |= Q(organisation__in=companies)
    positions = (
        Position.objects.current()
        .public()
        .filter(org_q)
        .select_related("person", "organisation")
        .order_by("organisation__kind", "organisation_id", "-is_head", "-leads_epmc", "id")
    )
    order = [
        (OrgKind.PARTY_ORG, _("社区党组织（领导）")),
        (OrgKind.RESIDENTS_COMMITTEE, _("社区居民委员会（分管物业服务）")),
        (OrgKind.EPMC, _("环境和物业管理委员会")),
        (OrgKind.OWNERS_COMMITTEE, _("业主委员会")),
        (OrgKind.PROPERTY_COMPANY, _("物业服务企业")),
    ]
    groups: dict[int, PeopleGroup] = {}
    for pos in positions:
        org = pos.organisation
        if org.kind == OrgKind.PARTY_ORG and not pos.is_head:
            continue  # the convener leads; the rest of the party committee is not a linkage contact
        if org.kind == OrgKind.RESIDENTS_COMMITTEE and not (pos.leads_epmc or pos.is_head):
            continue  # the RC members in charge of property service (PN-1), and the RC head
        if org.kind == OrgKind.PROPERTY_COMPANY and not pos.is_head:
            continue  # the company heads (PN-1)
        label = dict(order)[org.kind]
        group = groups.setdefault(org.pk, PeopleGroup(org.kind, str(label), org.name, []))
        group.people.append({"title": pos.title, "name": pos.person.name, "contact": pos.contact})
    rank = {kind: i for i, (kind, _label) in enumerate(order)}
    return sorted(groups.values(), key=lambda g: rank.get(g.kind, 9))


CASE_GROUPS = ("routine", "major_legacy", "other")


def board_cases(compound: Place) -> dict[str, list[dict]]:
    """Cases through the "board.cases" extension point, grouped as PN-1 lists them."""
    out: dict[str, list[dict]] = {key: [] for key in CASE_GROUPS}
    try:
        # A savepoint, so that a provider's database error leaves the rest of the board's queries usable.
        with transaction.atomic():
            cases = extensions.collect("board.cases", compound)
    except Exception:  # noqa: BLE001 - a failing provider must not take the public board down
        logger.exception("board.cases provider failed for %s", compound.code)
        cases = []
    for case in cases:
        cls = case.get("case_class")
        if cls == "routine":
            out["routine"].append(case)
        elif cls in ("major", "legacy"):
            out["major_legacy"].append(case)
        else:
            out["other"].append(case)
    return out


def build_board(compound: Place, *, today: dt.date | None = None, with_cases: bool = True) -> Board:
    today = today or timezone.localdate()
    community = compound.parent if compound.parent_id else None
    contracts = list(
        ServiceContract.objects.in_force(today)
        .filter(compound=compound)
        .select_related("company")
        .order_by("-start", "-id")
    )
    contract = contracts[0] if contracts else None
    companies = [c.company for c in contracts]
    items = list(
        BoardItem.objects.filter(compound=compound)
        .select_related("organisation", "current")
        .order_by("kind", "-period_key", "party", "-id")
    )
    by_kind: dict[str, list[BoardItem]] = {}
    for item in items:
        item.compound = compound  # the templates link each item through its compound: no query per item
        item.overdue = item.is_overdue(today)
        by_kind.setdefault(item.kind, []).append(item)
    year = str(today.year)
    commitments = sorted(
        [i for i in by_kind.get(ItemKind.COMMITMENT, []) if i.period_key == year],
        key=lambda i: PARTY_ORDER.get(i.party, 9),
    )
    disclosures = [i for i in items if i.kind != ItemKind.COMMITMENT] + commitments
    disclosures.sort(key=lambda i: (i.due_on or dt.date.max, i.pk))
    changed = [i.changed_at for i in items if i.changed_at]
    chain = BoardChain.objects.filter(compound=compound).first()
    return Board(
        compound=compound,
        community=community,
        today=today,
        people=public_people(compound, community, companies),
        contract=contract,
        commitments=commitments,
        items=by_kind,
        disclosures=disclosures,
        cases=board_cases(compound) if with_cases else {k: [] for k in CASE_GROUPS},
        chain=chain,
        last_changed=max(changed) if changed else None,
        url=board_url(compound),
        overdue_count=sum(1 for i in items if i.overdue),
    )


def disclosure_status(compound: Place, *, today: dt.date | None = None) -> list[dict]:
    """The "board.disclosures" extension point: the fee and fund disclosures' status of a compound."""
    today = today or timezone.localdate()
    url = board_url(compound)
    out = []
    for item in BoardItem.objects.filter(compound=compound).disclosures().order_by("due_on", "id"):
        out.append(
            {
                "kind": item.kind,
                "kind_label": str(item.get_kind_display()),
                "period": item.period_label,
                "due_on": item.due_on,
                "published_at": item.first_published_at,
                "overdue": item.is_overdue(today),
                "status": item.status,
                "url": url,
            }
        )
    return out


def share_text(board: Board, absolute_url: str) -> str:
    """PN-2: the plain text for a WeChat group — what is on the board now, with the link."""
    lines = [_("【%(compound)s 公示栏】") % {"compound": board.compound.name}]
    if board.contract:
        lines.append(
            _("物业服务企业：%(company)s（%(regime)s）")
            % {"company": board.contract.company.name, "regime": board.fee_regime_label}
        )
    published = [i for i in board.disclosures if i.status == ItemStatus.PUBLISHED]
    recent = sorted(published, key=lambda i: i.changed_at or timezone.now(), reverse=True)[:5]
    if recent:
        lines.append(_("最近公示："))
        for item in recent:
            lines.append(
                _("· %(title)s（%(date)s 更新）")
                % {"title": item.title, "date": timezone.localtime(item.changed_at).date().isoformat()}
            )
    overdue = [i for i in board.disclosures if getattr(i, "overdue", False)]
    if overdue:
        lines.append(_("逾期未公示：%(n)d 项") % {"n": len(overdue)})
        for item in overdue[:5]:
            lines.append(_("· %(title)s（应于 %(due)s 前公示）") % {"title": item.title, "due": item.due_on})
    lines.append(_("价格举报投诉电话：%(hotline)s") % {"hotline": contents.PRICE_HOTLINE})
    lines.append(_("查看完整公示（含历史版本）：%(url)s") % {"url": absolute_url})
    return "\n".join(lines)


# --- the cached board (issue 9) ---------------------------------------------------------------------------------
#
# The rendered board is cached under its stamps (core/stamps.py): "board:<compound id>" changes with every change
# of the compound's items, versions and hash chain (publicity/hooks.py) and of its cases, their public events and
# summonses (cases/hooks.py); "board:directory" with every change of places, buildings, organisations, positions,
# contracts and people's names, which boards show across compounds. What else the board depends on is in the key
# itself: the day (overdue items, contracts and positions in force, cases closed within 180 days), the language
# and the time zone. So a change is on the board at the next request, in every web process.

BOARD_CACHE_SECONDS = getattr(settings, "BOARD_CACHE_SECONDS", 900)
DIRECTORY_STAMP = "board:directory"


def board_stamp(compound_id: int) -> str:
    return f"board:{compound_id}"


def _stamped_sql(columns: str, code: str) -> tuple[str, list]:
    """SELECT `columns` of the compound (alias p) of a code with the tokens of its two board stamps (board_token,
    directory_token) in one plain query, and its parameters."""
    p = partial(column, Place, alias="p")
    board_sql, board_params = stamps.token_sql("board:", of=p("id"))
    directory_sql, directory_params = stamps.token_sql(DIRECTORY_STAMP)
    # Names from the models' metadata (core/sqlnames.py); every value is a parameter.
    sql = (
        f"SELECT {columns}, {board_sql} AS board_token, {directory_sql} AS directory_token "  # noqa: S608
        f"FROM {table(Place)} p WHERE {p('code')} = %s AND {p('kind')} = %s"
    )
    return sql, [*board_params, *directory_params, code, PlaceKind.COMPOUND]


def stamped_compound(code: str) -> Place | None:
    """The compound with the tokens of its board stamps (`board_token`, `directory_token`) in one plain query.
    (Built by the ORM with subqueries, compiling it cost more CPU than the rest of a cached request.) Its
    parents load lazily, when the board is rendered."""
    found = list(Place.objects.raw(*_stamped_sql(every_column(Place, "p"), code)))
    return found[0] if found else None


@dataclass(frozen=True)
class BoardState:
    """A compound's id and the tokens of its board stamps: all a board served from the cache needs."""

    pk: int
    board_token: str | None
    directory_token: str | None

    def compound(self) -> Place | None:
        """The whole compound (one query), carrying the tokens read before it: what is built from it is cached
        under the state those tokens name. None if it was deleted meanwhile."""
        compound = Place.objects.filter(pk=self.pk).first()
        if compound is not None:
            compound.board_token, compound.directory_token = self.board_token, self.directory_token
        return compound


# A board's state as read in the last second, per code (stamps.RecentReads): most anonymous visits then touch no
# database at all — not even the connection's health check. The lag it adds, at most this many seconds before
# another process's change is on the board, is the one docs/performance.md says a public board tolerates.
STATE_MEMO_SECONDS = min(float(getattr(settings, "BOARD_STATE_MEMO_SECONDS", 1.0)), 1.0)
state_memo = stamps.RecentReads(STATE_MEMO_SECONDS)


def read_board_state(code: str) -> BoardState | None:
    """`stamped_compound` without the compound's other columns, in one query (loading the row into a model was
    more CPU than the rest of a cached visit)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(*_stamped_sql(column(Place, "id", "p"), code))
        row = cursor.fetchone()
    return BoardState(*row) if row else None


def board_state(code: str) -> BoardState | None:
    """The compound's id and board tokens for an anonymous visit: read in the last second, or now (one query)."""
    return state_memo.get(code, lambda: read_board_state(code))


def _key(prefix: str, compound: Place | BoardState, today: dt.date, *extra: str) -> str:
    # The tokens are read before the data (see core/stamps.py): with the compound (stamped_compound) or now.
    tokens = (getattr(compound, "board_token", None), getattr(compound, "directory_token", None))
    if None in tokens:
        tokens = stamps.read(board_stamp(compound.pk), DIRECTORY_STAMP)
    return page_cache.key(
        prefix,
        str(compound.pk),
        get_language() or "",
        timezone.get_current_timezone_name(),
        today.isoformat(),
        *extra,
        *tokens,
    )


def page_key(compound: Place | BoardState, *, today: dt.date, large: bool) -> str:
    """The whole public page's cache key for anonymous visitors (views.board, core/page_cache.py): the board's
    state as `rendered_board` keys it, and the display mode, which changes the page's layout."""
    return _key("publicity:page", compound, today, "large" if large else "standard")


def rendered_board(compound: Place, *, today: dt.date | None = None) -> dict[str, str]:
    """The board's own parts as HTML ("head": title lines, "body": everything below the buttons)."""
    today = today or timezone.localdate()
    key = _key("publicity:board", compound, today)
    parts = caches[page_cache.CACHE].get(key)
    if parts is None:
        # interactive: the empty states point at the page's own "report a problem" button (poster and screen: QR).
        ctx = {"board": build_board(compound, today=today), "compound": compound, "interactive": True}
        parts = {
            "head": render_to_string("publicity/_board_head.html", ctx),
            "body": render_to_string("publicity/_board_body.html", ctx),
        }
        caches[page_cache.CACHE].set(key, parts, BOARD_CACHE_SECONDS)
    return parts
