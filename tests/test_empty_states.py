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
