from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "sinergi.analytics"
    label = "analytics"
