from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import backup
from sanfang.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy("备份：把数据库数据、上传的文件和带校验和的清单写入一个归档文件。")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=_("归档文件路径（默认 var/backups/sanfang-时间.tar.gz）"))

    def handle(self, *args, **options):
        path = Path(
            options["path"]
            or Path(settings.VAR_DIR) / "backups" / f"sanfang-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        )
        manifest = backup.create(path)
        total = sum(manifest["counts"].values())
        self.stdout.write(
            _("%(path)s\t%(rows)d 条记录，%(files)d 个文件")
            % {"path": path, "rows": total, "files": len(manifest["files"]) - 1}
        )
