"""Time-based one-time passwords (RFC 6238) and recovery codes.

Who must use MFA: association staff and agency coordinators (and, later, anyone who can see
encounter data). A code is accepted once: replays within its time window are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mhr.accounts.models import RecoveryCode, TotpDevice, User
from mhr.accounts.security import agency_of
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record

STEP_SECONDS = 30
DIGITS = 6
# Accept the previous and next step too, for phones whose clocks drift a little.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10


def mfa_required(user: Any) -> bool:
    """Staff, and everyone in an agency: every member can see the agency's encounter data.

    Accounts with neither (a partner organization confirming a partnership) may use a password.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_association_staff or user.is_superuser:
        return True
    from mhr.accounts.access import membership_for

    return membership_for(user) is not None


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    padded = secret + "=" * (-len(secret) % 8)
    return base64.b32decode(padded, casefold=True)


def code_at_step(secret: str, step: int) -> str:
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def provisioning_uri(*, secret: str, email: str) -> str:
    issuer = quote(settings.SITE_NAME)
    return (
        f"otpauth://totp/{issuer}:{quote(email)}?secret={secret}&issuer={issuer}"
        f"&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )


def qr_svg_data_uri(uri: str) -> str:
    import segno

    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret: str, code: str, *, after_step: int) -> int | None:
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = current_step()
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(code_at_step(secret, step), code):
            return step
    return None


def _digest(code: str) -> str:
    normalized = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


@transaction.atomic
def totp_device_start(*, user: User) -> TotpDevice:
    """Begin enrolment (or continue one begun earlier); confirmed by the first valid code."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is not None:
        return device
    return TotpDevice.objects.create(user=user, secret=new_secret())


@transaction.atomic
def totp_device_confirm(
    *, device: TotpDevice, code: str, request: HttpRequest | None = None
) -> list[str]:
    """Confirm enrolment with a first code. Returns the new recovery codes, shown once."""
    step = _matching_step(device.secret, code, after_step=device.last_step)
    if step is None:
        raise ValidationError(
            {"code": "That code is not right. Enter the 6 digits your app shows now."}
        )
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = recovery_codes_replace(user=device.user)
    audit_record(
        event_type=AuditEvent.EventType.MFA_ENROLLED,
        actor=device.user,
        agency=agency_of(device.user),
        target=device.user,
        request=request,
    )
    return codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    return codes


@transaction.atomic
def mfa_verify(*, user: User, code: str, request: HttpRequest | None = None) -> bool:
    """Check a sign-in code or a recovery code. Each succeeds once; failures count toward lockout."""
    from mhr.accounts import security

    device = (
        TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    ok = False
    used = "totp"
    if device is not None:
        step = _matching_step(device.secret, code, after_step=device.last_step)
        if step is not None:
            device.last_step = step
            device.save(update_fields=["last_step"])
            ok = True
    if not ok:
        recovery = (
            RecoveryCode.objects.select_for_update()
            .filter(user=user, digest=_digest(code), used_at__isnull=True)
            .first()
        )
        if recovery is not None:
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            ok = True
            used = "recovery_code"
    if ok:
        audit_record(
            event_type=AuditEvent.EventType.MFA_VERIFIED,
            actor=user,
            agency=agency_of(user),
            request=request,
            extra={"method": used},
        )
        return True
    audit_record(
        event_type=AuditEvent.EventType.MFA_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        actor=user,
        agency=agency_of(user),
        request=request,
    )
    security.record_mfa_failure(user=user, request=request)
    return False


def has_confirmed_device(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def mfa_reset(*, user: User, reset_by: Any, request: HttpRequest | None = None) -> None:
    """Remove a lost authenticator so the user enrols again at next sign-in."""
    from django.core.exceptions import PermissionDenied

    from mhr.accounts.security import can_manage

    if not can_manage(reset_by, user):
        raise PermissionDenied(
            "Only the agency's coordinator or a staff administrator can reset MFA."
        )
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_record(
        event_type=AuditEvent.EventType.MFA_RESET,
        actor=reset_by,
        agency=agency_of(user),
        target=user,
        request=request,
    )
