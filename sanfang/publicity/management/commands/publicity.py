"""`sanfang publicity verify [--compound CODE]`: recompute every board's hash chain and name any break."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core.commands import Command as BaseCommand
from sanfang.publicity import services


class Command(BaseCommand):
    help = gettext_lazy("公示栏工具。verify：校验公示版本的哈希链，发现被改动或删除的版本即报错并指明。")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help=_("校验公示记录"))
        verify.add_argument("--compound", help=_("只校验该代码的小区"))

    def handle(self, *args, **options):
        if options["action"] != "verify":
            raise CommandError(_("未知操作"))
        code = options.get("compound")
        compounds = list(services.compounds_to_verify(code))
        if code and not compounds:
            raise CommandError(_("没有代码为 %(code)s 的小区。") % {"code": code})
        broken = 0
        for compound in compounds:
            report = services.verify_chain(compound)
            if report.ok:
                if options["verbosity"] > 1 or code:
                    self.stdout.write(
                        _("%(code)s %(name)s: 完整（%(n)d 个版本）")
                        % {"code": compound.code, "name": compound.name, "n": report.length}
                    )
                continue
            broken += 1
            for b in report.breaks:
                where = _("序号 %(seq)s ") % {"seq": b.seq} if b.seq else ""
                ident = (
                    _("（版本 id %(v)s，事项 id %(i)s）") % {"v": b.version_id, "i": b.item_id}
                    if b.version_id
                    else ""
                )
                self.stdout.write(f"{compound.code} {compound.name}: {where}{b.title}{ident} — {b.reason}")
        if broken:
            raise CommandError(_("%(n)d 个小区的公示记录校验失败。") % {"n": broken})
        self.stdout.write(
            self.style.SUCCESS(_("已校验 %(n)d 个小区的公示记录，全部完整。") % {"n": len(compounds)})
        )
