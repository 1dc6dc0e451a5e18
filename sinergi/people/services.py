"""Writes for persons: create and update, aliases, identity documents, family contacts, consent.

Every service runs in one transaction with its audit row. Permission is checked against the agency through
which the actor works with the person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require, require_person
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core import clock
from sinergi.core.fields import digest_companions
from sinergi.core.validation import Errors
from sinergi.regions.enums import Level
from sinergi.regions.models import Country, Region
from sinergi.regions.selectors import country_by_code

from . import hooks, names
from .enums import ConsentPurpose, DocumentType, Relationship, Sex
from .models import Consent, FamilyContact, IdentityDocument, NameKey, Person, PersonAlias
from .validators import document_number_error, phone_error
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

PERSON_FIELDS = (
    "full_name", "sex", "date_of_birth", "estimated_age", "citizenship", "origin_village", "origin_area", "address",
    "phone", "email", "primary_language", "deceased",
)


def _resolve_country(errors: Errors, field: str, value) -> Country | None:
    if value in (None, ""):
        return None
    if isinstance(value, Country):
        return value
    code = str(value).strip().upper()
    country = country_by_code(code)
    if country is None:
        errors.add(field, message(_("Kode negara tidak dikenal: %(value)s"), value=value))
    return country


def _resolve_area(errors: Errors, value) -> dict[str, Region | None]:
    """The origin as far as it is known: a village, or only its district, regency or province (a family that knows
    the regency but not the village). Returns the person's origin fields."""
    if value in (None, ""):
        return {"origin_village": None, "origin_province": None, "origin_regency": None}
    region = value if isinstance(value, Region) else Region.objects.filter(code=str(value).strip()).first()
    if region is None:
        errors.add("origin_area", message(_("Kode wilayah tidak dikenal: %(value)s"), value=value))
        return {}
    if region.level == Level.VILLAGE:
        return {"origin_village": region}
    codes = {"origin_province": region.code[:2], "origin_regency": region.code[:5] if region.level >= 2 else None}
    found = {r.code: r for r in Region.objects.filter(code__in=[c for c in codes.values() if c])}
    return {"origin_village": None, **{k: found.get(c) if c else None for k, c in codes.items()}}


def _resolve_village(errors: Errors, field: str, value) -> Region | None:
    if value in (None, ""):
        return None
    region = value if isinstance(value, Region) else Region.objects.filter(code=str(value).strip()).first()
    if region is None:
        errors.add(field, message(_("Kode wilayah tidak dikenal: %(value)s"), value=value))
    elif region.level != Level.VILLAGE:
        errors.add(field, _("Kode harus kode desa/kelurahan."))
        return None
    return region


def validate_person_fields(data: dict[str, Any], errors: Errors, *, partial: bool = False) -> dict[str, Any]:
    """Check and normalise person fields; codes become objects. Adds to ``errors`` instead of raising."""
    clean: dict[str, Any] = {}
    if not partial or "full_name" in data:
        name = (data.get("full_name") or "").strip()
        if not name:
            errors.add("full_name", _("Nama wajib diisi."))
        elif len(name) > 200:
            errors.add("full_name", _("Nama terlalu panjang (maks. 200)."))
        clean["full_name"] = name
    if "sex" in data:
        errors.in_choices("sex", data["sex"], Sex.values)
        clean["sex"] = data["sex"] or Sex.UNKNOWN
    if "date_of_birth" in data:
        dob = _as_date(data["date_of_birth"])
        if dob is _BAD:
            errors.add("date_of_birth", _("Format tanggal YYYY-MM-DD."))
        else:
            errors.not_future("date_of_birth", dob)
            if dob and dob < dt.date(1900, 1, 1):
                errors.add("date_of_birth", _("Tanggal lahir tidak masuk akal."))
            clean["date_of_birth"] = dob
    if "estimated_age" in data:
        age = data["estimated_age"]
        if age in (None, ""):
            clean["estimated_age"] = None
        else:
            try:
                age = int(age)
            except (TypeError, ValueError):
                errors.add("estimated_age", _("Umur harus angka."))
            else:
                if not (0 <= age <= 120):
                    errors.add("estimated_age", _("Umur 0-120."))
                clean["estimated_age"] = age
    if "citizenship" in data:
        clean["citizenship"] = _resolve_country(errors, "citizenship", data["citizenship"])
    if "origin_village" in data:
        clean["origin_village"] = _resolve_village(errors, "origin_village", data["origin_village"])
    if "origin_area" in data:
        clean.update(_resolve_area(errors, data["origin_area"]))
    if "phone" in data:
        if msg := phone_error(data["phone"] or ""):
            errors.add("phone", msg)
        clean["phone"] = (data["phone"] or "").strip()
    for f in ("address", "email", "primary_language"):
        if f in data:
            clean[f] = (data[f] or "").strip()
    if clean.get("email"):
        from django.core.exceptions import ValidationError as DjangoValidationError
        from django.core.validators import validate_email

        try:
            validate_email(clean["email"])
        except DjangoValidationError:
            errors.add("email", _("Alamat surel tidak valid."))
    # Column limits, so that PostgreSQL never answers a long value with an error (SQLite would store it).
    for f, limit in (("email", 254), ("primary_language", 8), ("address", 2000)):
        if len(clean.get(f) or "") > limit:
            errors.add(f, message(_("Terlalu panjang (maks. %(limit)s)."), limit=limit))
    if "deceased" in data:
        clean["deceased"] = bool(data["deceased"])
    return clean


