"""The REST API, mounted at /api/v1/. OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema

from mhr.accounts.api import router as accounts_router
from mhr.api.auth import SIGNED_IN, THROTTLES
from mhr.api.errors import error_json, install_error_handlers
from mhr.clearinghouse.api import router as clearinghouse_router

API_PREFIX = "api/v1/"


class _Schema(OpenAPISchema):
    """Public operations also list the empty requirement `{}`: OpenAPI's way of saying that
    credentials are optional, so clients (and schemathesis) call them without any."""

    def operation_security(self, operation: Any) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if any(getattr(a, "openapi_anonymous", False) for a in operation.auth_callbacks or ()):
            security = [*(security or []), {}]
        return security


class _API(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _Schema(self, path_prefix)


api = _API(
    title="MHR API",
    version="1",
    description=(
        "Mental Health Response API. Authenticate with `Authorization: Bearer <token>` "
        "(create a token with POST /api/v1/tokens while signed in) or a browser session. "
        'Every error answers `{"message": "...", "extra": {...}}`.'
    ),
    urls_namespace="api",
    auth=SIGNED_IN,
    throttle=THROTTLES,
    # Ninja serves Swagger UI from its bundled /static/ninja/ files (ninja is in
    # INSTALLED_APPS), so the docs page needs no CDN.
    # validatorUrl=None stops Swagger UI fetching a badge from validator.swagger.io.
    docs=Swagger(settings={"persistAuthorization": False, "validatorUrl": None}),
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("/resources", clearinghouse_router)
api.add_router("", "mhr.campaigns.api.router")
api.add_router("", "mhr.encounters.api.router")


def _with_json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give the errors ninja answers outside its exception handlers (405, its root 404) our shape."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error_json(404, f"No API endpoint at {request.path}. See /{API_PREFIX}docs.")
        if isinstance(response, HttpResponseNotAllowed):
            allowed = sorted(m.strip() for m in response["Allow"].split(","))
            not_allowed = error_json(
                405, f"{request.method} is not allowed here.", allowed_methods=allowed
            )
            not_allowed["Allow"] = response["Allow"]
            return not_allowed
        return response

    return wrapper


@csrf_exempt
def unknown_endpoint(request: HttpRequest) -> HttpResponse:
    return error_json(404, f"No API endpoint at {request.path}. See /{API_PREFIX}docs.")


def _api_patterns() -> tuple[list[Any], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _with_json_errors(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path(API_PREFIX, _api_patterns()),
    re_path(rf"^{API_PREFIX}", unknown_endpoint, name="api_unknown_endpoint"),
]
