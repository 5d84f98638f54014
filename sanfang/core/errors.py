"""Domain errors raised by services; views and the API turn them into 400/403/404/409 with the message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """A rule of the seed or of the data was broken; nothing was changed. The message is for the user."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class RuleViolation(DomainError):
    """The request is well formed but a rule forbids it now (e.g. distributing unsigned minutes, JM-4)."""

    status = 400


class Conflict(DomainError):
    """Somebody else changed the object meanwhile (optimistic lock); nothing was overwritten."""

    status = 409


__all__ = ["Conflict", "DomainError", "PermissionDenied", "RuleViolation"]
