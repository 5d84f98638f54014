"""Campaign and EPMC use cases (WN-1, WN-3, WN-4). Each checks permission and rules, runs in one transaction,
writes the audit trail and tells people after commit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfang.core import audit, delivery, extensions
from sanfang.core.calendar import add_working_days
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.directory.models import (
    Building,
    Organisation,
    OrgKind,
    Person,
    Place,
    PlaceKind,
    Position,
    ServiceContract,
)
from sanfang.directory.scopes import Role, get_scope

from . import permissions
from .models import (
    Campaign,
    ChecklistItem,
    CompoundSurvey,
    CompoundType,
    Conclusion,
    EpmcActivity,
    EpmcAttachment,
    EpmcIdleFlag,
    Investigation,
    ManagementMode,
    Problem,
    ProgressNote,
    ProgressReport,
    SurveyReview,
    SurveyStatus,
)

# --------------------------------------------------------------------------------------------------------------
# helpers


def _check_version(obj, version: int | None, message: str) -> None:
    if version is not None and int(version) != obj.version:
        raise Conflict(message)


def _bump(obj, fields: list[str]) -> None:
    obj.version += 1
    obj.save(update_fields=[*fields, "version"])


def people_in(place: Place, *kinds: str) -> list[Person]:
    """Current post-holders of organisations of these kinds at the place (whom to tell)."""
    return [
        pos.person
        for pos in Position.objects.current()
        .filter(organisation__place=place, organisation__kind__in=kinds)
        .select_related("person")
        .order_by("-is_head", "id")
    ]


def _orgs_at(place: Place, kind: str) -> list[Organisation]:
    return list(Organisation.objects.filter(place=place, kind=kind))


def _streets_of(county: Place):
    return Place.objects.streets().filter(path__startswith=county.path).order_by("code")


def _compounds_of(place: Place):
    return Place.objects.compounds().filter(path__startswith=place.path).order_by("code")


# --------------------------------------------------------------------------------------------------------------
# Campaigns (WN-3)


@transaction.atomic
def open_campaign(
    *,
    actor,
    county: Place,
    title: str,
    purpose: str = "",
    scope: str = "",
    survey_due: dt.date,
    investigation_due: dt.date,
    report_due: dt.date,
) -> Campaign:
    """WN-3: the county opens a rectification campaign with deadlines for surveys, investigations and reports."""
    if county.kind != PlaceKind.COUNTY:
        raise RuleViolation(_("专项整治由县级部门发起。"))
    if not permissions.can_open_campaign(actor, county):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise RuleViolation(_("请填写专项整治的名称。"), field="title")
    today = timezone.localdate()
    if survey_due < today:
        raise RuleViolation(_("摸排认定截止日期不能早于今天。"), field="survey_due")
    if not (survey_due <= investigation_due):
        raise RuleViolation(_("调查核实截止日期不能早于摸排认定截止日期。"), field="investigation_due")
    if report_due < survey_due:
        raise RuleViolation(_("进展报告截止日期不能早于摸排认定截止日期。"), field="report_due")
    campaign = Campaign.objects.create(
        county=county,
        title=title,
        purpose=purpose.strip(),
        scope=scope.strip() or _("实行专业化物业服务的住宅小区"),
        survey_due=survey_due,
        investigation_due=investigation_due,
        report_due=report_due,
        opened_by=actor,
    )
    audit.record(actor=actor, verb="campaign.open", target=campaign, place=county, summary=title)
    url = reverse("campaigns:campaign", args=[campaign.pk])
    for street in _streets_of(county):
        delivery.notify(
            recipients=people_in(street, OrgKind.STREET),
            organisations=_orgs_at(street, OrgKind.STREET),
            subject=lambda: _("县级部门发起专项整治：%(title)s") % {"title": title},
            body=lambda: (
                _("请组织辖区社区于 %(due)s 前完成小区摸排认定，%(report)s 前报送进展情况。")
                % {"due": survey_due, "report": report_due}
            ),
            key=f"campaign:{campaign.pk}:opened",
            url=url,
        )
    return campaign


@transaction.atomic
def close_campaign(*, actor, campaign: Campaign) -> Campaign:
    if not permissions.can_open_campaign(actor, campaign.county):
        raise PermissionDenied
    if campaign.closed_at:
        raise RuleViolation(_("专项整治已经结束。"))
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["closed_at"])
    audit.record(actor=actor, verb="campaign.close", target=campaign, place=campaign.county)
    return campaign


# --------------------------------------------------------------------------------------------------------------
# Compound surveys (WN-3)


def prefill(compound: Place) -> dict[str, Any]:
    """What the directory already knows about a compound, to start its survey form from."""
    contract = (
        ServiceContract.objects.in_force()
        .filter(compound=compound)
        .select_related("company")
        .order_by("-start")
        .first()
    )
    has_oc = Organisation.objects.filter(kind=OrgKind.OWNERS_COMMITTEE, place=compound).exists()
    oc_end = (
        Position.objects.current()
        .filter(organisation__place=compound, organisation__kind=OrgKind.OWNERS_COMMITTEE, is_head=True)
        .values_list("term_end", flat=True)
        .first()
    )
    facts: dict[str, Any] = {
        "name": compound.name,
        "address": compound.address,
        "year_built": compound.year_built,
        "households": compound.households,
        "floor_area": compound.floor_area,
        "buildings": Building.objects.filter(compound=compound).count() or None,
        "is_old_compound": bool(compound.year_built and compound.year_built < 2000),
        "has_owners_committee": has_oc,
        "oc_term_end": oc_end,
    }
    if contract is not None:
        facts.update(
            management_mode=ManagementMode.PROFESSIONAL,
            preliminary_type=CompoundType.PROFESSIONAL,
            company=contract.company,
            company_name=contract.company.name,
            contract_start=contract.start,
            contract_end=contract.end,
            fee_regime=contract.fee_regime,
        )
    else:
        facts.update(management_mode=ManagementMode.NONE, preliminary_type=CompoundType.UNMANAGED)
    return facts


def _new_survey(campaign: Campaign, compound: Place, facts: dict[str, Any] | None = None) -> CompoundSurvey:
    community = compound.parent
    survey = CompoundSurvey(
        campaign=campaign,
        compound=compound,
        community=community,
        street=community.parent,
        **(facts or prefill(compound)),
    )
    survey.in_scope = survey.default_in_scope
    return survey


@transaction.atomic
def start_survey(*, actor, campaign: Campaign, compound: Place) -> CompoundSurvey:
    """The compound's form in the campaign, created from the directory's facts the first time it is opened."""
    if compound.kind != PlaceKind.COMPOUND or not compound.is_within(campaign.county):
        raise RuleViolation(_("该小区不在本次专项整治的范围内。"))
    existing = CompoundSurvey.objects.filter(campaign=campaign, compound=compound).first()
    if existing:
        return existing
    if not permissions.can_fill_survey_at(actor, compound):
        raise PermissionDenied
    if not campaign.is_open:
        raise RuleViolation(_("专项整治已经结束，不能再填报。"))
    survey = _new_survey(campaign, compound)
    survey.filled_by = actor
    survey.save()
    audit.record(actor=actor, verb="survey.start", target=survey, place=compound, summary=survey.name)
    return survey


def _check_fields(model, values: dict[str, Any]) -> None:
    """Choices and lengths checked here too, so the API gets the same clear message as the form."""
    for name, value in values.items():
        field = model._meta.get_field(name)
        label = str(field.verbose_name)
        if field.choices and value not in ("", None) and value not in {c[0] for c in field.choices}:
            raise RuleViolation(_("“%(field)s”的取值不正确。") % {"field": label}, field=name)
        max_length = getattr(field, "max_length", None)
        if max_length and isinstance(value, str) and len(value) > max_length:
            raise RuleViolation(
                _("“%(field)s”不能超过 %(n)d 个字。") % {"field": label, "n": max_length}, field=name
            )


def _clean_facts(facts: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in facts.items() if k in CompoundSurvey.FACT_FIELDS}
    _check_fields(CompoundSurvey, {k: v for k, v in out.items() if k != "company"})
    for name in ("address", "company_name", "fee_standard", "note", "fee_regime"):
        if name in out and out[name] is None:
            out[name] = ""
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise RuleViolation(_("请填写小区名称。"), field="name")
    this_year = timezone.localdate().year
    if out.get("year_built") is not None and not (1949 <= int(out["year_built"]) <= this_year):
        raise RuleViolation(
            _("建成年份应在 1949 年至 %(year)s 年之间。") % {"year": this_year}, field="year_built"
        )
    for field in ("households", "buildings"):
        if out.get(field) is not None and int(out[field]) < 0:
            raise RuleViolation(_("户数和楼栋数不能为负数。"), field=field)
    if out.get("floor_area") is not None and Decimal(out["floor_area"]) < 0:
        raise RuleViolation(_("建筑面积不能为负数。"), field="floor_area")
    if out.get("contract_start") and out.get("contract_end") and out["contract_end"] < out["contract_start"]:
        raise RuleViolation(_("合同结束日期不能早于开始日期。"), field="contract_end")
    if out.get("company") is not None and not out.get("company_name"):
        out["company_name"] = out["company"].name
    return out


@transaction.atomic
def save_survey(*, actor, survey: CompoundSurvey, version: int | None, **facts) -> CompoundSurvey:
    """Fill in or correct the form while it is a draft or returned; the default scope follows the mode (WN-3)."""
    survey = CompoundSurvey.objects.select_for_update().get(pk=survey.pk)
    if not permissions.can_fill_survey_at(actor, survey.compound):
        raise PermissionDenied
    if not survey.editable:
        raise RuleViolation(_("摸排认定表已提交审核，不能修改；如需修改请由审核人退回。"))
    _check_version(survey, version, _("这张摸排认定表已被他人修改，请刷新后再编辑。"))
    clean = _clean_facts(facts)
    changes = audit.diff(survey, list(clean), clean)
    for field, value in clean.items():
        setattr(survey, field, value)
    if survey.management_mode == ManagementMode.PROFESSIONAL and not (
        survey.company_id or survey.company_name
    ):
        raise RuleViolation(_("管理模式为专业化物业服务时，请填写物业服务企业。"), field="company_name")
    if survey.scope_adjusted_by_id is None:
        survey.in_scope = survey.default_in_scope
    survey.filled_by = actor
    _bump(survey, [*clean, "in_scope", "filled_by", "updated_at"])
    audit.record(actor=actor, verb="survey.save", target=survey, place=survey.compound, changes=changes)
    return survey


@transaction.atomic
def submit_survey(*, actor, survey: CompoundSurvey, version: int | None = None) -> CompoundSurvey:
    """The RC hands the form to the street for review (WN-3)."""
    survey = CompoundSurvey.objects.select_for_update().get(pk=survey.pk)
    if not permissions.can_fill_survey_at(actor, survey.compound):
        raise PermissionDenied
    if not survey.editable:
        raise RuleViolation(_("摸排认定表已经提交。"))
    _check_version(survey, version, _("这张摸排认定表已被他人修改，请刷新后再提交。"))
    missing = [
        str(CompoundSurvey._meta.get_field(f).verbose_name)
        for f in ("address", "households", "year_built")
        if getattr(survey, f) in (None, "")
    ]
    if missing:
        raise RuleViolation(_("请先填写：%(fields)s。") % {"fields": _("、").join(missing)})
    if survey.management_mode == ManagementMode.PROFESSIONAL and not survey.fee_standard:
        raise RuleViolation(_("专业化物业服务小区请填写收费标准。"), field="fee_standard")
    survey.status = SurveyStatus.SUBMITTED
    survey.submitted_at = timezone.now()
    survey.filled_by = actor
    _bump(survey, ["status", "submitted_at", "filled_by"])
    SurveyReview.objects.create(survey=survey, decision=SurveyReview.Decision.SUBMIT, by=actor)
    audit.record(actor=actor, verb="survey.submit", target=survey, place=survey.compound)
    delivery.notify(
        recipients=people_in(survey.street, OrgKind.STREET),
        subject=lambda: _("小区摸排认定表待审核：%(name)s") % {"name": survey.name},
        key=f"survey:{survey.pk}:submitted:{survey.version}",
        url=reverse("campaigns:survey", args=[survey.pk]),
    )
    return survey


@transaction.atomic
def review_survey(
    *, actor, survey: CompoundSurvey, approve: bool, comment: str = "", version: int | None = None
) -> CompoundSurvey:
    """WN-3: the street and then the county approve the form, or return it with comments; history is kept."""
    survey = CompoundSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.status not in (SurveyStatus.SUBMITTED, SurveyStatus.STREET_APPROVED):
        raise RuleViolation(_("这张摸排认定表当前不在审核环节。"))
    if not permissions.can_review_survey(actor, survey):
        raise PermissionDenied
    _check_version(survey, version, _("这张摸排认定表已被他人处理，请刷新后再审核。"))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise RuleViolation(_("退回时请写明修改意见。"), field="comment")
    stage = (
        SurveyReview.Stage.STREET if survey.status == SurveyStatus.SUBMITTED else SurveyReview.Stage.COUNTY
    )
    if approve:
        survey.status = (
            SurveyStatus.STREET_APPROVED if stage == SurveyReview.Stage.STREET else SurveyStatus.APPROVED
        )
    else:
        survey.status = SurveyStatus.RETURNED
    _bump(survey, ["status"])
    SurveyReview.objects.create(
        survey=survey,
        stage=stage,
        decision=SurveyReview.Decision.APPROVE if approve else SurveyReview.Decision.RETURN,
        comment=comment,
        by=actor,
    )
    audit.record(
        actor=actor,
        verb="survey.approve" if approve else "survey.return",
        target=survey,
        place=survey.compound,
        summary=comment,
        changes={"stage": stage},
    )
    url = reverse("campaigns:survey", args=[survey.pk])
    if not approve:
        delivery.notify(
            recipients=people_in(survey.community, OrgKind.RESIDENTS_COMMITTEE, OrgKind.EPMC),
            subject=lambda: _("小区摸排认定表被退回：%(name)s") % {"name": survey.name},
            body=comment,
            key=f"survey:{survey.pk}:returned:{survey.version}",
            url=url,
        )
    elif stage == SurveyReview.Stage.STREET:
        county = survey.campaign.county
        delivery.notify(
            recipients=people_in(county, OrgKind.COUNTY),
            subject=lambda: _("小区摸排认定表待县级审核：%(name)s") % {"name": survey.name},
            key=f"survey:{survey.pk}:street_approved:{survey.version}",
            url=url,
        )
    return survey


@transaction.atomic
def adjust_scope(*, actor, survey: CompoundSurvey, in_scope: bool, reason: str) -> CompoundSurvey:
    """WN-3: a reviewer puts a compound in or out of the rectification scope, always with a reason."""
    survey = CompoundSurvey.objects.select_for_update().get(pk=survey.pk)
    if not permissions.can_adjust_scope(actor, survey):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("调整整治范围必须说明理由。"), field="reason")
    if in_scope == survey.in_scope:
        raise RuleViolation(_("整治范围没有变化。"))
    if not in_scope and hasattr(survey, "investigation"):
        raise RuleViolation(_("该小区已开展调查核实，不能移出整治范围。"))
    old = survey.in_scope
    survey.in_scope, survey.in_scope_reason, survey.scope_adjusted_by = in_scope, reason, actor
    _bump(survey, ["in_scope", "in_scope_reason", "scope_adjusted_by"])
    stage = (
        SurveyReview.Stage.COUNTY
        if get_scope(actor).has_role(Role.COUNTY, at=survey.compound)
        else SurveyReview.Stage.STREET
    )
    SurveyReview.objects.create(
        survey=survey,
        stage=stage,
        decision=SurveyReview.Decision.SCOPE,
        comment=(_("纳入整治范围：") if in_scope else _("移出整治范围：")) + reason,
        by=actor,
    )
    audit.record(
        actor=actor,
        verb="survey.scope",
        target=survey,
        place=survey.compound,
        summary=reason,
        changes={"in_scope": [old, in_scope]},
    )
    return survey


def surveys_missing(campaign: Campaign, place: Place):
    """Compounds under `place` with no survey yet in the campaign."""
    return _compounds_of(place).exclude(campaign_surveys__campaign=campaign)


# --------------------------------------------------------------------------------------------------------------
# Investigations (WN-3)

CHECKLIST_DEFAULT = [
    ChecklistItem.Kind.FEE_ITEMS,
    ChecklistItem.Kind.INCOME_EXPENDITURE,
    ChecklistItem.Kind.COMMON_INCOME,
    ChecklistItem.Kind.MAINTENANCE_FUND,
]


def _kind_of(raw: str) -> str:
    aliases = {
        "fee": ChecklistItem.Kind.FEE_ITEMS,
        "fee_items": ChecklistItem.Kind.FEE_ITEMS,
        "fee_disclosure": ChecklistItem.Kind.FEE_ITEMS,
        "price_display": ChecklistItem.Kind.FEE_ITEMS,  # publicity's 收费公示（明码标价）
        "charge_change": ChecklistItem.Kind.FEE_ITEMS,
        "income_statement": ChecklistItem.Kind.INCOME_EXPENDITURE,
        "income_expenditure": ChecklistItem.Kind.INCOME_EXPENDITURE,
        "income": ChecklistItem.Kind.INCOME_EXPENDITURE,
        "common_income": ChecklistItem.Kind.COMMON_INCOME,
        "maintenance_fund": ChecklistItem.Kind.MAINTENANCE_FUND,
    }
    return aliases.get(raw, ChecklistItem.Kind.OTHER)


def checklist_from_board(compound: Place) -> list[ChecklistItem]:
    """The disclosure items, prefilled from the compound's board via the "board.disclosures" extension point."""
    rows = extensions.collect("board.disclosures", compound)
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for row in rows:
        kind = _kind_of(str(row.get("kind", "")))
        published_at = row.get("published_at")
        overdue = bool(row.get("overdue"))
        items.append(
            ChecklistItem(
                kind=kind,
                label=str(row.get("kind_label") or ChecklistItem.Kind(kind).label)[:120],
                board_published=published_at is not None,
                board_published_at=published_at if isinstance(published_at, dt.datetime) else None,
                board_period=str(row.get("period") or "")[:60],
                board_overdue=overdue,
                board_url=str(row.get("url") or "")[:300],
                result=(
                    ChecklistItem.Result.MISSING
                    if published_at is None
                    else ChecklistItem.Result.INCOMPLETE
                    if overdue
                    else ""
                ),
            )
        )
        seen.add(kind)
    for kind in CHECKLIST_DEFAULT:
        if kind not in seen:
            items.append(
                ChecklistItem(kind=kind, label=str(ChecklistItem.Kind(kind).label), board_published=None)
            )
    return items


