"""Campaigns admin.

Staff administrators edit the campaign's rules here: rule versions with their requirements
(thresholds and accepted course types) and course types, so changing them needs no code. Every
such change writes an audit row with the old and new values. Pledges move only through
mhr.campaigns.services.pledges, and a submitted pledge is recognized or returned only through the
per-practice review at /staff/pledges/; rosters, training, evidence and imports belong to the
agencies and are read-only here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.campaigns.models import (
    Campaign,
    CourseType,
    ImportBatch,
    Officer,
    Partnership,
    Pledge,
    PolicyDocument,
    PracticeDecision,
    Requirement,
    RuleVersion,
    TrainingRecord,
)
from mhr.campaigns.services.pledges import pledge_change_status
from mhr.core.admin import ReadOnlyAdminMixin

# One event for every change to what a campaign asks of agencies.
RULES_CHANGED = AuditEvent.EventType.CAMPAIGN_RULES_CHANGED


def _is_rules_editor(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or user.is_staff_administrator))


def _is_campaign_reader(user: Any) -> bool:
    # Reviewers judge pledges against the rules and the evidence, so they read all of it.
    return bool(user.is_active and (user.is_superuser or user.is_reviewer))


class CampaignReaderPermissions:
    """Reviewers and staff administrators read; on top of Django's own permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or _is_campaign_reader(request.user)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or _is_campaign_reader(request.user)  # type: ignore[misc]


class RulesEditorPermissions(CampaignReaderPermissions):
    """Staff administrators also add and change the rules."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) or _is_rules_editor(request.user)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or _is_rules_editor(request.user)  # type: ignore[misc]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or str(value.pk)
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        items = [_jsonable(item) for item in value]
        return sorted(items, key=str) if all(not isinstance(i, dict) for i in items) else items
    if isinstance(value, (str, int, float, bool, dict)) or value is None:
        return value
    return str(value)


def _form_changes(form: Any) -> dict[str, list[Any]]:
    """{field: [old, new]} for every changed field of a model form."""
    return {
        name: [_jsonable(form.initial.get(name)), _jsonable(form.cleaned_data.get(name))]
        for name in form.changed_data
    }


def _audit_rules(
    request: HttpRequest, obj: models.Model, *, action: str, changes: dict[str, Any], **extra: Any
) -> None:
    audit_record(
        event_type=RULES_CHANGED,
        actor=request.user,
        target=obj,
        request=request,
        extra={"model": obj._meta.model_name, "action": action, "changes": changes, **extra},
    )


class AuditedRulesAdmin(RulesEditorPermissions, admin.ModelAdmin):
    """Saves as usual, then writes an audit row with the old and new values."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = _form_changes(form)
        super().save_model(request, obj, form, change)
        if changes or not change:
            _audit_rules(request, obj, action="changed" if change else "created", changes=changes)


