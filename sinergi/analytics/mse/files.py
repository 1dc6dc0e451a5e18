"""Reading the files of ``sinergi link`` (records, pairs, clusters) for the linkage-uncertainty estimate."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import CaptureTableError


def _rows(data: bytes, name: str, required: tuple[str, ...]) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaptureTableError(
            _("Berkas %(file)s bukan teks UTF-8."), code="not_utf8", params={"file": name}
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in required if c not in columns]
    if missing:
        raise CaptureTableError(
            _("Berkas %(file)s tidak punya kolom %(columns)s."),
            code="missing_columns",
            params={"file": name, "columns": ", ".join(missing)},
        )
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]


def read_records(data: bytes, list_column: str = "source") -> list[tuple[str, str]]:
    """``(record_id, list)`` for every record with a list; the list is the value of ``list_column``."""
    rows = _rows(data, "records", ("record_id", list_column))
    return [(row["record_id"], row[list_column]) for row in rows if row["record_id"] and row[list_column]]


def read_pairs(data: bytes) -> list[tuple[str, str, float]]:
    rows = _rows(data, "pairs.csv", ("record_id_l", "record_id_r", "match_probability"))
    out, problems = [], []
    for line, row in enumerate(rows, 2):
        try:
            p = float(row["match_probability"])
            if not 0.0 <= p <= 1.0:
                raise ValueError
        except ValueError:
            problems.append(
                ValidationError(
                    _("pairs.csv baris %(line)s: match_probability %(value)s bukan angka antara 0 dan 1."),
                    code="bad_probability",
                    params={"line": line, "value": repr(row["match_probability"])},
                )
            )
            if len(problems) >= 10:
                break
            continue
        out.append((row["record_id_l"], row["record_id_r"], p))
    if problems:
        raise CaptureTableError(problems)
    return out


def read_clusters(data: bytes) -> dict[str, str]:
    rows = _rows(data, "clusters.csv", ("record_id", "cluster_id"))
    return {row["record_id"]: row["cluster_id"] for row in rows if row["record_id"]}
