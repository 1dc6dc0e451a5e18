from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "sinergi.public"
    label = "public"
