"""Issue 8 item 5: an empty list explains what to do next, with the link to do it where the viewer may act."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_empty_case_queue_says_where_cases_come_from_and_links_to_entering_one(world, login):
    html = login(world.rc_member).get("/cases/?view=mine&status=open").content.decode()
    assert "居民通过公示栏反映的问题" in html
    assert 'href="/cases/new/">登记问题</a></p>' in html


def test_the_county_without_campaigns_is_told_to_launch_one_below(world, login):
    html = login(world.county_official).get("/campaigns/").content.decode()
    assert "用下面的表单发起一次" in html and "发起并通知各街道" in html


def test_a_street_without_campaigns_is_told_it_will_be_notified(world, login):
    html = login(world.street_official).get("/campaigns/").content.decode()
    assert "县级发起专项整治后会列在这里" in html and "发起并通知各街道" not in html


# --- Directory --------------------------------------------------------------------------------------------------


def _page(login, person, url):
    response = login(person).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_issue8_someone_without_position_or_home_is_told_why_the_directory_is_empty(world, login):
    from sanfang.core.testing import make_person

    html = _page(login, make_person(), "/directory/places/")
    assert "您还没有登记职务，所住小区也还没有核实" in html and 'href="/directory/compounds/"' in html
    assert "在管理后台添加县" not in html


def test_issue8_an_empty_place_offers_the_add_form_to_a_manager_and_names_who_registers_to_others(
    world, login
):
    from sanfang.core.testing import make_place
    from sanfang.directory.models import PlaceKind

    compound = make_place(PlaceKind.COMPOUND, world.community_a)
    url = f"/directory/places/{compound.code}/"
    html = _page(login, world.rc_member, url)
    assert "点下面的“添加组织”" in html and "点下面的“登记合同”" in html
    assert "楼栋由平台管理员登记" in html  # no building form exists outside the admin
    html = _page(login, world.grid_worker, url)
    assert (
        "组织由街道或社区党组织、居委会在名录中登记" in html
        and "物业服务合同由街道或社区在名录中登记" in html
    )
    assert "点下面的“添加组织”" not in html and "点下面的“登记合同”" not in html
    html = _page(login, world.admin, url)
    assert 'href="/admin/directory/building/add/"' in html


def test_issue8_an_empty_community_says_who_adds_its_compounds(world, login):
    from sanfang.core.testing import appoint, make_org, make_person, make_place
    from sanfang.directory.models import OrgKind, PlaceKind

    community = make_place(PlaceKind.COMMUNITY, world.street_a)
    url = f"/directory/places/{community.code}/"
    assert "点下面的“添加小区”逐个登记" in _page(login, world.street_official, url)
    grid_worker = make_person()
    appoint(grid_worker, make_org(OrgKind.GRID, community), "网格员")
    html = _page(login, grid_worker, url)
    assert "由上级单位在名录中登记后会列在这里" in html and "点下面的“添加小区”" not in html


def test_issue8_an_organisation_without_people_offers_the_appointment_form_only_to_its_managers(world, login):
    from sanfang.core.testing import make_org
    from sanfang.directory.models import OrgKind

    org = make_org(OrgKind.OWNERS_COMMITTEE, world.compound_a2)
    url = f"/directory/organisations/{org.pk}/"
    assert "用下面的“任命人员”表单登记" in _page(login, world.rc_member, url)
    html = _page(login, world.grid_worker, url)
    assert "人员由本单位负责人或上级单位在名录中任命" in html and "用下面的“任命人员”" not in html


def test_issue8_my_account_explains_missing_positions_residency_and_tokens(world, login):
    html = _page(login, world.resident, "/directory/me/")
    assert "暂无职务。职务由您所在单位的负责人或社区在名录中登记" in html
    assert "没有有效的令牌" in html
    html = _page(login, world.rc_member, "/directory/me/")
    assert "您还没有登记所住的小区。点下面的按钮登记" in html


# --- Meetings ---------------------------------------------------------------------------------------------------

TZ8 = __import__("datetime").timezone(__import__("datetime").timedelta(hours=8))


@pytest.fixture
def april(world):
    """Community A's April 2026 regular meeting, seen on Monday 6 April (the agenda window is open)."""
    import datetime as dt

    import time_machine

    from sanfang.meetings import services

    with time_machine.travel(dt.datetime(2026, 4, 6, 9, 0, tzinfo=TZ8), tick=False) as traveller:
        meeting, _created = services.create_regular_meeting(world.community_a, 2026, 4)
        yield meeting, traveller


def test_issue8_an_empty_meeting_list_tells_the_office_to_call_one_and_others_how_they_join(world, login):
    html = _page(login, world.epmc_lead, "/meetings/")
    assert "点上面的“召开临时会议”" in html
    html = _page(login, world.oc_member, "/meetings/")
    assert "您被列为参会人后会在这里看到" in html and "点上面的“提出议题”" in html
    assert "点上面的“召开临时会议”" not in html
    html = _page(login, world.resident, "/meetings/")
    assert "您被列为参会人后会在这里看到" in html and "提出议题" not in html
    assert "查看全部会议" in _page(login, world.epmc_lead, "/meetings/?status=closed")