@transaction.atomic
def open_investigation(*, actor, survey: CompoundSurvey, investigators: str = "") -> Investigation:
    """WN-3: investigate an in-scope compound whose form has been submitted; the checklist comes from its board."""
    survey = CompoundSurvey.objects.select_for_update().get(pk=survey.pk)
    if not permissions.can_investigate(actor, survey):
        raise PermissionDenied
    if not survey.in_scope:
        raise RuleViolation(_("该小区不在整治范围内，无需调查核实。"))
    if survey.editable:
        raise RuleViolation(_("请先提交小区摸排认定表，再开展调查核实。"))
    if Investigation.objects.filter(survey=survey).exists():
        raise RuleViolation(_("该小区已有调查核实记录。"))
    inv = Investigation.objects.create(survey=survey, opened_by=actor, investigators=investigators.strip())
    items = checklist_from_board(survey.compound)
    for item in items:
        item.investigation = inv
    ChecklistItem.objects.bulk_create(items)
    audit.record(actor=actor, verb="investigation.open", target=inv, place=survey.compound)
    return inv


@transaction.atomic
def update_investigation(
    *,
    actor,
    investigation: Investigation,
    version: int | None,
    findings: str | None = None,
    investigators: str | None = None,
    investigated_on: dt.date | None = None,
    checklist: dict[int, dict[str, str]] | None = None,
) -> Investigation:
    inv = (
        Investigation.objects.select_for_update().select_related("survey__compound").get(pk=investigation.pk)
    )
    if not permissions.can_investigate(actor, inv.survey):
        raise PermissionDenied
    if inv.status == Investigation.Status.CLOSED:
        raise RuleViolation(_("调查核实已经办结，不能再修改。"))
    _check_version(inv, version, _("调查核实记录已被他人修改，请刷新后再编辑。"))
    fields = []
    if findings is not None:
        inv.findings = findings.strip()
        fields.append("findings")
    if investigators is not None:
        inv.investigators = investigators.strip()
        fields.append("investigators")
    if investigated_on is not None:
        if investigated_on > timezone.localdate():
            raise RuleViolation(_("调查日期不能晚于今天。"), field="investigated_on")
        inv.investigated_on = investigated_on
        fields.append("investigated_on")
    if checklist:
        valid = set(ChecklistItem.Result.values)
        for item in inv.checklist.filter(pk__in=list(checklist)):
            row = checklist[item.pk]
            result = row.get("result", item.result) or ""
            if result not in valid:
                raise RuleViolation(_("核查结果不正确。"))
            item.result, item.note = result, (row.get("note", item.note) or "")[:300]
            item.save(update_fields=["result", "note"])
    _bump(inv, fields)
    audit.record(actor=actor, verb="investigation.update", target=inv, place=inv.survey.compound)
    return inv


