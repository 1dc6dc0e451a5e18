from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "sinergi.intake"
    label = "intake"

    def ready(self):
        from sinergi.core import jobs

        def _escalate_reports():
            from .triage import reports_escalate_due

            return reports_escalate_due()

        jobs.register("report escalation", _escalate_reports)
