from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sinergi.demo"
    label = "demo"
