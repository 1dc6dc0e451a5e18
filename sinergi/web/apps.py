from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sinergi.web"
    label = "web"
    verbose_name = "Sinergi web"

    def ready(self):
        # The admin site signs in through the application's sign-in (lockout, second factor), not its own form.
        from django.contrib import admin

        from .views.auth import admin_login

        admin.site.login = admin_login
