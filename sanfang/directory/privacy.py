"""A person's rights under the Personal Information Protection Law (PIPL arts. 45 and 47): a copy of their
data, and its deletion on request. See docs/privacy.md for the inventory, the purposes and the periods.

Residents live in `directory`, but their data is spread over the apps. Each app that keeps personal data
offers it at three extension points, in its own `privacy.py` (autodiscovered by `core`):

- "privacy.export" (person) -> dict: {section name: list of JSON-safe rows} of what the app holds about them;
- "privacy.files" (person) -> list[tuple[str, FieldFile]]: files about them (archive name, file);
- "privacy.erase" (person) -> dict: {what: how many} after anonymising what the app holds about them. It must
  keep the public record (a case's tracking number, its handling, the board) and never touch the audit trail.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfang.core import audit, extensions
from sanfang.core.errors import RuleViolation
from sanfang.core.models import ApiToken, Delivery, Message

from .auth import record_failure
from .models import Person, Position, Residency

ERASED_NAME = "已注销用户"


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _rows(qs, fields: list[str]) -> list[dict[str, Any]]:
    return [{f: _iso(v) for f, v in row.items()} for row in qs.values(*fields)]


def personal_data(person: Person) -> dict[str, Any]:
    """Everything the platform keeps about one person, section by section (PIPL art. 45)."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "name": person.name,
            "username": person.username,
            "phone": person.phone,
            "email": person.email,
            "date_joined": _iso(person.date_joined),
            "last_login": _iso(person.last_login),
            "language": person.language,
            "large_type": person.large_type,
            "totp_enabled": person.totp_enabled,
        },
        "residencies": [
            {
                "compound": r.compound.name,
                "building": r.building.name if r.building_id else "",
                "room": r.room,
                "relation": r.get_relation_display(),
                "is_owner_representative": r.is_owner_representative,
                "status": r.get_status_display(),
                "created_at": _iso(r.created_at),
                "verified_at": _iso(r.verified_at),
            }
            for r in Residency.objects.filter(person=person).select_related("compound", "building")
        ],
        "positions": [
            {
                "organisation": p.organisation.name,
                "title": p.title,
                "term_start": _iso(p.term_start),
                "term_end": _iso(p.term_end),
                "contact": p.contact,
                "contact_public": p.contact_public,
            }
            for p in Position.objects.filter(person=person).select_related("organisation")
        ],
        "messages": _rows(
            Message.objects.filter(recipient=person).order_by("created_at", "id"),
            ["subject", "body", "url", "created_at", "read_at"],
        ),
        "api_tokens": _rows(
            ApiToken.objects.filter(person=person).order_by("created_at", "id"),
            ["name", "prefix", "created_at", "last_used_at", "revoked_at"],
        ),
        "audit_trail": _rows(
            _actor_events(person),
            ["at", "verb", "target_repr", "summary", "ip"],
        ),
    }
    for section in extensions.collect("privacy.export", person):
        for key, rows in section.items():
            data.setdefault(key, [])
            data[key].extend(rows)
    return data


def _actor_events(person: Person):
    from sanfang.core.models import AuditEvent

    return AuditEvent.objects.filter(actor=person).order_by("at", "id")


def export_archive(*, actor: Person, person: Person) -> bytes:
    """A .zip with data.json and the person's files (e.g. the photos of the cases they reported)."""
    if actor.pk != person.pk:
        raise PermissionDenied
    data = personal_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        names = []
        for name, field_file in extensions.collect("privacy.files", person):
            try:
                with field_file.open("rb") as fh:
                    archive.writestr(name, fh.read())
            except (FileNotFoundError, ValueError):
                continue  # a file swept by the retention period is no longer kept
            names.append(name)
        data["files"] = names
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
    with transaction.atomic():
        # The export is itself personal-data processing: the trail records that it happened, not what it held.
        audit.record(actor=actor, verb="privacy.export", target=person, summary=_("下载本人数据副本"))
    return buffer.getvalue()


def erasure_blockers(person: Person) -> list[str]:
    """Why a person cannot erase their own account now (each a sentence for them), or an empty list."""
    reasons = []
    if person.is_superuser or person.is_staff:
        reasons.append(_("管理员账号不能自行注销，请联系其他管理员。"))
    if Position.objects.current().filter(person=person).exists():
        reasons.append(_("您仍担任职务；请先由所在组织结束您的职务，再注销账号。"))
    return reasons


def erase_person(*, actor: Person, person: Person, password: str) -> dict[str, int]:
    """Delete a resident's personal data on their request (PIPL art. 47), after re-entering the password.

    The person row stays (cases, meetings and the audit trail point at it) but holds nothing personal any more
    and can never log in again; what they reported stays on the public record without their name or contact.
    Changing the password hash ends every session of theirs (Django checks the session's hash of it).
    """
    if actor.pk != person.pk:
        raise PermissionDenied
    if not password or not person.check_password(password):
        record_failure(person)  # counts towards the lock-out like a failed login
        raise RuleViolation(_("密码不正确，账号未注销。"), field="password")
    blockers = erasure_blockers(person)
    if blockers:
        raise RuleViolation(blockers[0])
    return _erase(person)


@transaction.atomic
def _erase(person: Person) -> dict[str, int]:
    person = Person.objects.select_for_update().get(pk=person.pk)
    counts: dict[str, int] = {}
    for result in extensions.collect("privacy.erase", person):
        for key, n in result.items():
            counts[key] = counts.get(key, 0) + n
    counts["residencies"] = Residency.objects.filter(person=person).delete()[0]
    counts["messages"] = Message.objects.filter(recipient=person).delete()[0]
    if person.email:
        # Unsent e-mails to them are cancelled; the log of sent ones keeps only that something was sent.
        to_them = Delivery.objects.filter(channel=Delivery.Channel.EMAIL, address=person.email)
        to_them.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).update(
            status=Delivery.Status.FAILED, last_error="cancelled: the recipient erased their account"
        )
        counts["deliveries"] = to_them.update(address="", body="")
    counts["api_tokens"] = ApiToken.objects.filter(person=person).delete()[0]
    person.name = ERASED_NAME
    person.username = None
    person.phone = None
    person.email = ""
    person.is_active = False
    person.totp_secret, person.totp_enabled = "", False
    person.language = ""
    person.set_unusable_password()
    person.save(
        update_fields=[
            "name",
            "username",
            "phone",
            "email",
            "is_active",
            "totp_secret",
            "totp_enabled",
            "language",
            "password",
        ]
    )
    audit.record(
        actor=person,
        verb="privacy.erase",
        target=person,
        summary=_("本人申请注销账号并删除个人信息"),
        changes={k: v for k, v in counts.items() if v},
    )
    return counts
