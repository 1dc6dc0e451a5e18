from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sinergi.api"
    label = "api"

    def ready(self):
        # API tokens die with their user's access: on deactivation (the agencies' services call the registry) and
        # on a sign-in lockout (django-axes' signal).
        from axes.signals import user_locked_out

        from sinergi.agencies import revocation

        from .tokens import revoke_on_lockout, tokens_revoke

        revocation.register(tokens_revoke)
        user_locked_out.connect(revoke_on_lockout, dispatch_uid="sinergi.api.tokens.revoke_on_lockout")
