"""Compile the .po catalogues to .mo with polib, so a fresh machine needs no system gettext."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "把翻译目录 (.po) 编译成 .mo（纯 Python，不需要系统 gettext）。"

    def handle(self, *args, **options):
        count = 0
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [
            Path(app.path) / "locale" for app in apps.get_app_configs() if app.name.startswith("sanfang.")
        ]
        for root in roots:
            for po_path in Path(root).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                count += 1
        if options["verbosity"]:
            self.stdout.write(f"compiled {count} catalogue(s)")
