"""Input records for linkage: their columns, reading them from a CSV file, checking them, and turning them into
the comparison features the model uses.

A record is a mapping with the columns in ``COLUMNS`` (any may be empty). ``prepare`` works on plain Python
values and returns an Arrow table, so the same code serves a file, the app's persons and one record at intake;
on Spark it runs per partition (``mapInArrow``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from django.utils.translation import gettext_lazy as _

from . import normalise as nz

COLUMNS = ("record_id", "source", "full_name", "sex", "date_of_birth", "age_estimate", "origin_village",
           "passport", "phone")

#: The prepared features (before the dataset-wide rare-token and blocking-key columns are added).
FEATURES = pa.schema([
    ("unique_id", pa.string()), ("source", pa.string()), ("name_key", pa.string()),
    ("name_tokens", pa.list_(pa.string())), ("sex", pa.string()), ("dob", pa.string()),
    ("dob_swapped", pa.string()), ("birth_year_lo", pa.int32()), ("birth_year_hi", pa.int32()),
    ("dob_year", pa.int32()), ("village", pa.string()), ("district", pa.string()), ("regency", pa.string()),
    ("passport", pa.string()), ("phone", pa.string()),
])

MAX_PROBLEMS = 20


@dataclass
class Problem:
    line: int | None        # line in the file (1 = header), or the record's position when not from a file
    column: str | None
    message: str


@dataclass
class InputError(Exception):
    """The input cannot be linked; ``problems`` says why (messages in the reader's language)."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(p.message) for p in self.problems)


def read_csv(path: str | Path) -> list[dict[str, str]]:
    """The rows of a CSV file with a header, as dicts of the known columns (unknown columns are ignored).

    Raises ``InputError`` for a file that cannot be read or decoded, a missing column, an empty record id or a
    record id that appears twice.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(None, None, _("Berkas tidak dapat dibaca: %(reason)s") % {
            "reason": exc.strerror or exc})]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(None, None, _("Berkas bukan teks UTF-8 (CSV)."))]) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError([Problem(None, None, _("Berkas kosong: baris judul kolom tidak ada."))]) from None
    except csv.Error as exc:
        raise InputError([Problem(1, None, _("CSV tidak terbaca: %(reason)s") % {"reason": exc})]) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InputError([Problem(1, None, _("Kolom tidak ada: %(columns)s (yang diperlukan: %(required)s)") % {
            "columns": ", ".join(missing), "required": ", ".join(COLUMNS)})])
    position = {c: names.index(c) for c in COLUMNS}
    rows: list[dict[str, str]] = []
    width = len(names)
    try:
        for values in reader:
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            if len(values) < width:
                values = values + [""] * (width - len(values))
            rows.append({c: values[i].strip() for c, i in position.items()} | {"_line": reader.line_num})
    except csv.Error as exc:
        raise InputError([Problem(reader.line_num, None, _("CSV tidak terbaca: %(reason)s") % {
            "reason": exc})]) from None
    check_ids(rows)
    return rows


def check_ids(rows: Iterable[Mapping]) -> None:
    """Every record has an id, and no id appears twice."""
    seen: dict[str, int | None] = {}
    problems: list[Problem] = []
    for i, row in enumerate(rows, start=1):
        line = row.get("_line", i)
        rid = str(row.get("record_id") or "").strip()
        if not rid:
            problems.append(Problem(line, "record_id", _("record_id kosong.")))
        elif rid in seen:
            problems.append(Problem(line, "record_id", _("record_id %(id)s ganda (juga di baris %(other)s).") % {
                "id": rid, "other": seen[rid]}))
        else:
            seen[rid] = line
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InputError(problems)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def prepare(rows: Iterable[Mapping], *, as_of_year: int | None = None, lenient_dates: bool = False) -> pa.Table:
    """The comparison features of ``rows`` (mappings with the keys of ``COLUMNS``; missing keys are empty).

    ``as_of_year`` is the year estimated ages refer to (default: this year). An unreadable date of birth or age
    raises ``InputError`` listing the records, unless ``lenient_dates`` treats it as empty.
    """
    year = as_of_year or dt.date.today().year
    cols: dict[str, list] = {name: [] for name in FEATURES.names}
    problems: list[Problem] = []
    for i, row in enumerate(rows, start=1):
        line = row.get("_line", i)
        name = nz.normalise_name(_text(row.get("full_name")))
        try:
            birth = nz.parse_birth_date(_text(row.get("date_of_birth")))
        except ValueError:
            birth = None
            if not lenient_dates:
                problems.append(Problem(line, "date_of_birth", _("Tanggal lahir tidak terbaca: %(value)s") % {
                    "value": _text(row.get("date_of_birth"))}))
        try:
            age = nz.parse_age(_text(row.get("age_estimate")))
        except ValueError:
            age = None
            if not lenient_dates:
                problems.append(Problem(line, "age_estimate", _("Perkiraan umur tidak terbaca: %(value)s") % {
                    "value": _text(row.get("age_estimate"))}))
        if len(problems) >= MAX_PROBLEMS:
            break
        lo, hi = nz.birth_year_range(birth, age, year)
        date = birth.date if birth else None
        swapped = nz.day_month_swapped(date)
        place = nz.normalise_village(_text(row.get("origin_village")))
        cols["unique_id"].append(_text(row.get("record_id")))
        cols["source"].append(_text(row.get("source")) or None)
        cols["name_key"].append(name.key or None)
        cols["name_tokens"].append(sorted(set(name.tokens)) or None)
        cols["sex"].append(nz.normalise_sex(_text(row.get("sex"))))
        cols["dob"].append(date.isoformat() if date else None)
        cols["dob_swapped"].append(swapped.isoformat() if swapped else None)
        cols["birth_year_lo"].append(lo)
        cols["birth_year_hi"].append(hi)
        cols["dob_year"].append(date.year if date else None)
        cols["village"].append(place.code)
        cols["district"].append(place.district)
        cols["regency"].append(place.regency)
        cols["passport"].append(nz.normalise_passport(_text(row.get("passport"))))
        cols["phone"].append(nz.normalise_phone(_text(row.get("phone"))))
    if problems:
        raise InputError(problems)
    return pa.table(cols, schema=FEATURES)
