"""Writes for users, agencies, memberships and API tokens. Each writes its audit row."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mhr.accounts.models import Agency, ApiToken, Membership, User
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record

AGENCY_EDITABLE_FIELDS = (
    "name",
    "state",
    "county",
    "agency_type",
    "sworn_headcount",
    "website",
    "address_line",
    "city",
    "postal_code",
)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    title: str = "",
    staff_role: str = "",
    is_staff: bool = False,
    created_by: Any = None,
) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email address already exists."})
    user = User(
        email=email, full_name=full_name, title=title, staff_role=staff_role, is_staff=is_staff
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(event_type=AuditEvent.EventType.USER_CREATED, actor=created_by, target=user)
    return user


@transaction.atomic
def agency_create(*, created_by: Any = None, **fields: Any) -> Agency:
    fields["ori"] = str(fields.get("ori", "")).strip().upper()
    fields["state"] = str(fields.get("state", "")).strip().upper()
    agency = Agency(**fields)
    agency.full_clean()
    agency.save()
    audit_record(
        event_type=AuditEvent.EventType.AGENCY_CREATED,
        actor=created_by,
        agency=agency,
        target=agency,
    )
    return agency


@transaction.atomic
def agency_update(*, agency: Agency, changed_by: Any, **fields: Any) -> Agency:
    unknown = set(fields) - set(AGENCY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"These agency fields cannot be changed here: {', '.join(sorted(unknown))}."
        )
    changes = {}
    for name, value in fields.items():
        old = getattr(agency, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(agency, name, value)
    if not changes:
        return agency
    agency.full_clean()
    agency.save(update_fields=list(changes))
    audit_record(
        event_type=AuditEvent.EventType.AGENCY_CHANGED,
        actor=changed_by,
        agency=agency,
        target=agency,
        extra={"changes": changes},
    )
    return agency


@transaction.atomic
def membership_create(
    *, user: User, agency: Agency, role: str = Membership.Role.MEMBER, created_by: Any = None
) -> Membership:
    if Membership.objects.filter(user=user).exists():
        raise ValidationError({"user": f"{user.email} already belongs to an agency."})
    membership = Membership(user=user, agency=agency, role=role)
    membership.full_clean()
    membership.save()
    audit_record(
        event_type=AuditEvent.EventType.MEMBERSHIP_CREATED,
        actor=created_by,
        agency=agency,
        target=membership,
        extra={"user": user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, changed_by: Any) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if membership.role == role:
        return membership
    if membership.is_coordinator and not (
        Membership.objects.for_agency(membership.agency)
        .filter(role=Membership.Role.COORDINATOR)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError("An agency needs at least one coordinator.")
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        event_type=AuditEvent.EventType.MEMBERSHIP_CHANGED,
        actor=changed_by,
        agency=membership.agency,
        target=membership,
        extra={"user": membership.user.email, "role": [old, role]},
    )
    return membership


@transaction.atomic
def api_token_create(
    *, user: User, agency: Agency, name: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a token bound to one agency. Returns the token and its secret, shown only once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. 'RMS export'."})
    if not Membership.objects.filter(user=user, agency=agency).exists():
        raise ValidationError("Tokens can only be created for your own agency.")
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        agency=agency,
        name=name,
        lookup_prefix=secret[: len(ApiToken.PREFIX) + 6],
        digest=ApiToken.digest_for(secret),
    )
    token.full_clean()
    token.save()
    audit_record(
        event_type=AuditEvent.EventType.TOKEN_CREATED,
        actor=user,
        agency=agency,
        target=token,
        request=request,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, revoked_by: Any, request: HttpRequest | None = None
) -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        event_type=AuditEvent.EventType.TOKEN_REVOKED,
        actor=revoked_by,
        agency=token.agency,
        target=token,
        request=request,
    )
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token for `secret`, with its user active and still in the token's agency."""
    if not secret or not secret.startswith(ApiToken.PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user", "agency")
        .filter(digest=ApiToken.digest_for(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if not Membership.objects.filter(user=token.user, agency=token.agency).exists():
        return None
    now = timezone.now()
    # Record use at most once a minute to keep hot API paths from writing on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        # One audit row per token per minute: enough to trace use without a write per call.
        audit_record(
            event_type=AuditEvent.EventType.TOKEN_USED,
            actor=token.user,
            agency=token.agency,
            target=token,
        )
    return token
