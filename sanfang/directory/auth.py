"""Login by phone number or username, with lock-out after repeated failures."""

from __future__ import annotations

import datetime as dt
import hmac

import pyotp
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F, Q
from django.utils import timezone

from .models import Person


def normalise_login(value: str) -> str:
    value = (value or "").strip()
    digits = value.replace(" ", "").replace("-", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits if digits.isdigit() else value


class PhoneOrUsernameBackend(ModelBackend):
    def get_user(self, user_id):
        """The signed-in person, read with the tokens their cached scope is keyed by (one query, issue 9)."""
        from .scopes import stamped_person

        person = stamped_person(user_id)
        return person if person is not None and self.user_can_authenticate(person) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = normalise_login(username or kwargs.get("phone") or "")
        if not login or password is None:
            return None
        person = Person.objects.filter(Q(username=login) | Q(phone=login)).first()
        if person is None:
            Person().set_password(password)  # same work as a real check, so timing does not reveal accounts
            return None
        if person.is_locked:
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            if person.failed_logins:
                Person.objects.filter(pk=person.pk).update(failed_logins=0, locked_until=None)
            return person
        record_failure(person)
        return None


def record_failure(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(failed_logins=F("failed_logins") + 1)
    person.refresh_from_db(fields=["failed_logins"])
    if person.failed_logins >= settings.LOGIN_FAILURE_LIMIT:
        until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        Person.objects.filter(pk=person.pk).update(locked_until=until, failed_logins=0)


def is_locked(login: str) -> bool:
    login = normalise_login(login)
    return Person.objects.filter(Q(username=login) | Q(phone=login), locked_until__gt=timezone.now()).exists()


def accept_totp(person: Person, code: str) -> bool:
    """True once for a valid code: the step it belongs to (now ± one) must be later than the last one used.

    The conditional UPDATE makes two requests racing with the same code accept it at most once.
    """
    code = (code or "").strip()
    if not person.totp_secret or not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(person.totp_secret)
    current = totp.timecode(timezone.now())
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            fresh = Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step)
            return Person.objects.filter(fresh, pk=person.pk).update(totp_last_step=step) == 1
    return False
