from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "sinergi.referrals"
    label = "referrals"

    def ready(self):
        from sinergi.core import jobs

        from . import services

        jobs.register("referral escalation", services.referrals_escalate_due)
