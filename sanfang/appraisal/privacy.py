"""Personal data in the appraisal (PIPL): which rounds a person took part in, and their objections.

Ballots are anonymous by design (no voter, no time, EV-3): nothing links a ballot to a person, so there is
nothing of the sort to export or erase. See sanfang/directory/privacy.py and docs/privacy.md.
"""

from __future__ import annotations

from sanfang.core import extensions

from .models import Objection, Participant


@extensions.provides("privacy.export")
def export(person) -> dict:
    participations = Participant.objects.filter(person=person).select_related("round__community")
    objections = Objection.objects.filter(raised_by=person).select_related("round__community")
    return {
        "appraisal_participation": [
            {
                "round": f"{p.round.community.name} {p.round.year}",
                "category": p.get_category_display(),
                "has_voted": p.has_voted,
            }
            for p in participations.order_by("round_id", "id")
        ],
        "appraisal_objections": [
            {
                "round": f"{o.round.community.name} {o.round.year}",
                "text": o.text,
                "raised_at": o.raised_at.isoformat(),
                "answer": o.answer,
            }
            for o in objections.order_by("raised_at", "id")
        ],
    }
