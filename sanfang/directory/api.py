"""Directory endpoints. Anonymous callers get public fields only (no personal phone numbers, no residents)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from sanfang.core.api_auth import OPTIONAL_AUTH

from .models import Organisation, Place, Position
from .scopes import ROLE_LABELS, get_scope

router = Router(tags=["directory"])


class PlaceOut(Schema):
    id: int
    kind: str
    name: str
    code: str
    parent_code: str | None
    address: str


class PositionOut(Schema):
    name: str
    title: str
    organisation: str
    is_head: bool
    contact: str | None  # only a contact the person agreed to publish


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    place_code: str
    positions: list[PositionOut]


class GrantOut(Schema):
    role: str
    role_label: str
    place_code: str | None
    organisation_id: int | None


class MeOut(Schema):
    id: int
    name: str
    roles: list[GrantOut]


def _place_out(p: Place) -> PlaceOut:
    return PlaceOut(
        id=p.pk,
        kind=p.kind,
        name=p.name,
        code=p.code,
        parent_code=p.parent.code if p.parent_id else None,
        address=p.address,
    )


@router.get("/places", response=list[PlaceOut], auth=OPTIONAL_AUTH, summary="地点列表（公开）")
def list_places(
    request,
    kind: str | None = None,
    parent: str | None = None,
    q: str | None = None,
    limit: int = 100,
    offset: int = 0,
):
    qs = Place.objects.select_related("parent").order_by("path")
    if kind:
        qs = qs.filter(kind=kind)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q:
        qs = qs.filter(name__icontains=q)
    limit = max(1, min(limit, 500))
    offset = max(0, offset)  # a negative offset is no page at all (and no slice Django takes)
    return [_place_out(p) for p in qs[offset : offset + limit]]


@router.get("/places/{code}", response=PlaceOut, auth=OPTIONAL_AUTH, summary="地点详情（公开）")
def get_place(request, code: str):
    return _place_out(get_object_or_404(Place.objects.select_related("parent"), code=code))


@router.get(
    "/places/{code}/organisations",
    response=list[OrganisationOut],
    auth=OPTIONAL_AUTH,
    summary="地点上的组织及其人员（匿名只返回公开联系方式）",
)
def place_organisations(request, code: str):
    place = get_object_or_404(Place, code=code)
    current = Position.objects.current().select_related("person")
    orgs = Organisation.objects.filter(place=place).prefetch_related(Prefetch("positions", queryset=current))
    out = []
    for org in orgs:
        positions = list(org.positions.all())
        out.append(
            OrganisationOut(
                id=org.pk,
                kind=org.kind,
                name=org.name,
                place_code=place.code,
                positions=[
                    PositionOut(
                        name=p.person.name,
                        title=p.title,
                        organisation=org.name,
                        is_head=p.is_head,
                        contact=p.contact if p.contact_public and p.contact else None,
                    )
                    for p in positions
                ],
            )
        )
    return out


@router.get("/me", response=MeOut, summary="当前用户及其身份")
def me(request):
    scope = get_scope(request.user)
    place_codes = dict(
        Place.objects.filter(pk__in=[g.place_id for g in scope.grants]).values_list("pk", "code")
    )
    return MeOut(
        id=request.user.pk,
        name=request.user.name,
        roles=[
            GrantOut(
                role=g.role,
                role_label=str(ROLE_LABELS[g.role]),
                place_code=place_codes.get(g.place_id),
                organisation_id=g.organisation_id,
            )
            for g in scope.grants
        ],
    )