@transaction.atomic
def add_problem(
    *,
    actor,
    investigation: Investigation,
    description: str,
    owner: Organisation | None = None,
    owner_label: str = "",
    due_on: dt.date | None = None,
    working_days: int | None = None,
) -> Problem:
    """WN-3: a problem found, with its rectification owner and deadline (a date or a number of working days)."""
    inv = (
        Investigation.objects.select_for_update().select_related("survey__compound").get(pk=investigation.pk)
    )
    if not permissions.can_investigate(actor, inv.survey):
        raise PermissionDenied
    if inv.status == Investigation.Status.CLOSED:
        raise RuleViolation(_("调查核实已经办结，不能再添加问题。"))
    description = (description or "").strip()
    if not description:
        raise RuleViolation(_("请描述发现的问题。"), field="description")
    if owner is None and not owner_label.strip():
        raise RuleViolation(_("请指定整改责任方。"), field="owner")
    today = timezone.localdate()
    problem = Problem(
        investigation=inv, description=description, owner=owner, owner_label=owner_label.strip()
    )
    if working_days:
        problem.set_deadline(today, int(working_days))
    elif due_on:
        if due_on < today:
            raise RuleViolation(_("整改期限不能早于今天。"), field="due_on")
        problem.due_on = due_on
    else:
        raise RuleViolation(_("请设定整改期限。"), field="due_on")
    problem.save()
    if inv.status == Investigation.Status.OPEN and inv.conclusion:
        inv.status = Investigation.Status.RECTIFYING
        _bump(inv, ["status"])
    audit.record(
        actor=actor, verb="problem.add", target=problem, place=inv.survey.compound, summary=description[:200]
    )
    if owner is not None:
        delivery.notify(
            recipients=[
                p.person
                for p in Position.objects.current().filter(organisation=owner).select_related("person")
            ],
            organisations=[owner],
            subject=lambda: _("专项整治发现问题，请于 %(due)s 前整改") % {"due": problem.due_on},
            body=description,
            key=f"campaign-problem:{problem.pk}:assigned",
            url=reverse("campaigns:investigation", args=[inv.pk]),
        )
    return problem


