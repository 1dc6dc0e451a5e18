from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sinergi.people"
    label = "people"
