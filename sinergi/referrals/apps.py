from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "sinergi.referrals"
    label = "referrals"

    def ready(self):
        from sinergi.access import sources
        from sinergi.cases import timeline
        from sinergi.core import jobs

        from . import remote, services
        from .enums import ACTIVE, ReferralStatus, ReferralType
        from .models import Notice, NoticeRecipient, Referral

        sources.register(referral=Referral, referral_active=ACTIVE, notice=Notice, notice_recipient=NoticeRecipient)
        timeline.register_choices(ReferralStatus, ReferralType)
        jobs.register("referral escalation", services.referrals_escalate_due)
        remote.register()  # the exchange's handlers for referrals and notices from peers
