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
