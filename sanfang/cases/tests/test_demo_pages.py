"""Every case page of the demo renders for the people who work on it (and the street's views), with the
route's actions offered to the right person only."""

import datetime as dt

import pytest
import time_machine

from sanfang.cases.models import Case, CaseClass, MajorMatter, Status


@pytest.fixture
def demo(db):
    from sanfang.cases import demo
    from sanfang.directory import demo as directory_demo

    with time_machine.travel(
        dt.datetime(2026, 11, 24, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        ctx = directory_demo.build(scale="small", seed=2022, today=dt.date(2026, 11, 24))
        demo.populate(ctx)
        yield ctx


def test_every_demo_case_page_renders_for_office_company_street_and_party(demo, login):
    p = demo.personas
    cases = list(Case.objects.filter(compound=demo.home_compound))
    for person in (p["office"], p["company"], p["street"], p["party"], p["oc"]):
        client = login(person)
        for case in cases:
            resp = client.get(f"/cases/{case.pk}/")
            assert resp.status_code == 200, (person, case)
    office = login(p["office"])
    legacy = next(c for c in cases if c.case_class == CaseClass.LEGACY)
    assert "三方齐全" in office.get(f"/cases/{legacy.pk}/").content.decode()
    new = next(c for c in cases if c.status == Status.NEW)
    assert f"/cases/{new.pk}/classify/" in office.get(f"/cases/{new.pk}/").content.decode()
    assert f"/cases/{new.pk}/classify/" not in login(p["company"]).get(f"/cases/{new.pk}/").content.decode()
    beyond = next(c for c in cases if c.case_class == CaseClass.BEYOND_REMIT)
    dept_page = login(p["dept"]).get(f"/cases/{beyond.pk}/")
    assert dept_page.status_code == 200 and "逾期" in dept_page.content.decode()


def test_street_pages_and_lists_render_on_the_demo(demo, login):
    p = demo.personas
    street = login(p["street"])
    body = street.get("/cases/summonses/?show=overdue").content.decode()
    assert "阳新县市场监督管理局" in body
    for url in ("/cases/overview/", "/cases/overview/?by=company", "/cases/?view=overdue", "/cases/matters/"):
        assert street.get(url).status_code == 200, url
    fee = MajorMatter.objects.get(kind="fee_change")
    page = login(p["party"]).get(f"/cases/matters/{fee.pk}/").content.decode()
    assert "确认介入" in page
    office = login(p["office"])
    for url in (
        "/cases/",
        "/cases/?view=mine&status=open",
        "/cases/new/",
        f"/cases/new/?compound={demo.home_compound.code}",
    ):
        assert office.get(url).status_code == 200, url
    todos = office.get("/todos/").content.decode()
    assert "待受理分类" in todos


def test_public_board_pages_of_the_demo_show_no_reporter(demo, client):
    for case in Case.objects.public().filter(compound=demo.home_compound):
        resp = client.get(f"/cases/public/{case.tracking_no}/")
        assert resp.status_code == 200
        body = resp.content.decode()
        if case.reporter_id:
            assert case.reporter.name not in body and case.reporter.phone not in body
        if case.reporter_contact:
            assert case.reporter_contact not in body
