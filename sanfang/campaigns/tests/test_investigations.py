"""WN-3: investigations of in-scope compounds: board checklist, findings, problems, conclusion, follow-up."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.campaigns import services
from sanfang.campaigns.models import ChecklistItem, Conclusion, Investigation
from sanfang.core import extensions
from sanfang.core.errors import RuleViolation
from sanfang.core.models import Message


@pytest.fixture
def board(world, monkeypatch):
    """A fake "board.disclosures" provider: fee items published, the fund overdue, no common income."""

    def provider(compound):
        return [
            {
                "kind": "fee_items",
                "kind_label": "收费项目和标准",
                "period": "2026",
                "due_on": dt.date(2026, 1, 31),
                "published_at": dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC),
                "overdue": False,
                "url": "/b/x",
            },
            {
                "kind": "maintenance_fund",
                "kind_label": "维修资金使用",
                "period": "2025下半年",
                "due_on": dt.date(2026, 1, 31),
                "published_at": None,
                "overdue": True,
                "url": "/b/x",
            },
        ]

    monkeypatch.setitem(extensions._PROVIDERS, "board.disclosures", [provider])


def test_wn3_investigation_checklist_is_prefilled_from_the_board(world, submitted, board):
    inv = services.open_investigation(actor=world.rc_member, survey=submitted, investigators="李秀英、王建国")
    items = {i.kind: i for i in inv.checklist.all()}
    assert set(items) == {"fee_items", "income_expenditure", "common_income", "maintenance_fund"}
    assert items["fee_items"].board_published is True
    assert items["maintenance_fund"].board_published is False
    assert items["maintenance_fund"].result == ChecklistItem.Result.MISSING
    assert items["common_income"].board_published is None  # the board says nothing about it


def test_wn3_without_a_board_provider_the_default_checklist_is_used(world, submitted, monkeypatch):
    monkeypatch.setitem(extensions._PROVIDERS, "board.disclosures", [])
    inv = services.open_investigation(actor=world.rc_member, survey=submitted)
    assert inv.checklist.count() == 4


def test_wn3_only_in_scope_submitted_compounds_are_investigated(world, campaign, submitted):
    draft = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a2)
    with pytest.raises(RuleViolation, match="先提交"):
        services.open_investigation(actor=world.rc_member, survey=draft)
    out = services.adjust_scope(
        actor=world.street_official, survey=submitted, in_scope=False, reason="单位自管"
    )
    with pytest.raises(RuleViolation, match="不在整治范围"):
        services.open_investigation(actor=world.rc_member, survey=out)


def test_wn3_company_and_outsiders_cannot_investigate(world, submitted):
    for persona in (world.company_head, world.other_street_official, world.oc_member):
        with pytest.raises(PermissionDenied):
            services.open_investigation(actor=persona, survey=submitted)


def _checked(inv, actor):
    rows = {i.pk: {"result": "ok", "note": ""} for i in inv.checklist.all()}
    return services.update_investigation(
        actor=actor, investigation=inv, version=inv.version, findings="收支情况未按季度公示", checklist=rows
    )


def test_wn3_conclusion_needs_findings_checklist_and_problems_when_not_compliant(world, submitted):
    inv = services.open_investigation(actor=world.rc_member, survey=submitted)
    with pytest.raises(RuleViolation, match="调查情况"):
        services.conclude_investigation(
            actor=world.rc_member, investigation=inv, conclusion=Conclusion.MOSTLY
        )
    inv = _checked(inv, world.rc_member)
    with pytest.raises(RuleViolation, match="列出发现的问题"):
        services.conclude_investigation(
            actor=world.rc_member, investigation=inv, conclusion=Conclusion.NON_COMPLIANT
        )
    inv = services.conclude_investigation(
        actor=world.rc_member, investigation=inv, conclusion=Conclusion.COMPLIANT
    )
    assert inv.status == Investigation.Status.CLOSED


def test_wn3_problems_have_owner_and_deadline_and_are_followed_until_rectified(world, submitted):
    inv = services.open_investigation(actor=world.street_official, survey=submitted)
    inv = _checked(inv, world.street_official)
    with pytest.raises(RuleViolation, match="责任方"):
        services.add_problem(
            actor=world.street_official, investigation=inv, description="x", due_on=dt.date(2026, 4, 1)
        )
    with pytest.raises(RuleViolation, match="整改期限"):
        services.add_problem(
            actor=world.street_official, investigation=inv, description="x", owner=world.company_x
        )
    p1 = services.add_problem(
        actor=world.street_official,
        investigation=inv,
        description="未公示年度收支情况",
        owner=world.company_x,
        working_days=10,
    )
    assert p1.due_on == dt.date(2026, 3, 16) and p1.due_working_days == 10
    assert Message.objects.filter(
        recipient=world.company_head, key=f"campaign-problem:{p1.pk}:assigned"
    ).exists()
    p2 = services.add_problem(
        actor=world.street_official,
        investigation=inv,
        description="停车收益未公示",
        owner_label="业主委员会",
        due_on=dt.date(2026, 3, 31),
    )
    inv.refresh_from_db()
    inv = services.conclude_investigation(
        actor=world.street_official, investigation=inv, conclusion=Conclusion.MOSTLY
    )
    assert inv.status == Investigation.Status.RECTIFYING
    services.note_problem(actor=world.rc_member, problem=p1, text="已督促物业公司")
    services.rectify_problem(actor=world.rc_member, problem=p1, rectification="已在公示栏公示")
    inv.refresh_from_db()
    assert inv.status == Investigation.Status.RECTIFYING
    with pytest.raises(RuleViolation):
        services.rectify_problem(actor=world.rc_member, problem=p1, rectification="again")
    services.rectify_problem(actor=world.rc_member, problem=p2, rectification="已公示")
    inv.refresh_from_db()
    assert inv.status == Investigation.Status.CLOSED and inv.closed_at


def test_wn3_overdue_problems_are_listed(world, submitted, frozen):
    inv = services.open_investigation(actor=world.rc_member, survey=submitted)
    p = services.add_problem(
        actor=world.rc_member,
        investigation=inv,
        description="x",
        owner=world.company_x,
        due_on=dt.date(2026, 3, 5),
    )
    assert not p.is_overdue
    frozen.move_to(dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC))
    from sanfang.campaigns.models import Problem

    assert list(Problem.objects.overdue()) == [p]


def test_wn3_investigation_record_docx_lists_checklist_problems_and_rectification(world, submitted, board):
    import io

    from docx import Document

    from sanfang.campaigns import documents

    inv = services.open_investigation(actor=world.rc_member, survey=submitted, investigators="李秀英")
    p = services.add_problem(
        actor=world.rc_member,
        investigation=inv,
        description="维修资金未公示",
        owner=world.company_x,
        working_days=5,
    )
    services.rectify_problem(actor=world.rc_member, problem=p, rectification="已补充公示")
    doc = Document(io.BytesIO(documents.investigation_docx(inv)))
    text = "\n".join(par.text for par in doc.paragraphs)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "维修资金未公示" in text and "已补充公示" in text
    assert "维修资金使用" in cells and "未发布（逾期）" in cells
