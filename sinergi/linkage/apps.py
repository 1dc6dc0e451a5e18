from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """Finding the same person across reports and agencies' lists (the engine works on files alone too)."""

    name = "sinergi.linkage"
    label = "linkage"

    def ready(self):
        from sinergi.core.jobs import register

        from .background import linkage_refresh

        register("person linkage", linkage_refresh)

        from sinergi.exchange.handlers import register as register_handler

        from .federation import ANSWER, QUERY, linkage_answer, linkage_query

        register_handler(QUERY, linkage_query)
        register_handler(ANSWER, linkage_answer)
