"""Lockout, per-address limits, session timeouts and account deactivation.

Numbers follow the security baseline: 5 failed sign-ins on an account within 15 minutes lock it
until a coordinator or staff administrator unlocks it; an address with many failures is slowed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from mhr.accounts.models import ApiToken, SignInAttempt, User
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record, client_ip

LOCKOUT_THRESHOLD = 5
LOCKOUT_WINDOW = datetime.timedelta(minutes=15)


def request_ip(request: HttpRequest | None) -> str | None:
    return client_ip(request)


def find_user(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def address_is_throttled(ip: str | None) -> bool:
    if not ip:
        return False
    since = timezone.now() - LOCKOUT_WINDOW
    failures = SignInAttempt.objects.filter(ip_address=ip, succeeded=False, occurred_at__gte=since)
    return failures.count() >= settings.SIGN_IN_FAILURES_PER_ADDRESS


@transaction.atomic
def record_attempt(
    *, email: str, ip: str | None, succeeded: bool, user: User | None, request: HttpRequest | None
) -> None:
    """Record one password check; lock the account on the fifth failure in the window."""
    SignInAttempt.objects.create(email=email, ip_address=ip, succeeded=succeeded)
    # The agency is recorded so coordinators can review their own people's sign-ins.
    agency = agency_of(user) if user is not None else None
    if succeeded:
        audit_record(
            event_type=AuditEvent.EventType.SIGN_IN, actor=user, agency=agency, request=request
        )
        return
    audit_record(
        event_type=AuditEvent.EventType.SIGN_IN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        agency=agency,
        request=request,
        extra={"email": email},
    )
    if user is not None:
        _lock_if_needed(user=user, email=email, request=request)


def _lock_if_needed(*, user: User, email: str, request: HttpRequest | None) -> None:
    if user.locked_at is not None:
        return
    since = timezone.now() - LOCKOUT_WINDOW
    failures = SignInAttempt.objects.filter(
        email=email, succeeded=False, occurred_at__gte=since
    ).count()
    if failures >= LOCKOUT_THRESHOLD:
        user.locked_at = timezone.now()
        user.save(update_fields=["locked_at"])
        audit_record(
            event_type=AuditEvent.EventType.ACCOUNT_LOCKED,
            outcome=AuditEvent.Outcome.FAILURE,
            target=user,
            agency=agency_of(user),
            request=request,
            extra={"failures": failures},
        )


def record_mfa_failure(*, user: User, request: HttpRequest | None) -> None:
    """A wrong sign-in code counts toward the same lockout as a wrong password."""
    email = user.email.lower()
    SignInAttempt.objects.create(email=email, ip_address=request_ip(request), succeeded=False)
    _lock_if_needed(user=user, email=email, request=request)


def agency_of(user: User) -> Any:
    membership = getattr(user, "membership", None) if user.pk else None
    try:
        return membership.agency if membership else None
    except User.membership.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def can_manage(actor: Any, user: User) -> bool:
    """Staff administrators manage everyone; coordinators manage people of their own agency."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_staff_administrator or actor.is_superuser:
        return True
    from mhr.accounts.access import membership_for

    mine = membership_for(actor)
    theirs = agency_of(user)
    return bool(mine and mine.is_coordinator and theirs and mine.agency_id == theirs.pk)


@transaction.atomic
def user_unlock(*, user: User, unlocked_by: Any, request: HttpRequest | None = None) -> User:
    from django.core.exceptions import PermissionDenied

    if not can_manage(unlocked_by, user):
        raise PermissionDenied("Only the agency's coordinator or a staff administrator can unlock.")
    if user.locked_at is None:
        return user
    user.locked_at = None
    user.save(update_fields=["locked_at"])
    # Old failures must not re-lock the account on the next typo.
    SignInAttempt.objects.filter(email=user.email, succeeded=False).delete()
    audit_record(
        event_type=AuditEvent.EventType.ACCOUNT_UNLOCKED,
        actor=unlocked_by,
        agency=agency_of(user),
        target=user,
        request=request,
    )
    return user


@transaction.atomic
def user_end_sessions(*, user: User) -> None:
    """End every session of the user at once (the middleware compares epochs)."""
    User.objects.filter(pk=user.pk).update(session_epoch=user.session_epoch + 1)
    user.session_epoch += 1


@transaction.atomic
def user_deactivate(
    *, user: User, deactivated_by: Any, reason: str, request: HttpRequest | None = None
) -> User:
    """Disable an account: its sessions end and its API tokens are revoked at once."""
    if not user.is_active:
        return user
    user.is_active = False
    user.session_epoch += 1
    user.save(update_fields=["is_active", "session_epoch"])
    now = timezone.now()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    audit_record(
        event_type=AuditEvent.EventType.USER_DEACTIVATED,
        actor=deactivated_by,
        agency=agency_of(user),
        target=user,
        request=request,
        extra={"reason": reason},
    )
    return user


def inactive_users(*, as_of: datetime.datetime, days: int) -> list[User]:
    """Active users with no sign-in or API use for `days` days (new accounts count from joining)."""
    cutoff = as_of - datetime.timedelta(days=days)
    recent_token_users = ApiToken.objects.filter(last_used_at__gte=cutoff).values("user_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(pk__in=recent_token_users)
    )


def users_disable_inactive(
    *, as_of: datetime.datetime, days: int, dry_run: bool = False
) -> list[User]:
    """Deactivate (each with its audit row) every account unused for `days` days; the daily job."""
    users = inactive_users(as_of=as_of, days=days)
    if not dry_run:
        for user in users:
            user_deactivate(user=user, deactivated_by=None, reason=f"unused for {days} days")
    return users
