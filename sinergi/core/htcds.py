"""The HTCDS 2.0 vocabulary (IOM's Human Trafficking Case Data Standard), read from the shipped CSV.

Picklist values are the exchange vocabulary for victims, perpetrators, cases and trafficking events;
imports and exports use these value names, the interface shows translated labels.
HTCDS is CC BY 4.0 (see data/HTCDS-LICENSE.md); no IOM endorsement is implied.
"""

import csv
import functools
import re
from pathlib import Path

_CSV = Path(__file__).parent / "data" / "htcds-field-standards-2.0.csv"


@functools.cache
def picklists() -> dict[str, tuple[str, ...]]:
    """Field name with prefix (e.g. ``vic_TypeOfExploitation``) -> allowed value names, in order."""
    result: dict[str, tuple[str, ...]] = {}
    with _CSV.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:
            row = row + [""] * (13 - len(row))
            field, ftype, values = row[6].strip(), row[7], row[9]
            if field and "Picklist" in ftype and values.strip() and not values.strip().startswith("Use ISO"):
                names = [v.strip() for v in re.split(r"[\r\n]+", values) if v.strip()]
                result[field] = tuple(names)
    return result


def values(field: str) -> tuple[str, ...]:
    return picklists()[field]


def choices(field: str) -> list[tuple[str, str]]:
    """Django choices with the value's label (lazy: Indonesian, or English in an English request)."""
    return [(v, label(v)) for v in values(field)]


def label(value: str):
    """What a person reads for an HTCDS value name (``ForcedLabour`` -> "Kerja paksa" / "Forced labour")."""
    from .htcds_labels import LABELS

    return LABELS.get(value) or humanize(value)


def humanize(value: str) -> str:
    """A readable form of a value name, for a value no label covers (a newer standard's value)."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])|_", " ", value).split()
    if not words:
        return value
    text = " ".join([words[0]] + [w.lower() if not w.isupper() else w for w in words[1:]])
    return text
