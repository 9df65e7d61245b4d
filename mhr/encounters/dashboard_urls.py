# Part of the encounters_agency namespace (mounted at /agency/encounters/ by agency_urls.py).
from django.urls import path

from mhr.encounters import dashboard_views

urlpatterns: list = [
    path("dashboard/", dashboard_views.dashboard_overview, name="dashboard_overview"),
    path(
        "dashboard/export/<slug:chart>.<slug:fmt>",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
]
