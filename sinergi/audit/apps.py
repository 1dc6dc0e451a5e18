from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sinergi.audit"
    label = "audit"