@admin.register(Campaign)
class CampaignAdmin(AuditedRulesAdmin):
    list_display = ("name", "slug", "min_months", "max_months", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(CourseType)
class CourseTypeAdmin(AuditedRulesAdmin):
    list_display = ("name", "code", "family", "validity_months", "typical_hours")
    list_filter = ("family",)
    search_fields = ("name", "code")
    fields = ("code", "name", "family", "validity_months", "typical_hours", "aliases")
    prepopulated_fields = {"code": ("name",)}


class RequirementInline(RulesEditorPermissions, admin.StackedInline):
    model = Requirement
    extra = 0
    fields = (
        ("position", "key"),
        "title",
        "description",
        "kind",
        ("coverage_basis", "min_percent"),
        "accepted_courses",
        "include_non_sworn_in_scope",
    )
    filter_horizontal = ("accepted_courses",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or _is_rules_editor(request.user)


@admin.register(RuleVersion)
class RuleVersionAdmin(AuditedRulesAdmin):
    list_display = ("name", "campaign", "code", "effective_from", "is_current", "pledge_count")
    list_filter = ("campaign", "is_current")
    list_select_related = ("campaign",)
    search_fields = ("name", "code", "campaign__name")
    fields = ("campaign", "code", "name", "description", "effective_from", "is_current")
    inlines = (RequirementInline,)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[RuleVersion]:
        return super().get_queryset(request).annotate(_pledge_count=models.Count("pledges"))

    @admin.display(description="Pledges", ordering="_pledge_count")
    def pledge_count(self, obj: RuleVersion) -> int:
        return obj._pledge_count  # type: ignore[attr-defined]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Requirement:
            super().save_formset(request, form, formset, change)
            return
        deleted = {id(f) for f in formset.deleted_forms}
        pending = []
        for inline_form in formset.forms:
            if id(inline_form) in deleted:
                if inline_form.instance.pk is not None:
                    pending.append((inline_form, "deleted", {}, inline_form.instance.key))
                continue
            if not inline_form.has_changed():
                continue
            action = "changed" if inline_form.instance.pk else "created"
            pending.append((inline_form, action, _form_changes(inline_form), ""))
        # Deleted rows lose their primary key when saved; remember it for the audit row.
        deleted_pks = {id(f): f.instance.pk for f, action, _, _ in pending if action == "deleted"}
        super().save_formset(request, form, formset, change)
        for inline_form, action, changes, key in pending:
            requirement = inline_form.instance
            if action == "deleted":
                requirement.pk = deleted_pks[id(inline_form)]
            _audit_rules(
                request,
                requirement,
                action=action,
                changes=changes,
                rule_version=form.instance.code,
                campaign=form.instance.campaign.slug,
                requirement=key or requirement.key,
            )


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdminMixin, CampaignReaderPermissions, admin.ModelAdmin):
    """Pledges, read-only. A submitted pledge is recognized or returned only on the review screen
    (/staff/pledges/<id>/), where every practice gets its own decision and comment: bulk
    "recognize" or "return" actions here would skip those decisions, so there are none. The
    change page and the list link to the review screen instead."""

    list_display = (
        "agency",
        "agency_ori",
        "campaign",
        "status",
        "signed_on",
        "target_completion_on",
        "recognized_on",
        "review_link",
    )
    list_filter = ("status", "campaign", "rule_version")
    list_select_related = ("agency", "campaign")
    search_fields = ("agency__name", "agency__ori")
    ordering = ("-signed_on", "-id")
    date_hierarchy = "signed_on"
    fields = (
        "review_link",
        "agency",
        "campaign",
        "rule_version",
        "status",
        "status_changed_at",
        "recognized_on",
        "agency_head_name",
        "agency_head_title",
        "signed_on",
        "target_completion_on",
        "non_sworn_roles_in_scope",
        "contact_name",
        "contact_email",
        "contact_phone",
        "created_at",
        "created_by",
    )
    readonly_fields = ("review_link",)
    # Lapsing is not a review decision (the daily re-evaluation does it from the data too), so a
    # reviewer may still lapse a recognition by hand.
    actions = ("mark_lapsed",)

    @admin.display(description="ORI", ordering="agency__ori")
    def agency_ori(self, obj: Pledge) -> str:
        return obj.agency.ori

    @admin.display(description="Review")
    def review_link(self, obj: Pledge) -> str:
        if obj.pk is None:
            return "—"
        label = (
            "Review the practices"
            if obj.status == Pledge.Status.SUBMITTED
            else "Review history and evidence"
        )
        url = reverse("campaigns_review:pledge_review", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, label)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return _is_campaign_reader(request.user)

    @admin.action(description="Mark recognition lapsed", permissions=["review"])
    def mark_lapsed(self, request: HttpRequest, queryset: models.QuerySet[Pledge]) -> None:
        done = 0
        for pledge in queryset.select_related("agency"):
            try:
                pledge_change_status(
                    pledge=pledge,
                    status=Pledge.Status.LAPSED,
                    changed_by=request.user,
                    request=request,
                )
            except (ValidationError, PermissionDenied) as exc:
                text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{pledge.agency.name}: {text}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} pledge(s) now lapsed.", messages.SUCCESS)


class AgencyRecordAdmin(ReadOnlyAdminMixin, CampaignReaderPermissions, admin.ModelAdmin):
    """Agency-owned rows: staff read them here; agencies change them through their own screens."""

    actions = None

    @admin.display(description="ORI", ordering="agency__ori")
    def agency_ori(self, obj: Any) -> str:
        return obj.agency.ori


def _file_name(field: Any) -> str:
    # Uploads are private (no MEDIA_URL): name the file instead of linking to it.
    return field.name.rsplit("/", 1)[-1] if field else "—"


@admin.register(Officer)
class OfficerAdmin(AgencyRecordAdmin):
    list_display = (
        "employee_id",
        "last_name",
        "first_name",
        "agency",
        "agency_ori",
        "is_sworn",
        "role",
        "status",
    )
    list_filter = ("status", "is_sworn", "role")
    list_select_related = ("agency",)
    search_fields = ("=agency__ori", "employee_id", "last_name", "agency__name")
    ordering = ("agency__name", "last_name", "first_name")
    fields = (
        "agency",
        "employee_id",
        "first_name",
        "last_name",
        "is_sworn",
        "role",
        "unit",
        "hire_date",
        "status",
        "status_since",
        "created_at",
        "updated_at",
    )


