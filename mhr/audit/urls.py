from django.urls import path

from mhr.audit import views

app_name = "audit"

# The audit-log search and export screens, mounted at /audit/.
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export.csv", views.event_export_csv, name="event_export_csv"),
    path("export.xlsx", views.event_export_xlsx, name="event_export_xlsx"),
]
