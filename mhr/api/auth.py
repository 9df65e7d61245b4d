"""Who is calling: a bearer API token, a signed-in browser session, or nobody.

Endpoints pick one of two lists:
- `SIGNED_IN`: token or session; anything else answers 401.
- `PUBLIC`: the same, but anonymous callers are let through as an anonymous `Caller`.
A malformed or unknown Authorization header is always 401, even on public endpoints, so a
client with a broken token finds out at once instead of silently getting the public view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import SimpleRateThrottle
from ninja.utils import check_csrf

from mhr.accounts import mfa
from mhr.accounts.middleware import MFA_VERIFIED_KEY
from mhr.accounts.models import ApiToken
from mhr.accounts.services import api_token_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


@dataclass(frozen=True)
class Caller:
    """`request.auth` for every API call."""

    user: Any
    token: ApiToken | None = None

    def __bool__(self) -> bool:
        # ninja treats a falsy auth result as "not authenticated"; an anonymous Caller is a result.
        return True

    def __str__(self) -> str:
        # AuthRateThrottle keys on str(request.auth).
        if self.token is not None:
            return f"token:{self.token.pk}"
        return f"user:{self.user.pk}" if self.user.is_authenticated else "anonymous"

    @property
    def is_anonymous(self) -> bool:
        return not self.user.is_authenticated


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mhr_...`. The token acts as its user, within its one agency."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get(self.header)
        if header is None:
            return None
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(
                message="Malformed Authorization header: use 'Authorization: Bearer <token>'."
            )
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        api_token = api_token_authenticate(secret=token)
        if api_token is None:
            raise AuthenticationError(message="Invalid, revoked or expired API token.")
        request.user = api_token.user
        return Caller(user=api_token.user, token=api_token)


class SessionAuth(APIKeyCookie):
    """The browser's Django session. Writes need the CSRF token, as in the HTML forms."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF is checked in authenticate(), only for signed-in users, so an anonymous write
        # answers 401 rather than a confusing CSRF 403.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        # A session still waiting for its two-step sign-in is not signed in for the API either.
        if mfa.mfa_required(user) and not request.session.get(MFA_VERIFIED_KEY):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return Caller(user=user)


def anonymous(request: HttpRequest) -> Caller:
    return Caller(user=AnonymousUser())


# The OpenAPI document lists `{}` (no credentials needed) for operations that accept this.
anonymous.openapi_anonymous = True  # type: ignore[attr-defined]


token_auth = TokenAuth()
session_auth = SessionAuth()

SIGNED_IN = [token_auth, session_auth]
PUBLIC = [token_auth, session_auth, anonymous]


def caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined]


class CallerRateThrottle(SimpleRateThrottle):
    """Requests per minute: per token or user when signed in, per IP address when anonymous."""

    def __init__(self, rate: str, *, anonymous: bool) -> None:
        self.scope = "api_anonymous" if anonymous else "api_signed_in"
        self.anonymous = anonymous
        super().__init__(rate)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        auth = getattr(request, "auth", None)
        is_anonymous = not isinstance(auth, Caller) or auth.is_anonymous
        if is_anonymous != self.anonymous:
            return None
        ident = self.get_ident(request) if is_anonymous else str(auth)
        return self.cache_format % {"scope": self.scope, "ident": ident}


THROTTLES = [
    CallerRateThrottle("120/min", anonymous=True),
    CallerRateThrottle("600/min", anonymous=False),
]
