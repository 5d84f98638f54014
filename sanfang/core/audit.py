"""The audit trail: every change of state is recorded with who, what, when and from where."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .middleware import current_request_context
from .models import AuditEvent


def _place_of(target: models.Model | None):
    """The place an audited object belongs to, so the trail can be filtered by scope."""
    if target is None:
        return None
    from sanfang.directory.models import Place

    if isinstance(target, Place):
        return target
    for attr in ("compound", "community", "place", "street"):
        value = getattr(target, attr, None)
        if isinstance(value, Place):
            return value
    return None


def record(
    *,
    actor,
    verb: str,
    target: models.Model | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    place=None,
) -> AuditEvent:
    """Append one event. Call it inside the service's transaction so it commits or rolls back with the change."""
    ctx = current_request_context()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_label=(str(actor_obj) if actor_obj else (str(actor) if isinstance(actor, str) else "系统")),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        place=place or _place_of(target),
        summary=summary,
        changes=_jsonable(changes or {}),
        ip=ctx.ip if ctx else None,
    )


def diff(instance: models.Model, fields: list[str], new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changes."""
    out = {}
    for field in fields:
        if field in new_values:
            old = getattr(instance, field)
            new = new_values[field]
            if old != new:
                out[field] = [old, new]
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def trail_visible_to(user):
    """Audit events the user may read: superusers all; oversight and community staff those in their scope."""
    from sanfang.directory.scopes import Role, get_scope

    scope = get_scope(user)
    qs = AuditEvent.objects.select_related("actor", "place")
    if scope.is_superuser:
        return qs
    roles = (Role.COUNTY, Role.STREET, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE)
    if not scope.has_role(*roles):
        return qs.filter(actor=user)
    return qs.filter(scope.place_q("place__path", roles=roles) | models.Q(actor=user))
