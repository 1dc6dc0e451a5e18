from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "sinergi.transfer"
    label = "transfer"

    def ready(self):
        from sinergi.core import jobs

        from . import uploads

        jobs.register("stalled imports", uploads.imports_recover_stalled)
