import logging
import threading
import time

from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import tick
from sanfang.core.commands import Command as BaseCommand

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = gettext_lazy("运行后台任务进程（django-tasks 数据库后端），并按间隔运行定时巡检。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--tick-every", type=int, default=600, help=_("每隔多少秒运行一次 tick；0 表示不运行")
        )
        parser.add_argument("--batch", action="store_true", help=_("处理完现有任务后退出"))

    def handle(self, *args, **options):
        every = options["tick_every"]
        if every > 0 and not options["batch"]:
            threading.Thread(target=self._tick_loop, args=(every,), daemon=True, name="sanfang-tick").start()
        worker_args = ["--batch"] if options["batch"] else []
        call_command("db_worker", *worker_args)

    def _tick_loop(self, every: int) -> None:
        while True:
            try:
                close_old_connections()
                tick.run_all(timezone.now())
            except Exception:  # noqa: BLE001 - the loop must survive a bad sweep
                logger.exception("tick failed")
            finally:
                close_old_connections()
            time.sleep(every)
