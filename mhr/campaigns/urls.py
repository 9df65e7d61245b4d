"""Public campaign pages, mounted at /campaign/."""

from django.urls import path, register_converter

from mhr.campaigns import public_views

app_name = "campaigns"


class OriConverter:
    """A 9-character ORI; lower-case letters are accepted and upper-cased."""

    regex = "[A-Za-z0-9]{9}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(OriConverter, "campaign_ori")

urlpatterns = [
    path("", public_views.campaign_home, name="home"),
    path("agencies/<campaign_ori:ori>/", public_views.agency_pledge, name="agency"),
    path("badge/<campaign_ori:ori>.svg", public_views.badge, name="badge"),
]
