"""Admin for people, agencies and API tokens.

Association staff administrators (staff_role "administrator" with admin site access) manage
these without per-model Django permissions. Writes go through mhr.accounts.services where one
exists, so the audit log records them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from mhr.accounts.models import Agency, ApiToken, Membership, User
from mhr.accounts.security import user_deactivate, user_unlock
from mhr.accounts.services import (
    agency_create,
    agency_update,
    api_token_revoke,
    membership_change_role,
    membership_create,
    user_create,
)
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record
from mhr.core.admin import ReadOnlyAdminMixin


def is_staff_administrator(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or user.is_staff_administrator))


class StaffAdministratorPermissions:
    """Grants the admin permissions to staff administrators on top of Django's own."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or is_staff_administrator(request.user)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or is_staff_administrator(request.user)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) or is_staff_administrator(request.user)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or is_staff_administrator(  # type: ignore[misc]
            request.user
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or is_staff_administrator(  # type: ignore[misc]
            request.user
        )


def adopt_saved(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved instance the row a service created, so the admin carries on with it."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class UserAddForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "title", "staff_role", "is_staff")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("A user with this email address already exists.")
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# Changes to these are what an auditor asks about, so the audit row keeps old and new values.
AUDITED_USER_FIELDS = ("email", "staff_role", "is_active", "is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(StaffAdministratorPermissions, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    list_display = ("email", "full_name", "staff_role", "agency", "is_active", "is_staff")
    list_filter = ("staff_role", "is_active", "is_staff", "is_superuser")
    list_select_related = ("membership__agency",)
    search_fields = ("email", "full_name", "membership__agency__name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined", "locked_at")
    actions = ["unlock_accounts"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "title")}),
        ("Association role", {"fields": ("staff_role", "is_active", "is_staff")}),
        (
            "Django permissions",
            {
                "classes": ("collapse",),
                "fields": ("is_superuser", "groups", "user_permissions"),
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined", "locked_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "title",
                    "staff_role",
                    "is_staff",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.action(description="Unlock selected accounts")
    def unlock_accounts(self, request: HttpRequest, queryset: Any) -> None:
        unlocked = 0
        for user in queryset.filter(locked_at__isnull=False):
            user_unlock(user=user, unlocked_by=request.user, request=request)
            unlocked += 1
        self.message_user(request, f"{unlocked} account(s) unlocked.")

    @admin.display(description="Agency", ordering="membership__agency__name")
    def agency(self, obj: User) -> str:
        membership = getattr(obj, "membership", None)
        return membership.agency.name if membership else "—"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only superusers hand out Django-level permissions.
            readonly += ("is_superuser", "groups", "user_permissions")
        return readonly

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            data = form.cleaned_data
            password = data.get("password1") if data.get("set_usable_password", True) else None
            user = user_create(
                email=obj.email,
                password=password,
                full_name=obj.full_name,
                title=obj.title,
                staff_role=obj.staff_role,
                is_staff=obj.is_staff,
                created_by=request.user,
            )
            adopt_saved(obj, user)
            return
        concrete = {f.name for f in User._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete and name != "password"]
        if "is_active" in changed and not obj.is_active:
            # Deactivation also ends sessions and revokes tokens; the service does all of it.
            changed.remove("is_active")
            obj.is_active = True
            if changed:
                obj.save(update_fields=changed)
            user_deactivate(user=obj, deactivated_by=request.user, reason="admin", request=request)
            changed.append("is_active")
        elif changed:
            obj.save(update_fields=changed)
        if not changed:
            return
        audit_record(
            event_type=AuditEvent.EventType.USER_CHANGED,
            actor=request.user,
            target=obj,
            request=request,
            extra={
                "fields": sorted(changed),
                "changes": {
                    name: [form.initial.get(name), form.cleaned_data.get(name)]
                    for name in changed
                    if name in AUDITED_USER_FIELDS
                },
            },
        )


class MembershipInline(StaffAdministratorPermissions, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    # Removing someone from an agency has no service yet; it is done by deactivating the user.
    can_delete = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Agency)
class AgencyAdmin(StaffAdministratorPermissions, admin.ModelAdmin):
    list_display = ("name", "ori", "state", "agency_type", "sworn_headcount", "member_count")
    list_filter = ("state", "agency_type")
    search_fields = ("name", "ori", "county", "city")
    ordering = ("name",)
    inlines = (MembershipInline,)
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Agency]:
        return super().get_queryset(request).annotate(_member_count=models.Count("memberships"))

    @admin.display(description="Members", ordering="_member_count")
    def member_count(self, obj: Agency) -> int:
        return obj._member_count  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The ORI identifies the agency everywhere (imports, API); it is fixed once created.
        return ("ori", "created_at") if obj is not None else ("created_at",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting an agency would delete its members' data; only superusers may.
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        if not change:
            fields = {
                f.name: form.cleaned_data[f.name]
                for f in Agency._meta.concrete_fields
                if f.name in form.cleaned_data
            }
            adopt_saved(obj, agency_create(created_by=request.user, **fields))
            return
        stored = Agency.objects.get(pk=obj.pk)
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        agency_update(agency=stored, changed_by=request.user, **fields)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # The admin's change message reads these lists, which formset.save() would have set.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            membership = inline_form.instance
            try:
                if membership.pk is None:
                    created = membership_create(
                        user=inline_form.cleaned_data["user"],
                        agency=form.instance,
                        role=inline_form.cleaned_data["role"],
                        created_by=request.user,
                    )
                    formset.new_objects.append(created)
                elif "role" in inline_form.changed_data:
                    changed = membership_change_role(
                        membership=Membership.objects.get(pk=membership.pk),
                        role=inline_form.cleaned_data["role"],
                        changed_by=request.user,
                    )
                    formset.changed_objects.append((changed, ["role"]))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))


# Tokens are created by their owners, who see the secret once; the admin only reads and revokes.
@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, StaffAdministratorPermissions, admin.ModelAdmin):
    list_display = (
        "name",
        "lookup_prefix",
        "user",
        "agency",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter), "revoked_at")
    list_select_related = ("user", "agency")
    search_fields = ("name", "lookup_prefix", "user__email", "agency__name", "agency__ori")
    readonly_fields = (
        "name",
        "user",
        "agency",
        "lookup_prefix",
        "digest",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ("revoke_tokens",)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return is_staff_administrator(request.user)

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke_tokens(self, request: HttpRequest, queryset: models.QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.select_related("agency").filter(revoked_at__isnull=True):
            api_token_revoke(token=token, revoked_by=request.user, request=request)
            count += 1
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


# Association roles live on User.staff_role; Django groups are not used.
admin.site.unregister(Group)
