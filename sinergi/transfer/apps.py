from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "sinergi.transfer"
    label = "transfer"

    def ready(self):
        from sinergi.access import sources
        from sinergi.core import jobs

        from . import uploads
        from .models import ImportJob

        sources.register(import_job=ImportJob)
        jobs.register("stalled imports", uploads.imports_recover_stalled)
