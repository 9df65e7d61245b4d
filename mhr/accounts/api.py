"""API: who am I, my agency, my API tokens."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from mhr.accounts.access import access_agency_object, membership_for, require_membership
from mhr.accounts.models import ApiToken
from mhr.accounts.selectors import api_token_list
from mhr.accounts.services import api_token_create, api_token_revoke
from mhr.api.auth import SIGNED_IN, caller
from mhr.api.errors import Conflict
from mhr.api.schemas import responses

router = Router(tags=["accounts"], auth=SIGNED_IN)


class AgencyBrief(Schema):
    name: str
    ori: str


class MeOut(Schema):
    email: str
    name: str
    staff_role: str = Field(description='"", "editor", "reviewer" or "administrator".')
    agency: AgencyBrief | None
    role: str | None = Field(description='"member" or "coordinator"; null without an agency.')
    authenticated_with: str = Field(description='"token" or "session".')


class AgencyOut(Schema):
    name: str
    ori: str
    state: str
    county: str
    agency_type: str
    agency_type_label: str
    sworn_headcount: int | None
    website: str
    address_line: str
    city: str
    postal_code: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the secret, to tell tokens apart.")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="Shown only in this response. Store it now.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")


def _token_out(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.lookup_prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "is_active": token.is_active,
    }


@router.get("/me", response=responses({200: MeOut}), summary="Who am I")
def me(request: HttpRequest) -> dict:
    current = caller(request)
    user = current.user
    membership = membership_for(user)
    return {
        "email": user.email,
        "name": user.get_full_name(),
        "staff_role": user.staff_role,
        "agency": (
            {"name": membership.agency.name, "ori": membership.agency.ori} if membership else None
        ),
        "role": membership.role if membership else None,
        "authenticated_with": "token" if current.token else "session",
    }


@router.get("/agency", response=responses({200: AgencyOut}, 404), summary="My agency")
def agency_detail(request: HttpRequest) -> dict:
    agency = require_membership(caller(request).user).agency
    return {
        **{
            field: getattr(agency, field)
            for field in AgencyOut.model_fields
            if field != "agency_type_label"
        },
        "agency_type_label": agency.get_agency_type_display(),
    }


@router.get("/tokens", response=responses({200: list[TokenOut]}, 404), summary="My API tokens")
def token_list(request: HttpRequest) -> list[dict]:
    user = caller(request).user
    agency = require_membership(user).agency
    return [_token_out(token) for token in api_token_list(user=user, agency=agency)]


@router.post(
    "/tokens",
    response=responses({201: TokenCreatedOut}, 400, 403, 404),
    summary="Create an API token (signed-in browser session only)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    current = caller(request)
    if current.token is not None:
        # A leaked token must not be able to mint fresh ones that outlive its revocation.
        raise PermissionDenied("API tokens cannot create tokens. Sign in to create one.")
    agency = require_membership(current.user).agency
    token, secret = api_token_create(
        user=current.user, agency=agency, name=payload.name, request=request
    )
    return Status(201, {**_token_out(token), "secret": secret})


@router.delete(
    "/tokens/{token_id}",
    response=responses({204: None}, 403, 404, 409),
    summary="Revoke an API token",
)
def token_revoke(request: HttpRequest, token_id: int) -> Status:
    user = caller(request).user
    membership = require_membership(user)
    # Your own tokens; a coordinator may also revoke anyone's token in the agency.
    tokens = ApiToken.objects.select_related("agency")
    if not membership.is_coordinator:
        tokens = tokens.filter(user=user)
    token = access_agency_object(user, tokens, pk=token_id)
    if not token.is_active:
        raise Conflict("This token is already revoked.")
    api_token_revoke(token=token, revoked_by=user, request=request)
    return Status(204, None)
