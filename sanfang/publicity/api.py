"""Publicity endpoints: the public board and its history (no login), and the staff write endpoints (PN-1/PN-2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema

from sanfang.core.api_auth import OPTIONAL_AUTH
from sanfang.core.delivery import absolute
from sanfang.directory.models import Place
from sanfang.directory.scopes import get_scope

from . import board as boards
from . import permissions, services
from .models import BoardItem, ItemVersion

router = Router(tags=["publicity"])


class PersonOut(Schema):
    title: str
    name: str
    contact: str


class PeopleGroupOut(Schema):
    party: str
    organisation: str
    people: list[PersonOut]


class BoardItemOut(Schema):
    id: int
    compound_code: str
    kind: str
    kind_label: str
    party: str
    organisation: str | None
    title: str
    period_key: str
    period_label: str
    due_on: dt.date | None
    effective_on: dt.date | None
    status: str
    overdue: bool
    first_published_at: dt.datetime | None
    changed_at: dt.datetime | None
    version: int
    withdrawn: bool
    note: str
    content: dict[str, Any] | None
    history_url: str


class ChainOut(Schema):
    length: int
    head_digest: str


class CasesOut(Schema):
    routine: list[dict[str, Any]]
    major_legacy: list[dict[str, Any]]
    other: list[dict[str, Any]]


class BoardOut(Schema):
    compound_code: str
    compound_name: str
    community: str | None
    address: str
    url: str
    company: str | None
    fee_regime: str | None
    fee_regime_label: str
    price_hotline: str
    people: list[PeopleGroupOut]
    commitments: list[BoardItemOut]
    disclosures: list[BoardItemOut]
    cases: CasesOut
    chain: ChainOut
    last_changed: dt.datetime | None
    overdue_count: int


class VersionOut(Schema):
    number: int
    seq: int
    title: str
    content: dict[str, Any]
    withdrawn: bool
    note: str
    published_at: dt.datetime
    published_by: str
    prev_digest: str
    digest: str


class BreakOut(Schema):
    seq: int | None
    title: str
    reason: str


class VerifyOut(Schema):
    compound_code: str
    ok: bool
    length: int
    head_digest: str
    breaks: list[BreakOut]


class ShareOut(Schema):
    text: str
    url: str


class PublishIn(Schema):
    content: dict[str, Any]
    version: int
    note: str = ""


class WithdrawIn(Schema):
    reason: str
    version: int


class ChargeChangeIn(Schema):
    charge_item: str
    old_standard: str
    new_standard: str
    effective_on: dt.date
    reason: str
    basis: str


def _item_out(item: BoardItem, today: dt.date) -> BoardItemOut:
    current = item.current
    return BoardItemOut(
        id=item.pk,
        compound_code=item.compound.code,
        kind=item.kind,
        kind_label=str(item.get_kind_display()),
        party=item.party,
        organisation=item.organisation.name if item.organisation_id else None,
        title=item.title,
        period_key=item.period_key,
        period_label=item.period_label,
        due_on=item.due_on,
        effective_on=item.effective_on,
        status=item.status,
        overdue=item.is_overdue(today),
        first_published_at=item.first_published_at,
        changed_at=item.changed_at,
        version=item.version,
        withdrawn=bool(current and current.withdrawn),
        note=current.note if current else "",
        content=current.content if current and not current.withdrawn else None,
        history_url=absolute(f"/b/{item.compound.code}/items/{item.pk}"),
    )


def _public_compound(code: str) -> Place:
    compound = Place.objects.compounds().select_related("parent").filter(code=code).first()
    if compound is None:
        raise Http404
    return compound


@router.get("/boards/{code}", response=BoardOut, auth=OPTIONAL_AUTH, summary="小区公示栏（公开，PN-1）")
def get_board(request, code: str):
    compound = _public_compound(code)
    board = boards.build_board(compound)
    for item in board.disclosures:
        item.compound = compound
    return BoardOut(
        compound_code=compound.code,
        compound_name=compound.name,
        community=board.community.name if board.community else None,
        address=compound.address,
        url=absolute(board.url),
        company=board.contract.company.name if board.contract else None,
        fee_regime=board.contract.fee_regime if board.contract else None,
        fee_regime_label=board.fee_regime_label,
        price_hotline="12358",
        people=[
            PeopleGroupOut(party=g.party, organisation=g.organisation, people=g.people) for g in board.people
        ],
        commitments=[_item_out(i, board.today) for i in board.commitments],
        disclosures=[_item_out(i, board.today) for i in board.disclosures],
        cases=CasesOut(**board.cases),
        chain=ChainOut(
            length=board.chain.length if board.chain else 0,
            head_digest=board.chain.head_digest if board.chain else "",
        ),
        last_changed=board.last_changed,
        overdue_count=board.overdue_count,
    )


@router.get(
    "/boards/{code}/items/{item_id}/versions",
    response=list[VersionOut],
    auth=OPTIONAL_AUTH,
    summary="公示事项的全部历史版本（公开，PN-2）",
)
def item_versions(request, code: str, item_id: int):
    compound = _public_compound(code)
    if not BoardItem.objects.filter(compound=compound, pk=item_id).exists():
        raise Http404
    return list(ItemVersion.objects.filter(item_id=item_id).order_by("number"))


@router.get(
    "/boards/{code}/verify", response=VerifyOut, auth=OPTIONAL_AUTH, summary="校验公示记录的哈希链（公开）"
)
def verify_board(request, code: str):
    report = services.verify_chain(_public_compound(code))
    return VerifyOut(
        compound_code=code,
        ok=report.ok,
        length=report.length,
        head_digest=report.head_digest,
        breaks=[BreakOut(seq=b.seq, title=b.title, reason=b.reason) for b in report.breaks],
    )


@router.get(
    "/boards/{code}/share", response=ShareOut, auth=OPTIONAL_AUTH, summary="微信群分享文字（公开，PN-2）"
)
def share(request, code: str):
    board = boards.build_board(_public_compound(code), with_cases=False)
    url = absolute(board.url)
    return ShareOut(text=boards.share_text(board, url), url=url)


@router.get("/items", response=list[BoardItemOut], summary="我工作范围内的公示事项（员工）")
def list_items(
    request,
    compound: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    limit: int = 100,
    offset: int = 0,
):
    scope = get_scope(request.user)
    if not scope.is_superuser and not scope.has_role(*permissions.EDITOR_ROLES, *permissions.STATUS_ROLES):
        return []
    qs = BoardItem.objects.select_related("compound", "organisation", "current").order_by("due_on", "id")
    if not scope.is_superuser:
        roles = (*permissions.EDITOR_ROLES, *permissions.STATUS_ROLES)
        qs = qs.filter(scope.place_q("compound__path", roles=roles))
    if compound:
        qs = qs.filter(compound__code=compound)
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    if overdue:
        qs = qs.overdue(today)
    limit = max(1, min(limit, 500))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_item_out(i, today) for i in qs[offset : offset + limit]]


@router.post("/items/{item_id}/publish", response=BoardItemOut, summary="公示或更新一个事项（保留旧版本）")
def publish(request, item_id: int, payload: PublishIn):
    item = permissions.get_item_for(request.user, item_id, write=True)
    services.publish_item(
        actor=request.user, item=item, content=payload.content, version=payload.version, note=payload.note
    )
    item = BoardItem.objects.select_related("compound", "organisation", "current").get(pk=item_id)
    return _item_out(item, timezone.localdate())


@router.post(
    "/items/{item_id}/withdraw", response=BoardItemOut, summary="撤回一个事项（撤回本身作为新版本公示）"
)
def withdraw(request, item_id: int, payload: WithdrawIn):
    item = permissions.get_item_for(request.user, item_id, write=True)
    services.withdraw_item(actor=request.user, item=item, reason=payload.reason, version=payload.version)
    item = BoardItem.objects.select_related("compound", "organisation", "current").get(pk=item_id)
    return _item_out(item, timezone.localdate())


@router.post(
    "/boards/{code}/charge-changes", response=BoardItemOut, summary="公示收费标准调整（提前一个月，CS-7）"
)
def charge_change(request, code: str, payload: ChargeChangeIn):
    compound = permissions.get_compound_for(request.user, code)
    item = services.publish_charge_change(actor=request.user, compound=compound, content=payload.dict())
    item = BoardItem.objects.select_related("compound", "organisation", "current").get(pk=item.pk)
    return _item_out(item, timezone.localdate())
