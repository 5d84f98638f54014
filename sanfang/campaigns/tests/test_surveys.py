"""WN-3: the campaign, the compound survey form (小区摸排认定表), its review by street then county, the scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sanfang.campaigns import services
from sanfang.campaigns.models import CompoundSurvey, ManagementMode, SurveyReview, SurveyStatus
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.core.models import AuditEvent, Message

from .conftest import fill


def test_wn3_county_opens_a_campaign_and_every_street_is_told(world, campaign):
    assert campaign.county == world.county
    assert campaign.scope  # defaults to professional property service compounds
    assert Message.objects.filter(
        recipient=world.street_official, key=f"campaign:{campaign.pk}:opened"
    ).exists()
    assert Message.objects.filter(recipient=world.other_street_official).exists()
    assert AuditEvent.objects.filter(verb="campaign.open").exists()


@pytest.mark.parametrize("persona", ["street_official", "rc_member", "company_head", "resident"])
def test_wn3_only_the_county_opens_a_campaign(world, persona):
    with pytest.raises(PermissionDenied):
        services.open_campaign(
            actor=getattr(world, persona),
            county=world.county,
            title="x",
            survey_due=dt.date(2026, 3, 20),
            investigation_due=dt.date(2026, 4, 10),
            report_due=dt.date(2026, 4, 15),
        )


def test_wn3_campaign_deadlines_must_be_in_order(world):
    with pytest.raises(RuleViolation, match="调查核实截止日期"):
        services.open_campaign(
            actor=world.county_official,
            county=world.county,
            title="x",
            survey_due=dt.date(2026, 4, 20),
            investigation_due=dt.date(2026, 4, 10),
            report_due=dt.date(2026, 4, 25),
        )


def test_wn3_survey_form_is_prefilled_from_the_directory(world, campaign):
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    assert survey.management_mode == ManagementMode.PROFESSIONAL
    assert survey.company == world.company_x
    assert survey.has_owners_committee is True
    assert survey.buildings == 1
    assert survey.in_scope is True
    assert survey.community == world.community_a and survey.street == world.street_a


def test_wn3_professional_property_service_is_in_scope_by_default_and_other_modes_are_not(world, campaign):
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a2)
    survey = fill(survey, world.rc_member, management_mode=ManagementMode.SELF_MANAGED)
    assert survey.in_scope is False
    survey = fill(survey, world.rc_member, management_mode=ManagementMode.PROFESSIONAL)
    assert survey.in_scope is True


def test_wn3_rc_of_another_community_and_company_cannot_fill_the_form(world, campaign):
    with pytest.raises(PermissionDenied):
        services.start_survey(actor=world.company_head, campaign=campaign, compound=world.compound_a1)
    with pytest.raises(PermissionDenied):
        services.start_survey(
            actor=world.other_street_official, campaign=campaign, compound=world.compound_a1
        )


def test_wn3_submitting_needs_the_basic_facts(world, campaign):
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    with pytest.raises(RuleViolation, match="请先填写"):
        services.submit_survey(actor=world.rc_member, survey=survey, version=survey.version)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT


def test_wn3_bad_input_is_refused_with_a_chinese_message_and_nothing_changes(world, campaign):
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    with pytest.raises(RuleViolation, match="建成年份"):
        fill(survey, world.rc_member, year_built=3000)
    survey.refresh_from_db()
    assert survey.year_built is None and survey.version == 1


def test_wn3_concurrent_edit_of_a_survey_is_a_conflict(world, campaign):
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    fill(survey, world.rc_member)
    with pytest.raises(Conflict):
        services.save_survey(actor=world.epmc_lead, survey=survey, version=1, households=1)


def test_wn3_street_then_county_approve_and_history_is_kept(world, submitted):
    assert submitted.status == SurveyStatus.SUBMITTED
    with pytest.raises(PermissionDenied):  # the county waits for the street
        services.review_survey(actor=world.county_official, survey=submitted, approve=True)
    with pytest.raises(PermissionDenied):  # another street cannot review
        services.review_survey(actor=world.other_street_official, survey=submitted, approve=True)
    s = services.review_survey(actor=world.street_official, survey=submitted, approve=True)
    assert s.status == SurveyStatus.STREET_APPROVED
    s = services.review_survey(actor=world.county_official, survey=s, approve=True)
    assert s.status == SurveyStatus.APPROVED
    stages = list(s.reviews.values_list("stage", "decision"))
    assert stages == [("", "submit"), ("street", "approve"), ("county", "approve")]


def test_wn3_a_returned_form_needs_comments_goes_back_to_the_rc_and_can_be_resubmitted(world, submitted):
    with pytest.raises(RuleViolation, match="修改意见"):
        services.review_survey(actor=world.street_official, survey=submitted, approve=False, comment=" ")
    s = services.review_survey(
        actor=world.street_official, survey=submitted, approve=False, comment="户数与台账不符，请核实"
    )
    assert s.status == SurveyStatus.RETURNED and s.editable
    assert Message.objects.filter(recipient=world.rc_member, subject__contains="退回").exists()
    s = fill(s, world.rc_member, households=318)
    s = services.submit_survey(actor=world.rc_member, survey=s)
    assert s.status == SurveyStatus.SUBMITTED
    decisions = list(s.reviews.values_list("decision", flat=True))
    assert decisions == ["submit", "return", "submit"]
    assert SurveyReview.objects.filter(comment="户数与台账不符，请核实").exists()


def test_wn3_a_submitted_form_is_locked(world, submitted):
    with pytest.raises(RuleViolation, match="已提交审核"):
        services.save_survey(actor=world.rc_member, survey=submitted, version=submitted.version, households=1)


def test_wn3_reviewer_adjusts_the_scope_only_with_a_reason(world, submitted):
    with pytest.raises(RuleViolation, match="理由"):
        services.adjust_scope(actor=world.street_official, survey=submitted, in_scope=False, reason="")
    with pytest.raises(PermissionDenied):
        services.adjust_scope(actor=world.rc_member, survey=submitted, in_scope=False, reason="x")
    s = services.adjust_scope(
        actor=world.street_official, survey=submitted, in_scope=False, reason="已于2025年完成收费公示整改"
    )
    assert s.in_scope is False and s.scope_adjusted_by == world.street_official
    assert s.reviews.filter(decision="scope").exists()
    assert AuditEvent.objects.filter(verb="survey.scope").exists()


def test_wn3_an_adjusted_scope_is_not_reset_by_later_edits(world, campaign):
    survey = services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a2)
    survey = services.adjust_scope(
        actor=world.street_official, survey=survey, in_scope=False, reason="单位自管"
    )
    survey = fill(survey, world.rc_member)
    assert survey.in_scope is False


def test_wn3_surveys_visible_only_within_scope(world, submitted):
    assert list(CompoundSurvey.objects.visible_to(world.street_official)) == [submitted]
    assert list(CompoundSurvey.objects.visible_to(world.county_official)) == [submitted]
    assert not CompoundSurvey.objects.visible_to(world.other_street_official).exists()
    assert not CompoundSurvey.objects.visible_to(world.company_head).exists()
    assert not CompoundSurvey.objects.visible_to(world.resident).exists()


def test_wn3_county_can_return_a_street_approved_form_to_the_rc(world, submitted):
    s = services.review_survey(actor=world.street_official, survey=submitted, approve=True)
    s = services.review_survey(
        actor=world.county_official, survey=s, approve=False, comment="收费标准与备案不符"
    )
    assert s.status == SurveyStatus.RETURNED
    assert list(s.reviews.values_list("stage", "decision")) == [
        ("", "submit"),
        ("street", "approve"),
        ("county", "return"),
    ]


def test_wn3_closed_campaign_takes_no_new_forms(world, campaign):
    services.close_campaign(actor=world.county_official, campaign=campaign)
    with pytest.raises(RuleViolation, match="已经结束"):
        services.start_survey(actor=world.rc_member, campaign=campaign, compound=world.compound_a1)
    with pytest.raises(PermissionDenied):
        services.close_campaign(actor=world.street_official, campaign=campaign)
