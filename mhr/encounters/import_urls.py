# Part of the encounters_agency namespace (mounted at /agency/encounters/ by agency_urls.py).
from django.urls import path

from mhr.encounters import import_views

urlpatterns: list = [
    path("imports/", import_views.import_history, name="import_history"),
    path("imports/new/", import_views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
]
