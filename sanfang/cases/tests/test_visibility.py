"""Issue 9: the two ways of deciding which cases a person sees agree — `cases_visible_to` (the lists, in SQL, by the
compound's id where the scope's places are few) and `can_see_case` (one case read by primary key, checked in
Python) — with each other and with the scope's filter on the compound's path, for every persona."""

from __future__ import annotations

import pytest
from django.http import Http404

from sanfang.cases import permissions, services
from sanfang.cases.models import Case, Summons, SummonsLevel
from sanfang.core.testing import PERSONAS
from sanfang.directory.models import Person
from sanfang.directory.scopes import get_scope

pytestmark = pytest.mark.django_db


def _report(actor, compound, description: str, **extra) -> Case:
    return services.submit_case(
        actor=actor, compound=compound, category="other", title="", description=description, **extra
    )


@pytest.fixture
def cases(world):
    """A case in every compound (anonymous), one reported by a resident, one entered by the grid worker, and one
    summoned to the department outside anything else the department officer sees."""
    made = [
        _report(None, compound, "楼道灯坏了")
        for compound in (world.compound_a1, world.compound_a2, world.compound_b1)
    ]
    made.append(_report(world.other_resident, world.compound_a2, "和谐苑的问题"))
    made.append(_report(world.grid_worker, world.compound_a1, "网格员巡查发现", source="found"))
    summoned = made[2]  # compound B1: outside the department's places
    Summons.objects.create(
        case=summoned,
        level=SummonsLevel.DEPARTMENT,
        from_org=world.street_office_a,
        to_org=world.department,
        request="请到场",
    )
    return made


def test_the_list_the_single_read_and_the_path_filter_agree_for_every_persona(world, cases):
    everything = set(Case.objects.values_list("pk", flat=True))
    assert len(everything) == len(cases)
    seen_by_someone = set()
    for name in PERSONAS:
        person = Person.objects.get(pk=getattr(world, name).pk)
        listed = set(permissions.cases_visible_to(person).values_list("pk", flat=True))
        scope = get_scope(person)
        by_path = set(
            Case.objects.filter(scope.place_q("compound__path", roles=permissions.CASE_READERS)).values_list(
                "pk", flat=True
            )
        )
        by_id = set(
            Case.objects.filter(
                scope.place_id_q("compound_id", "compound__path", roles=permissions.CASE_READERS)
            ).values_list("pk", flat=True)
        )
        assert by_id == by_path, name
        for case in Case.objects.select_related("compound"):
            assert permissions.can_see_case(person, case) == (case.pk in listed), (name, case.pk)
            if case.pk in listed:
                assert permissions.get_case_for(person, case.pk).pk == case.pk
            else:
                with pytest.raises(Http404):
                    permissions.get_case_for(person, case.pk)
        seen_by_someone |= listed
    assert seen_by_someone == everything
    # The department officer sees the summoned case only; the resident their own report only.
    officer = Person.objects.get(pk=world.department_officer.pk)
    assert set(permissions.cases_visible_to(officer).values_list("pk", flat=True)) == {cases[2].pk}
    other = Person.objects.get(pk=world.other_resident.pk)
    assert set(permissions.cases_visible_to(other).values_list("pk", flat=True)) == {cases[3].pk}


def test_an_unknown_case_is_not_found(world):
    with pytest.raises(Http404):
        permissions.get_case_for(world.admin, 987654)
