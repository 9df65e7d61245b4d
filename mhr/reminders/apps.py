from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "mhr.reminders"
    label = "reminders"
    verbose_name = "Reminders and scheduled jobs"
