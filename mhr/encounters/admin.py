from django.contrib import admin

from mhr.encounters.models import Encounter, EncounterImport, EncounterRevision, EncounterSettings


class ReadOnlyAdmin(admin.ModelAdmin):
    """Encounter data changes only through the services (history and audit); the admin looks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Encounter)
class EncounterAdmin(ReadOnlyAdmin):
    list_display = ["incident_number", "agency", "status", "received_at", "disposition"]
    list_filter = ["status", "disposition", "call_source"]
    search_fields = ["incident_number", "agency__ori"]
    list_select_related = ["agency"]
    exclude = ["person_digest"]


@admin.register(EncounterRevision)
class EncounterRevisionAdmin(ReadOnlyAdmin):
    list_display = ["encounter", "number", "source", "changed_by", "changed_at"]
    list_select_related = ["encounter", "changed_by"]


@admin.register(EncounterImport)
class EncounterImportAdmin(ReadOnlyAdmin):
    list_display = ["original_filename", "agency", "format", "status", "created_at"]
    list_select_related = ["agency"]


@admin.register(EncounterSettings)
class EncounterSettingsAdmin(ReadOnlyAdmin):
    list_display = ["agency", "time_zone", "transparency_published"]
    list_select_related = ["agency"]
