from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """Finding the same person across reports and agencies' lists (the engine works on files alone too)."""

    name = "sinergi.linkage"
    label = "linkage"
