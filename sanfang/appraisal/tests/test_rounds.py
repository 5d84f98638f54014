"""Rounds per community and year (EV-1), their subjects (EV-2), participants, self-reports, meeting (EV-3)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.appraisal import services
from sanfang.appraisal.models import Participant, Round, Subject, SubjectKind
from sanfang.core.errors import RuleViolation
from sanfang.core.testing import make_org
from sanfang.directory.models import OrgKind


def test_ev1_street_opens_the_round_with_a_december_window_run_by_the_party_org(world, rnd):
    assert rnd.status == Round.Status.OPEN
    assert (rnd.opens_on, rnd.closes_on) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert rnd.run_by == world.party_org_a
    assert rnd.street == world.street_a
    assert rnd.publicity_days == 5


def test_ev1_party_org_and_other_street_cannot_open_a_round(world, standard):
    for outsider in (world.party_secretary, world.other_street_official, world.resident):
        with pytest.raises(PermissionDenied):
            services.open_round(actor=outsider, community=world.community_a, year=2026)


def test_ev1_one_round_per_community_and_year(world, rnd):
    with pytest.raises(RuleViolation):
        services.open_round(actor=world.street_official, community=world.community_a, year=2026)


def test_ev1_no_round_without_a_published_street_standard(world):
    with pytest.raises(RuleViolation) as exc:
        services.open_round(actor=world.street_official, community=world.community_a, year=2026)
    assert "测评标准" in exc.value.message


def test_ev2_subjects_are_the_rc_each_owners_committee_and_each_company_serving(world, standard, december):
    oc_a2 = make_org(OrgKind.OWNERS_COMMITTEE, world.compound_a2, parent=world.party_org_a)
    r = services.open_round(actor=world.street_official, community=world.community_a, year=2026)
    subjects = {(s.organisation_id, s.kind) for s in r.subjects.all()}
    assert subjects == {
        (world.rc_a.pk, SubjectKind.RESIDENTS_COMMITTEE),
        (world.oc_a1.pk, SubjectKind.OWNERS_COMMITTEE),
        (oc_a2.pk, SubjectKind.OWNERS_COMMITTEE),
        (world.company_x.pk, SubjectKind.PROPERTY_COMPANY),
        (world.company_y.pk, SubjectKind.PROPERTY_COMPANY),
    }


def test_ev3_participants_come_from_the_directory_plus_office_additions(world, rnd):
    rows = {p.person_id: p for p in rnd.participants.all()}
    # the three parties
    for person in (
        world.rc_member,
        world.epmc_lead,
        world.oc_member,
        world.company_head,
        world.other_company_head,
    ):
        assert rows[person.pk].category == Participant.Category.THREE_PARTIES
    # party members
    assert rows[world.party_secretary.pk].category == Participant.Category.PARTY_MEMBER
    assert rows[world.compound_party_head.pk].category == Participant.Category.PARTY_MEMBER
    # owner representative from the directory; the resident added by the office
    assert any(p.category == Participant.Category.OWNER_REP for p in rows.values())
    assert rows[world.resident.pk].added_by_office
    # outsiders are not eligible
    assert world.other_street_official.pk not in rows
    assert world.other_resident.pk not in rows


def test_ev3_office_addition_refused_for_wrong_role_and_duplicates(world, rnd):
    with pytest.raises(PermissionDenied):
        services.add_participant(actor=world.company_head, round=rnd, person=world.other_resident)
    with pytest.raises(RuleViolation):
        services.add_participant(actor=world.epmc_lead, round=rnd, person=world.resident)


def test_ev3_each_subject_writes_its_own_self_report_and_the_office_records_oral_ones(world, rnd):
    company = rnd.subjects.get(organisation=world.company_x)
    services.submit_self_report(
        actor=world.company_head, subject=company, mode="written", text="全年完成承诺 12 项"
    )
    company.refresh_from_db()
    assert company.report_mode == Subject.ReportMode.WRITTEN and company.report_by == world.company_head
    with pytest.raises(PermissionDenied):
        services.submit_self_report(actor=world.other_company_head, subject=company, mode="written", text="x")
    oc = rnd.subjects.get(organisation=world.oc_a1)
    with pytest.raises(PermissionDenied):
        services.submit_self_report(actor=world.company_head, subject=oc, mode="oral", text="x")
    services.submit_self_report(actor=world.epmc_lead, subject=oc, mode="oral", text="业委会主任口头述职要点")
    oc.refresh_from_db()
    assert oc.report_mode == Subject.ReportMode.ORAL
    with pytest.raises(RuleViolation):
        services.submit_self_report(actor=world.oc_member, subject=oc, mode="written", text="  ")


def test_ev3_the_evaluation_meeting_is_recorded_with_attendance_materials_and_visits(world, rnd):
    m = services.record_meeting(
        actor=world.party_secretary,
        round=rnd,
        held_on=dt.date(2026, 12, 20),
        attendance=35,
        materials_reviewed="会议纪要、工单台账",
        visits=12,
        visits_note="走访 12 户",
    )
    assert m.attendance == 35
    m2 = services.record_meeting(
        actor=world.epmc_lead, round=rnd, version=m.version, held_on=dt.date(2026, 12, 21)
    )
    assert m2.version == 2
    from sanfang.core.errors import Conflict

    with pytest.raises(Conflict):
        services.record_meeting(actor=world.epmc_lead, round=rnd, version=1, held_on=dt.date(2026, 12, 22))
    with pytest.raises(PermissionDenied):
        services.record_meeting(actor=world.company_head, round=rnd, held_on=dt.date(2026, 12, 22))
