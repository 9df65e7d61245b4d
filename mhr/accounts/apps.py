from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mhr.accounts"
    label = "accounts"
    verbose_name = "Accounts and agencies"
