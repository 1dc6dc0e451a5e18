"""Importing the official registry, which arrives as CSV or Excel files: placement agencies with their licence
status history, their branches and directors, job orders and placements. Idempotent by licence number, job-order
reference and worker reference, by agency, region and address for branches and by agency and normalised name for
directors; every bad row is reported with its line and field; nothing is written unless all rows are good, unless
``partial`` is asked for."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from sinergi.access.policy import require_recruitment_oversight
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core import clock
from sinergi.regions.models import Region
from sinergi.regions.selectors import country_codes

from .enums import LicenceStatus, VisaType
from .models import Branch, Director, JobOrder, LicenceEvent, Placement, PlacementAgency
from .rules import Offer  # noqa: F401  (flags are raised through services.flags_refresh)
from .services import flags_refresh, name_key, offer_for_placement
from django.utils.translation import gettext as _
from sinergi.core.i18n import message

COLUMNS = {
    "agencies": ["licence_number", "name", "status", "status_from", "reason", "region_code", "address", "phone"],
    "job_orders": ["reference", "licence_number", "employer", "destination", "position", "salary_amount",
                   "salary_currency", "quota", "approved", "approved_on", "valid_until"],
    "placements": ["worker_reference", "job_order_reference", "departure_date", "ltsa_office", "visa_type",
                   "returned_on"],
    "branches": ["licence_number", "region_code", "address"],
    "directors": ["licence_number", "name", "position"],
}
REQUIRED = {
    "agencies": ["licence_number", "name", "status", "status_from"],
    "job_orders": ["reference", "licence_number", "employer", "destination", "position", "quota"],
    "placements": ["worker_reference", "job_order_reference"],
    "branches": ["licence_number", "region_code"],
    "directors": ["licence_number", "name"],
}
# One example row per kind, shown on the upload page next to the columns.
EXAMPLES = {
    "agencies": ["KEP-123/2024", "PT Maju Jaya", "active", "2024-01-10", "", "53", "Jl. Timor Raya 1 Kupang",
                 "0380-123456"],
    "job_orders": ["JO-TW-2025-001", "KEP-123/2024", "Formosa Care", "TW", "caregiver", "20000", "TWD", "10", "ya",
                   "2025-01-15", "2026-01-15"],
    "placements": ["W-2025-0001", "JO-TW-2025-001", "2025-02-01", "LTSA Kupang", "work", ""],
    "branches": ["KEP-123/2024", "53.71", "Jl. El Tari 5 Kota Kupang"],
    "directors": ["KEP-123/2024", "Maria Ndun", "Direktur Utama"],
}
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"line", "field", "message"}
    imported: bool = False


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows as dicts of strings, from CSV (UTF-8, comma or semicolon) or Excel (.xlsx, first sheet)."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, [])]
        out = []
        for values in rows:
            out.append({h: ("" if v is None else (v.isoformat()[:10] if isinstance(v, (dt.date, dt.datetime)) else str(v)))
                        for h, v in zip(header, values)})
        return out
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;") if text.strip() else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]


def _date(value: str, line: int, name: str, errors: list, *, required=False):
    if not value:
        if required:
            errors.append({"line": line, "field": name, "message": _("Wajib diisi.")})
        return None
    try:
        d = dt.date.fromisoformat(value[:10])
    except ValueError:
        errors.append({"line": line, "field": name, "message": message(_("Tanggal tidak valid (YYYY-MM-DD): %(value)s"), value=value)})
        return None
    if d > clock.today():
        errors.append({"line": line, "field": name, "message": _("Tanggal di masa depan.")})
    return d


def _validate(kind: str, rows: list[dict], errors: list) -> list[tuple[int, dict]]:
    good = []
    seen: set[str] = set()
    countries = country_codes()
    agencies, regions = _known(kind, rows)
    for i, row in enumerate(rows, start=2):  # line 1 is the header
        before = len(errors)
        for name in REQUIRED[kind]:
            if not row.get(name):
                errors.append({"line": i, "field": name, "message": _("Wajib diisi.")})
        clean = dict(row)
        key = row.get(COLUMNS[kind][0], "")
        if kind == "agencies":
            if row.get("status") and row["status"].lower() not in LicenceStatus.values:
                errors.append({"line": i, "field": "status", "message": message(_("Status tidak dikenal: %(status)s"), status=row['status'])})
            clean["status"] = row.get("status", "").lower()
            clean["status_from"] = _date(row.get("status_from", ""), i, "status_from", errors)
            if row.get("region_code") and not Region.objects.filter(code=row["region_code"]).exists():
                errors.append({"line": i, "field": "region_code", "message": message(_("Kode wilayah tidak dikenal: %(code)s"), code=row['region_code'])})
            key = f"{key}|{row.get('status_from')}|{row.get('status')}"
        elif kind == "job_orders":
            dest = (row.get("destination") or "").upper()
            if dest and dest not in countries:
                errors.append({"line": i, "field": "destination", "message": message(_("Kode negara tidak dikenal: %(dest)s"), dest=dest)})
            clean["destination"] = countries.get(dest)
            try:
                clean["quota"] = int(row.get("quota") or 0)
                if clean["quota"] <= 0:
                    raise ValueError
            except ValueError:
                errors.append({"line": i, "field": "quota", "message": _("Kuota harus bilangan bulat positif.")})
            try:
                clean["salary_amount"] = Decimal(row["salary_amount"]) if row.get("salary_amount") else None
            except InvalidOperation:
                errors.append({"line": i, "field": "salary_amount", "message": _("Bukan angka.")})
            approved = (row.get("approved") or "").strip().lower()
            if approved not in ("", "ya", "yes", "true", "1", "tidak", "no", "false", "0"):
                errors.append({"line": i, "field": "approved", "message": _("Isi ya/tidak.")})
            clean["approved"] = approved in ("ya", "yes", "true", "1")
            clean["approved_on"] = _date(row.get("approved_on", ""), i, "approved_on", errors)
            try:
                clean["valid_until"] = dt.date.fromisoformat(row["valid_until"]) if row.get("valid_until") else None
            except ValueError:
                errors.append({"line": i, "field": "valid_until", "message": _("Tanggal tidak valid.")})
        elif kind == "placements":
            if row.get("visa_type") and row["visa_type"] not in VisaType.values:
                errors.append({"line": i, "field": "visa_type", "message": message(_("Jenis visa tidak dikenal: %(visa_type)s"), visa_type=row['visa_type'])})
            clean["departure_date"] = _date(row.get("departure_date", ""), i, "departure_date", errors)
            clean["returned_on"] = _date(row.get("returned_on", ""), i, "returned_on", errors)
        else:  # branches and directors belong to a registered agency
            licence = row.get("licence_number", "")
            if licence and licence not in agencies:
                errors.append({"line": i, "field": "licence_number",
                               "message": _("Perusahaan tidak terdaftar.")})
            clean["agency_id"] = agencies.get(licence)
            if kind == "branches":
                if row.get("region_code") and row["region_code"] not in regions:
                    errors.append({"line": i, "field": "region_code",
                                   "message": message(_("Kode wilayah tidak dikenal: %(code)s"), code=row['region_code'])})
                key = f"{licence}|{row.get('region_code', '')}|{_address_key(row.get('address', ''))}"
            else:
                key = f"{licence}|{person_key(row.get('name', ''))}"
        if key in seen:
            errors.append({"line": i, "field": COLUMNS[kind][0], "message": _("Duplikat dalam berkas.")})
        seen.add(key)
        for name, value in row.items():
            if len(value or "") > 500:
                errors.append({"line": i, "field": name, "message": _("Terlalu panjang.")})
        if len(errors) == before:
            good.append((i, clean))
    return good


def person_key(name: str) -> str:
    """A person's name for matching: case, punctuation and spacing ignored ("H. Ahmad  Yani" = "h ahmad yani")."""
    return " ".join(re.sub(r"[^\w ]", " ", (name or "").lower()).split())


