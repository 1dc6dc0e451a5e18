from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "sinergi.intake"
    label = "intake"
