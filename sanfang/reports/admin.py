"""Read-mostly admin: reports and opinions are changed through the services (audit trail)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
    # The stored file's own address is under /media/, which nothing serves: link the permission-checked view.
    exclude = ("attachment",)
    readonly_fields = ("attachment_link",)

    @admin.display(description=_("附件"))
    def attachment_link(self, obj):
        if not obj.attachment:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("reports:attachment", args=[obj.pk]), _("下载附件"))

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
