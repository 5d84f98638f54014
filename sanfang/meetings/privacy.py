"""Personal data in joint meetings (PIPL): the meetings a person was invited to or attended.

The attendance list is part of the meeting's record (JM-3, signed minutes are locked), so an erased
person's participation rows stay; the person themselves no longer holds a name or contact (see
sanfang/directory/privacy.py and docs/privacy.md).
"""

from __future__ import annotations

from sanfang.core import extensions

from .models import Participant


@extensions.provides("privacy.export")
def export(person) -> dict:
    rows = Participant.objects.filter(person=person).select_related("meeting").order_by("meeting__date", "id")
    return {
        "meeting_participation": [
            {
                "meeting": p.meeting.title,
                "date": p.meeting.date.isoformat(),
                "role": p.get_role_display(),
                "attendance": p.get_attendance_display(),
                "signed_in_at": p.signed_in_at.isoformat() if p.signed_in_at else None,
            }
            for p in rows
        ]
    }
