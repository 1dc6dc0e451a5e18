"""Input records for linkage: their columns, reading them from a CSV file, checking them, and turning them into
the comparison features the model uses.

A record is a mapping with the columns in ``COLUMNS`` (any may be empty). ``prepare`` works on plain Python
values and returns an Arrow table, so the same code serves a file, the app's persons and one record at intake;
on Spark it runs per partition (``mapInArrow``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from django.utils.translation import gettext_lazy as _

from . import normalise as nz

COLUMNS = ("record_id", "source", "full_name", "sex", "date_of_birth", "age_estimate", "origin_village",
           "passport", "phone")

#: The prepared features (before the dataset-wide rare-token and blocking-key columns are added).
FEATURES = pa.schema([
    ("unique_id", pa.string()), ("source", pa.string()), ("name_key", pa.string()), ("name_flat", pa.string()),
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


def read_csv(path: str | Path) -> Iterator[dict[str, str]]:
    """The rows of a CSV file with a header (comma, semicolon or tab separated, UTF-8), as dicts of the known
    columns (other columns are ignored) plus ``_line``. The header is checked at once; the rows are read as they
    are consumed, so a large file is never held in memory as rows.

    Raises ``InputError`` for a file that cannot be opened or decoded, an empty file or a missing column (at
    once), and for a decoding or CSV error further on (while iterating).
    """
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
        sample = fh.read(8192)
        fh.seek(0)
    except UnicodeDecodeError:
        raise InputError([Problem(None, None, _("Berkas bukan teks UTF-8 (CSV)."))]) from None
    except OSError as exc:
        raise InputError([Problem(None, None, _("Berkas tidak dapat dibaca: %(reason)s") % {
            "reason": exc.strerror or exc})]) from None
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample.strip() else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(fh, dialect)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise InputError([Problem(None, None, _("Berkas kosong: baris judul kolom tidak ada."))]) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        fh.close()
        raise InputError([Problem(1, None, _("CSV tidak terbaca: %(reason)s") % {"reason": exc})]) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        fh.close()
        raise InputError([Problem(1, None, _("Kolom tidak ada: %(columns)s (yang diperlukan: %(required)s)") % {
            "columns": ", ".join(missing), "required": ", ".join(COLUMNS)})])
    return _rows(fh, reader, {c: names.index(c) for c in COLUMNS}, len(names))


def _rows(fh, reader, position: dict[str, int], width: int) -> Iterator[dict[str, str]]:
    with fh:
        try:
            for values in reader:
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue
                if len(values) < width:
                    values = values + [""] * (width - len(values))
                row = {c: values[i].strip() for c, i in position.items()}
                row["_line"] = reader.line_num
                yield row
        except UnicodeDecodeError:
            raise InputError([Problem(reader.line_num + 1, None, _("Berkas bukan teks UTF-8 (CSV)."))]) from None
        except csv.Error as exc:
            raise InputError([Problem(reader.line_num, None, _("CSV tidak terbaca: %(reason)s") % {
                "reason": exc})]) from None


def _text(value) -> str:
    if value is None:
        return ""
    return (value if value.__class__ is str else str(value)).strip()


BATCH_ROWS = 100_000


def prepare(rows: Iterable[Mapping], *, as_of_year: int | None = None, lenient_dates: bool = False) -> pa.Table:
    """The comparison features of ``rows`` (mappings with the keys of ``COLUMNS``; missing keys are empty).

    ``as_of_year`` is the year estimated ages refer to (default: this year). Raises ``InputError`` listing the
    records (up to ``MAX_PROBLEMS``) with an empty or repeated ``record_id``, or an unreadable date of birth or
    age (``lenient_dates`` treats those as empty instead). Rows are turned into Arrow batches as they come, so
    memory stays bounded by the features, not by the rows.
    """
    year = as_of_year or dt.date.today().year
    batches: list[pa.RecordBatch] = []
    cols: dict[str, list] = {name: [] for name in FEATURES.names}
    problems: list[Problem] = []
    seen: dict[str, int] = {}

    def flush():
        if cols["unique_id"]:
            batches.append(pa.RecordBatch.from_pydict(cols, schema=FEATURES))
            for values in cols.values():
                values.clear()

    for i, row in enumerate(rows, start=1):
        line = row.get("_line", i)
        rid = _text(row.get("record_id"))
        if not rid:
            problems.append(Problem(line, "record_id", _("record_id kosong.")))
        elif rid in seen:
            problems.append(Problem(line, "record_id", _("record_id %(id)s ganda (juga di baris %(other)s).") % {
                "id": rid, "other": seen[rid]}))
        else:
            seen[rid] = line
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
        if problems:
            continue  # keep reading to report more problems, but build nothing
        lo, hi = nz.birth_year_range(birth, age, year)
        date = birth.date if birth else None
        swapped = nz.day_month_swapped(date)
        place = nz.normalise_village(_text(row.get("origin_village")))
        cols["unique_id"].append(rid)
        cols["source"].append(_text(row.get("source")) or None)
        cols["name_key"].append(name.key or None)
        cols["name_flat"].append("".join(name.tokens) or None)
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
        if len(cols["unique_id"]) >= BATCH_ROWS:
            flush()
    if problems:
        raise InputError(problems)
    flush()
    return pa.Table.from_batches(batches, schema=FEATURES)
