"""The web inbox: every person's notices, with read receipts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Message


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    qs = Message.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page, "unread_only": request.GET.get("unread") == "1"})


@login_required
def open_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a message is its read receipt; then follow its link."""
    message = get_object_or_404(Message, pk=pk, recipient=request.user)
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    if message.url and url_has_allowed_host_and_scheme(message.url, allowed_hosts={request.get_host()}):
        return redirect(message.url)
    return render(request, "core/message.html", {"message": message})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Message.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:inbox")
