from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import backup
from sanfang.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("从备份归档恢复到一个全新的安装（先迁移数据库，要求数据库中没有数据）。")

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, **options):
        call_command("migrate", "--noinput", verbosity=0)
        try:
            manifest = backup.restore(Path(options["path"]))
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("已恢复 %(n)d 条记录（备份于 %(at)s）")
            % {"n": sum(manifest["counts"].values()), "at": manifest["created_at"]}
        )
