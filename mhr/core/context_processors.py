from django.conf import settings
from django.http import HttpRequest

from mhr.accounts.selectors import user_agency_membership
from mhr.audit.selectors import audit_viewer_for


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    membership = user_agency_membership(user) if user is not None else None
    return {
        "site_name": settings.SITE_NAME,
        "current_membership": membership,
        # No extra query: the membership look-up above is cached on the user.
        "can_read_audit_log": user is not None and audit_viewer_for(user) is not None,
    }
