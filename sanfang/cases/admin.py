from django.contrib import admin

from .models import Case, DeadlinePolicy, MajorMatter, Summons


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("tracking_no", "title", "compound", "case_class", "status", "due_on", "bounce_count")
    list_filter = ("case_class", "status", "source")
    search_fields = ("tracking_no", "title")
    raw_id_fields = (
        "compound",
        "community",
        "street",
        "building",
        "reporter",
        "entered_by",
        "handler",
        "holder",
    )
    # State changes go through the services (timeline + audit); the admin is for reading.
    readonly_fields = ("status", "case_class", "step", "bounce_count", "escalation_level", "version")


@admin.register(Summons)
class SummonsAdmin(admin.ModelAdmin):
    list_display = ("case", "level", "from_org", "to_org", "due_on", "reported_at")
    list_filter = ("level",)
    raw_id_fields = ("case", "parent", "from_org", "to_org", "issued_by", "reported_by")


@admin.register(MajorMatter)
class MajorMatterAdmin(admin.ModelAdmin):
    list_display = ("title", "compound", "kind", "step")
    list_filter = ("kind",)
    raw_id_fields = ("compound", "community", "case", "created_by")


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ("street", "key", "value")
    raw_id_fields = ("street",)
