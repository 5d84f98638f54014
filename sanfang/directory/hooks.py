from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import nav, stamps, todos

from .models import Organisation, Person, Place, Position, Residency, ServiceContract
from .permissions import VERIFIER_ROLES, residencies_to_verify
from .scopes import SCOPE_DIRECTORY_STAMP, Role, get_scope, person_stamp

# The cached scopes (scopes.py, "The cached scope") are keyed by stamps that change with what the grants are
# computed from, in the same transaction.


def _held_by(obj, kw) -> list[str]:
    """A position's or residency's own person; every scope when the row may have changed hands (an existing row
    saved whole, as the admin does, or with `person` among the fields): whom it was taken from is not known."""
    keys = [person_stamp(obj.person_id)]
    fields = kw.get("update_fields")
    saved_whole = "created" in kw and not kw["created"] and fields is None  # post_save of an existing row
    if saved_whole or "person" in (fields or ()):
        keys.append(SCOPE_DIRECTORY_STAMP)
    return keys


for _model in (Position, Residency):
    stamps.watch(_model, _held_by, f"scope-{_model.__name__}")
for _model in (Organisation, Place, ServiceContract):
    stamps.watch(_model, lambda obj, kw: [SCOPE_DIRECTORY_STAMP], f"scope-{_model.__name__}")
# The flags are read with the person's row on every request, never cached; a full save stamps the person anyway.
stamps.watch(
    Person,
    lambda obj, kw: [person_stamp(obj.pk)] if kw.get("update_fields") is None else [],
    "scope-Person",
)

nav.register(gettext_lazy("名录"), "directory:places", roles=Role.STAFF, order=80)
# Those who verify residents keep the register (and record move-outs); oversight sees no list of people.
nav.register(gettext_lazy("居民名册"), "directory:residents", roles=VERIFIER_ROLES, order=81)


@todos.provider
def pending_residents(user):
    scope = get_scope(user)
    if (
        not scope.has_role(Role.RESIDENTS_COMMITTEE, Role.PROPERTY_COMPANY, Role.PARTY_ORG)
        and not scope.is_superuser
    ):
        return []
    rows = (
        residencies_to_verify(user)
        .values("compound__name")
        .annotate(n=Count("id"))
        .order_by("compound__name")[:20]
    )
    return [
        todos.Todo(
            title=_("%(compound)s：%(n)d 位居民待核实") % {"compound": r["compound__name"], "n": r["n"]},
            url=reverse("directory:residents-pending"),
            app="directory",
        )
        for r in rows
    ]
