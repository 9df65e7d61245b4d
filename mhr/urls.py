from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from mhr.api.urls import urlpatterns as api_urlpatterns
from mhr.core import views as core_views

admin.site.site_header = "MHR administration"
admin.site.site_title = "MHR administration"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("mhr.accounts.urls")),
    path("resources/", include("mhr.clearinghouse.urls")),
    path("staff/resources/", include("mhr.clearinghouse.staff_urls")),
    path("campaign/", include("mhr.campaigns.urls")),
    path("agency/campaign/", include("mhr.campaigns.agency_urls")),
    path("agency/roster/", include("mhr.campaigns.roster_urls")),
    path("staff/pledges/", include("mhr.campaigns.review_urls")),
    path("partners/", include("mhr.campaigns.partner_urls")),
    path("agency/encounters/", include("mhr.encounters.agency_urls")),
    path("data/", include("mhr.encounters.public_urls")),
    path("staff/encounters/", include("mhr.encounters.staff_urls")),
    path("audit/", include("mhr.audit.urls")),
    # The admin signs in through the site's own sign-in, which enforces lockout and MFA.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:sign_in", query_string=True),
    ),
    path("admin/", admin.site.urls),
    *api_urlpatterns,
]

handler400 = "mhr.core.views.bad_request"
handler403 = "mhr.core.views.permission_denied"
handler404 = "mhr.core.views.page_not_found"
handler500 = "mhr.core.views.server_error"
