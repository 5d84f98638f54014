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
        parser.add_argument(
            "--recover-every",
            type=int,
            default=30,
            help=_("每隔多少秒检查一次中断的后台任务（导入、导出、总结）；0 表示只靠 tick"),
        )

    def handle(self, *args, **options):
        every = options["tick_every"]
        if every > 0 and not options["batch"]:
            threading.Thread(target=self._tick_loop, args=(every,), daemon=True, name="sanfang-tick").start()
        # Jobs whose worker was killed are queued again within seconds, not at the next tick (core/jobs.py).
        recover_every = options["recover_every"]
        if options["batch"]:
            self._recover()
        elif recover_every > 0:
            threading.Thread(
                target=self._recover_loop, args=(recover_every,), daemon=True, name="sanfang-jobs"
            ).start()
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

    def _recover(self) -> None:
        from sanfang.core import jobs

        try:
            close_old_connections()
            jobs.recover()
        except Exception:  # noqa: BLE001 - the loop must survive a locked database or a bad row
            logger.exception("job recovery failed")
        finally:
            close_old_connections()

    def _recover_loop(self, every: int) -> None:
        while True:
            self._recover()
            time.sleep(every)
