from django.contrib import admin

from .models import AuditEvent, CalendarDay, CalendarYear, Delivery, Message, WebhookEndpoint


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_at")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "verb", "target_repr", "ip")
    list_filter = ("verb",)
    search_fields = ("actor_label", "target_repr", "summary")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "active")
    raw_id_fields = ("organisation",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "address", "status", "attempts")
    list_filter = ("channel", "status")


admin.site.register(Message)
