from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sinergi.people"
    label = "people"

    def ready(self):
        from sinergi.access import sources

        from .models import Person

        sources.register(person=Person)
