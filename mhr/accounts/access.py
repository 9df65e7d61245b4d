"""The one way to fetch an agency-owned object for a user.

Every view, endpoint and service that loads an object owned by an agency goes through
`access_agency_object`. It filters by the user's agency *in the query*, so another agency's
object is indistinguishable from a missing one: both answer 404.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from mhr.accounts.models import Agency, Membership

ModelT = TypeVar("ModelT", bound=models.Model)


def membership_for(user: Any) -> Membership | None:
    """The user's membership, or None for anonymous users, staff without an agency, or inactive users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_mhr_membership", False)
    if cached is not False:
        return cached
    membership = Membership.objects.select_related("agency").filter(user=user).first()
    user._mhr_membership = membership
    return membership


def require_membership(user: Any, *, need_coordinator: bool = False) -> Membership:
    """The user's membership; 404 when they belong to no agency, 403 when the role is too low."""
    membership = membership_for(user)
    if membership is None:
        raise Http404("No agency.")
    if need_coordinator and not membership.is_coordinator:
        raise PermissionDenied("Only the agency's coordinators can do this.")
    return membership


def access_agency_object(
    user: Any,
    source: type[ModelT] | models.QuerySet[ModelT],
    *,
    need_coordinator: bool = False,
    agency_field: str = "agency",
    **lookup: Any,
) -> ModelT:
    """Fetch one object of the user's agency by `lookup`, or raise Http404.

    `source` is a model or a queryset (to add select_related). `agency_field` is the path from
    the object to its agency, e.g. "officer__agency" for a training record.
    """
    membership = require_membership(user)
    queryset = source._default_manager.all() if isinstance(source, type) else source
    try:
        obj = queryset.get(**{agency_field: membership.agency}, **lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found.") from exc
    if need_coordinator and not membership.is_coordinator:
        raise PermissionDenied("Only the agency's coordinators can do this.")
    return obj


def agency_for_user(user: Any) -> Agency | None:
    membership = membership_for(user)
    return membership.agency if membership else None
