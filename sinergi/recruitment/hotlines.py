"""The hotline directory shipped as reference data (``data/hotlines.csv``): national hotlines, the Indonesian
missions in the main destination countries, and provincial services. Administrators keep it current in the
admin; loading again adds what is missing and never overwrites an administrator's change."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from .models import Hotline

DATA = Path(__file__).resolve().parent / "data" / "hotlines.csv"


def _rows(path: Path):
    with path.open(encoding="utf-8") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


@transaction.atomic
def hotlines_load(path: Path = DATA) -> int:
    """Add the directory's hotlines that are not there yet (by name); the number added."""
    from sinergi.regions.models import Country, Region

    countries = set(Country.objects.values_list("code", flat=True))
    provinces = set(Region.objects.filter(level=1).values_list("code", flat=True))
    existing = set(Hotline.objects.values_list("name", flat=True))
    added = 0
    for row in _rows(path):
        name = row["name"].strip()
        if not name or name in existing:
            continue
        country = row["country"].strip().upper() or None
        province = row["province"].strip() or None
        Hotline.objects.create(
            name=name, phone=row["phone"].strip(), whatsapp=row["whatsapp"].strip(), hours=row["hours"].strip(),
            national=row["national"].strip() == "1", country_id=country if country in countries else None,
            province_id=province if province in provinces else None)
        existing.add(name)
        added += 1
    return added
