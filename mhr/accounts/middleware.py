"""Server-side session limits: idle timeout, absolute lifetime, and 'sign out everywhere'."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from mhr.accounts.security import agency_of
from mhr.audit.models import AuditEvent
from mhr.audit.services import audit_record

MFA_PENDING_KEY = "mhr_mfa_pending"
MFA_PENDING_SECONDS = 5 * 60
MFA_VERIFIED_KEY = "mhr_mfa_ok"
# Paths a signed-in user who still has to set up MFA may reach.
MFA_SETUP_ALLOWED = ("/accounts/mfa/", "/accounts/sign-out/", "/static/", "/healthz")

# Refreshing the last-seen time on every request would write the session each time.
SEEN_RESOLUTION_SECONDS = 30

MESSAGES = {
    "idle": "You were signed out after 30 minutes without activity. Sign in again to continue.",
    "absolute": "Your session reached its 12-hour limit. Sign in again to continue.",
    "ended": "Your session was ended because you signed out elsewhere or your account changed.",
}


def start_session(request: HttpRequest, *, mfa_verified: bool = False) -> None:
    """Stamp a freshly signed-in session; call right after `login()`."""
    now = time.time()
    request.session["mhr_epoch"] = request.user.session_epoch
    request.session["mhr_auth_at"] = now
    request.session["mhr_seen_at"] = now
    request.session[MFA_VERIFIED_KEY] = mfa_verified


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request)
            if request.user.is_authenticated:
                blocked = self._mfa_block(request)
                if blocked is not None:
                    return blocked
        return self.get_response(request)

    @staticmethod
    def _mfa_block(request: HttpRequest) -> HttpResponse | None:
        """Staff and coordinators must pass MFA; until they have set it up they may only do that."""
        if request.session.get(MFA_VERIFIED_KEY):
            return None
        if request.path.startswith(MFA_SETUP_ALLOWED) or request.path.startswith("/api/"):
            return None
        from mhr.accounts import mfa

        has_device = mfa.has_confirmed_device(request.user)
        if has_device:
            # Signed in without the code (no path should allow it): start again properly.
            logout(request)
            return redirect(f"{reverse('accounts:sign_in')}?next={request.get_full_path()}")
        if mfa.mfa_required(request.user):
            return redirect(f"{reverse('accounts:mfa_setup')}?next={request.get_full_path()}")
        return None

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        if "mhr_epoch" not in session:
            # Signed in through a path that did not stamp the session (e.g. the admin login).
            start_session(request)
            return
        now = time.time()
        reason = None
        if session["mhr_epoch"] != request.user.session_epoch:
            reason = "ended"
        elif now - session.get("mhr_auth_at", 0) > settings.SESSION_ABSOLUTE_TIMEOUT:
            reason = "absolute"
        elif now - session.get("mhr_seen_at", 0) > settings.SESSION_IDLE_TIMEOUT:
            reason = "idle"
        if reason is None:
            if now - session.get("mhr_seen_at", 0) > SEEN_RESOLUTION_SECONDS:
                session["mhr_seen_at"] = now
            return
        user = request.user
        audit_record(
            event_type=AuditEvent.EventType.SESSION_EXPIRED,
            actor=user,
            agency=agency_of(user),
            request=request,
            extra={"reason": reason},
        )
        logout(request)
        messages.info(request, MESSAGES[reason])
