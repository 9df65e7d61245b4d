"""Password sign-in with lockout, used by every path that checks a password (site and admin)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from mhr.accounts import security


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked accounts and over-eager addresses.

    Every attempt is recorded; the fifth failure on an account within the window locks it.
    The caller sees the same generic failure whatever the reason.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None
        email = str(username).strip().lower()[:254]
        ip = security.request_ip(request)
        if security.address_is_throttled(ip):
            security.record_attempt(email=email, ip=ip, succeeded=False, user=None, request=request)
            return None
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is not None and user.locked_at is not None:
            user = None
        account = user or security.find_user(email)
        security.record_attempt(
            email=email, ip=ip, succeeded=user is not None, user=account, request=request
        )
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