@transaction.atomic
def conclude_investigation(
    *, actor, investigation: Investigation, conclusion: str, version: int | None = None
) -> Investigation:
    """WN-3: the conclusion (规范 / 基本规范 / 不规范); with open problems the record moves on to follow-up."""
    inv = (
        Investigation.objects.select_for_update().select_related("survey__compound").get(pk=investigation.pk)
    )
    if not permissions.can_investigate(actor, inv.survey):
        raise PermissionDenied
    _check_version(inv, version, _("调查核实记录已被他人修改，请刷新后再编辑。"))
    if conclusion not in Conclusion.values:
        raise RuleViolation(_("请选择调查结论：规范、基本规范或不规范。"), field="conclusion")
    if not inv.findings:
        raise RuleViolation(_("请先填写调查情况。"), field="findings")
    if inv.checklist.filter(result="").exists():
        raise RuleViolation(_("公示事项尚未全部核查。"))
    has_problems = inv.problems.exists()
    if conclusion != Conclusion.COMPLIANT and not has_problems:
        raise RuleViolation(_("结论为基本规范或不规范时，请列出发现的问题及整改要求。"))
    inv.conclusion = conclusion
    inv.status = (
        Investigation.Status.RECTIFYING if inv.problems.open().exists() else Investigation.Status.CLOSED
    )
    if inv.status == Investigation.Status.CLOSED:
        inv.closed_at = timezone.now()
    _bump(inv, ["conclusion", "status", "closed_at"])
    audit.record(
        actor=actor, verb="investigation.conclude", target=inv, place=inv.survey.compound, summary=conclusion
    )
    return inv


