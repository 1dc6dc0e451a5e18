"""Writes for agencies, their offices and contact points, users and memberships.

Every service takes a keyword-only ``actor``. ``actor=None`` means the system itself (the command line:
``sinergi demo``, first setup), audited as ``system``; a user must hold the capability (system administrators
set up agencies; agency administrators give roles in their own agency, as in ``users.py``).
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, Actor, audit_log
from sinergi.core.errors import Conflict, PermissionDenied
from sinergi.core.validation import Errors
from sinergi.regions.models import Country, Region
from sinergi.regions.selectors import country_by_code

from . import authority
from .enums import AgencyType, Level, Role
from .models import Agency, ContactPoint, Membership, Office, User
from .revocation import access_revoked
from sinergi.core.i18n import message

_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


def _reference_admin(actor, agency_id=None) -> Actor:
    """The audit identity of someone allowed to change reference data (agencies, offices, contact points)."""
    if actor is None:
        return SYSTEM
    principal = authority.principal(actor)
    if not principal.can(authority.REFERENCE_ADMIN):
        raise PermissionDenied(f"missing capability {authority.REFERENCE_ADMIN}")
    return principal.actor(agency_id if agency_id is not None and principal.roles_in(agency_id) else None)


def _country(errors: Errors, field: str, value) -> Country | None:
    if isinstance(value, Country):
        return value
    code = str(value or "").strip().upper()
    if not code:
        errors.add(field, _("Wajib diisi."))
        return None
    country = country_by_code(code)
    if country is None:
        errors.add(field, message(_("Kode negara tidak dikenal: %(value)s"), value=value))
    return country


def _region(errors: Errors, field: str, value) -> Region | None:
    if value in (None, ""):
        return None
    if isinstance(value, Region):
        return value
    region = Region.objects.filter(code=str(value).strip()).first()
    if region is None:
        errors.add(field, message(_("Kode wilayah tidak dikenal: %(value)s"), value=value))
    return region


@transaction.atomic
def agency_create(*, actor, code: str, name: str, type: str, country, level: str, short_name: str = "",
                  region=None, parent: Agency | None = None, local_name: str = "", peer=None,
                  remote_code: str = "") -> Agency:
    """Create an agency. ``country`` is an ISO code or Country; ``region`` a Kemendagri code or Region.
    With ``peer``, the agency is served by that instance and known there as ``remote_code``: referrals to it
    leave through the exchange."""
    audit_actor = _reference_admin(actor)
    errors = Errors()
    code = (code or "").strip().lower()
    if not _CODE_RE.match(code):
        errors.add("code", _("Kode 2-64 huruf kecil, angka atau tanda hubung."))
    name = (name or "").strip()
    errors.required("name", name)
    if len(name) > 200:
        errors.add("name", _("Terlalu panjang (maks. 200)."))
    if len(short_name or "") > 60:
        errors.add("short_name", _("Terlalu panjang (maks. 60)."))
    if len(local_name or "") > 200:
        errors.add("local_name", _("Terlalu panjang (maks. 200)."))
    remote_code = _remote_code(errors, peer, remote_code)
    errors.required("type", type)
    errors.in_choices("type", type, AgencyType.values)
    errors.required("level", level)
    errors.in_choices("level", level, Level.values)
    country_obj = _country(errors, "country", country)
    region_obj = _region(errors, "region", region)
    if region_obj is not None and country_obj is not None and country_obj.code != "ID":
        errors.add("region", _("Wilayah hanya untuk lembaga di Indonesia."))
    errors.raise_if_any()
    if Agency.objects.filter(code=code).exists():
        raise Conflict(_("Kode lembaga sudah dipakai."), field="code")
    agency = Agency.objects.create(code=code, name=name, short_name=(short_name or "").strip(),
                                   local_name=(local_name or "").strip(), type=type, country=country_obj, level=level,
                                   region=region_obj, parent=parent, peer=peer, remote_code=remote_code)
    audit_log(actor=audit_actor, action=Action.CREATE, object_type="agency", object_id=agency.pk,
              detail={"code": code, "type": type, "country": country_obj.code, "level": level,
                      "region": region_obj.code if region_obj else None,
                      "peer": peer.code if peer else None, "remote_code": remote_code or None})
    return agency


def _remote_code(errors: Errors, peer, remote_code: str) -> str:
    remote_code = (remote_code or "").strip().lower()
    if peer is not None and not _CODE_RE.match(remote_code):
        errors.add("remote_code", _("Kode lembaga di instans mitra."))
    if peer is None and remote_code:
        errors.add("remote_code", _("Hanya untuk lembaga instans mitra."))
    return remote_code


@transaction.atomic
def agency_mirror(*, peer, remote_code: str, name: str, type: str, country: str) -> Agency:
    """The local stand-in for the agency ``remote_code`` of ``peer``'s instance (a message from it names it), made
    on first sight, as the system, with its audit row. The caller has checked the type and the country."""
    agency = Agency.objects.filter(peer=peer, remote_code=remote_code).first()
    if agency is not None:
        return agency
    agency, created = Agency.objects.get_or_create(
        peer=peer, remote_code=remote_code,
        defaults={"code": f"{peer.code}-{remote_code}"[:64], "name": name, "type": type, "country_id": country,
                  "level": Level.NATIONAL},
    )
    if created:
        audit_log(actor=Actor(user_id=None, username=f"peer:{peer.code}", agency_id=agency.pk), action=Action.CREATE,
                  object_type="agency", object_id=agency.pk,
                  detail={"code": agency.code, "type": type, "country": country, "peer": peer.code,
                          "remote_code": remote_code})
    return agency


@transaction.atomic
def agency_link_peer(*, actor, agency: Agency, peer, remote_code: str) -> Agency:
    """Let ``peer`` serve ``agency`` (known there as ``remote_code``): referrals to it then leave through the
    exchange. Linking again to the same peer and code changes nothing."""
    audit_actor = _reference_admin(actor)
    errors = Errors()
    remote_code = _remote_code(errors, peer, remote_code)
    errors.required("peer", peer)
    errors.raise_if_any()
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.peer_id == peer.pk and agency.remote_code == remote_code:
        return agency
    before = {"peer": agency.peer.code if agency.peer_id else None, "remote_code": agency.remote_code or None}
    agency.peer, agency.remote_code = peer, remote_code
    agency.save(update_fields=["peer", "remote_code", "updated_at"])
    audit_log(actor=audit_actor, action=Action.UPDATE, object_type="agency", object_id=agency.pk,
              detail={"before": before, "peer": peer.code, "remote_code": remote_code})
    return agency


@transaction.atomic
def office_create(*, actor, agency: Agency, name: str, country, region=None, address: str = "", phone: str = "",
                  email: str = "") -> Office:
    audit_actor = _reference_admin(actor, agency.pk)
    errors = Errors()
    name = (name or "").strip()
    errors.required("name", name)
    country_obj = _country(errors, "country", country)
    region_obj = _region(errors, "region", region)
    errors.raise_if_any()
    office = Office.objects.create(agency=agency, name=name, country=country_obj, region=region_obj,
                                   address=address or "", phone=phone or "", email=email or "")
    audit_log(actor=audit_actor, action=Action.CREATE, object_type="office", object_id=office.pk,
              detail={"agency": str(agency.pk), "country": country_obj.code})
    return office


@transaction.atomic
def contact_point_create(*, actor, agency: Agency, name: str, function: str = "", phone: str = "", email: str = "",
                         available_hours: str = "") -> ContactPoint:
    audit_actor = _reference_admin(actor, agency.pk)
    errors = Errors()
    name = (name or "").strip()
    errors.required("name", name)
    errors.raise_if_any()
    contact = ContactPoint.objects.create(agency=agency, name=name, function=function or "", phone=phone or "",
                                          email=email or "", available_hours=available_hours or "")
    audit_log(actor=audit_actor, action=Action.CREATE, object_type="contact_point", object_id=contact.pk,
              detail={"agency": str(agency.pk)})
    return contact


def _user_admin(actor, agency_id, role: str | None = None) -> Actor:
    """Who may give a role in ``agency_id``: the system, a system administrator, or the agency's administrator
    (who may not create system administrators)."""
    if actor is None:
        return SYSTEM
    principal = authority.principal(actor)
    if principal.can(authority.REFERENCE_ADMIN):
        return principal.actor(agency_id if principal.roles_in(agency_id) else None)
    if role == Role.SYSTEM_ADMIN:
        raise PermissionDenied("only system administrators make system administrators")
    return authority.require(actor, authority.AGENCY_USERS, agency_id).actor(agency_id)


@transaction.atomic
def user_create(*, actor, username: str, password: str | None = None, email: str = "", first_name: str = "",
                last_name: str = "", preferred_language: str = "id", agency: Agency | None = None,
                role: str | None = None, admin_site: bool = False, password_hash: str | None = None) -> User:
    """Create a user, with a first role in ``agency`` when given. Without ``password`` the account has no
    usable password (the person sets one through a set-password link). ``admin_site`` lets a system
    administrator sign in to Django's admin (reference data); what anyone may do with cases still comes only
    from memberships. ``password_hash`` is an already hashed password, for setup scripts that give many accounts
    one password (hashing is deliberately slow)."""
    # A user without an agency is reference data only a system administrator creates.
    audit_actor = _user_admin(actor, agency.pk, role) if agency is not None else _reference_admin(actor)
    errors = Errors()
    username = (username or "").strip()
    errors.required("username", username)
    if len(username) > 150:
        errors.add("username", _("Terlalu panjang (maks. 150)."))
    if role is not None:
        errors.in_choices("role", role, Role.values)
        if agency is None:
            errors.add("agency", _("Peran butuh lembaga."))
    if admin_site and actor is not None and not authority.principal(actor).can(authority.REFERENCE_ADMIN):
        raise PermissionDenied("only system administrators open the admin site to others")
    if preferred_language not in ("id", "en"):
        errors.add("preferred_language", _("Bahasa: id atau en."))
    user = User(username=username, email=(email or "").strip(), first_name=(first_name or "").strip(),
                last_name=(last_name or "").strip(), preferred_language=preferred_language,
                is_staff=admin_site, is_superuser=admin_site)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("password", message)
    errors.raise_if_any()
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("Nama pengguna sudah dipakai."), field="username")
    if password:
        user.set_password(password)
    elif password_hash:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.save()
    audit_log(actor=audit_actor, action=Action.CREATE, object_type="user", object_id=user.pk,
              detail={"username": username, "admin_site": admin_site})
    if agency is not None and role:
        membership_grant(actor=actor, user=user, agency=agency, role=role)
    return user


@transaction.atomic
def membership_grant(*, actor, user: User, agency: Agency, role: str, office: Office | None = None) -> Membership:
    """Give ``user`` the ``role`` in ``agency``. Granting a role the user already has (re)activates it and
    changes nothing else, so setup scripts may run again."""
    errors = Errors()
    errors.required("role", role)
    errors.in_choices("role", role, Role.values)
    if office is not None and office.agency_id != agency.pk:
        errors.add("office", _("Kantor itu milik lembaga lain."))
    errors.raise_if_any()
    audit_actor = _user_admin(actor, agency.pk, role)
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role,
                                                           defaults={"office": office})
    if not created and membership.is_active:
        return membership
    if not created:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
    detail: dict[str, Any] = {"user": user.pk, "agency": str(agency.pk), "role": role}
    audit_log(actor=audit_actor, action=Action.CREATE if created else Action.UPDATE, object_type="membership",
              object_id=membership.pk, detail=detail if created else {**detail, "active": True})
    return membership


def _system_admin(actor) -> Actor:
    """Changes that reach beyond one agency (an account, an agency's standing, its sign-in policy) are a system
    administrator's; ``actor=None`` is the system itself."""
    return _reference_admin(actor)


@transaction.atomic
def agency_set_mfa_required(*, actor, agency: Agency, required: bool) -> Agency:
    """Require (or stop requiring) a second factor at sign-in for the agency's staff whose roles see personal
    data. When it is switched on, their API tokens (issued with a password alone) are revoked; their open web
    sessions ask for the code (or the enrolment) at the next page."""
    audit_actor = _system_admin(actor)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.mfa_required == bool(required):
        return agency
    agency.mfa_required = bool(required)
    agency.save(update_fields=["mfa_required", "updated_at"])
    audit_log(actor=audit_actor, action=Action.UPDATE, object_type="agency", object_id=agency.pk,
              detail={"mfa_required": agency.mfa_required})
    if agency.mfa_required:
        members = Membership.objects.filter(agency=agency, is_active=True).values_list("user_id", flat=True)
        access_revoked(user_ids=members, reason="mfa_required", actor=audit_actor)
    return agency


@transaction.atomic
def agency_set_active(*, actor, agency: Agency, active: bool) -> Agency:
    """Deactivate (or reactivate) an agency: its members lose what their roles there gave them at once, and their
    API tokens are revoked."""
    audit_actor = _system_admin(actor)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.is_active == bool(active):
        return agency
    agency.is_active = bool(active)
    agency.save(update_fields=["is_active", "updated_at"])
    audit_log(actor=audit_actor, action=Action.UPDATE, object_type="agency", object_id=agency.pk,
              detail={"active": agency.is_active})
    if not agency.is_active:
        members = Membership.objects.filter(agency=agency).values_list("user_id", flat=True)
        access_revoked(user_ids=members, reason="agency_inactive", actor=audit_actor)
    return agency


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account: it cannot sign in, its sessions end at the next request, and its API
    tokens are revoked."""
    audit_actor = _system_admin(actor)
    if actor is not None and getattr(actor, "pk", None) == user.pk and not active:
        errors = Errors()
        errors.add("active", _("Anda tidak dapat menonaktifkan diri sendiri."))
        errors.raise_if_any()
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == bool(active):
        return user
    user.is_active = bool(active)
    user.save(update_fields=["is_active"])
    audit_log(actor=audit_actor, action=Action.UPDATE, object_type="user", object_id=user.pk,
              detail={"active": user.is_active})
    if not user.is_active:
        access_revoked(user_ids=[user.pk], reason="user_inactive", actor=audit_actor)
    return user


def user_set_language(*, actor, user: User, language: str) -> User:
    """A user's own interface language, saved on their account (they choose it; nobody else does)."""
    from django.conf import settings

    if actor is not None and getattr(actor, "pk", None) != user.pk:
        raise PermissionDenied(_("Hanya pemilik akun yang memilih bahasanya."))
    if language not in dict(settings.LANGUAGES):
        errors = Errors()
        errors.add("preferred_language", _("Pilih Bahasa Indonesia atau English."))
        errors.raise_if_any()
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user
