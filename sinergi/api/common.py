"""Helpers shared by the API views: ids from the path, the agency a write is made for, masking and reveal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from rest_framework import serializers

from sinergi.access.capabilities import Cap
from sinergi.access.masking import Sensitivity, may_reveal, present
from sinergi.access.principal import Principal
from sinergi.agencies.models import Agency
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid
from sinergi.core.validation import field_error
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

NOT_FOUND_FIELD = _("Tidak ditemukan.")


def get_visible(qs, pk, what: str = "object"):
    """``qs.get(pk=pk)`` answering NotFound for a malformed id as for a missing or invisible one."""
    key = as_uuid(pk)
    obj = qs.filter(pk=key).first() if key else None
    if obj is None:
        raise NotFound(what)
    return obj


def agency_lookup(value) -> Agency | None:
    """An agency by id or by its code."""
    if value in (None, ""):
        return None
    if isinstance(value, Agency):
        return value
    key = as_uuid(value)
    if key:
        return Agency.objects.filter(pk=key).first()
    return Agency.objects.filter(code=str(value).strip()).first()


def agency_for_write(user, cap: Cap, requested, *, field_name: str = "agency"):
    """The agency a write is made for: the one named in the request, which must be one where the user holds
    ``cap``, or, when not named, the only such agency. 403 when the user holds ``cap`` nowhere."""
    allowed = Principal.of(user).agencies_with(cap)
    if not allowed:
        raise PermissionDenied(f"missing capability {cap}")
    if requested in (None, ""):
        if len(allowed) == 1:
            return allowed[0]
        raise field_error(field_name, _("Pilih lembaga; Anda bekerja di beberapa lembaga."))
    agency = agency_lookup(requested)
    if agency is None or agency.pk not in allowed:
        raise field_error(field_name, _("Anda tidak dapat bertindak untuk lembaga ini."))
    return agency.pk


@dataclass
class Viewer:
    """How one user sees one object: their roles in the agency they see it through, and what they revealed."""

    roles: set[str] = field(default_factory=set)
    revealed: set[Sensitivity] = field(default_factory=set)

    def show(self, model_label: str, field_name: str, value) -> Any:
        return present(model_label, field_name, value, roles=self.roles, revealed=self.revealed)


@dataclass
class RevealRequest:
    what: set[Sensitivity]
    purpose: str


def parse_reveal(request, roles: set[str]) -> RevealRequest:
    """``?reveal=identity,contact,address&purpose=...``. A purpose is required; a role that may not reveal
    one of the asked sensitivities is refused (403) and nothing is revealed."""
    raw = request.query_params.getlist("reveal")
    wanted = {w.strip() for part in raw for w in part.split(",") if w.strip()}
    if not wanted:
        return RevealRequest(set(), "")
    unknown = sorted(w for w in wanted if w not in Sensitivity._value2member_map_)
    if unknown:
        raise field_error("reveal", message(_("Nilai tidak dikenal: %(values)s (identity, contact, address)"), values=', '.join(unknown)))
    purpose = (request.query_params.get("purpose") or "").strip()
    if not purpose:
        raise field_error("purpose", _("Tujuan wajib diisi untuk membuka data tersamar."))
    if len(purpose) > 300:
        raise field_error("purpose", _("Terlalu panjang (maks. 300)."))
    what = {Sensitivity(w) for w in wanted}
    if not all(may_reveal(roles, s) for s in what):
        raise PermissionDenied("may not reveal")
    return RevealRequest(what, purpose)


def audit_read(user, *, agency_id, object_type: str, object_id, purpose: str = "", reveal: RevealRequest | None = None,
               detail: dict | None = None) -> None:
    """The READ row for this read, and the REVEAL row with its purpose when masked fields were asked for."""
    actor = Principal.of(user).actor(agency_id)
    with transaction.atomic():
        audit_log(actor=actor, action=Action.READ, object_type=object_type, object_id=object_id, purpose=purpose,
                  detail={"via": "api", **(detail or {})})
        if reveal and reveal.what:
            audit_log(actor=actor, action=Action.REVEAL, object_type=object_type, object_id=object_id,
                      purpose=reveal.purpose, detail={"via": "api", "fields": sorted(reveal.what)})


class StrictSerializer(serializers.Serializer):
    """An input serializer that names unknown keys instead of silently dropping them."""

    default_error_messages = {"invalid": _("Harus berupa objek.")}

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors = {k: [_("Kolom tidak dikenal.")] for k in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError({**exc.detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


def given(validated: dict, *names: str) -> dict:
    """The subset of validated fields the client actually sent (PATCH semantics)."""
    return {k: validated[k] for k in names if k in validated}


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


def agency_ref(agency) -> dict | None:
    if agency is None:
        return None
    return {"id": agency.pk, "code": agency.code, "name": str(agency)}
