from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "sinergi.transfer"
    label = "transfer"
