"""Issue 9: the public case page is rendered once per state of what it shows and cached — and never served stale.

Every change the page shows is made through the services (or a plain model save, as the admin does) and must be
on the very next request: a new public event, a status change, a rating, a summons and its reply, a summoned
organisation's new name, the day on which a closed case leaves the board. What is private — the reporter, their
contact, photos, the follow link, non-public events and a disputing resident's reasons — never appears, cached
or not. The cache itself is proven to be used: a cached visit is one query and builds nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sanfang.cases import public, services
from sanfang.cases.models import Case, CaseClass, CaseEvent, Rating, Status
from sanfang.core import stamps
from sanfang.core.testing import XSS

from .test_pages import SECRET_NAME, SECRET_PHONE, _jpeg_with_gps

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _reported(world, case_class=CaseClass.ROUTINE) -> Case:
    """A resident's report (from their own phone) with a name, a phone and a photo, classified so that the
    board shows it."""
    photo = SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    data = {
        "category": "sanitation",
        "description": f"垃圾桶满溢三天无人清运{XSS}",
        "reporter_name": SECRET_NAME,
        "reporter_contact": SECRET_PHONE,
        "photos": [photo],
    }
    assert Client().post(f"/cases/report/{world.compound_a1.code}/", data).status_code == 302
    case = Case.objects.get()
    return services.classify_case(actor=world.epmc_lead, case=case, case_class=case_class)


def page(client, case: Case) -> str:
    response = client.get(f"/cases/public/{case.tracking_no}/")
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") :]  # the head carries the per-request CSRF token


def assert_nothing_private(html: str, case: Case) -> None:
    assert SECRET_NAME not in html and SECRET_PHONE not in html
    assert case.follow_token not in html
    assert "/cases/photos/" not in html and ".jpg" not in html
    assert XSS not in html  # escaped: the title is the resident's own words


def test_issue9_public_case_is_served_from_the_cache_until_it_changes(client, world, monkeypatch):
    case = _reported(world)
    first = page(client, case)
    monkeypatch.setattr(services, "board_case", lambda *a, **kw: pytest.fail("rebuilt from the database"))
    with CaptureQueriesContext(connection) as ctx:
        again = page(client, case)
    assert again == first
    assert len(ctx) == 1  # the case's compound with its two stamps
    assert "cases_caseevent" not in ctx.captured_queries[0]["sql"]


def test_issue9_a_new_release_renders_the_public_case_page_anew(client, world, settings, monkeypatch):
    """A deploy that changes the templates must not serve a page rendered by the release before
    (core/page_cache.py `key`): the release is in the cache key."""
    case = _reported(world)
    settings.RELEASE = "2026.12.1"
    page(client, case)
    builds, build = [], services.board_case
    monkeypatch.setattr(services, "board_case", lambda *a, **kw: builds.append(1) or build(*a, **kw))
    page(client, case)
    assert builds == []  # the same release: from the cache
    settings.RELEASE = "2026.12.2"
    page(client, case)
    assert builds == [1]  # a new release: rendered anew
    page(client, case)
    assert builds == [1]


def test_issue9_a_new_public_event_is_on_the_public_case_page_at_once(client, world):
    case = _reported(world)
    page(client, case)
    services.update_progress(actor=world.epmc_lead, case=case, text="已联系保洁公司明日清运")
    assert "已联系保洁公司明日清运" in page(client, case)
    # As the admin would: a plain save of an event.
    CaseEvent.objects.create(case=case, verb="progress", text="垃圾桶已清空", public=True)
    assert "垃圾桶已清空" in page(client, case)


def test_issue9_a_status_change_is_on_the_public_case_page_at_once(client, world):
    case = _reported(world)
    assert "办理中" in page(client, case)
    services.resolve_case(actor=world.epmc_lead, case=case, solution="已增加清运频次")
    html = page(client, case)
    assert "已办结，待评价" in html and "已增加清运频次" in html


def test_issue9_a_rating_is_on_the_public_case_page_at_once_without_the_residents_reasons(client, world):
    case = _reported(world)
    services.resolve_case(actor=world.epmc_lead, case=case, solution="已增加清运频次")
    page(client, case)
    services.give_feedback(
        actor=None,
        case=case,
        token=case.follow_token,
        rating=Rating.UNSATISFIED,
        comment="秘密理由：还是没人清运",
        dispute=True,
    )
    html = page(client, case)
    assert "反映人对办结有异议，重新办理" in html
    assert "秘密理由" not in html
    case.refresh_from_db()
    services.resolve_case(actor=world.epmc_lead, case=case, solution="每日清运两次")
    page(client, case)
    services.give_feedback(actor=None, case=case, token=case.follow_token, rating=Rating.SATISFIED)
    html = page(client, case)
    assert "已关闭" in html and "反映人评价：满意" in html
    assert_nothing_private(html, case)


def test_issue9_a_summons_its_reply_and_the_organisations_new_name_are_on_the_page_at_once(client, world):
    case = _reported(world, case_class=CaseClass.BEYOND_REMIT)
    page(client, case)
    services.propose_summons(actor=world.epmc_lead, case=case, proposal="二次供水设施移交需住建部门协调")
    summons = services.issue_street_summons(
        actor=world.party_secretary, case=case, request="请街道协调住建部门处理二次供水"
    )
    assert world.street_office_a.name in page(client, case)
    children = services.summon_departments(
        actor=world.street_official, summons=summons, to_orgs=[world.department], request="请住建部门报到答复"
    )
    services.report_in(actor=world.department_officer, summons=children[0], reply="已列入改造计划")
    assert "已列入改造计划" in page(client, case)
    world.department.name = "阳新县住房和城乡建设局（新）"
    world.department.save()
    assert "阳新县住房和城乡建设局（新）" in page(client, case)


def test_issue9_private_data_never_reaches_the_public_case_page_cached_or_not(client, world):
    case = _reported(world)
    services.hand_over(actor=world.epmc_lead, case=case, to_org=world.company_x, reason="内部移交理由")
    for _ in range(2):  # built, then from the cache
        html = page(client, case)
        assert_nothing_private(html, case)
        assert "内部移交理由" not in html and "由" + world.rc_a.name not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(client, case)
    assert_nothing_private(english, case)
    assert "Progress" in english or "progress" in english


def test_issue9_public_case_page_is_in_the_readers_language(client, world):
    case = _reported(world)
    chinese = page(client, case)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(client, case)
    assert english != chinese
    assert "受理编号" in chinese and "受理编号" not in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert page(client, case) == chinese


def test_issue9_a_closed_case_leaves_the_public_page_with_the_day_and_an_unclassified_one_is_not_there(
    client, world, _frozen
):
    case = _reported(world)
    services.resolve_case(actor=world.epmc_lead, case=case, solution="已清运完毕")
    services.give_feedback(actor=None, case=case, token=case.follow_token, rating=Rating.SATISFIED)
    _frozen.move_to(NOW + dt.timedelta(days=180))
    page(client, case)
    _frozen.move_to(NOW + dt.timedelta(days=181))
    assert client.get(f"/cases/public/{case.tracking_no}/").status_code == 404
    unclassified = services.submit_case(
        actor=world.resident,
        compound=world.compound_a1,
        category="other",
        title="",
        description="楼道灯不亮了",
    )
    assert client.get(f"/cases/public/{unclassified.tracking_no}/").status_code == 404
    assert client.get("/cases/public/no-such-case/").status_code == 404


def test_issue9_a_deleted_case_is_gone_from_its_public_page_at_once(client, world):
    case = _reported(world)
    page(client, case)
    Case.objects.get(pk=case.pk).delete()
    assert client.get(f"/cases/public/{case.tracking_no}/").status_code == 404


def test_issue9_the_public_case_page_and_the_board_share_their_stamps():
    """The board shows the same case summary; both must follow the same changes (publicity/board.py)."""
    from sanfang.publicity import board

    assert public.board_stamp(42) == board.board_stamp(42)
    assert public.DIRECTORY_STAMP == board.DIRECTORY_STAMP


def test_issue9_a_new_report_keeps_the_compounds_cached_pages_and_its_classification_replaces_them(
    client, world
):
    """A report is on no board until it is classified: its insert and first event leave the board's stamp alone
    (a flood of reports does not empty the cache); the classification replaces it in the same transaction."""
    shown = _reported(world)
    html = page(client, shown)
    key = public.board_stamp(world.compound_a1.pk)
    (before,) = stamps.read(key)
    new = services.submit_case(
        actor=None, compound=world.compound_a1, category="other", title="", description="楼道灯坏了一个月"
    )
    assert stamps.read(key) == (before,)
    assert page(client, shown) == html
    services.classify_case(actor=world.epmc_lead, case=new, case_class=CaseClass.ROUTINE)
    assert stamps.read(key) != (before,)
    assert page(client, new)  # public now


@pytest.mark.parametrize("case_class", ["", *CaseClass.values])
@pytest.mark.parametrize("status", Status.values)
def test_case_is_public_says_what_the_public_queryset_selects(world, case_class, status):
    case = services.submit_case(
        actor=None, compound=world.compound_a1, category="other", title="", description="楼道灯坏了一个月"
    )
    Case.objects.filter(pk=case.pk).update(status=status, case_class=case_class)
    case.refresh_from_db()
    assert case.is_public == Case.objects.public().filter(pk=case.pk).exists()
