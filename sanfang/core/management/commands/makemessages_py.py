"""Extract translatable strings and merge them into each app's .po catalogue, without system gettext."""

from django.core.management.base import BaseCommand, CommandError

from sanfang.core import catalogues


class Command(BaseCommand):
    help = (
        "提取各应用中待翻译的字符串（Python 与模板），合并进 locale/<语言>/LC_MESSAGES/django.po："
        "保留已有译文，新字符串译文留空，已删除的标为作废（纯 Python，不需要系统 gettext）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--app", action="append", dest="apps", help="只处理这些应用（可重复）")
        parser.add_argument(
            "--locale", "-l", action="append", dest="locales", help="只处理这些语言（可重复）"
        )
        parser.add_argument("--no-obsolete", action="store_true", help="删除作废条目，而不是保留为 #~")

    def handle(self, *args, **options):
        try:
            import babel  # noqa: F401  (the extractor; installed with the test extra)
        except ImportError as exc:
            raise CommandError("需要 Babel：pip install -e '.[test]'") from exc
        labels = catalogues.app_labels()
        unknown = set(options["apps"] or []) - set(labels)
        if unknown:
            raise CommandError(f"未知应用：{', '.join(sorted(unknown))}")
        languages = options["locales"] or catalogues.target_languages()
        for label in options["apps"] or labels:
            messages = catalogues.extract_app(label)
            if not messages and not catalogues.catalogue_path(label, languages[0]).exists():
                continue
            for language in languages:
                result = catalogues.merge(
                    catalogues.catalogue_path(label, language),
                    language,
                    messages,
                    keep_obsolete=not options["no_obsolete"],
                )
                if options["verbosity"] and (result.changed or options["verbosity"] > 1):
                    self.stdout.write(
                        f"{label}/{language}: {len(messages)} msgid(s), {result.added} new, "
                        f"{result.obsoleted} obsolete, {result.revived} revived"
                        + ("" if result.changed else " (unchanged)")
                    )
