from django.urls import path

from mhr.campaigns import roster_views

app_name = "campaigns_roster"

# The coordinator's roster, training and import screens, mounted at /agency/roster/.
urlpatterns = [
    path("", roster_views.officer_list, name="officer_list"),
    path("officers/new/", roster_views.officer_new, name="officer_new"),
    path("officers/<int:pk>/", roster_views.officer_detail, name="officer_detail"),
    path("officers/<int:pk>/edit/", roster_views.officer_edit, name="officer_edit"),
    path("officers/<int:pk>/status/", roster_views.officer_status, name="officer_status"),
    path("officers/<int:pk>/training/new/", roster_views.training_new, name="training_new"),
    path("training/<int:pk>/edit/", roster_views.training_edit, name="training_edit"),
    path("training/<int:pk>/remove/", roster_views.training_remove, name="training_remove"),
    path(
        "training/<int:pk>/certificate/",
        roster_views.certificate_download,
        name="certificate_download",
    ),
    path("imports/", roster_views.import_list, name="import_list"),
    path("imports/new/", roster_views.import_new, name="import_new"),
    path("imports/<int:pk>/", roster_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/mapping/", roster_views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/commit/", roster_views.import_commit_view, name="import_commit"),
]
