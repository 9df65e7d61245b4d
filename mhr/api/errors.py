"""One error body for the whole API: {"message": "...", "extra": {...}}.

Every exception an endpoint, an auth check or ninja itself raises is turned into that shape here,
so clients parse one format whatever went wrong.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mhr.core.uploads import StorageFull

logger = logging.getLogger("mhr.api")

MESSAGES = {
    400: "The request could not be understood.",
    401: "Authentication required: send 'Authorization: Bearer <token>' or sign in.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "The request conflicts with the current state of the object.",
    422: "Some fields are invalid.",
    429: "Too many requests. Slow down and try again shortly.",
    500: "Something went wrong on our side. Quote the error id if you report it.",
}


class Conflict(HttpError):
    """409: the request is valid but the object's state does not allow it."""

    def __init__(self, message: str = MESSAGES[409]) -> None:
        super().__init__(409, message)


def error_body(status: int, message: str = "", **extra: Any) -> dict[str, Any]:
    return {"message": message or MESSAGES.get(status, "Error."), "extra": extra}


def error_json(status: int, message: str = "", **extra: Any) -> JsonResponse:
    """The error shape outside ninja's handlers (unknown paths, 405)."""
    return JsonResponse(error_body(status, message, **extra), status=status)


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Ninja/pydantic errors as [{"field": "body.name", "message": "..."}]."""
    result = []
    for error in errors:
        # loc is e.g. ("query", "per_page") or ("body", "payload", "name"); drop the schema name.
        loc = [str(part) for part in error.get("loc", ())]
        if len(loc) >= 3 and loc[0] == "body":
            loc = [loc[0], *loc[2:]]
        result.append({"field": ".".join(loc), "message": str(error.get("msg", "Invalid."))})
    return result


def _django_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, message: str = "", **extra: Any):
        return api.create_response(request, error_body(status, message, **extra), status=status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, errors=_field_errors(exc.errors))

    @api.exception_handler(StorageFull)
    def storage_full(request: HttpRequest, exc: StorageFull) -> HttpResponse:
        # 507 Insufficient Storage: the request was fine; try again once there is room.
        return respond(request, 507, " ".join(exc.messages), code="storage_full")

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = _django_errors(exc)
        return respond(request, 400, errors[0]["message"] if errors else "", errors=errors)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        # ninja's default message is a bare "Unauthorized"; say how to authenticate instead.
        message = exc.message if exc.message != "Unauthorized" else MESSAGES[401]
        response = respond(request, exc.status_code, message)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, exc.message)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or MESSAGES[403])

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Http404 texts come from our own code ("Not found.", "No agency."), never from data.
        return respond(request, 404, str(exc) or MESSAGES[404])

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if isinstance(exc, (InterfaceError, OperationalError)):
            from mhr.core.views import database_unavailable

            return database_unavailable(request)
        error_id = uuid.uuid4().hex[:12]
        logger.exception("API error %s on %s %s", error_id, request.method, request.path)
        return respond(request, 500, error_id=error_id)
