from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sinergi.web"
    label = "web"
    verbose_name = "Sinergi web"
