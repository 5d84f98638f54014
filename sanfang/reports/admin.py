"""Read-mostly admin: reports and opinions are changed through the services (audit trail)."""

from django.contrib import admin

from .models import Opinion, Report, ReportRecipient


class RecipientInline(admin.TabularInline):
    model = ReportRecipient
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "organisation", "received_at", "received_by")

    def has_add_permission(self, request, obj=None):
        return False


class OpinionInline(admin.StackedInline):
    model = Opinion
    extra = 0
    can_delete = False
    fk_name = "report"
    readonly_fields = (
        "recipient",
        "author",
        "text",
        "created_at",
        "due_on",
        "answer",
        "answered_at",
        "answered_by",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "mode", "status", "reporting_org", "compound", "submitted_at")
    list_filter = ("type", "mode", "status")
    search_fields = ("title",)
    raw_id_fields = ("compound", "community", "reporting_org", "author", "follows")
    inlines = [RecipientInline, OpinionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
