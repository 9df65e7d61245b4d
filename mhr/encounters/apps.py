from django.apps import AppConfig


class EncountersConfig(AppConfig):
    name = "mhr.encounters"
    label = "encounters"
    verbose_name = "Crisis encounters"
