from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "sinergi.access"
    label = "access"
