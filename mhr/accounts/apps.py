from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mhr.accounts"
    label = "accounts"
    verbose_name = "Accounts and agencies"

    def ready(self) -> None:
        # Registers the system check for the breached-password list.
        from mhr.accounts import password_validators  # noqa: F401
