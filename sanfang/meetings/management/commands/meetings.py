"""`sanfang meetings plan --community CODE --year YYYY`: a community's regular meeting dates (JM-3).

Prints one ISO date per line and writes nothing. Dates in a year whose official holiday arrangement is not
known yet are computed Monday-to-Friday and reported as estimated on stderr.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core.commands import Command as BaseCommand
from sanfang.directory.models import Place

from ...services import plan_dates


class Command(BaseCommand):
    help = gettext_lazy("联席会议：plan 列出社区一年的例会日期（每行一个 ISO 日期，不写入数据）")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help=_("列出例会日期"))
        plan.add_argument("--community", required=True, help=_("社区代码"))
        plan.add_argument("--year", required=True, type=int)

    def handle(self, *args, **options):
        if options["action"] != "plan":
            raise CommandError(_("未知操作"))
        community = Place.objects.communities().filter(code=options["community"]).first()
        if community is None:
            raise CommandError(_("没有代码为 %(code)s 的社区。") % {"code": options["community"]})
        dates = plan_dates(community, options["year"])
        for planned in dates:
            self.stdout.write(planned.date.isoformat())
        estimated = [p.date.isoformat() for p in dates if p.estimated]
        if estimated:
            self.stderr.write(
                _("注意：%(year)s 年放假安排尚未录入，以下日期按周一至周五估算，录入后请重新核对：")
                % {"year": options["year"]}
                + _("、").join(estimated)
            )