def test_issue8_my_agenda_items_offers_raising_only_to_those_who_may(world, login):
    html = _page(login, world.oc_member, "/meetings/items/mine/")
    assert "点上面的“提出议题”" in html and 'href="/meetings/items/raise/"' in html
    html = _page(login, world.resident, "/meetings/items/mine/")
    assert "扫描小区公示栏上的二维码" in html and 'href="/meetings/items/raise/"' not in html


def test_issue8_empty_resolution_list_says_what_lands_there_or_why_nothing_can(world, login):
    html = _page(login, world.company_head, "/meetings/resolutions/mine/")
    assert "联席会议把事项交给贵单位办理后会列在这里" in html
    assert "查看办理中的事项" in _page(login, world.company_head, "/meetings/resolutions/mine/?state=overdue")
    html = _page(login, world.resident, "/meetings/resolutions/mine/")
    assert "您没有在任何单位登记职务" in html


def test_issue8_street_overview_without_communities_links_to_the_directory(world, login):
    from sanfang.core.testing import make_place
    from sanfang.directory.models import PlaceKind

    street = make_place(PlaceKind.STREET, world.county)
    html = _page(login, world.county_official, f"/meetings/overview/?street={street.code}")
    assert "该街道下还没有登记社区" in html and f'href="/directory/places/{street.code}/"' in html
    assert login(world.resident).get("/meetings/overview/").status_code == 403  # not a page for residents


def test_issue8_empty_summaries_offer_the_generator_to_the_office_only(world, login):
    html = _page(login, world.epmc_lead, "/meetings/summaries/")
    assert "用上面的表单根据会议数据生成草稿" in html
    html = _page(login, world.party_secretary, "/meetings/summaries/")
    assert "总结由社区联席会议办公室根据会议数据生成" in html and "用上面的表单" not in html


def test_issue8_workbench_without_meetings_links_to_calling_one(world, login):
    html = _page(login, world.epmc_lead, "/meetings/workbench/")
    assert "暂无已安排的会议" in html and 'href="/meetings/new/"' in html
    html = _page(login, world.resident, "/meetings/workbench/")
    assert "您被列为参会人后，会议会列在这里" in html and 'href="/meetings/new/"' not in html


def test_issue8_a_new_meeting_page_says_who_fills_agenda_documents_and_resolutions(world, april, login):
    meeting, _traveller = april
    url = f"/meetings/{meeting.pk}/"
    html = _page(login, world.epmc_lead, url)
    assert "参会各方提出的议题会出现在下面等待审核" in html
    assert "会前用下面的按钮根据议程起草会议通知" in html
    assert "确认会议已召开后，可以在这里录入议定事项" in html
    html = _page(login, world.oc_member, url)
    assert "点上面的“提出议题”提交需要商议的事" in html
    assert "会议通知和纪要经召集人审签后会在这里发布" in html
    assert "由联席会议办公室录入后会列在这里" in html


def test_issue8_an_empty_participant_list_says_who_draws_it_up(world, april, login):
    meeting, _traveller = april
    meeting.participants.all().delete()
    url = f"/meetings/{meeting.pk}/"
    assert "点下面的“添加参会或列席人员”" in _page(login, world.epmc_lead, url)
    html = _page(login, world.party_secretary, url)
    assert "名单由联席会议办公室确定" in html and "添加参会或列席人员" not in html


def test_issue8_a_resolution_without_progress_offers_the_form_to_its_owner_only(world, april, login):
    import datetime as dt

    from sanfang.meetings import services

    meeting, traveller = april
    traveller.move_to(dt.datetime(2026, 4, 30, 9, tzinfo=TZ8))
    for p in meeting.participants.all():
        services.record_attendance(actor=world.epmc_lead, participant=p, present=True)
    services.mark_held(actor=world.epmc_lead, meeting=meeting)
    html = _page(login, world.epmc_lead, f"/meetings/{meeting.pk}/")
    assert "用下面的“录入议定事项”逐条录入" in html
    res = services.add_resolution(
        actor=world.epmc_lead, meeting=meeting, text="修门禁", owner=world.company_x, working_days=5
    )
    url = f"/meetings/resolutions/{res.pk}/"
    assert "办理有进展时，用下面的表单记录" in _page(login, world.company_head, url)
    html = _page(login, world.party_secretary, url)
    assert "责任方记录办理进展后会显示在这里" in html


# --- Publicity --------------------------------------------------------------------------------------------------


