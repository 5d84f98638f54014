from django.utils.translation import gettext_lazy as _

from sanfang.directory.scopes import Role

from . import nav

nav.register(_("我的待办"), "core:todos", order=0)
nav.register(
    _("审计记录"),
    "core:audit",
    roles=(Role.COUNTY, Role.STREET, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE),
    order=90,
)
nav.register(_("工作日历"), "core:calendar", roles=(Role.COUNTY, Role.STREET), order=95)
