"""Response headers the whole site shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

# No inline script anywhere: htmx and USWDS load from /static/, and every page script is a file.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The interactive API docs page ships its own inline bootstrap script and CDN-free assets.
API_DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = (
                API_DOCS_CONTENT_SECURITY_POLICY
                if request.path.startswith("/api/v1/docs")
                else CONTENT_SECURITY_POLICY
            )
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class RejectNulBytesMiddleware:
    """Refuse an API call with a NUL character in its path, query string or form with a 400.

    No legitimate input holds one and PostgreSQL text cannot store one (it would be a 500). The
    HTML pages' forms already explain it next to the field (Django's form validators).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and (
            "\x00" in request.path or _has_nul(request.GET) or _has_nul(_form_fields(request))
        ):
            from mhr.api.errors import error_json

            return error_json(400, "The request holds a NUL character, which no field accepts.")
        return self.get_response(request)


def _form_fields(request: HttpRequest) -> Any:
    content_type = request.content_type or ""
    if request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return request.POST
    return {}


def _has_nul(query: Any) -> bool:
    if not query:
        return False
    return any("\x00" in key or any("\x00" in v for v in query.getlist(key)) for key in query)
