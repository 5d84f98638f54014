from __future__ import annotations

from .nav import items_for


def shell(request):
    """What the base layout needs: large-type mode, the menu and the unread count."""
    user = getattr(request, "user", None)
    large = request.session.get("large_type") if hasattr(request, "session") else None
    if user is not None and user.is_authenticated:
        large = user.large_type if large is None else large
    ctx = {"large_type": bool(large)}
    if user is not None and user.is_authenticated:
        from .models import Message

        ctx["nav_items"] = items_for(request)
        ctx["unread_count"] = Message.objects.filter(recipient=user, read_at__isnull=True).count()
    return ctx
