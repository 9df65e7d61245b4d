from django.urls import path

from mhr.clearinghouse import views

app_name = "clearinghouse_staff"

urlpatterns = [
    path("", views.resource_list, name="resource_list"),
]
