from django.apps import AppConfig


class ClearinghouseConfig(AppConfig):
    name = "mhr.clearinghouse"
    label = "clearinghouse"
    verbose_name = "Clearinghouse"