@transaction.atomic
def note_problem(*, actor, problem: Problem, text: str) -> ProgressNote:
    """Follow-up of a problem (督促整改)."""
    inv = problem.investigation
    if not permissions.can_investigate(actor, inv.survey):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise RuleViolation(_("请填写跟进情况。"), field="text")
    note = ProgressNote.objects.create(problem=problem, text=text, by=actor)
    audit.record(
        actor=actor, verb="problem.note", target=problem, place=inv.survey.compound, summary=text[:200]
    )
    return note


@transaction.atomic
def rectify_problem(*, actor, problem: Problem, rectification: str) -> Problem:
    """WN-3: record a problem as rectified; when every problem is, the investigation is closed."""
    problem = (
        Problem.objects.select_for_update()
        .select_related("investigation__survey__compound")
        .get(pk=problem.pk)
    )
    inv = problem.investigation
    if not permissions.can_investigate(actor, inv.survey):
        raise PermissionDenied
    if problem.is_rectified:
        raise RuleViolation(_("该问题已经整改完成。"))
    rectification = (rectification or "").strip()
    if not rectification:
        raise RuleViolation(_("请说明整改情况。"), field="rectification")
    problem.rectification, problem.rectified_at, problem.rectified_by = rectification, timezone.now(), actor
    problem.save(update_fields=["rectification", "rectified_at", "rectified_by"])
    audit.record(
        actor=actor,
        verb="problem.rectify",
        target=problem,
        place=inv.survey.compound,
        summary=rectification[:200],
    )
    if inv.conclusion and not inv.problems.open().exists():
        inv = Investigation.objects.select_for_update().get(pk=inv.pk)
        inv.status, inv.closed_at = Investigation.Status.CLOSED, timezone.now()
        _bump(inv, ["status", "closed_at"])
        audit.record(actor=actor, verb="investigation.close", target=inv, place=inv.survey.compound)
    return problem


