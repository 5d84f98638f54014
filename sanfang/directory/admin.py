from django.contrib import admin

from sanfang.core import audit

from .models import Building, Organisation, Person, Place, Position, Residency, ServiceContract


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        """A place moved under another parent is written to the audit trail with who moved it (its open cases
        follow it: cases.services.follow_moved_place, each on its own timeline)."""
        # The admin's change view runs in one transaction: the move, its cases and this record commit together.
        super().save_model(request, obj, form, change)
        if change and "parent" in form.changed_data:
            before = Place.objects.filter(pk=form.initial.get("parent")).first()
            audit.record(
                actor=request.user,
                verb="place.move",
                target=obj,
                place=obj,
                changes={"parent": [before.name if before else "", obj.parent.name if obj.parent else ""]},
            )


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("name", "compound", "units")
    raw_id_fields = ("compound",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "place")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("place", "parent")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "username", "phone", "is_active", "is_staff")
    search_fields = ("name", "username", "phone")
    exclude = ("password", "user_permissions", "groups")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("person", "organisation", "title", "is_head", "leads_epmc", "term_start", "term_end")
    raw_id_fields = ("person", "organisation")


@admin.register(ServiceContract)
class ServiceContractAdmin(admin.ModelAdmin):
    list_display = ("company", "compound", "start", "end", "fee_regime")
    raw_id_fields = ("company", "compound")


@admin.register(Residency)
class ResidencyAdmin(admin.ModelAdmin):
    list_display = ("person", "compound", "room", "status")
    list_filter = ("status",)
    raw_id_fields = ("person", "compound", "building", "verified_by")
