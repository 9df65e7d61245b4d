from __future__ import annotations

import logging
import sys
import uuid

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mhr.clearinghouse.selectors import home_highlights
from mhr.core.uploads import StorageFull, is_disk_full, storage_full_response

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", home_highlights(user=request.user))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    error_id = uuid.uuid4().hex[:12]
    if status >= 500:
        logger.error("Server error %s on %s", error_id, request.path)
    return render(
        request,
        "core/error.html",
        {"status": status, "title": title, "message": message, "error_id": error_id},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request, 403, "Not allowed", "Your account does not have permission to do this."
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request, 404, "Page not found", "We could not find that page. Check the address."
    )


DATABASE_UNAVAILABLE = (InterfaceError, OperationalError)
RETRY_AFTER_SECONDS = "30"


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block, so the exception is still in hand.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if is_disk_full(sys.exc_info()[1]):
        # Django spooling an upload to its temporary directory (before any view) ran out of room.
        return storage_full_response(request, StorageFull())
    return _error_page(
        request,
        500,
        "Something went wrong",
        "An unexpected error stopped this page. It has been logged.",
    )


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database is unreachable (a restart, a failover): try again shortly.

    Rendered without the request's context, which would need the database (session, user).
    """
    error_id = uuid.uuid4().hex[:12]
    logger.error("Database unavailable (error %s) on %s", error_id, request.path)
    message = "The service is briefly unavailable. Try again in a minute."
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"message": message, "extra": {"error_id": error_id}}, status=503
        )
    else:
        context = {"status": 503, "title": "Briefly unavailable", "message": message}
        response = HttpResponse(
            render_to_string("core/error.html", {**context, "error_id": error_id}), status=503
        )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response
