from django.urls import path
from django.views.generic import RedirectView

from mhr.encounters import dashboard_urls, entry_urls, import_urls, worksheet_urls

app_name = "encounters_agency"

# An agency's own encounter screens, mounted at /agency/encounters/. Each feature keeps its
# routes in its own module.
urlpatterns = [
    # The section's front door is its dashboard (the dashboard checks who may see it).
    path(
        "",
        RedirectView.as_view(pattern_name="encounters_agency:dashboard_overview"),
        name="home",
    ),
    *dashboard_urls.urlpatterns,
    *entry_urls.urlpatterns,
    *import_urls.urlpatterns,
    *worksheet_urls.urlpatterns,
]
