"""Read-only admin views: these rows are the record of what was sent and run."""

from __future__ import annotations

from django.contrib import admin

from mhr.reminders.models import JobRun, SentReminder


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SentReminder)
class SentReminderAdmin(_ReadOnly):
    list_display = ("kind", "subject_key", "threshold_days", "outcome", "agency", "due_on", "as_of")
    list_filter = ("kind", "outcome", "threshold_days")
    search_fields = ("subject_key", "agency__name", "agency__ori")
    list_select_related = ("agency",)
    date_hierarchy = "created_at"


@admin.register(JobRun)
class JobRunAdmin(_ReadOnly):
    list_display = ("job", "day", "status", "queued_at", "finished_at")
    list_filter = ("job", "status")
    date_hierarchy = "day"
