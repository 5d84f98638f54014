"""The street's appraisal standard (EV-3, EV-4): a versioned, weighted tree of criteria."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.appraisal import scoring, services
from sanfang.appraisal.models import Content, Criterion, Level, Scale, Standard
from sanfang.core.errors import RuleViolation


def test_ev3_street_official_sets_one_standard_for_all_its_communities(world, standard):
    assert standard.status == Standard.Status.PUBLISHED
    assert standard.street == world.street_a
    assert Standard.objects.current_for(world.street_a) == standard
    assert {c.content for c in standard.criteria.all()} == set(Content.values)


def test_ev3_party_org_and_other_street_cannot_set_the_street_standard(world):
    for outsider in (world.party_secretary, world.other_street_official, world.company_head):
        with pytest.raises(PermissionDenied):
            services.create_standard(actor=outsider, street=world.street_a, name="x")


def test_ev4_standard_missing_one_of_the_four_contents_cannot_be_published(world):
    std = services.create_standard(actor=world.street_official, street=world.street_a, name="不完整")
    services.add_criterion(actor=world.street_official, standard=std, title="联动", content=Content.LINKAGE)
    with pytest.raises(RuleViolation) as exc:
        services.publish_standard(actor=world.street_official, standard=std)
    assert "处理居民投诉" in exc.value.message
    std.refresh_from_db()
    assert std.status == Standard.Status.DRAFT


def test_ev3_published_standard_is_frozen_and_a_new_version_copies_its_tree(world, standard):
    leaf = standard.criteria.filter(parent__isnull=False).first()
    with pytest.raises(RuleViolation):
        services.update_criterion(actor=world.street_official, criterion=leaf, weight=5)
    draft = services.new_version(actor=world.street_official, standard=standard)
    assert draft.number == standard.number + 1
    assert draft.criteria.count() == standard.criteria.count()
    assert draft.criteria.filter(parent__isnull=False).exclude(parent__standard=draft).count() == 0


def test_ev3_a_round_keeps_the_standard_version_it_started_with(world, rnd, standard):
    draft = services.new_version(actor=world.street_official, standard=standard)
    top = draft.criteria.filter(parent__isnull=True).first()
    services.update_criterion(actor=world.street_official, criterion=top, weight=99)
    services.publish_standard(actor=world.street_official, standard=draft)
    rnd.refresh_from_db()
    assert rnd.standard == standard
    assert Standard.objects.current_for(world.street_a) == draft


def test_ev4_children_inherit_content_and_bad_weights_are_refused(world):
    std = services.create_standard(actor=world.street_official, street=world.street_a, name="t")
    parent = services.add_criterion(
        actor=world.street_official, standard=std, title="p", content=Content.COMPLAINTS
    )
    child = services.add_criterion(
        actor=world.street_official, standard=std, title="c", parent=parent, content=Content.LINKAGE
    )
    assert child.content == Content.COMPLAINTS
    with pytest.raises(RuleViolation):
        services.add_criterion(
            actor=world.street_official, standard=std, title="w", content="linkage", weight="-1"
        )
    with pytest.raises(RuleViolation):
        services.update_standard(actor=world.street_official, standard=std, indicator_weight="1.5")


def test_ev4_effective_weights_multiply_down_the_tree():
    std = Standard(drop_extremes=False, indicator_weight=Decimal("0"))
    a = Criterion(pk=1, weight=3, content=Content.LINKAGE, scale=Scale.LEVELS)
    b = Criterion(pk=2, weight=1, content=Content.COMPLAINTS, scale=Scale.SCORE)
    a1 = Criterion(pk=3, parent_id=1, weight=1, scale=Scale.LEVELS)
    a2 = Criterion(pk=4, parent_id=1, weight=1, scale=Scale.LEVELS)
    weights = scoring.effective_weights([a, b, a1, a2])
    assert weights == {1: 0.75, 2: 0.25, 3: 0.375, 4: 0.375}
    dist = {
        "2": {"scale": "score", "counts": {"50.0": 1, "80.0": 1, "100.0": 1}},
        "3": {"scale": "levels", "counts": {Level.SATISFIED: 2, Level.BASIC: 0, Level.UNSATISFIED: 0}},
        "4": {"scale": "levels", "counts": {Level.SATISFIED: 0, Level.BASIC: 2, Level.UNSATISFIED: 0}},
    }
    result = scoring.score_subject(std, [a, b, a1, a2], "property_company", dist)
    # 0.375*100 + 0.375*60 + 0.25*(230/3)
    assert result.ballot == pytest.approx(round(37.5 + 22.5 + 0.25 * 230 / 3, 2))


def test_ev3_drop_highest_and_lowest_is_a_view_of_the_raw_distribution():
    c = Criterion(pk=1, weight=1, content=Content.LINKAGE, scale=Scale.SCORE)
    dist = {"scale": "score", "counts": {"0.0": 1, "80.0": 1, "90.0": 1, "100.0": 1}}
    assert scoring.criterion_mean(c, dist, drop_extremes=False) == pytest.approx(67.5)
    assert scoring.criterion_mean(c, dist, drop_extremes=True) == pytest.approx(85)
    assert dist["counts"] == {"0.0": 1, "80.0": 1, "90.0": 1, "100.0": 1}  # raw answers untouched
