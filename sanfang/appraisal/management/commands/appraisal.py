"""`sanfang appraisal tally [--round ID] [--repair]`: recount every ballot and compare with the kept counts.

The counts a round's result is computed from are kept as each ballot is cast (issue 9, `appraisal/tally.py`).
This command is the audit: it counts the ballots again from their answers, in SQL, and names every difference. It prints
counts only for rounds whose results are already visible (EV-3: nothing of an open round's result leaks).
`--repair` rebuilds the kept counts of one round from its ballots (and the preliminary result, if closed).
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.appraisal import services, tally
from sanfang.appraisal.models import Round
from sanfang.core.commands import Command as BaseCommand
from sanfang.core.errors import RuleViolation


class Command(BaseCommand):
    help = gettext_lazy(
        "年度评议工具。tally：逐张重新清点选票，与投票时累计的计票核对，不一致即报错并指明；--repair 按选票重新计票。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("tally", help=_("核对计票"))
        check.add_argument("--round", type=int, help=_("只核对该编号的年度评议"))
        check.add_argument("--repair", action="store_true", help=_("按选票重新计票（须指定 --round）"))

    def handle(self, *args, **options):
        if options["action"] != "tally":
            raise CommandError(_("未知操作"))
        rounds = Round.objects.select_related("community").order_by("pk")
        if options["round"]:
            rounds = rounds.filter(pk=options["round"])
            if not rounds:
                raise CommandError(_("没有编号为 %(n)s 的年度评议。") % {"n": options["round"]})
        if options["repair"]:
            if not options["round"]:
                raise CommandError(_("--repair 须用 --round 指定一轮评议。"))
            try:
                before = services.repair_tally(
                    actor="系统（命令行）", round=rounds[0]
                )  # the record stays Chinese
            except RuleViolation as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(round)s: 已按 %(n)d 张选票重新计票（原有 %(diff)d 处不一致）。")
                    % {"round": rounds[0], "n": before.ballots, "diff": len(before.differences)}
                )
            )
            return
        broken = 0
        for rnd in rounds:
            check = tally.verify(rnd)
            if check.ok:
                if options["verbosity"] > 1 or options["round"]:
                    self.stdout.write(
                        _("%(pk)s %(round)s: 一致（%(n)d 张选票）")
                        % {"pk": rnd.pk, "round": rnd, "n": check.ballots}
                    )
                continue
            broken += 1
            self.stdout.write(
                _("%(pk)s %(round)s: %(diff)d 处不一致（%(n)d 张选票）")
                % {"pk": rnd.pk, "round": rnd, "diff": len(check.differences), "n": check.ballots}
            )
            if rnd.results_visible:
                for (subject, criterion, value), kept, counted in check.differences:
                    if subject is None:
                        where = _("有效票数")
                    elif criterion is None:
                        where = _("对象 %(s)s 有效评价数") % {"s": subject}
                    else:
                        where = _("对象 %(s)s 指标 %(c)s “%(v)s”") % {
                            "s": subject,
                            "c": criterion,
                            "v": value,
                        }
                    self.stdout.write(
                        _("  %(where)s：累计 %(kept)s，重新清点 %(counted)s")
                        % {"where": where, "kept": kept, "counted": counted}
                    )
        if broken:
            raise CommandError(_("%(n)d 轮评议的计票与选票不一致。") % {"n": broken})
        self.stdout.write(
            self.style.SUCCESS(_("已核对 %(n)d 轮评议的计票，全部与选票一致。") % {"n": rounds.count()})
        )
