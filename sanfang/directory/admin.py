from django.contrib import admin

from .models import Building, Organisation, Person, Place, Position, Residency, ServiceContract


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)


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
