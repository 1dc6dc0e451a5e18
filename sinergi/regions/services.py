"""Loading reference data: Indonesia's regions (shipped Kemendagri CSVs) and countries (ISO 3166 via pycountry).

Both loads are idempotent: rows are inserted when missing and renamed when their name changed.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pycountry
from django.db import transaction

from .enums import Level
from .models import Country, Region
from .names import country_names

DATA = Path(__file__).parent / "data"
FILES = [
    ("provinces.csv", Level.PROVINCE),
    ("regencies.csv", Level.REGENCY),
    ("districts.csv", Level.DISTRICT),
    ("villages.csv.gz", Level.VILLAGE),
]


def _rows(name: str):
    path = DATA / name
    raw = gzip.open(path, "rt", encoding="utf-8", newline="") if name.endswith(".gz") else \
        io.open(path, encoding="utf-8", newline="")
    with raw as fh:
        yield from csv.DictReader(fh)


@transaction.atomic
def regions_load(levels: tuple[int, ...] = (1, 2, 3, 4), progress=None) -> dict[str, int]:
    """Insert missing regions level by level (parents first); returns counts inserted per level."""
    existing = dict(Region.objects.values_list("code", "name"))
    counts: dict[str, int] = {}
    for name, level in FILES:
        if level not in levels:
            continue
        new, renamed = [], []
        for row in _rows(name):
            code, parent, label = row["kode"].strip(), (row.get("parent_kode") or "").strip() or None, row["nama"].strip()
            if code not in existing:
                new.append(Region(code=code, parent_id=parent, level=level, name=label))
            elif existing[code] != label:
                renamed.append(Region(code=code, name=label))
        Region.objects.bulk_create(new, batch_size=5000)
        if renamed:
            Region.objects.bulk_update(renamed, ["name"], batch_size=5000)
        counts[Level(level).name.lower()] = len(new)
        if progress:
            progress(Level(level).label, len(new))
    return counts


@transaction.atomic
def countries_load() -> int:
    """Load the countries that are missing, and set right the names of those already there (``names``).
    Returns how many were added."""
    names = country_names()
    existing = {c.code: c for c in Country.objects.all()}
    new, changed = [], []
    for c in pycountry.countries:
        name, name_id = names[c.alpha_2]
        if c.alpha_2 not in existing:
            new.append(Country(code=c.alpha_2, alpha3=c.alpha_3, name=name, name_id=name_id))
        elif (existing[c.alpha_2].name, existing[c.alpha_2].name_id) != (name, name_id):
            row = existing[c.alpha_2]
            row.name, row.name_id = name, name_id
            changed.append(row)
    Country.objects.bulk_create(new)
    Country.objects.bulk_update(changed, ["name", "name_id"])
    return len(new)
