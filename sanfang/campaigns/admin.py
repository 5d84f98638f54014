"""Read-mostly admin: the workflow (submit, review, rectify, report) goes through the services and pages, which check
the rules and write the audit trail; the admin is for looking things up and fixing typos."""

from django.contrib import admin

from .models import (
    Campaign,
    ChecklistItem,
    CompoundSurvey,
    EpmcActivity,
    EpmcIdleFlag,
    Investigation,
    Problem,
    ProgressReport,
    SurveyReview,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewInline(ReadOnlyInline):
    model = SurveyReview
    fields = ("at", "stage", "decision", "comment", "by")


class ChecklistInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ("label", "board_published", "board_overdue", "result", "note")


class ProblemInline(ReadOnlyInline):
    model = Problem
    fields = ("description", "owner", "owner_label", "due_on", "rectified_at")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "county", "survey_due", "investigation_due", "report_due", "closed_at")
    raw_id_fields = ("county", "opened_by")
    readonly_fields = ("opened_by", "opened_at", "version")


@admin.register(CompoundSurvey)
class CompoundSurveyAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "street", "management_mode", "status", "in_scope")
    list_filter = ("status", "management_mode", "in_scope", "campaign")
    search_fields = ("name", "compound__code")
    raw_id_fields = (
        "campaign",
        "compound",
        "community",
        "street",
        "company",
        "filled_by",
        "scope_adjusted_by",
    )
    readonly_fields = (
        "status",
        "in_scope",
        "in_scope_reason",
        "scope_adjusted_by",
        "submitted_at",
        "version",
    )
    inlines = [ReviewInline]


@admin.register(Investigation)
class InvestigationAdmin(admin.ModelAdmin):
    list_display = ("survey", "investigated_on", "conclusion", "status")
    list_filter = ("status", "conclusion")
    raw_id_fields = ("survey", "opened_by")
    readonly_fields = ("status", "conclusion", "closed_at", "version")
    inlines = [ChecklistInline, ProblemInline]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("street", "campaign", "submitted_at", "is_late", "overdue_flagged_at")
    list_filter = ("is_late", "campaign")
    raw_id_fields = ("campaign", "street", "submitted_by")
    readonly_fields = ("stats", "submitted_at", "submitted_by", "is_late", "overdue_flagged_at", "version")


@admin.register(EpmcActivity)
class EpmcActivityAdmin(admin.ModelAdmin):
    list_display = ("date", "community", "kind", "title")
    list_filter = ("kind",)
    search_fields = ("title", "community__name")
    raw_id_fields = ("community", "participants", "recorded_by")


@admin.register(EpmcIdleFlag)
class EpmcIdleFlagAdmin(admin.ModelAdmin):
    list_display = ("community", "last_activity_on", "flagged_at", "cleared_at")
    raw_id_fields = ("community",)
