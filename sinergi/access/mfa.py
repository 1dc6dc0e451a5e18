"""Two-factor authentication: who must give a second factor, and the factors themselves (django-otp devices).

A second factor is required for every role that sees personal data (case work, and the roles that read the
audit log: agency and system administrators), either everywhere (``SINERGI_MFA_REQUIRED``) or for the agencies
whose ``mfa_required`` flag a system administrator set. Someone who enrolled of their own accord is asked too.

The factors: one TOTP authenticator app (RFC 6238, 30-second codes) and ten single-use recovery codes for the day
the phone is lost. Enrolment shows the key (as a QR code and as text), and the first right code confirms it.
Every change is audited; codes themselves are never written to the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.validation import Errors

from .capabilities import ROLE_CAPS, Cap
from .models import Authenticator
from .principal import Principal

# Roles that see personal data: the case-work roles, and those that read the audit log (which names people).
MFA_ROLES = frozenset(role for role, caps in ROLE_CAPS.items() if caps & {Cap.CASE_VIEW, Cap.AUDIT_VIEW})
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"
_TOTP_RE = re.compile(r"^\d{6}$")
_RECOVERY_RE = re.compile(r"^[a-z2-7]{8}$")


def _mfa_agencies(user) -> list:
    return sorted({a for a, role in Principal.of(user).memberships if role in MFA_ROLES}, key=str)


def mfa_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor: one of their active roles sees personal data and the
    requirement holds everywhere or in that role's agency. (Admin-site accounts count when it holds everywhere.)
    No query beyond the principal's, which the request has already made: the middleware asks on every page."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    agencies = _mfa_agencies(user)
    if settings.SINERGI_MFA_REQUIRED:
        return bool(agencies) or bool(user.is_staff)
    return bool(set(agencies) & Principal.of(user).mfa_agency_ids)


def mfa_enrolled(user) -> bool:
    return Authenticator.objects.filter(user=user, confirmed=True).exists()


def mfa_applies(user) -> bool:
    """Whether sign-in asks ``user`` for a code: it is required, or they enrolled anyway."""
    return mfa_required(user) or (getattr(user, "is_authenticated", False) and user.is_active
                                  and mfa_enrolled(user))


def totp_device(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, confirmed=True).order_by("-id").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_pending(user) -> Authenticator:
    """The authenticator being set up (unconfirmed): the same one until it is confirmed, so reloading the page
    shows the same key."""
    device = Authenticator.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = Authenticator.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    tokens = set()
    while len(tokens) < RECOVERY_CODE_COUNT:
        tokens.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in sorted(tokens)])
    return [format_recovery_code(t) for t in sorted(tokens)]


WRONG_CODE = _("Kode salah atau sudah dipakai. Periksa jam ponsel Anda, lalu masukkan kode yang sedang tampil.")
THROTTLED = _("Terlalu banyak kode salah berturut-turut. Tunggu sebentar, lalu coba lagi.")
NOT_A_CODE = _("Masukkan 6 angka dari aplikasi autentikator, atau satu kode pemulihan (8 huruf dan angka).")
NOT_A_TOTP_CODE = _("Masukkan 6 angka dari aplikasi autentikator.")


def totp_confirm(*, actor, device: Authenticator, code: str) -> list[str]:
    """Confirm the authenticator being set up with its first right code, replacing any earlier one, and give a
    fresh set of recovery codes (returned once, never shown again). A wrong code raises a field error on
    ``code`` and changes nothing but the device's throttle count (kept: it slows down guessing)."""
    device = Authenticator.objects.filter(pk=device.pk, user=actor, confirmed=False).first()
    if device is None:
        raise NotFound("device")
    errors = Errors()
    code = normalise_code(code)
    if not _TOTP_RE.match(code):
        errors.add("code", NOT_A_TOTP_CODE)
    elif not device.verify_is_allowed()[0]:
        errors.add("code", THROTTLED)
    elif not device.verify_token(code):
        errors.add("code", WRONG_CODE)
    errors.raise_if_any()
    with transaction.atomic():
        Authenticator.objects.filter(user=actor).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(actor)
        audit_log(actor=Principal.of(actor).actor(), action=Action.CREATE, object_type="mfa_device",
                  object_id=device.pk, detail={"kind": "totp", "recovery_codes": len(codes)})
    return codes


@dataclass(frozen=True)
class Verified:
    device: object | None
    kind: str  # "totp" or "recovery" when verified; else why not: "wrong", "throttled", "malformed"

    @property
    def ok(self) -> bool:
        return self.device is not None


def code_verify(user, code: str, *, allow_recovery: bool = True) -> Verified:
    """Check a sign-in code: six digits against the authenticator (each code once), or a recovery code (used up
    when it matches). Writes nothing but the devices' own state (last code used, throttling)."""
    code = normalise_code(code)
    if _TOTP_RE.match(code):
        model, kind = Authenticator, "totp"
    elif allow_recovery and _RECOVERY_RE.match(code):
        model, kind = StaticDevice, "recovery"
    else:
        return Verified(None, "malformed")
    throttled = False
    for pk in model.objects.filter(user=user, confirmed=True).values_list("pk", flat=True):
        # Locked while checked, so that two requests with the same code cannot both use it.
        with transaction.atomic():
            device = model.objects.select_for_update().get(pk=pk)
            allowed, info = device.verify_is_allowed()
            if not allowed:
                throttled = throttled or (info or {}).get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS
                continue
            if device.verify_token(code):
                return Verified(device, kind)
    return Verified(None, "throttled" if throttled else "wrong")


def reason_message(verified: Verified, *, allow_recovery: bool = True):
    malformed = NOT_A_CODE if allow_recovery else NOT_A_TOTP_CODE
    return {"throttled": THROTTLED, "malformed": malformed}.get(verified.kind, WRONG_CODE)


@transaction.atomic
def recovery_codes_regenerate(*, actor) -> list[str]:
    """New recovery codes for the actor's own account; the old ones stop working."""
    if not mfa_enrolled(actor):
        raise PermissionDenied("no authenticator")
    codes = _new_recovery_codes(actor)
    audit_log(actor=Principal.of(actor).actor(), action=Action.UPDATE, object_type="mfa_device",
              object_id=actor.pk, detail={"kind": "recovery", "recovery_codes": len(codes)})
    return codes


@transaction.atomic
def mfa_reset(*, actor, user, agency_id=None) -> int:
    """Remove ``user``'s authenticator and recovery codes, so that they enrol again at their next sign-in (a lost
    phone). The user themself may; so may an administrator of an agency where ``user`` is a member
    (``agency_id``), or a system administrator. Their API tokens are revoked. Returns how many devices went."""
    from sinergi.agencies.models import Membership
    from sinergi.agencies.revocation import access_revoked

    principal = Principal.of(actor)
    if actor.pk == user.pk:
        audit_actor = principal.actor()
    elif principal.can(Cap.REFERENCE_ADMIN):
        audit_actor = principal.actor()
    elif agency_id is not None and principal.can(Cap.AGENCY_USERS, agency_id):
        if not Membership.objects.filter(user=user, agency_id=agency_id).exists():
            raise NotFound("user")
        audit_actor = principal.actor(agency_id)
    else:
        raise PermissionDenied("mfa reset")
    removed = Authenticator.objects.filter(user=user).delete()[1].get(Authenticator._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    audit_log(actor=audit_actor, action=Action.DELETE, object_type="mfa_device", object_id=user.pk,
              detail={"user": user.pk, "devices": removed})
    access_revoked(user_ids=[user.pk], reason="mfa_reset", actor=audit_actor)
    return removed
