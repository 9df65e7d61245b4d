from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mhr.accounts.access import membership_for
from mhr.accounts.models import Agency, ApiToken, Membership


def user_agency_membership(user: Any) -> Membership | None:
    return membership_for(user)


def user_is_member(user: Any) -> bool:
    """Members of the association see members-only resources: agency members and association staff."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_association_staff or user.is_superuser or membership_for(user) is not None


def agency_member_list(*, agency: Agency) -> QuerySet[Membership]:
    return Membership.objects.for_agency(agency).select_related("user").order_by("user__email")


def api_token_list(*, user: Any, agency: Agency) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, agency=agency).order_by("-created_at")
