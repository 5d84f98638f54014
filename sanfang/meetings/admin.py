"""Admin views of the joint meeting records. Signed documents and summaries are read-only here too; the models
refuse any change to them whatever the path (JM-4, JM-6)."""

from django.contrib import admin

from .models import (
    AgendaItem,
    Meeting,
    MeetingDocument,
    MeetingSchedule,
    Participant,
    Resolution,
    Summary,
)


@admin.register(MeetingSchedule)
class MeetingScheduleAdmin(admin.ModelAdmin):
    list_display = ("community", "weekday", "start_time", "venue")
    search_fields = ("community__name", "community__code")
    raw_id_fields = ("community",)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ("person", "organisation", "compound")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "kind", "date", "status")
    list_filter = ("kind", "status")
    search_fields = ("title", "community__name")
    date_hierarchy = "date"
    raw_id_fields = ("community", "convener", "created_by")
    inlines = [ParticipantInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "kind", "source", "status", "meeting")
    list_filter = ("kind", "source", "status")
    search_fields = ("title",)
    raw_id_fields = (
        "community",
        "meeting",
        "raised_by",
        "raised_org",
        "screened_by",
        "merged_into",
        "carried_from",
        "resolution",
    )


class ReadOnlyWhenSigned:
    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_signed:
            return [f.name for f in self.model._meta.fields]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_signed:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(ReadOnlyWhenSigned, admin.ModelAdmin):
    list_display = ("title", "meeting", "kind", "version", "signed_at")
    list_filter = ("kind",)
    raw_id_fields = ("meeting", "corrects", "updated_by", "signed_by")


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ("text", "community", "owner", "due_on", "status")
    list_filter = ("status",)
    raw_id_fields = ("meeting", "agenda_item", "community", "owner")


@admin.register(Summary)
class SummaryAdmin(ReadOnlyWhenSigned, admin.ModelAdmin):
    list_display = ("__str__", "kind", "year", "signed_at", "submitted_at")
    list_filter = ("kind", "year")
    raw_id_fields = ("community", "created_by", "signed_by")
