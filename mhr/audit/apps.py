from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mhr.audit"
    label = "audit"
    verbose_name = "Audit log"
