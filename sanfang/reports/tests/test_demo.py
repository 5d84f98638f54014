"""The demo data for PN-3/PN-4/PN-5 loads on the small demo county and shows what the pages are about."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def test_pn3_pn4_pn5_demo_has_late_acknowledgements_escalation_and_unanswered_opinions():
    from sanfang.bulletins import demo as bulletins_demo
    from sanfang.bulletins.models import Bulletin, BulletinRecipient
    from sanfang.directory import demo as directory_demo
    from sanfang.reports import demo as reports_demo
    from sanfang.reports.models import Opinion, Report

    ctx = directory_demo.build(scale="small", seed=2022, today=dt.date.today())
    bulletins_demo.populate(ctx)
    reports_demo.populate(ctx)
    home = ctx.home_community
    assert Bulletin.objects.filter(community=home).count() >= 7
    assert Bulletin.objects.filter(community=home, escalation_level=2).exists()
    late = [
        r for r in BulletinRecipient.objects.filter(bulletin__community=home) if r.acknowledged_at and r.late
    ]
    assert len(late) >= 2
    assert Bulletin.objects.exclude(community=home).exists()
    compound = ctx.home_compound
    assert Report.objects.filter(compound=compound).values("type").distinct().count() == 6
    assert Opinion.objects.filter(
        report__compound=compound, answered_at__isnull=True, flagged_at__isnull=False
    ).exists()
    assert Report.objects.filter(compound=compound, mode="oral").exists()
    assert Report.objects.exclude(compound=compound).exists()
