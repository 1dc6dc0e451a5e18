from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "sinergi.exchange"
    label = "exchange"

    def ready(self):
        from sinergi.core import jobs

        from . import services

        jobs.register("peer keys", services.peers_refresh_keys)
        jobs.register("exchange outbox", services.outbox_deliver_due)
