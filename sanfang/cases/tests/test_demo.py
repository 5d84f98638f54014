"""The demo county gets a case of every class in the home community, a bounced case escalated by itself,
a summons answered by one department and overdue at the other, and a fee change held at the CS-7 gate."""

import datetime as dt

import time_machine

from sanfang.cases.models import Case, CaseClass, MajorMatter, Status, Summons


def test_demo_has_every_class_escalation_late_summons_and_gate(db):
    from sanfang.cases import demo
    from sanfang.directory import demo as directory_demo

    with time_machine.travel(
        dt.datetime(2026, 11, 24, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        ctx = directory_demo.build(scale="small", seed=2022, today=dt.date(2026, 11, 24))
        demo.populate(ctx)
        home = Case.objects.filter(compound=ctx.home_compound)
        assert set(home.values_list("case_class", flat=True)) >= set(CaseClass.values)
        assert home.filter(status=Status.NEW).count() == 2
        assert home.filter(status=Status.CLOSED).exists()
        assert home.filter(status=Status.COORDINATING).exists()
        assert home.filter(escalation_level__gte=1).exists()
        deps = Summons.objects.filter(case__compound=ctx.home_compound, level="department")
        assert deps.filter(reported_at__isnull=False).count() == 1
        assert Summons.objects.overdue().filter(level="department").count() == 1
        fee = MajorMatter.objects.get(kind="fee_change")
        assert not fee.gate_open and fee.step == "proposed"
        assert MajorMatter.objects.get(kind="fund_use").step == "plan"
        assert Case.objects.exclude(compound=ctx.home_compound).count() <= demo.OTHER_COMPOUNDS
        n = Case.objects.count()
        demo.populate(ctx)
        assert Case.objects.count() == n
