from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mhr.api"
    label = "mhr_api"
    verbose_name = "API"
