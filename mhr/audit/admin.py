"""The audit log in the admin: searchable, filterable, and read-only for everyone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mhr.accounts.admin import is_staff_administrator
from mhr.audit.models import AuditEvent
from mhr.core.admin import ReadOnlyAdminMixin


# Rows are append-only: nobody adds, edits or deletes them here, superusers included.
@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "event_type", "outcome", "actor_label", "agency", "object_repr")
    list_filter = ("event_type", "outcome", ("agency", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("agency",)
    search_fields = ("actor_label", "object_repr", "object_id", "ip_address")
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at", "-id")
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or is_staff_administrator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or is_staff_administrator(request.user)