def test_issue8_an_empty_board_tells_residents_who_publishes_and_how_to_report(world, client, login):
    url = f"/b/{world.compound_b1.code}"
    html = client.get(url).content.decode()
    assert "应在每年 1 月 31 日前公示本年度的服务承诺" in html
    assert "点上面的“反映问题”告诉三方" in html and "尚未公开三方负责人的联系方式。负责人由社区" in html
    html = _page(login, world.other_street_official, url)
    assert (
        f'href="/publicity/compounds/{world.compound_b1.code}/">管理公示' in html
    )  # staff: the page's button
    # The printed poster and the big screen carry a QR code, not the page's button.
    poster = client.get(f"{url}/poster").content.decode()
    assert "扫描本页的二维码反映" in poster and "点上面的“反映问题”" not in poster
    assert "扫描本页的二维码反映" in client.get(f"{url}/screen").content.decode()


def test_issue8_publicity_home_says_nothing_is_due_for_an_editor_and_how_to_widen_a_search(world, login):
    html = _page(login, world.company_head, "/publicity/")
    assert "我方暂无待公示的事项" in html
    html = _page(login, world.street_official, "/publicity/?q=不存在的小区")
    assert "没有符合条件的小区" in html and "显示全部小区" in html and "我方暂无待公示的事项" not in html


def test_issue8_a_compound_without_items_offers_creating_them_only_to_its_parties(world, login):
    url = f"/publicity/compounds/{world.compound_a1.code}/"
    assert "点上面的“生成本期应公示事项”" in _page(login, world.rc_member, url)
    html = _page(login, world.street_official, url)
    assert "生成本期应公示事项后会列在这里" in html and "点上面的“生成本期应公示事项”" not in html


def test_issue8_an_unpublished_item_history_says_versions_appear_once_published(world, client):
    from sanfang.publicity import services
    from sanfang.publicity.models import BoardItem

    services.ensure_schedule(compounds=[world.compound_a1])
    item = BoardItem.objects.filter(compound=world.compound_a1).first()
    html = client.get(f"/b/{world.compound_a1.code}/items/{item.pk}").content.decode()
    assert "该事项尚未公示，所以还没有版本" in html


# --- Bulletins --------------------------------------------------------------------------------------------------


def test_issue8_an_empty_bulletin_inbox_says_what_arrives_and_offers_sending_to_the_parties(world, login):
    html = _page(login, world.rc_member, "/bulletins/?box=in")
    assert "还没有发给贵单位的通报" in html and "点上面的“发通报”" in html
    assert "点上面的“发通报”，选择接收方" in _page(login, world.rc_member, "/bulletins/?box=out")
    assert "没有等待您签收的通报" in _page(login, world.rc_member, "/bulletins/?box=in&pending=1")
    html = _page(login, world.street_official, "/bulletins/")
    assert "超过期限未签收的，会报告社区党组织和街道督办" in html and "点上面的“发通报”" not in html
    html = _page(login, world.resident, "/bulletins/")
    assert "居民遇到问题，请扫描小区公示栏上的二维码反映" in html and "发通报" not in html


def test_issue8_bulletin_and_report_overviews_without_communities_point_to_the_directory(world, login):
    from sanfang.core.testing import make_org, make_place, make_staff
    from sanfang.directory.models import OrgKind, PlaceKind

    street = make_place(PlaceKind.STREET, world.county)
    official = make_staff(OrgKind.STREET, street, make_org(OrgKind.STREET, street))
    html = _page(login, official, "/bulletins/overview/")
    assert "按社区统计通报的签收情况" in html and 'href="/directory/places/"' in html
    html = _page(login, official, "/reports/overview/")
    assert "按社区统计报告的办理情况" in html and 'href="/directory/places/"' in html
    assert login(world.resident).get("/bulletins/overview/").status_code == 403
    assert login(world.resident).get("/reports/overview/").status_code == 403


# --- Reports ----------------------------------------------------------------------------------------------------


def test_issue8_an_empty_report_list_offers_filing_to_filers_and_explains_reports_to_others(world, login):
    html = _page(login, world.oc_member, "/reports/?box=filed")
    assert "点上面的“新报告”填写" in html
    html = _page(login, world.street_official, "/reports/?box=received")
    assert "还没有报送给贵单位的报告" in html
    assert "取消筛选" in _page(login, world.oc_member, "/reports/?box=all&unanswered=1")
    html = _page(login, world.resident, "/reports/")
    assert "这里没有您可以查看的报告" in html and "新报告" not in html


def test_issue8_a_report_without_opinions_offers_the_form_to_recipients_only(world, login):
    from sanfang.reports.tests.factories import file_fund_use

    report = file_fund_use(world)
    url = f"/reports/{report.pk}/"
    assert "对报告有意见，可以在下面填写" in _page(login, world.street_official, url)
    html = _page(login, world.oc_member, url)
    assert "接收方提出意见后会列在这里" in html and "对报告有意见，可以在下面填写" not in html
