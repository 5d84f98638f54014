"""The base of the project's management commands: their help and output in one language, Chinese by default.

Every `sanfang <command>` takes `--language en` (or zh-hans); without it the platform's language
(`settings.LANGUAGE_CODE`) is used, as for a visitor who has chosen nothing. The option is read before the
command line is parsed, so `--help` is in that language too.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _language_in(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--language" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--language="):
            return arg.split("=", 1)[1]
    return None


def _supported(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class Command(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(
            type(self).help
        )  # the lazy class text, read now in the chosen language (argparse wants a str)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=_("输出语言（默认 %(default)s）") % {"default": settings.LANGUAGE_CODE},
        )
        return parser

    def run_from_argv(self, argv):
        with translation.override(_supported(_language_in(argv))):
            return super().run_from_argv(argv)

    def execute(self, *args, **options):
        language = options.get("language") or translation.get_language()
        with translation.override(_supported(language)):
            return super().execute(*args, **options)
