"""Who may see and do what in campaigns and EPMC records. Views and the API ask these; templates get can_* flags."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sanfang.directory.scopes import Role, get_scope

from .models import Campaign, CompoundSurvey, EpmcActivity, Investigation, ProgressReport

# Who reads a campaign's surveys and investigations: oversight and the community's staff.
SURVEY_VIEWERS = (Role.COUNTY, Role.STREET, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE)
CAMPAIGN_VIEWERS = SURVEY_VIEWERS
# The Residents' Committee fills the form (WN-3); the street may fill it too (e.g. by bulk import).
SURVEY_EDITORS = (Role.RESIDENTS_COMMITTEE, Role.STREET)
INVESTIGATORS = (Role.RESIDENTS_COMMITTEE, Role.STREET, Role.COUNTY)
EPMC_VIEWERS = (Role.COUNTY, Role.STREET, Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE)
EPMC_RECORDERS = (Role.RESIDENTS_COMMITTEE,)


def _su(user) -> bool:
    return get_scope(user).is_superuser


# --- campaigns -------------------------------------------------------------------------------------------------


def can_open_campaign(user, county) -> bool:
    """The county opens campaigns (WN-3)."""
    return _su(user) or get_scope(user).has_role(Role.COUNTY, at=county)


def get_campaign_for(user, pk: int) -> Campaign:
    campaign = Campaign.objects.visible_to(user).select_related("county").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


# --- surveys ---------------------------------------------------------------------------------------------------


def can_view_place(user, place) -> bool:
    """Whether the person may open a street's or community's campaign page (breadcrumbs link only then)."""
    return _su(user) or get_scope(user).has_role(*SURVEY_VIEWERS, at=place)


def can_view_survey(user, survey: CompoundSurvey) -> bool:
    return _su(user) or get_scope(user).has_role(*SURVEY_VIEWERS, at=survey.compound)


def can_edit_survey(user, survey: CompoundSurvey) -> bool:
    return (_su(user) or get_scope(user).has_role(*SURVEY_EDITORS, at=survey.compound)) and survey.editable


def can_fill_survey_at(user, compound) -> bool:
    return _su(user) or get_scope(user).has_role(*SURVEY_EDITORS, at=compound)


def can_review_survey(user, survey: CompoundSurvey) -> bool:
    """The street reviews submitted forms, then the county (WN-3)."""
    from .models import SurveyStatus

    scope = get_scope(user)
    if survey.status == SurveyStatus.SUBMITTED:
        return scope.is_superuser or scope.has_role(Role.STREET, at=survey.compound)
    if survey.status == SurveyStatus.STREET_APPROVED:
        return scope.is_superuser or scope.has_role(Role.COUNTY, at=survey.compound)
    return False


def can_adjust_scope(user, survey: CompoundSurvey) -> bool:
    """A reviewer (street or county) may put a compound in or out of the rectification scope, with a reason."""
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(Role.STREET, Role.COUNTY, at=survey.compound)


def get_survey_for(user, pk: int, *, write: bool = False) -> CompoundSurvey:
    survey = (
        CompoundSurvey.objects.select_related("campaign", "compound", "community", "street", "company")
        .filter(pk=pk)
        .first()
    )
    if survey is None or not can_view_survey(user, survey):
        raise Http404
    if write and not can_fill_survey_at(user, survey.compound):
        raise PermissionDenied
    return survey


# --- investigations -------------------------------------------------------------------------------------------


def can_investigate(user, survey: CompoundSurvey) -> bool:
    return _su(user) or get_scope(user).has_role(*INVESTIGATORS, at=survey.compound)


def get_investigation_for(user, pk: int, *, write: bool = False) -> Investigation:
    inv = (
        Investigation.objects.select_related(
            "survey__campaign", "survey__compound", "survey__community", "survey__street"
        )
        .filter(pk=pk)
        .first()
    )
    if inv is None or not can_view_survey(user, inv.survey):
        raise Http404
    if write and not can_investigate(user, inv.survey):
        raise PermissionDenied
    return inv


# --- progress reports -----------------------------------------------------------------------------------------


def can_view_report(user, report: ProgressReport) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(Role.STREET, Role.COUNTY, at=report.street)


def can_edit_report(user, report: ProgressReport) -> bool:
    """The street files its own report; once submitted it is locked (WN-4)."""
    scope = get_scope(user)
    return (scope.is_superuser or scope.has_role(Role.STREET, at=report.street)) and not report.is_submitted


def can_file_report_for(user, street) -> bool:
    scope = get_scope(user)
    return scope.is_superuser or scope.has_role(Role.STREET, at=street)


def get_report_for(user, pk: int, *, write: bool = False) -> ProgressReport:
    report = ProgressReport.objects.select_related("campaign", "street", "submitted_by").filter(pk=pk).first()
    if report is None or not can_view_report(user, report):
        raise Http404
    if write and not can_file_report_for(user, report.street):
        raise PermissionDenied
    return report


# --- EPMC -----------------------------------------------------------------------------------------------------


def can_view_epmc(user, community) -> bool:
    return _su(user) or get_scope(user).has_role(*EPMC_VIEWERS, at=community)


def can_record_epmc(user, community) -> bool:
    """The Residents' Committee (its EPMC members included) records the EPMC's activities (WN-1)."""
    return _su(user) or get_scope(user).has_role(*EPMC_RECORDERS, at=community)


def get_activity_for(user, pk: int, *, write: bool = False) -> EpmcActivity:
    activity = EpmcActivity.objects.select_related("community").filter(pk=pk).first()
    if activity is None or not can_view_epmc(user, activity.community):
        raise Http404
    if write and not can_record_epmc(user, activity.community):
        raise PermissionDenied
    return activity
