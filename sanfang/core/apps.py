from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sanfang.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self) -> None:
        # Each app registers its scheduled sweeps (sweeps.py) and its to-do providers and menu entries (hooks.py); import them here so
        # `sanfang tick` and the to-do page see every app without a central list to keep in step.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("sweeps")
        autodiscover_modules("hooks")
        # Each app's background-job runners (jobs.py: imports, large exports, summaries; see core/jobs.py).
        autodiscover_modules("jobs")
        # Each app that keeps personal data offers it for export and erasure (see directory/privacy.py).
        autodiscover_modules("privacy")
        # A stale prepared statement after a migration costs one request, not a connection's lifetime.
        from django.db.backends.signals import connection_created

        from .prepared import install

        connection_created.connect(install, dispatch_uid="core-prepared-statements")
