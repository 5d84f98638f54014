"""Personal data in cases (PIPL): a reporter's copy, erasure on request, and the retention periods.

See sanfang/directory/privacy.py for the extension points and docs/privacy.md for the inventory.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from sanfang.core import audit, extensions
from sanfang.core.tick import sweep

from .models import Case, CasePhoto, Feedback, Status


def _reported_by(person) -> Q:
    """Cases the person reported: signed in, or entered for them with their phone as the contact."""
    q = Q(reporter=person)
    if person.phone:
        q |= Q(reporter_contact=person.phone)
    return q


@extensions.provides("privacy.export")
def export(person) -> dict:
    cases = Case.objects.filter(_reported_by(person)).select_related("compound").order_by("created_at", "id")
    feedback = Feedback.objects.filter(case__in=cases).order_by("at", "id")
    return {
        "cases_reported": [
            {
                "tracking_no": c.tracking_no,
                "compound": c.compound.name,
                "title": c.title,
                "description": c.description,
                "location": c.location,
                "reporter_name": c.reporter_name,
                "reporter_contact": c.reporter_contact,
                "status": c.get_status_display(),
                "created_at": c.created_at.isoformat(),
                "closed_at": c.closed_at.isoformat() if c.closed_at else None,
                "photos": [p.image.name for p in c.photos.all()],
            }
            for c in cases
        ],
        "case_feedback": [
            {
                "tracking_no": f.case.tracking_no,
                "rating": f.get_rating_display(),
                "comment": f.comment,
                "at": f.at.isoformat(),
            }
            for f in feedback.select_related("case")
        ],
    }


@extensions.provides("privacy.files")
def files(person) -> list:
    photos = CasePhoto.objects.filter(case__in=Case.objects.filter(_reported_by(person))).order_by("id")
    return [(f"case_photos/{p.image.name}", p.image) for p in photos.select_related("case")]


@extensions.provides("privacy.erase")
def erase(person) -> dict:
    """The case stays on the public record (number, problem, handling); who reported it and how to reach them go."""
    n = Case.objects.filter(_reported_by(person)).update(reporter=None, reporter_name="", reporter_contact="")
    return {"cases_anonymised": n}


def _days(key: str, default: int) -> int:
    return int(settings.SANFANG.get(key, default))


@sweep("privacy.case_retention", "到期清除已关闭问题的反映人联系方式和照片（个人信息保存期限）")
def case_retention(now: dt.datetime) -> int:
    """Clear reporter name and contact N days after a case closes, and delete its photos after M days."""
    contact_before = now - dt.timedelta(days=_days("CASE_CONTACT_RETENTION_DAYS", 180))
    photo_before = now - dt.timedelta(days=_days("CASE_PHOTO_RETENTION_DAYS", 365))
    closed = Case.objects.filter(status=Status.CLOSED, closed_at__isnull=False)
    with transaction.atomic():
        contacts = (
            closed.filter(closed_at__lte=contact_before)
            .exclude(reporter_name="", reporter_contact="")
            .update(reporter_name="", reporter_contact="")
        )
        photos = list(CasePhoto.objects.filter(case__in=closed.filter(closed_at__lte=photo_before))[:1000])
        names = [p.image.name for p in photos]
        CasePhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
        if contacts or photos:
            audit.record(
                actor="系统",
                verb="privacy.retention",
                summary=f"清除 {contacts} 个已关闭问题的反映人联系方式，删除 {len(photos)} 张照片",
                changes={"contacts_cleared": contacts, "photos_deleted": len(photos)},
            )
        # Files go only once the rows are gone for good; a rolled-back sweep leaves both in place.
        transaction.on_commit(lambda: _delete_files(names))
    return contacts + len(photos)


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