def _address_key(address: str) -> str:
    return " ".join((address or "").lower().replace(",", " ").split())


def _known(kind: str, rows: list[dict]) -> tuple[dict[str, object], set[str]]:
    """Agencies (licence number to id) and region codes that the rows of a branch or director file refer to."""
    if kind not in ("branches", "directors"):
        return {}, set()
    licences = sorted({r.get("licence_number") for r in rows if r.get("licence_number")})
    codes = sorted({r.get("region_code") for r in rows if r.get("region_code")})
    agencies, regions = {}, set()
    for chunk in range(0, max(len(licences), len(codes)), 500):  # stay under SQLite's bound-parameter limit
        agencies.update(PlacementAgency.objects.filter(licence_number__in=licences[chunk:chunk + 500])
                        .values_list("licence_number", "pk"))
        regions.update(Region.objects.filter(code__in=codes[chunk:chunk + 500]).values_list("code", flat=True))
    return agencies, regions


def _apply(kind: str, line: int, row: dict, result: Result, errors: list) -> None:
    if kind == "agencies":
        agency, created = PlacementAgency.objects.get_or_create(
            licence_number=row["licence_number"],
            defaults={"name": row["name"], "name_key": name_key(row["name"]), "address": row.get("address", ""),
                      "phone": row.get("phone", ""), "region_id": row.get("region_code") or None})
        changed = False
        if not created and (agency.name != row["name"]):
            agency.name, agency.name_key = row["name"], name_key(row["name"])
            agency.save(update_fields=["name", "name_key", "updated_at"])
            changed = True
        _event, event_created = LicenceEvent.objects.get_or_create(
            agency=agency, effective_from=row["status_from"], status=row["status"],
            defaults={"reason": row.get("reason", "")})
        result.created += created
        result.updated += (not created) and (changed or event_created)
        result.unchanged += (not created) and not (changed or event_created)
    elif kind == "job_orders":
        agency = PlacementAgency.objects.filter(licence_number=row["licence_number"]).first()
        if agency is None:
            errors.append({"line": line, "field": "licence_number", "message": _("Perusahaan tidak terdaftar.")})
            return
        fields = {"agency": agency, "employer": row["employer"], "destination_id": row["destination"],
                  "position": row["position"], "salary_amount": row.get("salary_amount"),
                  "salary_currency": (row.get("salary_currency") or "")[:3].upper(), "quota": row["quota"],
                  "approved": row["approved"], "approved_on": row.get("approved_on"), "valid_until": row.get("valid_until")}
        _upsert(JobOrder, {"reference": row["reference"]}, fields, result)
    elif kind == "branches":
        _apply_branch(row, result)
    elif kind == "directors":
        _apply_director(row, result)
    else:
        jo = JobOrder.objects.filter(reference=row["job_order_reference"]).first()
        if jo is None:
            errors.append({"line": line, "field": "job_order_reference", "message": _("Job order tidak dikenal.")})
            return
        fields = {"job_order": jo, "departure_date": row.get("departure_date"), "ltsa_office": row.get("ltsa_office", ""),
                  "visa_type": row.get("visa_type") or VisaType.WORK, "returned_on": row.get("returned_on")}
        placement = _upsert(Placement, {"worker_reference": row["worker_reference"]}, fields, result)
        flags_refresh("placement", placement.pk, offer_for_placement(placement))


