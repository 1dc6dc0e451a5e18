from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "sinergi.intake"
    label = "intake"

    def ready(self):
        from sinergi.access import sources
        from sinergi.cases import timeline

        from .enums import Channel
        from .models import Report

        sources.register(report=Report)
        timeline.register_choices(Channel)

        from sinergi.core import jobs

        def _escalate_reports():
            from .triage import reports_escalate_due

            return reports_escalate_due()

        jobs.register("report escalation", _escalate_reports)

        from . import remote

        remote.register()  # the exchange's handler for reports passed on from a partner instance