@admin.register(TrainingRecord)
class TrainingRecordAdmin(AgencyRecordAdmin):
    list_display = (
        "officer_employee_id",
        "officer",
        "agency_ori",
        "course_type",
        "completed_on",
        "expires_on",
        "source",
    )
    list_filter = ("course_type", "source")
    list_select_related = ("officer", "agency", "course_type")
    search_fields = ("=agency__ori", "officer__employee_id", "officer__last_name", "provider")
    ordering = ("-completed_on", "-id")
    fields = (
        "agency",
        "officer",
        "course_type",
        "provider",
        "completed_on",
        "hours",
        "expires_on",
        "certificate_file",
        "source",
        "created_at",
    )
    readonly_fields = ("certificate_file",)

    @admin.display(description="Employee id", ordering="officer__employee_id")
    def officer_employee_id(self, obj: TrainingRecord) -> str:
        return obj.officer.employee_id

    @admin.display(description="Certificate")
    def certificate_file(self, obj: TrainingRecord) -> str:
        return _file_name(obj.certificate)


@admin.register(Partnership)
class PartnershipAdmin(AgencyRecordAdmin):
    list_display = (
        "organization_name",
        "agency",
        "agency_ori",
        "organization_kind",
        "agreement_kind",
        "started_on",
        "ends_on",
        "confirmed_at",
    )
    list_filter = ("organization_kind", "agreement_kind")
    list_select_related = ("agency",)
    search_fields = ("organization_name", "=agency__ori", "agency__name")
    ordering = ("agency__name", "-started_on")
    fields = (
        "agency",
        "organization_name",
        "organization_kind",
        "agreement_kind",
        "started_on",
        "ends_on",
        "document_file",
        "partner_contact_email",
        "invited_at",
        "confirmed_at",
        "confirmed_by_name",
        "created_at",
    )
    readonly_fields = ("document_file",)

    @admin.display(description="Document")
    def document_file(self, obj: Partnership) -> str:
        return _file_name(obj.document)


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(AgencyRecordAdmin):
    list_display = ("title", "agency", "agency_ori", "adopted_on", "next_review_on")
    list_select_related = ("agency",)
    search_fields = ("title", "=agency__ori", "agency__name")
    ordering = ("agency__name", "-adopted_on")
    fields = (
        "agency",
        "title",
        "document_file",
        "adopted_on",
        "next_review_on",
        "element_pages",
        "created_at",
    )
    readonly_fields = ("document_file",)

    @admin.display(description="Document")
    def document_file(self, obj: PolicyDocument) -> str:
        return _file_name(obj.document)


@admin.register(ImportBatch)
class ImportBatchAdmin(AgencyRecordAdmin):
    list_display = (
        "original_filename",
        "agency",
        "agency_ori",
        "kind",
        "status",
        "created_at",
        "created_by",
    )
    list_filter = ("kind", "status")
    list_select_related = ("agency", "created_by")
    search_fields = ("original_filename", "=agency__ori", "agency__name", "sha256")
    ordering = ("-created_at", "-id")
    date_hierarchy = "created_at"
    fields = (
        "agency",
        "kind",
        "status",
        "original_filename",
        "sha256",
        "mapping",
        "counts",
        "errors",
        "warnings",
        "progress_percent",
        "created_at",
        "finished_at",
        "created_by",
    )


@admin.register(PracticeDecision)
class PracticeDecisionAdmin(ReadOnlyAdminMixin, CampaignReaderPermissions, admin.ModelAdmin):
    """Reviewers' decisions, read-only: they are made on the review screens at /staff/pledges/."""

    actions = None
    list_display = (
        "requirement_title",
        "agency",
        "round_number",
        "decision",
        "reviewer_label",
        "decided_at",
    )
    list_filter = ("decision",)
    list_select_related = ("pledge__agency",)
    search_fields = ("=pledge__agency__ori", "pledge__agency__name", "requirement_key", "comment")
    ordering = ("-decided_at", "-id")
    date_hierarchy = "decided_at"
    fields = (
        "pledge",
        "round_number",
        "submitted_at",
        "requirement",
        "requirement_key",
        "requirement_title",
        "decision",
        "comment",
        "engine_numbers",
        "reviewer",
        "reviewer_label",
        "decided_at",
    )

    @admin.display(description="Agency", ordering="pledge__agency__name")
    def agency(self, obj: PracticeDecision) -> str:
        return obj.pledge.agency.name
