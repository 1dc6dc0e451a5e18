"""A signed-in session that owes a second factor goes nowhere but the code (or enrolment) page.

The sign-in itself never signs in on a password alone where a second factor applies (``views.auth``). This
catches the sessions that were signed in before it was required (an agency's flag switched on, an account given
a role that needs it), and the admin site. (Someone who enrolls of their own accord is asked at their next
sign-in; their other open sessions are left as they are.) It costs no query: the requirement comes with the
principal the request resolves anyway. API requests with a token are the token's business (tokens are issued
with the code and revoked when the requirement begins); API requests on the session are refused.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sinergi.access.mfa import mfa_enrolled, mfa_required

# Pages a session that owes its code may still open.
OPEN = frozenset({"web:mfa_verify", "web:mfa_enrol", "web:logout", "web:login", "web:password_set",
                  "set_language"})


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        guarded = match.namespace in ("web", "admin") or request.path.startswith("/api/")
        if not guarded or match.view_name in OPEN:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return None
        if not mfa_required(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Autentikasi dua faktor wajib: masukkan kode di halaman masuk dulu."),
                                 "code": "mfa_required"}, status=403)
        target = reverse("web:mfa_verify" if mfa_enrolled(user) else "web:mfa_enrol")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
