from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sinergi.cases"
    label = "cases"

    def ready(self):
        from sinergi.access import sources
        from sinergi.people import hooks
        from sinergi.people.enums import PersonField

        from . import services, timeline
        from .enums import ServiceType, Stage, VictimStatus
        from .models import Case

        sources.register(case=Case)
        timeline.register_choices(Stage, VictimStatus, ServiceType, PersonField)
        hooks.on_origin_changed(services.cases_sync_origin)