_BAD = object()


def _as_date(value):
    """A date, None, or ``_BAD``: text from a form or file is accepted in ISO form (YYYY-MM-DD)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return _BAD


def _apply_origin(person: Person, known: dict | None = None) -> None:
    """The province and regency follow the village; without a village, what is known of the area is kept."""
    village = person.origin_village
    if village is None:
        known = known or {}
        person.origin_province = known.get("origin_province")
        person.origin_regency = known.get("origin_regency")
    else:
        person.origin_province_id = village.code[:2]
        person.origin_regency_id = village.code[:5]


def person_refresh_name_keys(person: Person) -> None:
    alias_names = list(PersonAlias.objects.filter(person=person).values_list("name", flat=True))
    entries = names.entries_for(person.full_name, *alias_names)
    forms = {form for _, form in entries}
    NameKey.objects.filter(person=person).exclude(form__in=forms).delete()
    existing = set(NameKey.objects.filter(person=person).values_list("form", flat=True))
    NameKey.objects.bulk_create([NameKey(person=person, key=k, form=f) for k, f in sorted(entries)
                                 if f not in existing])


@transaction.atomic
def person_create(*, actor, agency_id, data: dict[str, Any], aliases: list[str] | None = None) -> Person:
    """Create a survivor or other person on behalf of ``agency_id`` (where the actor must work)."""
    principal = require(actor, Cap.PERSON_EDIT, agency_id)
    errors = Errors()
    clean = validate_person_fields(data, errors)
    aliases = [a.strip() for a in (aliases or []) if a and a.strip()]
    for a in aliases:
        if len(a) > 200:
            errors.add("aliases", _("Alias terlalu panjang."))
    errors.raise_if_any()
    area = {k: clean.pop(k) for k in ("origin_province", "origin_regency") if k in clean}
    person = Person(**clean)
    _apply_origin(person, area)
    person.save()
    PersonAlias.objects.bulk_create([PersonAlias(person=person, name=a) for a in aliases])
    person_refresh_name_keys(person)
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="person", object_id=person.pk,
              detail={"fields": sorted(k for k, v in clean.items() if v not in (None, ""))})
    return person


@transaction.atomic
def person_update(*, actor, person: Person, agency_id, data: dict[str, Any], aliases: list[str] | None = None) -> Person:
    principal = require_person(actor, person, Cap.PERSON_EDIT, agency_id)
    errors = Errors()
    clean = validate_person_fields(data, errors, partial=True)
    if aliases is not None:
        aliases = [a.strip() for a in aliases if a and a.strip()]
        if any(len(a) > 200 for a in aliases):
            errors.add("aliases", _("Alias terlalu panjang."))
    errors.raise_if_any()
    person = Person.objects.select_for_update().get(pk=person.pk)
    area = {k: clean.pop(k) for k in ("origin_province", "origin_regency") if k in clean}
    changed = [k for k, v in clean.items() if getattr(person, k) != v]
    if area and any(getattr(person, k) != v for k, v in area.items()) and "origin_village" not in changed:
        changed.append("origin_village")
    for k in changed:
        setattr(person, k, clean[k])
    update_fields = list(changed) + digest_companions(Person, changed)
    if "origin_village" in changed:
        _apply_origin(person, area)
        update_fields += ["origin_province", "origin_regency"]
    if update_fields:
        person.save(update_fields=update_fields + ["updated_at"])
    if aliases is not None:
        PersonAlias.objects.filter(person=person).delete()
        PersonAlias.objects.bulk_create([PersonAlias(person=person, name=a) for a in aliases])
        changed.append("aliases")
    if "full_name" in changed or aliases is not None:
        person_refresh_name_keys(person)
    if "origin_village" in changed:
        hooks.origin_changed(person)
    if changed:
        audit_log(actor=principal.actor(agency_id), action=Action.UPDATE, object_type="person",
                  object_id=person.pk, detail={"fields": sorted(changed)})
    return person


@transaction.atomic
def document_add(*, actor, person: Person, agency_id, type: str, number: str, issuing_country,
                 issued_on: dt.date | None = None, expires_on: dt.date | None = None) -> IdentityDocument:
    principal = require_person(actor, person, Cap.PERSON_EDIT, agency_id)
    errors = Errors()
    errors.in_choices("type", type, DocumentType.values)
    country = _resolve_country(errors, "issuing_country", issuing_country)
    if country is None and "issuing_country" not in errors.fields:
        errors.add("issuing_country", _("Wajib diisi."))
    number = (number or "").strip().upper()
    if msg := document_number_error(type, number, country.code if country else None):
        errors.add("number", msg)
    errors.not_future("issued_on", issued_on)
    errors.order("issued_on", issued_on, "expires_on", expires_on, label=_("tanggal terbit"))
    errors.raise_if_any()
    doc = IdentityDocument.objects.create(person=person, type=type, number=number, issuing_country=country,
                                          issued_on=issued_on, expires_on=expires_on)
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="identity_document",
              object_id=doc.pk, detail={"person": str(person.pk), "type": type})
    return doc


@transaction.atomic
def family_contact_add(*, actor, person: Person, agency_id, name: str, relationship: str, phone: str = "",
                       address: str = "", village=None) -> FamilyContact:
    principal = require_person(actor, person, Cap.PERSON_EDIT, agency_id)
    errors = Errors()
    errors.required("name", (name or "").strip())
    errors.in_choices("relationship", relationship, Relationship.values)
    if msg := phone_error(phone):
        errors.add("phone", msg)
    region = _resolve_village(errors, "village", village)
    errors.raise_if_any()
    contact = FamilyContact.objects.create(person=person, name=name.strip(), relationship=relationship,
                                           phone=(phone or "").strip(), address=address or "", village=region)
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="family_contact",
              object_id=contact.pk, detail={"person": str(person.pk)})
    return contact


@transaction.atomic
def consent_record(*, actor, person: Person, agency_id, purpose: str, given: bool, method: str = "",
                   note: str = "", agency_types: list[str] | None = None) -> Consent:
    """Record the survivor's answer for one purpose (a withdrawal is ``given=False``: a new row, the history
    stays). ``agency_types``: for sharing with other agencies, the kinds of agency the survivor agreed to (none:
    any). Audited, with who took it, how and through which agency."""
    from sinergi.agencies.enums import AgencyType

    principal = require_person(actor, person, Cap.PERSON_EDIT, agency_id)
    errors = Errors()
    errors.in_choices("purpose", purpose, ConsentPurpose.values)
    types = list(dict.fromkeys(agency_types or ()))
    errors.in_choices("agency_types", types, AgencyType.values)
    if types and purpose != ConsentPurpose.REFERRAL:
        errors.add("agency_types", _("Jenis lembaga hanya untuk persetujuan berbagi dengan lembaga lain."))
    method = (method or "").strip()
    if len(method) > 100:
        errors.add("method", _("Terlalu panjang (paling banyak %(n)s karakter).") % {"n": 100})
    errors.raise_if_any()
    consent = Consent.objects.create(person=person, purpose=purpose, given=bool(given), recorded_at=clock.now(),
                                     recorded_by=actor, method=method, note=(note or "").strip(),
                                     agency_types=types if given else [], agency_id=agency_id)
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="consent", object_id=consent.pk,
              detail={"person": str(person.pk), "purpose": purpose, "given": bool(given), "method": method,
                      "agency_types": consent.agency_types, "withdrawal": not given})
    return consent


def consent_latest(person: Person, purpose: str) -> Consent | None:
    # Two answers stamped with the same time (a frozen clock, an import) are told apart by when they were saved.
    return Consent.objects.filter(person=person, purpose=purpose).order_by("-recorded_at", "-created_at").first()


def consent_current(person: Person, purpose: str, *, agency_type: str | None = None) -> bool:
    """The latest answer for this purpose; no answer means no consent. For sharing with an agency of
    ``agency_type``: the consent must name that type, or name none (any agency)."""
    latest = consent_latest(person, purpose)
    if not (latest and latest.given):
        return False
    return not (agency_type and latest.agency_types and agency_type not in latest.agency_types)


@transaction.atomic
def person_mark_deceased(*, actor, person: Person, agency_id, case_id=None) -> bool:
    """Record that ``person`` died, as found by a service of another app that checked the actor's right to say so
    (``cases.services.case_transition`` closing a case with that outcome, for the agency leading it). Audited as
    ``agency_id``; returns whether anything changed."""
    from sinergi.access.principal import Principal

    row = Person.objects.select_for_update().get(pk=person.pk)
    person.deceased = True
    if row.deceased:
        return False
    row.deceased = True
    row.save(update_fields=["deceased", "updated_at"])
    detail = {"fields": ["deceased"]} | ({"case": str(case_id)} if case_id else {})
    audit_log(actor=Principal.of(actor).actor(agency_id), action=Action.UPDATE, object_type="person",
              object_id=row.pk, detail=detail)
    return True


@transaction.atomic
def person_create_system(*, actor, data: dict[str, Any]) -> Person:
    """Create a person on behalf of the system (a message from a peer instance, the public form), audited as
    ``actor`` (an ``audit.services.Actor`` naming who it came from and for which agency)."""
    errors = Errors()
    clean = validate_person_fields(data, errors)
    errors.raise_if_any()
    area = {k: clean.pop(k) for k in ("origin_province", "origin_regency") if k in clean}
    person = Person(**clean)
    _apply_origin(person, area)
    person.save()
    person_refresh_name_keys(person)
    audit_log(actor=actor, action=Action.CREATE, object_type="person", object_id=person.pk,
              detail={"fields": sorted(k for k, v in clean.items() if v not in (None, ""))})
    return person
