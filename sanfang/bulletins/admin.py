"""Read-mostly admin: bulletins are changed through the services (audit trail), so the admin only shows them."""

from django.contrib import admin

from .models import Bulletin, BulletinRecipient


class RecipientInline(admin.TabularInline):
    model = BulletinRecipient
    extra = 0
    can_delete = False
    readonly_fields = ("organisation", "acknowledged_at", "acknowledged_by", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "urgency",
        "sender_org",
        "community",
        "sent_at",
        "ack_due_at",
        "escalation_level",
    )
    list_filter = ("urgency", "topic", "escalation_level")
    search_fields = ("title", "case_ref")
    raw_id_fields = ("community", "compound", "sender_org", "author")
    inlines = [RecipientInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
