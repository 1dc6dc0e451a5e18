"""Trafficking indicators: ILO's 11 indicators of forced labour (2012) and the ILO/EC Delphi operational
indicators of trafficking in adults for labour exploitation (2009), read from the shipped CSVs.

Screening suggests a status; a person decides it. The Delphi rule: a dimension is positive with
2 strong items, or 1 strong + 1 medium/weak, or 3 medium, or 2 medium + 1 weak. A person is a likely victim
when recruitment (deceptive, coercive or by abuse of vulnerability), exploitation, and coercion (at destination,
or abuse of vulnerability at destination) are all positive.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

_DATA = Path(__file__).parent / "data"

RECRUITMENT = ("deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability")
EXPLOITATION = ("exploitative_conditions",)
COERCION = ("coercion_at_destination", "destination_abuse_of_vulnerability")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str


@dataclass(frozen=True)
class DelphiItem:
    key: str
    dimension: str
    label: str
    strength: str  # strong | medium | weak


@functools.cache
def ilo_indicators() -> tuple[Indicator, ...]:
    with (_DATA / "ilo_11_forced_labour_indicators.csv").open(newline="", encoding="utf-8") as fh:
        return tuple(Indicator(row["id"], row["indicator"]) for row in csv.DictReader(fh))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]


@functools.cache
def delphi_items() -> tuple[DelphiItem, ...]:
    items = []
    with (_DATA / "ilo_ec_delphi_2009_adult_labour.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = f"{row['dimension']}.{_slug(row['indicator'])}"
            items.append(DelphiItem(key, row["dimension"], row["indicator"], row["strength"]))
    return tuple(items)


@functools.cache
def delphi_by_key() -> dict[str, DelphiItem]:
    return {i.key: i for i in delphi_items()}


def dimensions() -> list[str]:
    seen: dict[str, None] = {}
    for item in delphi_items():
        seen.setdefault(item.dimension)
    return list(seen)


def dimension_positive(strengths: list[str]) -> bool:
    strong = strengths.count("strong")
    medium = strengths.count("medium")
    weak = strengths.count("weak")
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


@dataclass(frozen=True)
class Assessment:
    positive_dimensions: tuple[str, ...]
    recruitment: bool
    exploitation: bool
    coercion: bool
    ilo_count: int
    suggested_status: str  # HTCDS vic_TraffickingStatus value


def assess(ilo_ids: list[str], delphi_keys: list[str]) -> Assessment:
    """Unknown keys raise ``KeyError``; callers validate first (see ``validate_keys``)."""
    by_key = delphi_by_key()
    per_dim: dict[str, list[str]] = {}
    for k in delphi_keys:
        item = by_key[k]
        per_dim.setdefault(item.dimension, []).append(item.strength)
    positive = tuple(d for d in dimensions() if dimension_positive(per_dim.get(d, [])))
    recruitment = any(d in positive for d in RECRUITMENT)
    exploitation = any(d in positive for d in EXPLOITATION)
    coercion = any(d in positive for d in COERCION)
    if recruitment and exploitation and coercion:
        suggested = "ActualVictimOfTrafficking"
    elif positive or ilo_ids or delphi_keys:
        suggested = "PossibleVictimOfTrafficking"
    else:
        suggested = "NotAVictimOfTrafficking"
    return Assessment(positive, recruitment, exploitation, coercion, len(set(ilo_ids)), suggested)


def validate_keys(ilo_ids: list[str], delphi_keys: list[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    known_ilo = {i.key for i in ilo_indicators()}
    bad_ilo = [i for i in ilo_ids if str(i) not in known_ilo]
    if bad_ilo:
        errors["ilo_indicators"] = [message(_("Indikator ILO tidak dikenal: %(items)s"), items=', '.join(map(str, bad_ilo)))]
    bad_delphi = [k for k in delphi_keys if k not in delphi_by_key()]
    if bad_delphi:
        errors["delphi_items"] = [message(_("Indikator Delphi tidak dikenal: %(items)s"), items=', '.join(bad_delphi))]
    return errors
