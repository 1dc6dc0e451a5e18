from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "sinergi.agencies"
    label = "agencies"
