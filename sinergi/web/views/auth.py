"""Sign in (password, then the two-factor code where it applies), sign out, change password. Each is audited;
wrong passwords and wrong codes alike are locked out by django-axes after repeated failures.

Where a second factor applies, a right password does not sign in yet: the session only remembers, for a few
minutes, who gave it (``PENDING``); the code page (or, the first time, the enrolment page) then signs in. So no
session is ever signed in on a password alone. A session that was signed in before the requirement began is
sent to the same pages by ``TwoFactorMiddleware``.
"""

from __future__ import annotations

import time

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login

from sinergi.access import lockout, mfa
from sinergi.access.principal import Principal
from sinergi.audit.enums import Action
from sinergi.audit.services import Actor, audit_log
from sinergi.core.errors import NotFound, ValidationError
from sinergi.core.net import client_address

PENDING = "sinergi_mfa_pending"
PENDING_SECONDS = 5 * 60


def _audit_login(request, user, ok: bool, username: str = "", **detail) -> None:
    if ok:
        actor = Principal.of(user).actor()
    else:
        actor = Actor(user_id=None, username=(username or "")[:150])
    with transaction.atomic():
        audit_log(actor=actor, action=Action.LOGIN if ok else Action.LOGIN_FAILED, object_type="session",
                  detail={"channel": "web", "ip": client_address(request), **detail})


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True
    extra_context = {"nav": "login"}

    def form_valid(self, form):
        user = form.get_user()
        if mfa.mfa_applies(user):
            # The password was right; the session is not signed in until the second factor is given too.
            self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                             "next": self.get_redirect_url()}
            return redirect("web:mfa_verify" if mfa.mfa_enrolled(user) else "web:mfa_enrol")
        response = super().form_valid(form)
        _audit_login(self.request, user, True)
        return response

    def form_invalid(self, form):
        _audit_login(self.request, None, False, self.request.POST.get("username", ""))
        return super().form_invalid(form)


def admin_login(request, extra_context=None):
    """The admin site signs in through the application's own sign-in (lockout, second factor), not its own form."""
    from django.contrib.auth.views import redirect_to_login

    if request.user.is_authenticated:  # signed in but not allowed in the admin: not a question of signing in
        return redirect("web:home")
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"), reverse("web:login"))


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("web:login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi sudah diganti."))
        return response


# --- The second factor -------------------------------------------------------------------------------------------

class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode"), max_length=20, strip=True,
        help_text=_("6 angka dari aplikasi autentikator di ponsel Anda, atau satu kode pemulihan."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}))


class EnrolForm(CodeForm):
    code = forms.CharField(
        label=_("Kode dari aplikasi"), max_length=20, strip=True,
        help_text=_("Setelah memindai, masukkan 6 angka yang tampil di aplikasi."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autocapitalize": "none"}))


def _subject(request):
    """Who is giving a second factor: the signed-in user (a session from before it was required, or someone
    enrolling of their own accord), or the user whose password was right a moment ago. None: start again."""
    if request.user.is_authenticated:
        return request.user, True
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, False
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, False


def _sign_in(request, user, device, kind: str):
    """Finish the sign-in with the verified device; returns where to go next."""
    pending = request.session.pop(PENDING, None) or {}
    if not request.user.is_authenticated:
        login(request, user, backend=pending.get("backend") or settings.AUTHENTICATION_BACKENDS[-1])
        _audit_login(request, user, True, mfa=kind)
    else:
        _audit_login(request, user, True, mfa=kind, step="session")
    otp_login(request, device)
    return _safe_next(request, pending.get("next") or request.GET.get("next", ""))


def _locked(request):
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


def _failed(request, user, reason: str) -> None:
    _audit_login(request, None, False, user.get_username(), reason=reason)
    # Counted with wrong passwords; at the limit the lockout middleware answers with the lockout page.
    lockout.record_failure(request, user.get_username())


def mfa_verify(request):
    """The code after the password: from the authenticator, or a recovery code (each works once)."""
    user, signed_in = _subject(request)
    if user is None:
        messages.warning(request, _("Waktu untuk memasukkan kode habis. Silakan masuk lagi."))
        return redirect("web:login")
    if signed_in and request.user.is_verified():
        return redirect("web:home")
    if not mfa.mfa_enrolled(user):
        return redirect("web:mfa_enrol")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if lockout.is_locked(request, user.get_username()):
            return _locked(request)
        status = 400
        if form.is_valid():
            verified = mfa.code_verify(user, form.cleaned_data["code"])
            if verified.ok:
                target = _sign_in(request, user, verified.device, verified.kind)
                if verified.kind == "recovery":
                    left = mfa.recovery_codes_left(user)
                    messages.warning(request, gettext("Anda masuk dengan kode pemulihan; sisa %(n)s kode. Buat kode "
                                                 "baru di halaman Keamanan akun bila hampir habis.") % {"n": left})
                return redirect(target)
            form.add_error("code", mfa.reason_message(verified))
            _failed(request, user, f"otp_{verified.kind}")
    return render(request, "web/mfa_verify.html", {"form": form, "subject": user}, status=status)


def _qr_svg(device) -> str:
    # Drawn here as inline SVG (no image request, no third party): the otpauth:// address the apps scan.
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=5, border=2, dark="#000", light="#fff", svgclass="qr"))  # noqa: S308


def _grouped_key(device) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def mfa_enrol(request):
    """Set up the authenticator app: scan the QR code (or type the key), give the first code; then the recovery
    codes are shown once. Someone who already has an authenticator resets it first (Keamanan akun), so a
    password alone never replaces it."""
    user, signed_in = _subject(request)
    if user is None:
        messages.warning(request, _("Waktu untuk memasukkan kode habis. Silakan masuk lagi."))
        return redirect("web:login")
    if mfa.mfa_enrolled(user):
        if signed_in and request.user.is_verified():
            return redirect("web:account_security")
        return redirect("web:mfa_verify")
    device = mfa.totp_pending(user)
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if lockout.is_locked(request, user.get_username()):
            return _locked(request)
        status = 400
        if form.is_valid():
            try:
                codes = mfa.totp_confirm(actor=user, device=device, code=form.cleaned_data["code"])
            except ValidationError as exc:
                for message in exc.message_dict.get("code", []):
                    form.add_error("code", message)
                _failed(request, user, "otp_enrol")
            except NotFound:
                return redirect("web:mfa_enrol")
            else:
                device.refresh_from_db()
                target = _sign_in(request, user, device, "totp")
                return render(request, "web/mfa_recovery_codes.html",
                              {"codes": codes, "next": target, "first": True}, status=201)
    return render(request, "web/mfa_enrol.html", {
        "form": form, "subject": user, "qr": _qr_svg(device), "key": _grouped_key(device),
        "issuer": settings.OTP_TOTP_ISSUER, "required": mfa.mfa_required(user)}, status=status)
