import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core.commands import Command as BaseCommand
from sanfang.core.webserver import gunicorn_argv


class Command(BaseCommand):
    help = gettext_lazy("启动网站（开发环境用 Django 服务器，生产环境用 gunicorn），可同时启动后台任务进程。")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--with-worker", action="store_true", help=_("同时启动后台任务进程"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))

    def handle(self, *args, **options):
        worker = None
        if options["with_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "sanfang.cli", "worker"])  # noqa: S603 - our own module
        try:
            if settings.PRODUCTION:
                bind = f"{options['host']}:{options['port']}"
                cmd = gunicorn_argv(bind=bind, workers=options["workers"])
                subprocess.run(cmd, check=False)  # noqa: S603 - fixed command line
            else:
                call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
