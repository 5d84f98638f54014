import importlib
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core.commands import Command as BaseCommand
from sanfang.core.demo import DEMO_PASSWORD
from sanfang.directory import demo as directory_demo

APPS = ["meetings", "cases", "publicity", "bulletins", "reports", "appraisal", "campaigns"]


class Command(BaseCommand):
    help = gettext_lazy(
        "载入演示县（阳新县）：地点、组织、人员、各角色登录账号，以及各子系统的演示数据。可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(directory_demo.SCALES),
            default="small",
            help=_("small：2 个镇；county：全县 16 个镇；city：约 4000 个小区（用于性能测试）"),
        )
        parser.add_argument(
            "--if-empty", action="store_true", help=_("只在数据库为空时载入（make run 使用）")
        )
        parser.add_argument("--force", action="store_true", help=_("数据库中已有非演示数据时也载入"))
        parser.add_argument("--accounts", action="store_true", help=_("只打印演示账号"))
        parser.add_argument("--seed", type=int, default=2022)

    def handle(self, *args, **options):
        if options["accounts"]:
            self.print_accounts()
            return
        if directory_demo.demo_loaded():
            self.stdout.write(_("演示县已经载入，未做改动。"))
            return
        if directory_demo.foreign_data_present():
            if options["if_empty"]:
                self.stdout.write(_("数据库中已有数据，跳过演示数据。"))
                return
            if not options["force"]:
                raise CommandError(
                    _("数据库中已有非演示数据。为避免混淆真实数据，演示数据不会载入；确需载入请加 --force。")
                )
        started = time.monotonic()
        today = timezone.localdate()
        with transaction.atomic():
            ctx = directory_demo.build(scale=options["scale"], seed=options["seed"], today=today)
            for app in APPS:
                try:
                    module = importlib.import_module(f"sanfang.{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"sanfang.{app}.demo":
                        raise
                    continue
                t0 = time.monotonic()
                module.populate(ctx)
                if options["verbosity"] > 1:
                    self.stdout.write(f"  {app}: {time.monotonic() - t0:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(
                _("演示县已载入（规模 %(scale)s，用时 %(s).1f 秒）。")
                % {"scale": options["scale"], "s": time.monotonic() - started}
            )
        )

    def print_accounts(self):
        site = settings.SITE_URL
        self.stdout.write("")
        self.stdout.write(
            _("三方联动平台：%(url)s  （演示账号的密码都是 %(password)s）")
            % {"url": f"{site}/login/", "password": DEMO_PASSWORD}
        )
        for username, label in directory_demo.PERSONAS:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write(_("  公示栏示例：%(url)s") % {"url": f"{site}/directory/compounds/?q=幸福"})
        self.stdout.write("")
