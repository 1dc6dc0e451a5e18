from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sinergi.notifications"
    label = "notifications"

    def ready(self):
        from sinergi.core import jobs

        from . import services

        jobs.register("notification retries", services.deliveries_retry_due)
