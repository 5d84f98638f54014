"""`sanfang publicity verify [--compound CODE]`: recompute every board's hash chain and name any break."""

from django.core.management.base import BaseCommand, CommandError

from sanfang.publicity import services


class Command(BaseCommand):
    help = "公示栏工具。verify：校验公示版本的哈希链，发现被改动或删除的版本即报错并指明。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验公示记录")
        verify.add_argument("--compound", help="只校验该代码的小区")

    def handle(self, *args, **options):
        if options["action"] != "verify":
            raise CommandError("未知操作")
        code = options.get("compound")
        compounds = list(services.compounds_to_verify(code))
        if code and not compounds:
            raise CommandError(f"没有代码为 {code} 的小区。")
        broken = 0
        for compound in compounds:
            report = services.verify_chain(compound)
            if report.ok:
                if options["verbosity"] > 1 or code:
                    self.stdout.write(f"{compound.code} {compound.name}: 完整（{report.length} 个版本）")
                continue
            broken += 1
            for b in report.breaks:
                where = f"序号 {b.seq} " if b.seq else ""
                ident = f"（版本 id {b.version_id}，事项 id {b.item_id}）" if b.version_id else ""
                self.stdout.write(f"{compound.code} {compound.name}: {where}{b.title}{ident} — {b.reason}")
        if broken:
            raise CommandError(f"{broken} 个小区的公示记录校验失败。")
        self.stdout.write(self.style.SUCCESS(f"已校验 {len(compounds)} 个小区的公示记录，全部完整。"))
