"""Core pages: health check, my to-dos, display preferences, the audit trail and the working calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanfang import __version__

from . import calendar
from .audit import trail_visible_to
from .todos import todos_for


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        db = "error"
    status = "ok" if db == "ok" else "error"
    return JsonResponse(
        {"status": status, "database": db, "vendor": connection.vendor, "version": __version__},
        status=200 if status == "ok" else 503,
    )


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:todos")
    return render(request, "core/home.html")


@login_required
def todos(request: HttpRequest) -> HttpResponse:
    from sanfang.directory.scopes import ROLE_LABELS, get_scope

    scope = get_scope(request.user)
    items = todos_for(request.user)
    roles = sorted({str(ROLE_LABELS[g.role]) for g in scope.grants})
    return render(request, "core/todos.html", {"items": items, "roles": roles, "scope": scope})


@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """Large-type mode and language, for visitors (session) and signed-in people (also saved on the profile)."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    user = request.user
    if "large_type" in request.POST:
        large = request.POST["large_type"] == "1"
        request.session["large_type"] = large
        if user.is_authenticated:
            user.large_type = large
            user.save(update_fields=["large_type"])
    language = request.POST.get("language")
    if language in {"zh-hans", "en"}:
        translation.activate(language)
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
        if user.is_authenticated:
            user.language = language
            user.save(update_fields=["language"])
    return response


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    qs = trail_visible_to(request.user)
    who = request.GET.get("who", "").strip()
    verb = request.GET.get("verb", "").strip()
    since = request.GET.get("since", "").strip()
    until = request.GET.get("until", "").strip()
    if who:
        qs = qs.filter(actor_label__icontains=who)
    if verb:
        qs = qs.filter(verb__icontains=verb)
    try:
        if since:
            qs = qs.filter(at__date__gte=dt.date.fromisoformat(since))
        if until:
            qs = qs.filter(at__date__lte=dt.date.fromisoformat(until))
    except ValueError:
        messages.error(request, _("日期格式应为 年-月-日，例如 2026-11-24。"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit.html",
        {"page": page, "filters": {"who": who, "verb": verb, "since": since, "until": until}},
    )


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = max(2004, min(year, 2100))
    days = []
    current = dt.date(year, 1, 1)
    while current.year == year:
        working, name, _est = calendar.day_info(current)
        if name or (working == (current.weekday() >= 5)):
            days.append({"date": current, "working": working, "name": name})
        current += dt.timedelta(days=1)
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "days": days,
            "known": calendar.year_is_known(year),
            "prev": year - 1,
            "next": year + 1,
        },
    )
