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
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                # Compare contents, not modification times: a checkout gives .po and .mo the same mtime.
                mo_path = po_path.with_suffix(".mo")
                binary = polib.pofile(str(po_path)).to_binary()
                if mo_path.exists() and mo_path.read_bytes() == binary:
                    continue
                mo_path.write_bytes(binary)
                count += 1
        if options["verbosity"]:
            self.stdout.write(f"compiled {count} catalogue(s)")
