from django.urls import path
from ninja import NinjaAPI

api = NinjaAPI(title="MHR API", version="1", urls_namespace="api")

urlpatterns = [path("api/v1/", api.urls)]
