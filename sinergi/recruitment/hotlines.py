"""The hotline directory shipped as reference data (``data/hotlines.csv``): national hotlines, the Indonesian
missions in the main destination countries, and provincial services, each shipped "to be verified" (no
verification date) until an administrator has checked it. Administrators keep it current in the admin; loading
again adds what is missing, sets right the entries that still hold what an earlier version shipped, and never
overwrites an administrator's change.

A number is written in E.164 with spaces or hyphens between its groups (``+60 88-218 600``), or as a short
national code (``110``, ``129``, ``0800-1000``); ``number_problem`` says what is wrong with any other, and refuses
a placeholder (a group of zeros, ``xxx``, "TBD")."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data" / "hotlines.csv"

E164 = re.compile(r"^\+[1-9]\d*(?:[ -]\d+)*$")
# Short national codes: emergency and service numbers (110, 112, 129, 1500-xxx) and toll-free lines (0800-xxxx).
SHORT = re.compile(r"^(?:1\d{2,3}|1500-?\d{3,4}|0800-?\d{4,7})$")
PLACEHOLDER = re.compile(r"x{2,}|tbd|todo|placeholder|contoh|example|\?|(?:^|[ -])0+(?:$|[ -])|0{4,}", re.I)

# What earlier versions shipped, by name: an entry that still holds exactly this was never changed by an
# administrator, so a new load may set it right (the first directory had placeholder numbers for the missions and
# the provincial services).
SHIPPED_BEFORE = {
    "KBRI Kuala Lumpur (hotline pelindungan WNI)": ("+60 3 0000 1033", ""),
    "KJRI Kota Kinabalu (Sabah)": ("+60 88 0000 102", ""),
    "KBRI Riyadh (hotline pelindungan WNI)": ("+966 11 0000 4016", ""),
    "KJRI Jeddah (hotline pelindungan WNI)": ("+966 12 0000 9667", ""),
    "KDEI Taipei (hotline pelindungan WNI)": ("+886 2 0000 5084", ""),
    "KJRI Hong Kong (hotline pelindungan WNI)": ("+852 0000 2330", ""),
    "KBRI Phnom Penh (hotline pelindungan WNI)": ("+855 23 0000 282", ""),
    "KBRI Singapura (hotline pelindungan WNI)": ("+65 0000 0095", ""),
    "BP3MI Nusa Tenggara Timur (layanan pengaduan)": ("+62 380 000 1401", ""),
    "UPTD PPA Provinsi NTT (layanan pengaduan)": ("+62 812 0000 1602", ""),
    "SAPA 129 (Kementerian PPPA: kekerasan terhadap perempuan dan anak)": ("129", "+62 811-129-129"),
}


def number_problem(value: str) -> str | None:
    """What is wrong with a hotline number, in the reader's language, or None when it is well formed."""
    value = (value or "").strip()
    if PLACEHOLDER.search(value):
        return str(_("Nomor ini tampak seperti contoh, bukan nomor sungguhan."))
    if SHORT.match(value):
        return None
    digits = re.sub(r"\D", "", value)
    if E164.match(value) and 8 <= len(digits) <= 15:
        return None
    return str(_("Tulis dalam format internasional (+62 812-3456-7890) atau kode layanan singkat (110, 129, "
                 "0800-1000)."))


def validate_number(value: str) -> None:
    problem = number_problem(value)
    if problem:
        raise ValidationError(problem, code="hotline_number")


def validate_optional_number(value: str) -> None:
    if (value or "").strip():
        validate_number(value)


def dial(value: str) -> str:
    """The number for a ``tel:`` link: its digits, with the leading ``+`` of an international one."""
    value = (value or "").strip()
    digits = re.sub(r"\D", "", value)
    return f"+{digits}" if value.startswith("+") else digits


def rows(path: Path = DATA):
    with path.open(encoding="utf-8") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


def _fields(row: dict, countries: set, provinces: set) -> dict:
    country = row["country"].strip().upper() or None
    province = row["province"].strip() or None
    return {"name_en": row["name_en"].strip(), "phone": row["phone"].strip(), "whatsapp": row["whatsapp"].strip(),
            "hours": row["hours"].strip(), "hours_en": row["hours_en"].strip(),
            "national": row["national"].strip() == "1", "country_id": country if country in countries else None,
            "province_id": province if province in provinces else None}


@transaction.atomic
def hotlines_load(path: Path = DATA) -> int:
    """Add the directory's hotlines that are not there yet (by name), set right those still as an earlier version
    shipped them, and fill in an English name or hours that are missing; the number added or set right. Each comes
    "to be verified" (``verified_on`` empty)."""
    from sinergi.regions.models import Country, Region

    from .models import Hotline

    countries = set(Country.objects.values_list("code", flat=True))
    provinces = set(Region.objects.filter(level=1).values_list("code", flat=True))
    existing = {h.name: h for h in Hotline.objects.all()}
    changed = 0
    for row in rows(path):
        name = row["name"].strip()
        if not name:
            continue
        fields = _fields(row, countries, provinces)
        current = existing.get(name)
        if current is None:
            existing[name] = Hotline.objects.create(name=name, verified_on=None, **fields)
            changed += 1
        elif SHIPPED_BEFORE.get(name) == (current.phone, current.whatsapp) and current.verified_on is None:
            for attr, value in fields.items():
                setattr(current, attr, value)
            current.save()
            changed += 1
        else:
            # Only what is missing: the English name and hours of an entry loaded before they were shipped.
            # Also the country or province of one loaded before the reference data was.
            missing = [f for f in ("name_en", "hours_en", "country_id", "province_id")
                       if not getattr(current, f) and fields[f]
                       and (f != "hours_en" or current.hours == fields["hours"])]
            for f in missing:
                setattr(current, f, fields[f])
            if missing:
                current.save(update_fields=[*missing, "updated_at"])
    return changed
