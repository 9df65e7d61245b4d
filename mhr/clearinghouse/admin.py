"""Clearinghouse admin. Saves and status changes go through the services, so every change
gets a revision and an audit row; uploads are done in the editorial screens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from mhr.accounts.admin import adopt_saved
from mhr.audit.services import audit_record
from mhr.clearinghouse.models import Attachment, Fact, Resource, ResourceRevision, Topic
from mhr.clearinghouse.services import (
    EDITABLE_FIELDS,
    resource_change_status,
    resource_create,
    resource_update,
)
from mhr.core.admin import ReadOnlyAdminMixin


def _is_editor(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or user.is_editor))


def _is_staff_reader(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or user.is_editor or user.is_reviewer))


class EditorialPermissions:
    """Editors change the clearinghouse; reviewers read it. On top of Django's own permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or _is_staff_reader(request.user)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _is_staff_reader(request.user)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) or _is_editor(request.user)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or _is_editor(request.user)  # type: ignore[misc]


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = (
        "title",
        "original_filename",
        "content_type",
        "size_bytes",
        "page_count",
        "uploaded_at",
        "uploaded_by",
    )
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_staff_reader(request.user)


@admin.register(Resource)
class ResourceAdmin(EditorialPermissions, admin.ModelAdmin):
    list_display = ("title", "resource_type", "status", "access", "published_on", "updated_at")
    list_filter = ("status", "resource_type", "access", "audience", "topics")
    search_fields = ("title", "slug", "summary", "publisher")
    ordering = ("-updated_at", "-id")
    date_hierarchy = "updated_at"
    filter_horizontal = ("topics",)
    fields = (
        "title",
        "slug",
        "resource_type",
        "summary",
        "body",
        "topics",
        "audience",
        "publisher",
        "published_on",
        "external_url",
        "access",
        "status",
        "first_published_at",
        "created_at",
        "updated_at",
        "created_by",
        "editorial_links",
    )
    readonly_fields = (
        "status",
        "first_published_at",
        "created_at",
        "updated_at",
        "created_by",
        "editorial_links",
    )
    inlines = (AttachmentInline,)
    actions = ("submit_for_review", "publish", "archive")

    @admin.display(description="Editorial screen")
    def editorial_links(self, obj: Resource) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("clearinghouse_staff:resource_detail", args=[obj.pk])
        return format_html('<a href="{}">Upload files, preview and see the history</a>', url)

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {"slug": ("title",)} if obj is None else {}

    # Resources are archived, not deleted, so their history stays.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return _is_staff_reader(request.user)

    def save_model(self, request: HttpRequest, obj: Resource, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {name: data[name] for name in EDITABLE_FIELDS if name in data}
        topics = list(data.get("topics") or [])
        if change:
            resource_update(
                resource=Resource.objects.get(pk=obj.pk),
                changed_by=request.user,
                topics=topics,
                **fields,
            )
            obj.refresh_from_db()
        else:
            adopt_saved(obj, resource_create(created_by=request.user, topics=topics, **fields))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Topics were set by the service in save_model; the form must not set them again.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _change_status(
        self, request: HttpRequest, queryset: models.QuerySet[Resource], status: str
    ) -> None:
        done = 0
        for resource in queryset:
            try:
                resource_change_status(resource=resource, status=status, changed_by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{resource.title}: {text}", messages.ERROR)
            else:
                done += 1
        if done:
            label = Resource.Status(status).label.lower()
            self.message_user(request, f"{done} resource(s) now {label}.", messages.SUCCESS)

    @admin.action(description="Submit for review", permissions=["change"])
    def submit_for_review(self, request: HttpRequest, queryset: models.QuerySet[Resource]) -> None:
        self._change_status(request, queryset, Resource.Status.IN_REVIEW)

    @admin.action(description="Publish", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: models.QuerySet[Resource]) -> None:
        self._change_status(request, queryset, Resource.Status.PUBLISHED)

    @admin.action(description="Archive", permissions=["change"])
    def archive(self, request: HttpRequest, queryset: models.QuerySet[Resource]) -> None:
        self._change_status(request, queryset, Resource.Status.ARCHIVED)


@admin.register(Topic)
class TopicAdmin(EditorialPermissions, admin.ModelAdmin):
    list_display = ("name", "slug", "resource_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Topic]:
        return super().get_queryset(request).annotate(_resource_count=models.Count("resources"))

    @admin.display(description="Resources", ordering="_resource_count")
    def resource_count(self, obj: Topic) -> int:
        return obj._resource_count  # type: ignore[attr-defined]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or _is_editor(request.user)


# Revisions are written only by the services.
@admin.register(ResourceRevision)
class ResourceRevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("resource", "number", "action", "actor", "created_at")
    list_filter = ("action",)
    list_select_related = ("resource", "actor")
    search_fields = ("resource__title", "resource__slug", "comment", "actor__email")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = ("resource", "number", "action", "actor", "created_at", "changes", "comment")
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or _is_staff_reader(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _is_staff_reader(request.user)


FACT_SAVED = "clearinghouse.fact_saved"


# National facts quoted on messaging worksheets: editors keep them current; facts are retired
# (unticked "offered on worksheets"), not deleted, because saved worksheets quote them.
@admin.register(Fact)
class FactAdmin(EditorialPermissions, admin.ModelAdmin):
    list_display = (
        "statement_start",
        "source",
        "year",
        "program_reported",
        "is_active",
        "position",
    )
    list_filter = ("program_reported", "is_active")
    list_editable = ("position",)
    search_fields = ("statement", "source", "figure")
    raw_id_fields = ("resource",)
    fields = (
        "statement",
        "figure",
        "source",
        "year",
        "url",
        "program_reported",
        "caveat",
        "resource",
        "is_active",
        "position",
        "updated_at",
    )
    readonly_fields = ("updated_at",)

    @admin.display(description="Statement")
    def statement_start(self, obj: Fact) -> str:
        return str(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Fact, form: Any, change: bool) -> None:
        with transaction.atomic():
            obj.updated_at = timezone.now()
            super().save_model(request, obj, form, change)
            audit_record(
                event_type=FACT_SAVED,
                actor=request.user,
                target=obj,
                request=request,
                extra={"fields": sorted(form.changed_data), "created": not change},
            )
