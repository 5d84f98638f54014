"""Labels for the codes stored in board content (content keeps codes so that digests never depend on language)."""

from django import template
from django.utils import timezone

from .. import content as c

register = template.Library()

_MAPS = {
    "commitment_status": c.COMMITMENT_STATUS,
    "price_form": c.PRICE_FORMS,
    "fee_regime": c.FEE_REGIMES,
    "income_source": c.COMMON_INCOME_SOURCES,
}


@register.filter
def label(value, mapping: str):
    return _MAPS.get(mapping, {}).get(value, value)


@register.filter
def status_tag(value) -> str:
    return {"kept": "ok", "not_kept": "bad", "in_progress": "warn"}.get(value, "")


@register.filter
def kept_ratio(item) -> str:
    """ "3/5" commitments kept, for the board's commitment headers."""
    entries = (item.current.content.get("entries") if item.current else None) or []
    if not entries:
        return ""
    kept = sum(1 for e in entries if e.get("status") == "kept")
    return f"{kept}/{len(entries)}"


@register.filter
def localdate(value):
    return timezone.localtime(value).date() if value else ""