# --------------------------------------------------------------------------------------------------------------
# Statistics, progress reports and the roll-up (WN-4)

STAT_LABELS = {
    "compounds": gettext_lazy("小区总数"),
    "surveyed": gettext_lazy("已摸排"),
    "approved": gettext_lazy("已审定"),
    "in_scope": gettext_lazy("纳入整治"),
    "investigated": gettext_lazy("已调查核实"),
    "compliant": gettext_lazy("规范"),
    "mostly": gettext_lazy("基本规范"),
    "non_compliant": gettext_lazy("不规范"),
    "problems": gettext_lazy("发现问题"),
    "rectified": gettext_lazy("已整改"),
    "problems_overdue": gettext_lazy("整改逾期"),
}


def stats_by(
    campaign: Campaign, level: str = "street", within: Place | None = None
) -> dict[int, dict[str, int]]:
    """Counts per street (or community) under the county (or `within`), in a bounded number of queries."""
    root = within or campaign.county
    key = "street_id" if level == "street" else "community_id"
    level_kind = PlaceKind.STREET if level == "street" else PlaceKind.COMMUNITY
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAT_LABELS, 0))
    # Compounds per street/community: from the place paths (depth 1 = street, 2 = community below the county).
    depth = 1 if level == "street" else 2
    for path in Place.objects.compounds().filter(path__startswith=root.path).values_list("path", flat=True):
        parts = path.strip("/").split("/")
        if len(parts) > depth:
            out[int(parts[depth])]["compounds"] += 1
    surveys = CompoundSurvey.objects.filter(campaign=campaign, compound__path__startswith=root.path)
    for row in surveys.values(key).annotate(
        surveyed=Count("id", filter=~Q(status__in=[SurveyStatus.DRAFT, SurveyStatus.RETURNED])),
        approved=Count("id", filter=Q(status=SurveyStatus.APPROVED)),
        in_scope=Count(
            "id", filter=Q(in_scope=True) & ~Q(status__in=[SurveyStatus.DRAFT, SurveyStatus.RETURNED])
        ),
    ):
        out[row[key]].update(surveyed=row["surveyed"], approved=row["approved"], in_scope=row["in_scope"])
    invs = Investigation.objects.filter(
        survey__campaign=campaign, survey__compound__path__startswith=root.path
    )
    for row in invs.values(f"survey__{key}").annotate(
        n=Count("id"),
        compliant=Count("id", filter=Q(conclusion=Conclusion.COMPLIANT)),
        mostly=Count("id", filter=Q(conclusion=Conclusion.MOSTLY)),
        non_compliant=Count("id", filter=Q(conclusion=Conclusion.NON_COMPLIANT)),
    ):
        out[row[f"survey__{key}"]].update(
            investigated=row["n"],
            compliant=row["compliant"],
            mostly=row["mostly"],
            non_compliant=row["non_compliant"],
        )
    today = timezone.localdate()
    problems = Problem.objects.filter(
        investigation__survey__campaign=campaign, investigation__survey__compound__path__startswith=root.path
    )
    for row in problems.values(f"investigation__survey__{key}").annotate(
        n=Count("id"),
        rectified=Count("id", filter=Q(rectified_at__isnull=False)),
        overdue=Count("id", filter=Q(rectified_at__isnull=True, due_on__lt=today)),
    ):
        out[row[f"investigation__survey__{key}"]].update(
            problems=row["n"], rectified=row["rectified"], problems_overdue=row["overdue"]
        )
    valid = set(
        Place.objects.filter(kind=level_kind, path__startswith=root.path).values_list("pk", flat=True)
    )
    return {k: dict(v) for k, v in out.items() if k in valid}


