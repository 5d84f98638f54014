"""Admin: standards, rounds and credit entries. Ballots and paper entries are deliberately NOT registered, so the
admin is no path to results before a round closes (EV-3); nor to any ballot afterwards."""

from django.contrib import admin

from .models import CreditEntry, Criterion, Round, Standard


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("parent", "title", "content", "weight", "scale", "applies_to", "order")


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ("name", "street", "number", "status", "published_at")
    list_filter = ("status",)
    inlines = [CriterionInline]
    readonly_fields = ("street", "number", "status", "published_at", "version")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("community", "year", "status", "opens_on", "closes_on", "due_on")
    list_filter = ("status", "year")
    # Status changes go through the services (publicity, approval, circulation); results are not shown here.
    readonly_fields = [f.name for f in Round._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CreditEntry)
class CreditEntryAdmin(admin.ModelAdmin):
    list_display = ("company", "kind", "grade", "score", "valid_from", "valid_until")
    list_filter = ("kind",)
    readonly_fields = ("subject", "recorded_by", "recorded_at")
