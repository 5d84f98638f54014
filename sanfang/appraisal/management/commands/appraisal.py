"""`sanfang appraisal tally [--round ID] [--repair]`: recount every ballot and compare with the kept counts.

The counts a round's result is computed from are kept as each ballot is cast (issue 9, `appraisal/tally.py`).
This command is the audit: it counts the ballots again, one by one, and names every difference. It prints
counts only for rounds whose results are already visible (EV-3: nothing of an open round's result leaks).
`--repair` rebuilds the kept counts of one round from its ballots (and the preliminary result, if closed).
"""

from django.core.management.base import BaseCommand, CommandError

from sanfang.appraisal import services, tally
from sanfang.appraisal.models import Round
from sanfang.core.errors import RuleViolation


class Command(BaseCommand):
    help = "年度评议工具。tally：逐张重新清点选票，与投票时累计的计票核对，不一致即报错并指明；--repair 按选票重新计票。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("tally", help="核对计票")
        check.add_argument("--round", type=int, help="只核对该编号的年度评议")
        check.add_argument("--repair", action="store_true", help="按选票重新计票（须指定 --round）")

    def handle(self, *args, **options):
        if options["action"] != "tally":
            raise CommandError("未知操作")
        rounds = Round.objects.select_related("community").order_by("pk")
        if options["round"]:
            rounds = rounds.filter(pk=options["round"])
            if not rounds:
                raise CommandError(f"没有编号为 {options['round']} 的年度评议。")
        if options["repair"]:
            if not options["round"]:
                raise CommandError("--repair 须用 --round 指定一轮评议。")
            try:
                before = services.repair_tally(actor="系统（命令行）", round=rounds[0])
            except RuleViolation as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"{rounds[0]}: 已按 {before.ballots} 张选票重新计票（原有 {len(before.differences)} 处不一致）。"
                )
            )
            return
        broken = 0
        for rnd in rounds:
            check = tally.verify(rnd)
            if check.ok:
                if options["verbosity"] > 1 or options["round"]:
                    self.stdout.write(f"{rnd.pk} {rnd}: 一致（{check.ballots} 张选票）")
                continue
            broken += 1
            self.stdout.write(f"{rnd.pk} {rnd}: {len(check.differences)} 处不一致（{check.ballots} 张选票）")
            if rnd.results_visible:
                for (subject, criterion, value), kept, counted in check.differences:
                    where = f"对象 {subject}" + (
                        f" 指标 {criterion} “{value}”" if criterion else " 有效评价数"
                    )
                    self.stdout.write(f"  {where}：累计 {kept}，重新清点 {counted}")
        if broken:
            raise CommandError(f"{broken} 轮评议的计票与选票不一致。")
        self.stdout.write(self.style.SUCCESS(f"已核对 {rounds.count()} 轮评议的计票，全部与选票一致。"))
