"""Admin: read-only views of board items and their versions (versions are immutable; edit through services)."""

from django.contrib import admin

from .models import BoardChain, BoardItem, ItemVersion


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BoardItem)
class BoardItemAdmin(_ReadOnly):
    list_display = ["title", "compound", "kind", "party", "period_label", "due_on", "status", "version"]
    list_filter = ["kind", "status", "party"]
    search_fields = ["title", "compound__name", "compound__code"]


@admin.register(ItemVersion)
class ItemVersionAdmin(_ReadOnly):
    list_display = ["title", "compound", "number", "seq", "published_at", "withdrawn", "digest"]
    search_fields = ["title", "compound__code"]


@admin.register(BoardChain)
class BoardChainAdmin(_ReadOnly):
    list_display = ["compound", "length", "head_digest", "updated_at"]
