from django.urls import path

from mhr.clearinghouse import views
from mhr.clearinghouse.feeds import ResourceFeed

app_name = "clearinghouse"

urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    # Before the slug pattern, so "feed" is never read as a resource slug.
    path("feed/", ResourceFeed(), name="feed"),
    path("<slug:slug>/", views.resource_detail, name="resource_detail"),
    path(
        "<slug:slug>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
