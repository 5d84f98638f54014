"""Place pages link only to places the reader may open; the others are named without a link (no dead 404s)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_company_sees_neighbouring_compound_named_but_not_linked(world, login):
    client = login(world.company_head)
    html = client.get(reverse("directory:place", args=[world.community_a.code])).content.decode()
    assert reverse("directory:place", args=[world.compound_a1.code]) in html
    assert reverse("directory:place", args=[world.compound_a2.code]) not in html
    assert world.compound_a2.name in html


def test_community_staff_breadcrumb_does_not_link_the_county(world, login):
    client = login(world.rc_member)
    html = client.get(reverse("directory:place", args=[world.compound_a1.code])).content.decode()
    assert reverse("directory:place", args=[world.county.code]) not in html
    assert reverse("directory:place", args=[world.community_a.code]) in html


def test_superuser_gets_every_link(world, login):
    html = login(world.admin).get(reverse("directory:place", args=[world.community_a.code])).content.decode()
    assert reverse("directory:place", args=[world.compound_a2.code]) in html
