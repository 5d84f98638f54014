"""Board pages: the public board and its outputs (PN-1/PN-2), and the staff pages that keep it up to date."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfang.core import job_views, page_cache
from sanfang.core.delivery import absolute
from sanfang.core.errors import DomainError
from sanfang.directory.models import Place, ServiceContract
from sanfang.directory.scopes import get_scope

from . import board as boards
from . import permissions, services
from .forms import FORMS, ChargeChangeForm, WithdrawForm
from .history import changes
from .models import BoardItem, ItemKind, ItemStatus, ItemVersion


def _compound(code: str) -> Place:
    compound = Place.objects.compounds().select_related("parent__parent").filter(code=code).first()
    if compound is None:
        raise Http404
    return compound


def _qr_svg(url: str, scale: int = 4) -> str:
    import segno  # 9 MB: only the pages with a QR code pay for it

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, xmldecl=False, svgns=True, border=2)
    return out.getvalue().decode("utf-8")


def _board_context(request, compound, **extra):
    board = boards.build_board(compound)
    live = absolute(board.url)
    ctx = {"board": board, "compound": compound, "live_url": live, "now": timezone.localtime()}
    if request.GET.get("large") == "1":
        ctx["large_type"] = True
    ctx.update(extra)
    return ctx


# --- public ---------------------------------------------------------------------------------------------------


def board(request: HttpRequest, code: str) -> HttpResponse:
    """PN-1: the compound's public board (no login), mobile first. Served per state of its data (issue 9): to
    anonymous visitors the whole page comes from the cache, with their own CSRF token and return address
    filled in, and a browser's copy is revalidated by its ETag (core/page_cache.py); for signed-in people the
    board's own parts come from the cache and their parts (staff buttons, menu) are rendered per request."""
    today = timezone.localdate()
    if page_cache.shared_visitor(request):
        state = boards.board_state(code)
        if state is None:
            raise Http404
        # As the layout's context processor decides it for a visitor (session), or asked for by the link.
        large = request.GET.get("large") == "1" or bool(request.session.get("large_type"))

        def context() -> dict:  # only when this state is not in the cache yet
            compound = state.compound()
            if compound is None:
                raise Http404
            return _board_page(request, compound, today=today, large=large)

        return page_cache.respond(
            request,
            boards.page_key(state, today=today, large=large),
            "publicity/board.html",
            context,
            boards.BOARD_CACHE_SECONDS,
        )
    compound = boards.stamped_compound(code)
    if compound is None:
        raise Http404
    ctx = _board_page(request, compound, today=today, large=request.GET.get("large") == "1")
    return render(request, "publicity/board.html", ctx)


def _board_page(request: HttpRequest, compound: Place, *, today, large: bool) -> dict:
    parts = boards.rendered_board(compound, today=today)
    ctx = {
        "compound": compound,
        "board_head": mark_safe(parts["head"]),  # noqa: S308 - rendered by our own templates, autoescaped
        "board_body": mark_safe(parts["body"]),  # noqa: S308
        "can_manage": permissions.can_see_status(request.user, compound),
    }
    if large:
        ctx["large_type"] = True
    return ctx


def board_screen(request: HttpRequest, code: str) -> HttpResponse:
    """PN-2: big-screen mode for the compound's electronic display (landscape, large type, rotating, refreshing)."""
    compound = _compound(code)
    ctx = _board_context(request, compound)
    ctx["qr_svg"] = _qr_svg(ctx["live_url"], scale=4)
    return render(request, "publicity/screen.html", ctx)


def board_poster(request: HttpRequest, code: str) -> HttpResponse:
    """PN-2: a printable poster (A4 or A3) with the print date and a QR code to the live page."""
    compound = _compound(code)
    size = "A3" if request.GET.get("size", "").upper() == "A3" else "A4"
    ctx = _board_context(request, compound, size=size)
    ctx["qr_svg"] = _qr_svg(ctx["live_url"], scale=5 if size == "A3" else 4)
    return render(request, "publicity/poster.html", ctx)


