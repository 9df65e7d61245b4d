from django.conf import settings
from django.http import HttpRequest

from mhr.accounts.selectors import user_agency_membership


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    membership = user_agency_membership(user) if user is not None else None
    return {
        "site_name": settings.SITE_NAME,
        "current_membership": membership,
    }
