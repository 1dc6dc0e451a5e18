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


def _birth(text: str):
    """(date, swapped date, year) of a written date of birth; ``ValueError`` when unreadable."""
    birth = nz.parse_birth_date(text)
    if birth is None:
        return None, None, None, None
    date = birth.date
    swapped = nz.day_month_swapped(date)
    return (date.isoformat() if date else None, swapped.isoformat() if swapped else None,
            date.year if date else None, birth)


def _name(text: str):
    name = nz.normalise_name(text)
    return name.key or None, "".join(name.tokens) or None, sorted(set(name.tokens)) or None


def prepare(rows: Iterable[Mapping], *, as_of_year: int | None = None, lenient_dates: bool = False) -> pa.Table:
    """The comparison features of ``rows`` (mappings with the keys of ``COLUMNS``; missing keys are empty).

    ``as_of_year`` is the year estimated ages refer to (default: this year). Raises ``InputError`` listing the
    records (up to ``MAX_PROBLEMS``) with an empty or repeated ``record_id``, or an unreadable date of birth or
    age (``lenient_dates`` treats those as empty instead). Rows are gathered in batches of ``BATCH_ROWS`` and
    each distinct value of a column is normalised once (names, dates and places repeat a lot), so memory stays
    bounded by the features, not by the rows.
    """
    year = as_of_year or dt.date.today().year
    batches: list[pa.RecordBatch] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    raw: dict[str, list] = {c: [] for c in COLUMNS}
    births: dict[str, tuple] = {}
    ages: dict[str, tuple | None] = {}
    names: dict[str, tuple] = {}

    def flush():
        n = len(raw["record_id"])
        if not n:
            return
        cols: dict[str, list] = {}
        cols["unique_id"] = raw["record_id"]
        cols["source"] = [v or None for v in raw["source"]]
        named = [names.get(v) or names.setdefault(v, _name(v)) for v in raw["full_name"]]
        cols["name_key"] = [x[0] for x in named]
        cols["name_flat"] = [x[1] for x in named]
        cols["name_tokens"] = [x[2] for x in named]
        cols["sex"] = [nz.normalise_sex(v) for v in raw["sex"]]
        born = [births[v] for v in raw["date_of_birth"]]
        cols["dob"] = [b[0] for b in born]
        cols["dob_swapped"] = [b[1] for b in born]
        cols["dob_year"] = [b[2] for b in born]
        ranges = [nz.birth_year_range(b[3], ages[a], year) for b, a in zip(born, raw["age_estimate"])]
        cols["birth_year_lo"] = [r[0] for r in ranges]
        cols["birth_year_hi"] = [r[1] for r in ranges]
        places = [nz.normalise_village(v) for v in raw["origin_village"]]
        cols["village"] = [p.code for p in places]
        cols["district"] = [p.district for p in places]
        cols["regency"] = [p.regency for p in places]
        cols["passport"] = [nz.normalise_passport(v) for v in raw["passport"]]
        cols["phone"] = [nz.normalise_phone(v) for v in raw["phone"]]
        batches.append(pa.RecordBatch.from_pydict(cols, schema=FEATURES))
        for values in raw.values():
            values.clear()

    for i, row in enumerate(rows, start=1):
        line = row.get("_line", i)
        values = [_text(row.get(c)) for c in COLUMNS]
        rid, dob, age = values[0], values[4], values[5]
        if not rid:
            problems.append(Problem(line, "record_id", _("record_id kosong.")))
        elif rid in seen:
            problems.append(Problem(line, "record_id", _("record_id %(id)s ganda (juga di baris %(other)s).") % {
                "id": rid, "other": seen[rid]}))
        else:
            seen[rid] = line
        if dob not in births:
            try:
                births[dob] = _birth(dob)
            except ValueError:
                births[dob] = (None, None, None, None)
                if not lenient_dates:
                    problems.append(Problem(line, "date_of_birth", _("Tanggal lahir tidak terbaca: %(value)s") % {
                        "value": dob}))
                    births.pop(dob)  # report each line that has it
        if age not in ages:
            try:
                ages[age] = nz.parse_age(age)
            except ValueError:
                if not lenient_dates:
                    problems.append(Problem(line, "age_estimate", _("Perkiraan umur tidak terbaca: %(value)s") % {
                        "value": age}))
                else:
                    ages[age] = None
        if len(problems) >= MAX_PROBLEMS:
            break
        if problems:
            continue  # keep reading to report more problems, but build nothing
        for c, v in zip(COLUMNS, values):
            raw[c].append(v)
        if len(raw["record_id"]) >= BATCH_ROWS:
            flush()
    if problems:
        raise InputError(problems)
    flush()
    return pa.Table.from_batches(batches, schema=FEATURES)
