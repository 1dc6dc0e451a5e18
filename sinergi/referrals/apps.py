from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "sinergi.referrals"
    label = "referrals"
