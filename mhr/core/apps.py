from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mhr.core"
    label = "core"
    verbose_name = "Core"