def _apply_branch(row: dict, result: Result) -> None:
    """One branch per agency, region and address. A row without an address only says there is a branch in the
    region; a row with one completes a branch recorded without an address."""
    address = row.get("address", "")
    branches = list(Branch.objects.filter(agency_id=row["agency_id"], region_id=row["region_code"]))
    if (branches and not address.strip()) or any(_address_key(b.address) == _address_key(address) for b in branches):
        result.unchanged += 1
        return
    blank = next((b for b in branches if not b.address.strip()), None) if address else None
    if blank is not None:
        blank.address = address
        blank.save(update_fields=["address", "updated_at"])
        result.updated += 1
        return
    Branch.objects.create(agency_id=row["agency_id"], region_id=row["region_code"], address=address)
    result.created += 1


def _apply_director(row: dict, result: Result) -> None:
    """One director per agency and normalised name; the name's spelling and the position follow the file."""
    key = person_key(row["name"])
    director = next((d for d in Director.objects.filter(agency_id=row["agency_id"]) if person_key(d.name) == key), None)
    if director is None:
        Director.objects.create(agency_id=row["agency_id"], name=row["name"], position=row.get("position", ""))
        result.created += 1
        return
    fields = {"name": row["name"]}
    if "position" in row:  # a file without the column leaves positions as they are
        fields["position"] = row["position"]
    _update(director, fields, result)


def _upsert(model, key: dict, fields: dict, result: Result):
    obj = model.objects.filter(**key).first()
    if obj is None:
        result.created += 1
        return model.objects.create(**key, **fields)
    return _update(obj, fields, result)


def _update(obj, fields: dict, result: Result):
    """Write only the fields whose value changed; count the row as updated or unchanged."""
    changed = [k for k, v in fields.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, fields[k])
    if changed:
        obj.save(update_fields=changed + ["updated_at"])
        result.updated += 1
    else:
        result.unchanged += 1
    return obj


def registry_import(*, actor, kind: str, data: bytes, filename: str, partial: bool = False) -> Result:
    principal, agency_id = require_recruitment_oversight(actor)
    result = Result()
    if kind not in COLUMNS:
        result.errors.append({"line": 0, "field": "kind", "message": _("Jenis berkas tidak dikenal.")})
        return result
    if len(data) > MAX_BYTES:
        result.errors.append({"line": 0, "field": "file", "message": _("Berkas terlalu besar (maks. 20 MB).")})
        return result
    try:
        rows = read_rows(data, filename)
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as exc:
        result.errors.append({"line": 0, "field": "file", "message": message(_("Berkas tidak terbaca: %(exc)s"), exc=exc)})
        return result
    if rows:
        missing = [c for c in REQUIRED[kind] if c not in rows[0]]
        if missing:
            result.errors.append({"line": 1, "field": ",".join(missing), "message": _("Kolom wajib tidak ada.")})
            return result
    good = _validate(kind, rows, result.errors)
    if result.errors and not partial:
        return result
    with transaction.atomic():
        for line, row in good:
            _apply(kind, line, row, result, result.errors)
        if result.errors and not partial:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
            return result
        audit_log(actor=principal.actor(agency_id), action=Action.IMPORT, object_type=f"registry.{kind}",
                  detail={"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                          "rejected_lines": sorted({e["line"] for e in result.errors})})
    result.imported = True
    return result
