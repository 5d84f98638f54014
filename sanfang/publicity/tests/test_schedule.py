"""PN-1: what each compound's board owes, when, and by whom; unpublished past its due date is overdue."""

import datetime as dt

from sanfang.core.testing import make_org
from sanfang.directory.models import OrgKind
from sanfang.publicity import services
from sanfang.publicity.models import BoardItem, ItemKind, Party

from .conftest import item_of


def test_pn1_each_of_the_three_parties_owes_this_years_commitments(scheduled):
    w = scheduled
    parties = set(
        BoardItem.objects.filter(
            compound=w.compound_a1, kind=ItemKind.COMMITMENT, period_key="2026"
        ).values_list("party", flat=True)
    )
    assert parties == {Party.RESIDENTS_COMMITTEE, Party.OWNERS_COMMITTEE, Party.PROPERTY_COMPANY}
    rc_item = item_of(w.compound_a1, ItemKind.COMMITMENT, Party.RESIDENTS_COMMITTEE)
    assert rc_item.organisation == w.rc_a
    assert rc_item.due_on == dt.date(2026, 1, 31)


def test_pn1_fee_and_fund_disclosures_have_periods_and_due_dates(scheduled):
    w = scheduled
    price = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    assert price.organisation == w.company_x and price.party == Party.PROPERTY_COMPANY
    income = item_of(w.compound_a1, ItemKind.INCOME_STATEMENT)
    assert (income.period_key, income.due_on) == ("2025", dt.date(2026, 3, 31))
    quarters = list(
        BoardItem.objects.filter(compound=w.compound_a1, kind=ItemKind.COMMON_INCOME)
        .order_by("period_key")
        .values_list("period_key", "due_on")
    )
    assert quarters == [
        ("2025Q4", dt.date(2026, 1, 15)),
        ("2026Q1", dt.date(2026, 4, 15)),
        ("2026Q2", dt.date(2026, 7, 15)),
        ("2026Q3", dt.date(2026, 10, 15)),
    ]
    fund = item_of(w.compound_a1, ItemKind.MAINTENANCE_FUND)
    assert fund.party == Party.OWNERS_COMMITTEE and fund.due_on == dt.date(2026, 3, 31)


def test_pn1_without_owners_committee_the_company_discloses_common_income(scheduled):
    w = scheduled
    assert item_of(w.compound_a2, ItemKind.COMMON_INCOME).organisation == w.company_y
    assert not BoardItem.objects.filter(compound=w.compound_a2, party=Party.OWNERS_COMMITTEE).exists()


def test_pn1_a_compound_without_property_service_still_owes_the_fund_account_by_the_rc(scheduled):
    w = scheduled
    make_org(OrgKind.RESIDENTS_COMMITTEE, w.community_b)
    services.ensure_schedule(compounds=[w.compound_b1])
    fund = item_of(w.compound_b1, ItemKind.MAINTENANCE_FUND)
    assert fund.party == Party.RESIDENTS_COMMITTEE
    assert not BoardItem.objects.filter(compound=w.compound_b1, kind=ItemKind.PRICE_DISPLAY).exists()


def test_scheduling_twice_creates_nothing_more(scheduled):
    w = scheduled
    assert services.ensure_schedule(compounds=[w.compound_a1, w.compound_a2, w.compound_b1]) == 0


def test_pn1_an_item_unpublished_after_its_due_date_is_overdue(scheduled):
    w = scheduled
    overdue = BoardItem.objects.filter(compound=w.compound_a1).overdue()
    assert item_of(w.compound_a1, ItemKind.INCOME_STATEMENT) in overdue
    assert all(i.is_overdue() for i in overdue)


def test_add_months_clamps_to_the_end_of_short_months():
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert services.add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
