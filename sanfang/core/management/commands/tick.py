from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import tick
from sanfang.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "运行定时巡检：例会生成、期限、逾期督办、提醒、投递重试等（各应用在 sweeps.py 中登记）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", help=_("只运行指定的巡检（可重复）"))
        parser.add_argument("--list", action="store_true", help=_("列出已登记的巡检"))

    def handle(self, *args, **options):
        if options["list"]:
            for entry in tick.registered():
                self.stdout.write(f"{entry.name}\t{_(entry.description) if entry.description else ''}")
            return
        results = tick.run_all(timezone.now(), only=options.get("only"))
        failed = False
        for name, result in results.items():
            self.stdout.write(f"{name}: {result if result is not None else 'ok'}")
            failed = failed or (isinstance(result, str) and result.startswith("error"))
        if failed:
            raise SystemExit(1)
