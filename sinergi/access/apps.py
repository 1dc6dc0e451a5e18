from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "sinergi.access"
    label = "access"

    def ready(self):
        from sinergi.agencies import authority

        from .principal import Principal

        authority.install(Principal.of)
