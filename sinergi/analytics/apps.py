from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "sinergi.analytics"
    label = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sinergi.core import jobs

        from . import refresh

        jobs.register("analytics figures", refresh.analytics_refresh)
