# Part of the encounters_agency namespace (mounted at /agency/encounters/ by agency_urls.py).
from django.urls import path

from mhr.encounters import entry_views

urlpatterns: list = [
    path("records/", entry_views.entry_list, name="entry_list"),
    path("records/new/", entry_views.entry_new, name="entry_new"),
    path("records/<int:pk>/", entry_views.entry_detail, name="entry_detail"),
    path("records/<int:pk>/edit/", entry_views.entry_edit, name="entry_edit"),
    path("records/<int:pk>/discard/", entry_views.entry_discard, name="entry_discard"),
    path("drafts/", entry_views.entry_drafts, name="entry_drafts"),
]
