"""A bulletin may link a case by its tracking number. The cases app is optional here: it is looked up through
the app registry (no import), so bulletins work and are tested on their own."""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, reverse


def case_model():
    try:
        return apps.get_model("cases", "Case")
    except LookupError:
        return None


def case_exists(ref: str) -> bool | None:
    """True/False when the cases app is installed; None when it is not (the reference is kept as text)."""
    model = case_model()
    if model is None or not ref:
        return None
    return model.objects.filter(tracking_no=ref).exists()


def case_url(ref: str) -> str:
    model = case_model()
    if model is None or not ref:
        return ""
    pk = model.objects.filter(tracking_no=ref).values_list("pk", flat=True).first()
    if pk is None:
        return ""
    try:
        return reverse("cases:detail", args=[pk])
    except NoReverseMatch:
        return ""
