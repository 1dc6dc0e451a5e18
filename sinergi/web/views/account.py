"""Your account's sign-in security (the authenticator, recovery codes), an agency administrator's reset of a
member's second factor, and the system administrator's page of which agencies require it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from sinergi.access import mfa
from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.agencies import services as agency_services
from sinergi.agencies.models import Agency, Membership
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid


class ConfirmPasswordForm(forms.Form):
    """Changing the second factor asks for the password again: an unattended, signed-in browser is not enough."""

    password = forms.CharField(label=_("Kata sandi Anda"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Kata sandi salah."))
        return password


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(label=_("Bahasa tampilan"), choices=settings.LANGUAGES)


def language_set(request):
    """The language switch: a signed-in user's choice is saved on their account (and follows them to any
    browser); a visitor's is kept in a cookie. The browser's own language decides nothing."""
    from django.views.i18n import set_language

    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        agency_services.user_set_language(actor=request.user, user=request.user, language=language)
    return set_language(request)


@login_required
def account_security(request):
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    form = ConfirmPasswordForm(user, request.POST if action in ("recovery", "reset") else None)
    language_form = LanguageForm(request.POST if action == "language" else None,
                                 initial={"preferred_language": user.preferred_language})
    status = 200
    if action == "language":
        status = 400
        if language_form.is_valid():
            agency_services.user_set_language(actor=user, user=user,
                                              language=language_form.cleaned_data["preferred_language"])
            translation.activate(user.preferred_language)
            messages.success(request, _("Bahasa tampilan disimpan."))
            response = redirect("web:account_security")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax")
            return response
    elif action in ("recovery", "reset"):
        status = 400
        if form.is_valid():
            if action == "recovery":
                try:
                    codes = mfa.recovery_codes_regenerate(actor=user)
                except PermissionDenied:
                    raise Http404 from None
                return render(request, "web/mfa_recovery_codes.html", {"codes": codes, "first": False}, status=201)
            mfa.mfa_reset(actor=user, user=user)
            messages.success(request, _("Autentikator dan kode pemulihan dihapus."))
            return redirect("web:mfa_enrol" if mfa.mfa_required(user) else "web:account_security")
    elif action is not None:
        raise Http404
    device = mfa.totp_device(user)
    return render(request, "web/account_security.html", {
        "nav": "account", "device": device, "required": mfa.mfa_required(user),
        "codes_left": mfa.recovery_codes_left(user) if device else 0, "form": form, "language_form": language_form,
        "global": settings.SINERGI_MFA_REQUIRED,
        "may_set_policy": Principal.of(user).can(Cap.REFERENCE_ADMIN),
    }, status=status)


@login_required
@require_POST
def member_mfa_reset(request, membership_id):
    """An agency administrator removes a member's second factor (lost phone, lost recovery codes)."""
    principal = Principal.of(request.user)
    membership = Membership.objects.filter(pk=membership_id).select_related("user").first()
    if membership is None or not principal.can(Cap.AGENCY_USERS, membership.agency_id):
        raise Http404
    try:
        mfa.mfa_reset(actor=request.user, user=membership.user, agency_id=membership.agency_id)
    except (NotFound, PermissionDenied):
        raise Http404 from None
    messages.success(request, gettext("Autentikasi dua faktor %(u)s diatur ulang; ia mendaftar lagi saat masuk.")
                     % {"u": membership.user.username})
    return redirect("web:users")


@login_required
def agency_mfa_policy(request):
    """Which agencies require a second factor at sign-in (a system administrator's switch, audited)."""
    if not Principal.of(request.user).can(Cap.REFERENCE_ADMIN):
        raise Http404
    if request.method == "POST":
        agency_id = as_uuid(request.POST.get("agency"))
        if agency_id is None:
            raise Http404
        agency = get_object_or_404(Agency, pk=agency_id, peer__isnull=True)
        required = request.POST.get("required") == "1"
        agency_services.agency_set_mfa_required(actor=request.user, agency=agency, required=required)
        message = (gettext("%(a)s kini mewajibkan autentikasi dua faktor.") if required
                   else gettext("%(a)s tidak lagi mewajibkan autentikasi dua faktor."))
        messages.success(request, message % {"a": agency})
        return redirect("web:agency_mfa_policy")
    agencies = Agency.objects.filter(peer__isnull=True, is_active=True).order_by("name")
    return render(request, "web/agency_mfa_policy.html", {
        "nav": "account", "agencies": agencies, "global": settings.SINERGI_MFA_REQUIRED})
