"""Sign in (locked after repeated failures by django-axes), sign out, change password. Each is audited."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from sinergi.access.principal import Principal
from sinergi.audit.enums import Action
from sinergi.audit.services import Actor, audit_log


def _audit_login(request, user, ok: bool, username: str = "") -> None:
    if ok:
        actor = Principal.of(user).actor()
    else:
        actor = Actor(user_id=None, username=(username or "")[:150])
    with transaction.atomic():
        audit_log(actor=actor, action=Action.LOGIN if ok else Action.LOGIN_FAILED, object_type="session",
                  detail={"channel": "web", "ip": request.META.get("REMOTE_ADDR", "")})


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        _audit_login(self.request, form.get_user(), True)
        return response

    def form_invalid(self, form):
        _audit_login(self.request, None, False, self.request.POST.get("username", ""))
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("web:login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi sudah diganti."))
        return response