def board_share(request: HttpRequest, code: str) -> HttpResponse:
    """PN-2: a plain-text share for the compound's WeChat group, with the link."""
    compound = _compound(code)
    board = boards.build_board(compound, with_cases=False)
    text = boards.share_text(board, absolute(board.url))
    if request.GET.get("format") == "txt":
        return HttpResponse(text, content_type="text/plain; charset=utf-8")
    return render(request, "publicity/share.html", {"board": board, "compound": compound, "text": text})


def board_qr(request: HttpRequest, code: str) -> HttpResponse:
    compound = _compound(code)
    svg = _qr_svg(absolute(boards.board_url(compound)), scale=8)
    return HttpResponse(svg, content_type="image/svg+xml")


def item_history(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """PN-2: every version of an item stays readable, with what changed and its place in the hash chain."""
    compound = _compound(code)
    item = BoardItem.objects.filter(compound=compound, pk=pk).select_related("organisation").first()
    if item is None:
        raise Http404
    versions = list(ItemVersion.objects.filter(item=item).order_by("number"))
    previous = None
    for v in versions:
        v.diff = changes(previous.content if previous else None, v.content) if not v.withdrawn else []
        previous = v if not v.withdrawn else previous
    versions.reverse()
    return render(
        request,
        "publicity/history.html",
        {"compound": compound, "item": item, "versions": versions, "today": timezone.localdate()},
    )


def board_verify(request: HttpRequest, code: str) -> HttpResponse:
    """PN-2: anyone can check that no published version was altered or removed."""
    compound = _compound(code)
    report = services.verify_chain(compound)
    versions = ItemVersion.objects.filter(compound=compound).order_by("-seq")[:200]
    return render(
        request, "publicity/verify.html", {"compound": compound, "report": report, "versions": versions}
    )


# --- staff ----------------------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What is due and overdue for the compounds in the user's scope (company, OC, office, street)."""
    scope = get_scope(request.user)
    if not scope.is_superuser and not scope.has_role(*permissions.EDITOR_ROLES, *permissions.STATUS_ROLES):
        raise Http404
    today = timezone.localdate()
    roles = (*permissions.EDITOR_ROLES, *permissions.STATUS_ROLES)
    compounds = Place.objects.compounds().select_related("parent").order_by("path")
    if not scope.is_superuser:
        compounds = compounds.filter(scope.place_q("path", roles=roles))
    q = request.GET.get("q", "").strip()
    if q:
        compounds = compounds.filter(Q(name__icontains=q) | Q(code__startswith=q))
    only_overdue = request.GET.get("overdue") == "1"
    compounds = compounds.annotate(
        n_items=Count("board_items", distinct=True),
        n_published=Count("board_items", filter=Q(board_items__status=ItemStatus.PUBLISHED), distinct=True),
        n_overdue=Count(
            "board_items",
            filter=Q(board_items__status=ItemStatus.DUE, board_items__due_on__lt=today),
            distinct=True,
        ),
        last_changed=Max("board_items__changed_at"),
    )
    if only_overdue:
        compounds = compounds.filter(n_overdue__gt=0)
    page = Paginator(compounds, 50).get_page(request.GET.get("page"))
    mine = (
        BoardItem.objects.filter(status=ItemStatus.DUE)
        .filter(
            scope.place_q("compound__path", roles=permissions.EDITOR_ROLES) if not scope.is_superuser else Q()
        )
        .select_related("compound", "organisation")
        .order_by("due_on", "id")[:200]
    )
    mine = [i for i in mine if permissions.can_publish_item(request.user, i)][:30]
    for i in mine:
        i.overdue = i.is_overdue(today)
    return render(
        request,
        "publicity/home.html",
        {
            "page": page,
            "mine": mine,
            "q": q,
            "only_overdue": only_overdue,
            "today": today,
            "is_editor": scope.is_superuser or scope.has_role(*permissions.EDITOR_ROLES),
        },
    )


@login_required
def status_export(request: HttpRequest) -> HttpResponse:
    """Every compound's disclosure status in the user's scope, as .xlsx (the office and the street), made by the
    worker: POST starts it, GET offers the button."""
    from . import jobs as publicity_jobs

    publicity_jobs.check(request.user)
    overdue = request.GET.get("overdue") == "1"
    return job_views.start(
        request,
        kind="publicity.status",
        title=_("导出公示情况（逾期）") if overdue else _("导出公示情况"),
        params={"overdue": overdue},
        back_url=reverse("publicity:home") + ("?overdue=1" if overdue else ""),
    )


@login_required
def compound_items(request: HttpRequest, code: str) -> HttpResponse:
    compound = permissions.get_compound_for(request.user, code)
    can_schedule = request.user.is_superuser or get_scope(request.user).has_role(
        *permissions.EDITOR_ROLES, at=compound
    )
    if request.method == "POST" and request.POST.get("action") == "schedule":
        if not can_schedule:
            raise permissions.PermissionDenied
        created = services.ensure_schedule(compounds=[compound])
        messages.success(request, _("已生成 %(n)d 项应公示事项。") % {"n": created})
        return redirect("publicity:compound", code=code)
    today = timezone.localdate()
    items = list(
        BoardItem.objects.filter(compound=compound)
        .select_related("organisation")
        .order_by("status", "due_on", "kind", "id")
    )
    for i in items:
        i.overdue = i.is_overdue(today)
        i.can_publish = permissions.can_publish_item(request.user, i)
    return render(
        request,
        "publicity/compound_items.html",
        {
            "compound": compound,
            "items": items,
            "can_charge_change": permissions.can_publish_charge_change(request.user, compound),
            "can_schedule": can_schedule,
        },
    )


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish an item or a new version of it (the old one stays readable, PN-2)."""
    item = permissions.get_item_for(request.user, pk)
    can_publish = permissions.can_publish_item(request.user, item)
    form_class = FORMS.get(item.kind)
    regime = ""
    if item.kind == ItemKind.INCOME_STATEMENT:
        contract = (
            ServiceContract.objects.in_force()
            .filter(compound=item.compound)
            .order_by("-start", "-id")
            .first()
        )
        regime = contract.fee_regime if contract else ""
    form = None
    if form_class is not None and can_publish:
        current = item.current.content if item.current and not item.current.withdrawn else {}
        initial = form_class.initial_from(current, regime) | {"version": item.version}
        form = form_class(request.POST or None, initial=initial, item=item, regime=regime)
        if request.method == "POST" and form.is_valid():
            try:
                services.publish_item(
                    actor=request.user,
                    item=item,
                    content=form.raw(),
                    version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已公示。公示栏已更新，旧版本保留在历史记录中。"))
                return redirect("publicity:compound", code=item.compound.code)
    elif request.method == "POST":
        raise permissions.PermissionDenied
    withdraw = WithdrawForm(initial={"version": item.version}) if can_publish else None
    return render(
        request,
        "publicity/item_edit.html",
        {
            "item": item,
            "form": form,
            "withdraw_form": withdraw,
            "can_publish": can_publish,
            "can_withdraw": can_publish and item.status == ItemStatus.PUBLISHED,
            "overdue": item.is_overdue(),
        },
    )


@login_required
@require_POST
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.get_item_for(request.user, pk, write=True)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_item(
                actor=request.user,
                item=item,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已撤回。撤回及其理由已作为新版本公示。"))
    else:
        messages.error(request, _("请写明撤回理由。"))
    return redirect("publicity:item-edit", pk=item.pk)


@login_required
def charge_change_new(request: HttpRequest, code: str) -> HttpResponse:
    """Publish a change of charge standard, at least a month ahead and linked to its CS-7 gate."""
    compound = permissions.get_compound_for(request.user, code)
    if not permissions.can_publish_charge_change(request.user, compound):
        raise permissions.PermissionDenied
    form = ChargeChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_charge_change(actor=request.user, compound=compound, content=form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("收费标准调整已公示。"))
            return redirect("publicity:compound", code=code)
    return render(
        request,
        "publicity/charge_change.html",
        {"compound": compound, "form": form, "gate": services.fee_change_gate(compound)},
    )