def stats_for(campaign: Campaign, place: Place) -> dict[str, int]:
    """The statistics of one street (or community), as filled into its progress report (WN-4)."""
    level = "street" if place.kind == PlaceKind.STREET else "community"
    parent = place.parent if place.parent_id else place
    return stats_by(campaign, level, within=parent).get(place.pk, dict.fromkeys(STAT_LABELS, 0))


def report_for(campaign: Campaign, street: Place) -> ProgressReport:
    report, _created = ProgressReport.objects.get_or_create(campaign=campaign, street=street)
    return report


def is_report_overdue(report: ProgressReport, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return not report.is_submitted and report.campaign.report_due < today


@transaction.atomic
def save_report(*, actor, report: ProgressReport, version: int | None, **fields) -> ProgressReport:
    """The street drafts its progress report (WN-4)."""
    report = ProgressReport.objects.select_for_update().select_related("campaign", "street").get(pk=report.pk)
    if not permissions.can_file_report_for(actor, report.street):
        raise PermissionDenied
    if report.is_submitted:
        raise RuleViolation(_("进展报告已经提交，不能再修改。"))
    _check_version(report, version, _("进展报告已被他人修改，请刷新后再编辑。"))
    clean = {k: (v or "").strip() for k, v in fields.items() if k in ProgressReport.TEXT_FIELDS}
    _check_fields(ProgressReport, clean)
    changes = audit.diff(report, list(clean), clean)
    for k, v in clean.items():
        setattr(report, k, v)
    _bump(report, [*clean, "updated_at"])
    audit.record(
        actor=actor, verb="progress_report.save", target=report, place=report.street, changes=changes
    )
    return report


@transaction.atomic
def submit_report(*, actor, report: ProgressReport, version: int | None = None) -> ProgressReport:
    """WN-4: submit the four sections with a contact; statistics are taken from the data; then it is locked."""
    report = ProgressReport.objects.select_for_update().select_related("campaign", "street").get(pk=report.pk)
    if not permissions.can_file_report_for(actor, report.street):
        raise PermissionDenied
    if report.is_submitted:
        raise RuleViolation(_("进展报告已经提交。"))
    _check_version(report, version, _("进展报告已被他人修改，请刷新后再提交。"))
    missing = [
        str(ProgressReport._meta.get_field(f).verbose_name)
        for f in ProgressReport.TEXT_FIELDS
        if not getattr(report, f).strip()
    ]
    if missing:
        raise RuleViolation(_("以下内容必须填写：%(fields)s。") % {"fields": _("、").join(missing)})
    now = timezone.now()
    report.stats = stats_for(report.campaign, report.street)
    report.submitted_at, report.submitted_by = now, actor
    report.is_late = timezone.localdate() > report.campaign.report_due
    _bump(report, ["stats", "submitted_at", "submitted_by", "is_late"])
    audit.record(
        actor=actor,
        verb="progress_report.submit",
        target=report,
        place=report.street,
        summary=_("逾期提交") if report.is_late else "",
    )
    delivery.notify(
        recipients=people_in(report.campaign.county, OrgKind.COUNTY),
        subject=lambda: _("%(street)s报送了专项整治进展报告") % {"street": report.street.name},
        key=f"progress-report:{report.pk}:submitted",
        url=reverse("campaigns:report", args=[report.pk]),
    )
    return report


def rollup(campaign: Campaign) -> list[dict[str, Any]]:
    """The county's roll-up: one row per street with its statistics and its report's state (WN-4)."""
    streets = list(_streets_of(campaign.county))
    stats = stats_by(campaign, "street")
    reports = {
        r.street_id: r
        for r in ProgressReport.objects.filter(campaign=campaign).select_related("submitted_by")
    }
    today = timezone.localdate()
    rows = []
    for street in streets:
        report = reports.get(street.pk)
        submitted = bool(report and report.is_submitted)
        rows.append(
            {
                "street": street,
                "stats": stats.get(street.pk, dict.fromkeys(STAT_LABELS, 0)),
                "report": report,
                "submitted": submitted,
                "late": bool(report and report.is_late),
                "overdue": not submitted and campaign.report_due < today,
                "survey_overdue": campaign.survey_due < today
                and stats.get(street.pk, {}).get("surveyed", 0)
                < stats.get(street.pk, {}).get("compounds", 0),
            }
        )
    return rows


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    out = dict.fromkeys(STAT_LABELS, 0)
    for row in rows:
        for k in out:
            out[k] += row["stats"].get(k, 0)
    return out


# --------------------------------------------------------------------------------------------------------------
# EPMC records (WN-1)


def epmc_of(community: Place) -> Organisation | None:
    return Organisation.objects.filter(kind=OrgKind.EPMC, place=community).order_by("id").first()


def epmc_members(community: Place) -> list[Position]:
    """WN-1: the EPMC's members: positions in the EPMC and the RC member(s) in charge of it."""
    positions = (
        Position.objects.current()
        .filter(organisation__place=community)
        .filter(
            Q(organisation__kind=OrgKind.EPMC)
            | Q(organisation__kind=OrgKind.RESIDENTS_COMMITTEE, leads_epmc=True)
        )
        .select_related("person", "organisation")
        .order_by("-is_head", "-leads_epmc", "id")
    )
    seen: set[int] = set()
    out = []
    for pos in positions:
        if pos.person_id in seen:
            continue
        seen.add(pos.person_id)
        out.append(pos)
    return out


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@transaction.atomic
def record_epmc_activity(
    *,
    actor,
    community: Place,
    date: dt.date,
    kind: str,
    title: str,
    content: str,
    participants: list[Person] | None = None,
    other_participants: str = "",
    outcome: str = "",
    files: list | None = None,
) -> EpmcActivity:
    """WN-1: record one activity of the community's EPMC; clears an idle flag."""
    if community.kind != PlaceKind.COMMUNITY:
        raise RuleViolation(_("环境和物业管理委员会的活动记录在社区。"))
    if not permissions.can_record_epmc(actor, community):
        raise PermissionDenied
    if date > timezone.localdate():
        raise RuleViolation(_("活动日期不能晚于今天。"), field="date")
    if kind not in EpmcActivity.Kind.values:
        raise RuleViolation(_("请选择活动类型。"), field="kind")
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise RuleViolation(_("请填写活动主题。"), field="title")
    if not content:
        raise RuleViolation(_("请填写活动内容。"), field="content")
    participants = list(participants or [])
    if not participants and not other_participants.strip():
        raise RuleViolation(_("请填写参加人员。"), field="participants")
    for f in files or []:
        if f.size > MAX_ATTACHMENT_BYTES:
            raise RuleViolation(_("附件“%(name)s”超过 10 MB。") % {"name": f.name}, field="files")
    activity = EpmcActivity.objects.create(
        community=community,
        date=date,
        kind=kind,
        title=title,
        content=content,
        other_participants=other_participants.strip(),
        outcome=outcome.strip(),
        recorded_by=actor,
    )
    if participants:
        activity.participants.set(participants)
    for f in files or []:
        EpmcAttachment.objects.create(activity=activity, file=f, name=f.name[:200])
    EpmcIdleFlag.objects.active().filter(community=community).update(cleared_at=timezone.now())
    audit.record(actor=actor, verb="epmc.activity", target=activity, place=community, summary=title)
    return activity


def idle_threshold(today: dt.date | None = None) -> dt.date:
    """Activities on or after this date keep an EPMC active (EPMC_IDLE_DAYS working days back)."""
    today = today or timezone.localdate()
    return add_working_days(today, -int(settings.SANFANG["EPMC_IDLE_DAYS"]))


def last_activities(communities) -> dict[int, dt.date]:
    return dict(
        EpmcActivity.objects.filter(community__in=communities)
        .values("community_id")
        .annotate(last=Max("date"))
        .values_list("community_id", "last")
    )


def flag_idle_epmcs(today: dt.date | None = None, within: Place | None = None) -> int:
    """WN-1: flag every community whose EPMC had no activity for EPMC_IDLE_DAYS working days; tell the street."""
    today = today or timezone.localdate()
    threshold = idle_threshold(today)
    communities = Place.objects.communities()
    if within is not None:
        communities = communities.filter(path__startswith=within.path)
    last = last_activities(communities)
    flagged = set(EpmcIdleFlag.objects.active().values_list("community_id", flat=True))
    created = 0
    for community in communities.select_related("parent"):
        last_on = last.get(community.pk)
        idle = last_on is None or last_on < threshold
        if idle and community.pk not in flagged:
            with transaction.atomic():
                flag = EpmcIdleFlag.objects.create(community=community, last_activity_on=last_on)
                audit.record(actor="系统", verb="epmc.idle", target=flag, place=community)
                street = community.parent
                delivery.notify(
                    recipients=people_in(street, OrgKind.STREET),
                    subject=lambda community=community: (
                        _("%(community)s环境和物业管理委员会长期未开展活动") % {"community": community.name}
                    ),
                    body=lambda last_on=last_on: (
                        _("最近一次活动：%(last)s") % {"last": last_on or _("无记录")}
                    ),
                    key=f"epmc-idle:{flag.pk}",
                    url=reverse("campaigns:epmc-overview"),
                )
            created += 1
        elif not idle and community.pk in flagged:
            EpmcIdleFlag.objects.active().filter(community=community).update(cleared_at=timezone.now())
    return created
