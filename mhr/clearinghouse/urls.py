from django.urls import path

from mhr.clearinghouse import views

app_name = "clearinghouse"

urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    path("feed/", views.resource_list, name="feed"),
    path("<slug:slug>/", views.resource_list, name="resource_detail"),
]
