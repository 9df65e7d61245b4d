from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "mhr.campaigns"
    label = "campaigns"
    verbose_name = "Pledge campaigns"
