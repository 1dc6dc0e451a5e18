from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "sinergi.exchange"
    label = "exchange"
