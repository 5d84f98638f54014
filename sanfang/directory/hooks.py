from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import nav, todos

from .permissions import residencies_to_verify
from .scopes import Role, get_scope

nav.register(gettext_lazy("名录"), "directory:places", roles=Role.STAFF, order=80)


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
