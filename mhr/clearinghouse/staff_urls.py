from django.urls import path

from mhr.clearinghouse import staff_views

app_name = "clearinghouse_staff"

urlpatterns = [
    path("", staff_views.resource_list, name="resource_list"),
    path("new/", staff_views.resource_new, name="resource_new"),
    path("<int:pk>/", staff_views.resource_detail, name="resource_detail"),
    path("<int:pk>/edit/", staff_views.resource_edit, name="resource_edit"),
    path("<int:pk>/preview/", staff_views.resource_preview, name="resource_preview"),
    path("<int:pk>/history/", staff_views.resource_history, name="resource_history"),
    path("<int:pk>/status/", staff_views.resource_status, name="resource_status"),
    path("<int:pk>/attachments/", staff_views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/remove/",
        staff_views.attachment_delete,
        name="attachment_remove",
    ),
]
