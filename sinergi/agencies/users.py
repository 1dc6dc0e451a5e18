"""An agency administrator's work on the agency's people: invite, change role, deactivate.

Invitations create the account without a usable password and send a one-time link to set it (Django's
password-reset tokens), so no administrator ever knows anyone's password.
"""

from __future__ import annotations

import logging

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core.errors import NotFound
from sinergi.core.validation import Errors

from . import authority
from .enums import Role
from .models import Membership, User
from .revocation import access_revoked
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# An agency administrator may hand out these roles; system administrators are made by other system administrators.
GRANTABLE = [r for r in Role if r != Role.SYSTEM_ADMIN]


def set_password_link(user, base_url: str = "") -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url + reverse("web:password_set", args=[uid, token])


@transaction.atomic
def user_invite(*, actor, agency_id, username: str, email: str, first_name: str = "", last_name: str = "",
                role: str, base_url: str = "") -> tuple[User, str]:
    """Create a user with a role in ``agency_id`` and mail them a link to set their password."""
    principal = authority.require(actor, authority.AGENCY_USERS, agency_id)
    errors = Errors()
    username = (username or "").strip()
    errors.required("username", username)
    if username and User.objects.filter(username__iexact=username).exists():
        errors.add("username", _("Nama pengguna sudah dipakai."))
    errors.required("email", (email or "").strip())
    errors.in_choices("role", role, [r.value for r in GRANTABLE])
    errors.raise_if_any()
    user = User(username=username, email=email.strip(), first_name=first_name.strip(), last_name=last_name.strip())
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, agency_id=agency_id, role=role)
    link = set_password_link(user, base_url)
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="user", object_id=user.pk,
              detail={"role": role, "agency": str(agency_id)})
    transaction.on_commit(lambda: _send_invitation(user.email, link))
    return user, link


def _send_invitation(email: str, link: str) -> None:
    # The administrator also sees the link on the page, so a mail failure is logged, not fatal.
    try:
        send_mail(
            "Undangan Sinergi / Sinergi invitation",
            f"Anda diundang ke Sinergi. Buat kata sandi di: {link}\n\nYou are invited to Sinergi. Set your password at: {link}",
            None, [email],
        )
    except Exception:  # noqa: BLE001 - any transport error
        logger.exception("invitation mail to a new user failed")


def _membership(actor, agency_id, membership_id) -> Membership:
    m = (Membership.objects.select_for_update().filter(pk=membership_id, agency_id=agency_id)
         .select_related("user").first())
    if m is None:
        raise NotFound("membership")
    return m


def _keeps_an_administrator(errors: Errors, field: str, actor, m: Membership) -> None:
    """An agency is never left without an administrator: its administrators cannot demote or deactivate
    themselves, and nobody can demote or deactivate the last active one."""
    if m.role != Role.AGENCY_ADMIN or not m.is_active:
        return
    if m.user_id == getattr(actor, "pk", None):
        errors.add(field, _("Anda tidak dapat mencabut peran administrator Anda sendiri; minta administrator lain."))
        return
    others = (Membership.objects.select_for_update()
              .filter(agency_id=m.agency_id, role=Role.AGENCY_ADMIN, is_active=True, user__is_active=True)
              .exclude(pk=m.pk))
    if not others.exists():
        errors.add(field, _("Ini administrator terakhir lembaga; angkat administrator lain lebih dulu."))


@transaction.atomic
def membership_set_role(*, actor, agency_id, membership_id, role: str) -> Membership:
    principal = authority.require(actor, authority.AGENCY_USERS, agency_id)
    errors = Errors()
    errors.in_choices("role", role, [r.value for r in GRANTABLE])
    errors.raise_if_any()
    m = _membership(actor, agency_id, membership_id)
    if m.role == role:
        return m
    if Membership.objects.filter(user=m.user, agency_id=agency_id, role=role).exclude(pk=m.pk).exists():
        errors.add("role", _("Pengguna sudah punya peran ini."))
        errors.raise_if_any()
    _keeps_an_administrator(errors, "role", actor, m)
    errors.raise_if_any()
    old = m.role
    m.role = role
    m.save(update_fields=["role", "updated_at"])
    audit_log(actor=principal.actor(agency_id), action=Action.UPDATE, object_type="membership", object_id=m.pk,
              detail={"user": m.user_id, "from": old, "to": role})
    return m


@transaction.atomic
def membership_set_active(*, actor, agency_id, membership_id, active: bool) -> Membership:
    principal = authority.require(actor, authority.AGENCY_USERS, agency_id)
    m = _membership(actor, agency_id, membership_id)
    errors = Errors()
    if m.user_id == actor.pk and not active:
        errors.add("active", _("Anda tidak dapat menonaktifkan diri sendiri."))
    elif not active:
        _keeps_an_administrator(errors, "active", actor, m)
    errors.raise_if_any()
    if m.is_active != active:
        m.is_active = active
        m.save(update_fields=["is_active", "updated_at"])
        audit_log(actor=principal.actor(agency_id), action=Action.UPDATE, object_type="membership",
                  object_id=m.pk, detail={"user": m.user_id, "active": active})
        if not active:
            access_revoked(user_ids=[m.user_id], reason="membership_inactive", actor=principal.actor(agency_id))
    return m


def agency_members(*, actor, agency_id):
    authority.require(actor, authority.AGENCY_USERS, agency_id)
    return Membership.objects.filter(agency_id=agency_id).select_related("user").order_by("user__username", "role")
