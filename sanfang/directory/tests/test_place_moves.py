"""Moving a place (a community re-districted to another street): everything below it moves along, and a place can
only sit one level below its parent."""

import pytest
from django.core.exceptions import ValidationError

from sanfang.directory.models import Place, PlaceKind
from sanfang.directory.scopes import get_scope

pytestmark = pytest.mark.django_db


def test_moving_a_community_rewrites_the_paths_below_it_and_the_streets_scopes_follow(world):
    community = world.community_a
    community.parent = world.street_b
    community.save()

    for compound in (world.compound_a1, world.compound_a2):
        compound.refresh_from_db()
        assert compound.path == f"{world.street_b.path}{community.pk}/{compound.pk}/"
        assert compound.is_within(world.street_b)
    visible_b = set(Place.objects.visible_to(world.other_street_official).values_list("pk", flat=True))
    assert {community.pk, world.compound_a1.pk, world.compound_a2.pk} <= visible_b
    assert not Place.objects.visible_to(world.street_official).filter(pk=world.compound_a1.pk).exists()
    assert get_scope(world.other_street_official).reaches(Place.objects.get(pk=world.compound_a1.pk))
    # Places elsewhere keep their paths.
    world.compound_b1.refresh_from_db()
    assert world.compound_b1.path == f"{world.community_b.path}{world.compound_b1.pk}/"


def test_a_place_sits_exactly_one_level_below_its_parent(world):
    world.compound_a1.parent = world.street_a  # a compound straight under a street
    with pytest.raises(ValidationError) as caught:
        world.compound_a1.full_clean()
    assert "上级须是上一级地点" in str(caught.value)

    world.street_a.parent = world.community_a  # a street under its own community: a loop
    with pytest.raises(ValidationError):
        world.street_a.full_clean()

    orphan = Place(kind=PlaceKind.COMMUNITY, name="无上级社区", code="X-1")
    with pytest.raises(ValidationError) as caught:
        orphan.full_clean()
    assert "须有上级" in str(caught.value)

    world.community_b.parent = world.street_a  # a legal move validates
    world.community_b.full_clean()
