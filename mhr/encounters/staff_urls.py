from django.urls import path

from mhr.encounters import staff_views

app_name = "encounters_staff"

# Association staff, mounted at /staff/encounters/: suppressed national numbers only.
urlpatterns = [
    path("", staff_views.national, name="national"),
    path("national.csv", staff_views.national_csv, name="national_csv"),
]
