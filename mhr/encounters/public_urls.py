from django.urls import path

from mhr.encounters import public_views

app_name = "encounters_public"

# Public transparency pages, mounted at /data/: only agencies that chose to publish, suppressed.
urlpatterns = [
    path("", public_views.agency_list, name="agency_list"),
    path("<str:ori>/", public_views.agency_detail, name="agency_detail"),
    path("<str:ori>/<int:year>.csv", public_views.agency_csv, name="agency_csv"),
    path("<str:ori>/<int:year>.json", public_views.agency_json, name="agency_json"),
    # Any period and filters the page offers, as in its query string.
    path("<str:ori>/numbers.<str:fmt>", public_views.agency_download, name="agency_download"),
]
