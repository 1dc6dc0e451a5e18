"""An agency administrator's page: the agency's users, invitations, roles, deactivation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.agencies import users
from sinergi.agencies.models import Agency
from sinergi.core.errors import NotFound, PermissionDenied


class InviteForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("Nama depan"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Nama belakang"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("Surel"))
    role = forms.ChoiceField(label=gettext_lazy("Peran"), choices=[(r.value, r.label) for r in users.GRANTABLE])


def _agency_id(request):
    ids = Principal.of(request.user).agencies_with(Cap.AGENCY_USERS)
    if not ids:
        raise Http404
    return ids[0]


@login_required
def user_list(request):
    agency_id = _agency_id(request)
    form = InviteForm(request.POST or None)
    link = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user, link = users.user_invite(actor=request.user, agency_id=agency_id,
                                               base_url=request.build_absolute_uri("/")[:-1], **form.cleaned_data)
                messages.success(request, _("Undangan untuk %(u)s dibuat dan dikirim ke surelnya.") % {"u": user.username})
                form = InviteForm()
                status = 201
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for m in msgs:
                        form.add_error(field if field in form.fields else None, m)
    members = users.agency_members(actor=request.user, agency_id=agency_id)
    return render(request, "web/users.html", {
        "nav": "users", "agency": Agency.objects.get(pk=agency_id), "members": members, "form": form,
        "roles": [(r.value, r.label) for r in users.GRANTABLE], "link": link,
    }, status=status)


@login_required
@require_POST
def membership_update(request, membership_id):
    agency_id = _agency_id(request)
    try:
        if "role" in request.POST:
            users.membership_set_role(actor=request.user, agency_id=agency_id, membership_id=membership_id,
                                      role=request.POST["role"])
        if "active" in request.POST:
            users.membership_set_active(actor=request.user, agency_id=agency_id, membership_id=membership_id,
                                        active=request.POST["active"] == "1")
        messages.success(request, _("Perubahan disimpan."))
    except (NotFound, PermissionDenied, ValueError):
        raise Http404 from None
    except ValidationError as exc:
        for msgs in exc.message_dict.values():
            for m in msgs:
                messages.error(request, m)
    return redirect("web:users")


class PasswordSetView(auth_views.PasswordResetConfirmView):
    template_name = "web/password_set.html"
    success_url = reverse_lazy("web:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi dibuat. Silakan masuk."))
        return response
