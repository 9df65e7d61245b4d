"""Who may reach what: every route and API operation × every role.

The matrix is declarative. A route added to the URL configuration or an operation added to the
OpenAPI schema without an entry here fails `test_every_route_has_an_entry`, so nobody ships an
endpoint whose access rules were never written down and tested.

Roles: anonymous; bob (member, agency A); alice (coordinator, A); carol (coordinator, B, so every
A-owned object is foreign to her); editor, reviewer and sam (association staff, no agency).
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import _stamp_session
from mhr.accounts.services import api_token_create
from mhr.clearinghouse.models import Resource
from mhr.clearinghouse.tests.factories import make_pdf, resource_in_status
from mhr.core.tests.authz import (
    ROLES,
    SIGN_IN,
    Route,
    agency_member_routes,
    everyone,
    roles,
)

CORE_ROUTES: tuple[Route, ...] = (
    Route("home", lambda w: "/", everyone(200)),
    Route("healthz", lambda w: "/healthz", everyone(200)),
    # Accounts
    Route("accounts:sign_in", lambda w: "/accounts/sign-in/", roles(302, anonymous=200)),
    Route("accounts:sign_in_verify", lambda w: "/accounts/sign-in/verify/", everyone(302)),
    Route("accounts:sign_out", lambda w: "/accounts/sign-out/", everyone(405)),
    Route("accounts:mfa_setup", lambda w: "/accounts/mfa/", roles(200, anonymous=SIGN_IN)),
    Route("accounts:password_reset", lambda w: "/accounts/password-reset/", everyone(200)),
    Route(
        "accounts:password_reset_done", lambda w: "/accounts/password-reset/sent/", everyone(200)
    ),
    Route(
        "accounts:password_reset_confirm",
        lambda w: "/accounts/reset/MQ/not-a-token/",
        everyone(200),
    ),
    Route("accounts:password_reset_complete", lambda w: "/accounts/reset/done/", everyone(200)),
    Route("accounts:agency_detail", lambda w: "/accounts/agency/", agency_member_routes()),
    Route(
        "accounts:membership_role",
        lambda w: f"/accounts/agency/members/{w['bob'].membership.pk}/role/",
        roles(404, anonymous=SIGN_IN, alice=302, bob=403),
        method="post",
        data=lambda w: {"role": "member"},
    ),
    Route(
        "accounts:member_unlock",
        lambda w: f"/accounts/agency/members/{w['bob'].membership.pk}/unlock/",
        roles(404, anonymous=SIGN_IN, alice=302, bob=403),
        method="post",
    ),
    Route(
        "accounts:member_mfa_reset",
        lambda w: f"/accounts/agency/members/{w['bob'].membership.pk}/reset-mfa/",
        roles(404, anonymous=SIGN_IN, alice=302, bob=403),
        method="post",
    ),
    Route("accounts:token_list", lambda w: "/accounts/tokens/", agency_member_routes()),
    Route(
        "accounts:token_revoke",
        lambda w: f"/accounts/tokens/{w['bob_token'].pk}/revoke/",
        roles(404, anonymous=SIGN_IN, bob=302),
        method="post",
    ),
    # Clearinghouse, public side
    Route("clearinghouse:resource_list", lambda w: "/resources/", everyone(200)),
    Route("clearinghouse:feed", lambda w: "/resources/feed/", everyone(200)),
    Route(
        "clearinghouse:resource_detail",
        lambda w: f"/resources/{w['draft'].slug}/",
        roles(404, editor=200, reviewer=200, sam=200),
    ),
    Route(
        "clearinghouse:attachment_download",
        lambda w: f"/resources/{w['members_only'].slug}/attachments/{w['members_file'].pk}/",
        roles(200, anonymous=302),
    ),
    # Clearinghouse, editorial side
    Route(
        "clearinghouse_staff:resource_list",
        lambda w: "/staff/resources/",
        roles(403, anonymous=SIGN_IN, editor=200, reviewer=200, sam=200),
    ),
    Route(
        "clearinghouse_staff:resource_new",
        lambda w: "/staff/resources/new/",
        roles(403, anonymous=SIGN_IN, editor=200, sam=200),
    ),
    Route(
        "clearinghouse_staff:resource_detail",
        lambda w: f"/staff/resources/{w['draft'].pk}/",
        roles(403, anonymous=SIGN_IN, editor=200, reviewer=200, sam=200),
    ),
    Route(
        "clearinghouse_staff:resource_edit",
        lambda w: f"/staff/resources/{w['draft'].pk}/edit/",
        roles(403, anonymous=SIGN_IN, editor=200, sam=200),
    ),
    Route(
        "clearinghouse_staff:resource_preview",
        lambda w: f"/staff/resources/{w['draft'].pk}/preview/",
        roles(403, anonymous=SIGN_IN, editor=200, reviewer=200, sam=200),
    ),
    Route(
        "clearinghouse_staff:resource_history",
        lambda w: f"/staff/resources/{w['draft'].pk}/history/",
        roles(403, anonymous=SIGN_IN, editor=200, reviewer=200, sam=200),
    ),
    Route(
        "clearinghouse_staff:resource_status",
        lambda w: f"/staff/resources/{w['draft'].pk}/status/",
        roles(403, anonymous=SIGN_IN, editor=302, reviewer=403, sam=302),
        method="post",
        data=lambda w: {"status": "in_review"},
    ),
    Route(
        "clearinghouse_staff:attachment_upload",
        lambda w: f"/staff/resources/{w['draft'].pk}/attachments/",
        # An empty upload: refused with the form's message, but only to those allowed to upload.
        roles(403, anonymous=SIGN_IN, editor=400, sam=400),
        method="post",
    ),
    Route(
        "clearinghouse_staff:attachment_remove",
        lambda w: (
            f"/staff/resources/{w['members_only'].pk}/attachments/{w['members_file'].pk}/remove/"
        ),
        roles(403, anonymous=SIGN_IN, editor=302, sam=302),
        method="post",
    ),
    # Pledge campaign, public side: the same for everyone, never roster data.
    Route("campaigns:home", lambda w: "/campaign/", everyone(200)),
    Route("campaigns:agency", lambda w: f"/campaign/agencies/{w['agency_a'].ori}/", everyone(200)),
    Route("campaigns:badge", lambda w: f"/campaign/badge/{w['agency_a'].ori}.svg", everyone(200)),
    # Pledge campaign, the agency's own screens
    Route("campaigns_agency:home", lambda w: "/agency/campaign/", agency_member_routes()),
    Route(
        "campaigns_agency:pledge_edit",
        lambda w: "/agency/campaign/edit/",
        roles(404, anonymous=SIGN_IN, alice=200, bob=403, carol={302, 404}),
    ),
    Route(
        "campaigns_agency:pledge_submit",
        lambda w: "/agency/campaign/submit/",
        roles(405, anonymous=SIGN_IN),
    ),
    Route(
        "campaigns_agency:gap_list",
        lambda w: "/agency/campaign/gaps/cit-coverage/",
        roles(200, anonymous=SIGN_IN, carol={302, 404}, editor=404, reviewer=404, sam=404),
    ),
    Route(
        "campaigns_agency:certificate_pdf",
        lambda w: "/agency/campaign/certificate.pdf",
        roles(200, anonymous=SIGN_IN, carol={302, 404}, editor=404, reviewer=404, sam=404),
    ),
    Route(
        "campaigns_agency:report_pdf",
        lambda w: "/agency/campaign/report.pdf",
        roles(200, anonymous=SIGN_IN, carol={302, 404}, editor=404, reviewer=404, sam=404),
    ),
    # Pledge evidence: members read, coordinators write, other agencies and staff get 404.
    Route(
        "campaigns_agency:partnership_list",
        lambda w: "/agency/campaign/partnerships/",
        agency_member_routes(),
    ),
    Route(
        "campaigns_agency:partnership_new",
        lambda w: "/agency/campaign/partnerships/new/",
        roles(200, anonymous=SIGN_IN, bob=403, editor=404, reviewer=404, sam=404),
    ),
    Route(
        "campaigns_agency:partnership_edit",
        lambda w: f"/agency/campaign/partnerships/{w['partnership'].pk}/edit/",
        roles(404, anonymous=SIGN_IN, bob=403, alice=200),
    ),
    Route(
        "campaigns_agency:partnership_remove",
        lambda w: f"/agency/campaign/partnerships/{w['partnership'].pk}/remove/",
        roles(404, anonymous=SIGN_IN, bob=403, alice=302),
        method="post",
    ),
    Route(
        "campaigns_agency:partnership_document",
        lambda w: f"/agency/campaign/partnerships/{w['partnership'].pk}/document/",
        roles(404, anonymous=SIGN_IN, bob=200, alice=200),
    ),
    Route(
        "campaigns_agency:policy_list", lambda w: "/agency/campaign/policy/", agency_member_routes()
    ),
    Route(
        "campaigns_agency:policy_new",
        lambda w: "/agency/campaign/policy/new/",
        roles(200, anonymous=SIGN_IN, bob=403, editor=404, reviewer=404, sam=404),
    ),
    Route(
        "campaigns_agency:policy_edit",
        lambda w: f"/agency/campaign/policy/{w['policy'].pk}/edit/",
        roles(404, anonymous=SIGN_IN, bob=403, alice=200),
    ),
    Route(
        "campaigns_agency:policy_document",
        lambda w: f"/agency/campaign/policy/{w['policy'].pk}/document/",
        roles(404, anonymous=SIGN_IN, bob=200, alice=200),
    ),
    # Audit log: staff administrators and reviewers see all, coordinators their own agency.
    Route(
        "audit:event_list",
        lambda w: "/audit/",
        roles(403, anonymous=SIGN_IN, alice=200, carol=200, reviewer=200, sam=200),
    ),
    Route(
        "audit:event_export_csv",
        lambda w: "/audit/export.csv",
        roles(403, anonymous=SIGN_IN, alice=200, carol=200, reviewer=200, sam=200),
    ),
    Route(
        "audit:event_export_xlsx",
        lambda w: "/audit/export.xlsx",
        roles(403, anonymous=SIGN_IN, alice=200, carol=200, reviewer=200, sam=200),
    ),
    # API (session-authenticated here; token authentication has its own tests)
    Route("api:openapi-json", lambda w: "/api/v1/openapi.json", everyone(200)),
    Route("api:openapi-view", lambda w: "/api/v1/docs", everyone(200)),
    Route("GET /api/v1/me", lambda w: "/api/v1/me", roles(200, anonymous=401), api=True),
    Route(
        "GET /api/v1/agency",
        lambda w: "/api/v1/agency",
        roles(200, anonymous=401, editor=404, reviewer=404, sam=404),
        api=True,
    ),
    Route(
        "GET /api/v1/tokens",
        lambda w: "/api/v1/tokens",
        roles(200, anonymous=401, editor=404, reviewer=404, sam=404),
        api=True,
    ),
    Route(
        "POST /api/v1/tokens",
        lambda w: "/api/v1/tokens",
        roles({200, 201}, anonymous=401, editor=404, reviewer=404, sam=404),
        method="post",
        data=lambda w: {"name": "matrix"},
        api=True,
    ),
    Route(
        "DELETE /api/v1/tokens/{token_id}",
        lambda w: f"/api/v1/tokens/{w['bob_token'].pk}",
        roles(404, anonymous=401, bob={200, 204}, alice={200, 204}),
        method="delete",
        api=True,
    ),
    Route("GET /api/v1/resources", lambda w: "/api/v1/resources", everyone(200), api=True),
    Route(
        "GET /api/v1/resources/{slug}",
        lambda w: f"/api/v1/resources/{w['members_only'].slug}",
        everyone(200),
        api=True,
    ),
    # Pledge campaign API: the caller's agency only; writes for coordinators.
    Route(
        "GET /api/v1/pledge",
        lambda w: "/api/v1/pledge",
        roles(404, anonymous=401, bob=200, alice=200),
        api=True,
    ),
    Route(
        "GET /api/v1/pledge/compliance",
        lambda w: "/api/v1/pledge/compliance",
        roles(404, anonymous=401, bob=200, alice=200),
        api=True,
    ),
    Route(
        "GET /api/v1/roster/officers",
        lambda w: "/api/v1/roster/officers",
        roles(404, anonymous=401, bob=200, alice=200, carol=200),
        api=True,
    ),
    Route(
        "PUT /api/v1/roster/officers/{employee_id}",
        lambda w: "/api/v1/roster/officers/M1",
        roles(404, anonymous=401, bob=403, alice=200, carol=200),
        method="put",
        data=lambda w: {"first_name": "Mat", "last_name": "Rix", "is_sworn": True},
        api=True,
    ),
    Route(
        "POST /api/v1/roster/officers",
        lambda w: "/api/v1/roster/officers",
        roles(404, anonymous=401, bob=403, alice=200, carol=200),
        method="post",
        data=lambda w: {
            "officers": [
                {"employee_id": "M1", "first_name": "Mat", "last_name": "Rix", "is_sworn": True}
            ]
        },
        api=True,
    ),
    Route(
        "PUT /api/v1/training",
        lambda w: "/api/v1/training",
        # No officer M1 in the world: a permitted caller gets as far as row validation.
        roles(404, anonymous=401, bob=403, alice=422, carol=422),
        method="put",
        data=lambda w: {
            "records": [{"employee_id": "M1", "course": "cit-40", "completed_on": "2024-01-01"}]
        },
        api=True,
    ),
)


def _feature_modules() -> list[Any]:
    """Every `mhr/<app>/tests/authz_<feature>.py`: routes listed beside the feature they cover."""
    import mhr

    found = []
    for app in pkgutil.iter_modules(mhr.__path__):
        try:
            tests = importlib.import_module(f"mhr.{app.name}.tests")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(tests.__path__):
            if module.name.startswith("authz_"):
                found.append(importlib.import_module(f"mhr.{app.name}.tests.{module.name}"))
    return found


FEATURE_MODULES = _feature_modules()
ROUTES: tuple[Route, ...] = CORE_ROUTES + tuple(
    route for module in FEATURE_MODULES for route in module.ROUTES
)

# Routes that are not pages: the API's catch-alls and the admin's own permission system.
NOT_IN_MATRIX = {"api:api-root", "api_unknown_endpoint", None}


def _walk(patterns: list, namespace: str | None = None) -> Iterator[str | None]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            if pattern.namespace == "api":
                continue  # API operations are listed from the OpenAPI schema instead
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name


def _api_operations() -> set[str]:
    from mhr.api.urls import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} /api/v1{path.removeprefix('/api/v1')}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_route_has_an_entry():
    names = [route.name for route in ROUTES]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"Listed more than once in the authorization matrix: {twice}"
    listed = set(names)
    pages = {name for name in _walk(get_resolver().url_patterns) if name not in NOT_IN_MATRIX}
    pages |= {"api:openapi-json", "api:openapi-view"}
    missing = sorted((pages | _api_operations()) - listed)
    assert not missing, f"Add these routes to the authorization matrix: {missing}"
    stale = sorted(listed - pages - _api_operations())
    assert not stale, f"These matrix entries match no route any more: {stale}"


@pytest.fixture
def world(db, agency_a, agency_b, alice, bob, carol, sam, editor, reviewer, one_mind):
    from mhr.campaigns.models import Pledge
    from mhr.clearinghouse.services import attachment_add

    members_only = resource_in_status(
        by=sam, title="Members-only paper", access=Resource.Access.MEMBERS, body="Members text."
    )
    import io

    members_file = attachment_add(
        resource=members_only,
        fileobj=io.BytesIO(make_pdf()),
        filename="paper.pdf",
        uploaded_by=sam,
    )
    draft = resource_in_status(by=sam, title="A draft", status=Resource.Status.DRAFT)
    bob_token, _secret = api_token_create(user=bob, agency=agency_a, name="matrix")
    Pledge.objects.create(
        agency=agency_a,
        campaign=one_mind,
        rule_version=one_mind.rule_versions.get(code="current"),
        agency_head_name="Chief Ada Park",
        agency_head_title="Chief of Police",
        signed_on=datetime.date(2025, 1, 15),
        contact_name="Alice Archer",
        contact_email=alice.email,
        target_completion_on=datetime.date(2027, 1, 15),
    )
    from mhr.campaigns.services.evidence import partnership_create, policy_create

    partnership = partnership_create(
        agency=agency_a,
        created_by=alice,
        organization_name="Springfield Crisis Center",
        organization_kind="crisis_center",
        agreement_kind="mou",
        started_on=datetime.date(2025, 2, 1),
        document=io.BytesIO(make_pdf()),
        document_name="mou.pdf",
    )
    policy = policy_create(
        agency=agency_a,
        created_by=alice,
        title="Crisis response policy",
        adopted_on=datetime.date(2025, 3, 1),
        document=io.BytesIO(make_pdf()),
        document_name="policy.pdf",
    )
    world = {
        "agency_a": agency_a,
        "agency_b": agency_b,
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "sam": sam,
        "editor": editor,
        "reviewer": reviewer,
        "members_only": members_only,
        "members_file": members_file,
        "draft": draft,
        "bob_token": bob_token,
        "partnership": partnership,
        "policy": policy,
    }
    for module in FEATURE_MODULES:
        extend = getattr(module, "extend_world", None)
        if extend is not None:
            extend(world)
    return world


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_route_access(route, world, client_factory):
    """Every role asks once; each request's writes are rolled back so the next role starts clean.

    (One test per route rather than per route and role: building the world dominates the cost.)
    """
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            client = client_factory()
            user = None if role == "anonymous" else world[role]
            if user is not None:
                client.force_login(user)
                _stamp_session(client, user)
            if route.method != "get" and route.api:
                client.handler.enforce_csrf_checks = False
            kwargs: dict[str, Any] = {}
            if route.api and route.method in {"post", "put", "patch"}:
                kwargs["content_type"] = "application/json"
            response = getattr(client, route.method)(route.path(world), route.data(world), **kwargs)
            transaction.set_rollback(True)
        cache.clear()  # throttle counts
        expected = route.expected[role]
        allowed = expected if isinstance(expected, set) else {expected}
        if response.status_code not in allowed:
            wrong.append(f"{role}: {response.status_code}, expected {sorted(allowed)}")
    assert not wrong, f"{route.name} — " + "; ".join(wrong)
