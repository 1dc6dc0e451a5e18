"""Input records for linkage: their columns, reading them from a CSV file, checking them, and turning them into
the comparison features the model uses.

A record is a mapping with the columns in ``COLUMNS`` (any may be empty). ``prepare`` works on plain Python
values and returns an Arrow table, so the same code serves a file, the app's persons and one record at intake;
on Spark it runs per partition (``mapInArrow``). ``prepare_file`` gives ``prepare(read_csv(path))`` for a whole
file, column by column (what ``sinergi link`` uses).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gc
import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
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
    fh, reader, names = _open_csv(path)
    return _rows(fh, reader, {c: names.index(c) for c in COLUMNS}, len(names))


def _open_csv(path: str | Path):
    """The open file, its CSV reader just past the header, and the header's names (stripped, lower case).
    Raises ``InputError`` for a file that cannot be opened or decoded, an empty file or a missing column."""
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
        # A header line shows no doubled quote, so the sniffer guesses none; a CSV writer doubles a quote inside
        # a quoted field ("Siti ""Ani"", S.Pd."), which must stay one field.
        dialect.doublequote = True
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
    return fh, reader, names


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


# --- a whole file, column by column ------------------------------------------------------------------------------


class _RowByRow(Exception):
    """The file goes the row-by-row way (``prepare(read_csv(path))``): it has a problem to report by line, or a
    form Arrow might not read exactly as the CSV module does."""


#: How much of the file Arrow parses at a time (one block per thread).
BLOCK_BYTES = 4 << 20


@functools.cache
def _whitespace() -> str:
    """The characters ``str.strip()`` removes, so that Arrow strips a value exactly as ``read_csv`` does."""
    return "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


def prepare_file(path: str | Path, *, as_of_year: int | None = None, lenient_dates: bool = False) -> pa.Table:
    """``prepare(read_csv(path), ...)`` of a whole file, the same table, made column by column: Arrow parses and
    strips the file, and each distinct value of a column is normalised once, with the same functions, so nothing
    is done in Python per record. What is left is normalising the distinct values, the names above all (they are
    nearly all distinct): with many names and a second processor, a forked helper process takes part of them.

    The header is read and checked by ``read_csv``'s own code, so a file that cannot be read, an empty file or a
    missing column raise the same ``InputError``. A file with something to report (an empty or repeated
    ``record_id``, an unreadable date of birth or age unless ``lenient_dates``), and a file Arrow might read
    otherwise than the CSV module (a row with too few or too many fields, an unclosed quote, bytes that are not
    UTF-8, a header over several lines, a very long field, spaces before a quoted field) is prepared row by row
    instead, which reports its problems by line exactly as before.
    """
    fh, reader, names = _open_csv(path)
    with fh:
        dialect, header_lines = reader.dialect, reader.line_num
    try:
        with _collector_paused():
            return _prepare_columns(_read_columns(Path(path), dialect, len(names), header_lines),
                                    {c: names.index(c) for c in COLUMNS}, as_of_year, lenient_dates)
    except (_RowByRow, pa.ArrowException, OSError):
        return prepare(read_csv(path), as_of_year=as_of_year, lenient_dates=lenient_dates)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused (as it was, after): normalising a large file makes millions of
    small objects, none in a cycle, and each full collection would walk them all again (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_columns(path: Path, dialect, width: int, header_lines: int) -> pa.Table:
    """Every column of the file as strings, parsed by Arrow with the dialect ``read_csv`` found (header skipped).
    Raises ``_RowByRow`` (or an Arrow error) where Arrow's reading could differ from the CSV module's."""
    if (header_lines != 1 or dialect.escapechar is not None or dialect.quoting == csv.QUOTE_NONE
            or len(dialect.delimiter) != 1 or len(dialect.quotechar or "") != 1):
        raise _RowByRow
    fields = [f"f{i}" for i in range(width)]
    with pa.OSFile(str(path)) as source:  # never decompressed after its name (read_csv reads the bytes as text)
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=fields, skip_rows=1, block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=dialect.delimiter, quote_char=dialect.quotechar,
                                             double_quote=dialect.doublequote, escape_char=False,
                                             newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(fields, pa.string()),
                                                 strings_can_be_null=False, check_utf8=True))
    limit = csv.field_size_limit()
    for column in table.columns:  # every column: the CSV module checks the ones read_csv ignores too
        if column.null_count or (len(column) and pc.max(pc.binary_length(column)).as_py() >= limit):
            raise _RowByRow  # a field the CSV module refuses as too long
        if dialect.skipinitialspace and pc.any(pc.match_substring(column, dialect.quotechar)).as_py():
            raise _RowByRow  # the CSV module reads ', "a, b"' as one quoted field, Arrow does not
    return table


def _distinct(column: pa.ChunkedArray) -> tuple[list[str], pa.Array]:
    """The distinct stripped values of ``column``, and for each row the position of its value among them."""
    encoded = pc.dictionary_encode(pc.utf8_trim(column.combine_chunks(), characters=_whitespace()))
    return encoded.dictionary.to_pylist(), encoded.indices


def _spread(values: list, at: pa.Array, *types: pa.DataType) -> list[pa.Array]:
    """Per row, the value computed for its distinct value: one array per type (``values`` holds tuples when there
    are several)."""
    columns = list(zip(*values)) if len(types) > 1 else [values]
    if not values:
        columns = [[] for _ in types]
    return [(_lists(c, type_) if pa.types.is_list(type_) else pa.array(c, type_)).take(at)
            for c, type_ in zip(columns, types)]


def _lists(values, type_: pa.ListType) -> pa.ListArray:
    """``pa.array(values, type_)`` for lists (or ``None``), built from their flattened items and offsets, which is
    several times faster than from the nested lists."""
    sizes = np.fromiter((len(v) if v is not None else 0 for v in values), dtype=np.int32, count=len(values))
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    items = pa.array(list(itertools.chain.from_iterable(v for v in values if v is not None)), type_.value_type)
    return pa.ListArray.from_arrays(pa.array(offsets), items, type=type_,
                                    mask=pa.array([v is None for v in values], pa.bool_()))


def _prepare_columns(table: pa.Table, position: dict[str, int], as_of_year: int | None,
                     lenient_dates: bool) -> pa.Table:
    year = as_of_year or dt.date.today().year
    column = {c: table.column(i) for c, i in position.items()}  # taken out one by one, to free each when done
    n = table.num_rows
    del table

    ids = pc.utf8_trim(column.pop("record_id").combine_chunks(), characters=_whitespace())
    if n and (pc.min(pc.binary_length(ids)).as_py() == 0 or len(pc.unique(ids)) != n):
        raise _RowByRow  # an empty or repeated record_id, reported by line
    out: dict[str, pa.Array] = {"unique_id": ids}
    string = pa.string()

    sources, at = _distinct(column.pop("source"))
    out["source"], = _spread([v or None for v in sources], at, string)
    names, name_at = _distinct(column.pop("full_name"))
    with _Helper(names) as helper:  # the names are most of the work: another process takes part of them
        _prepare_rest(column, out, year, lenient_dates)
        named = list(map(_name, names[:helper.start])) + helper.result()
    out["name_key"], out["name_flat"], out["name_tokens"] = _spread(named, name_at, string, string,
                                                                    pa.list_(string))
    prepared = pa.Table.from_arrays([out[f.name] for f in FEATURES], schema=FEATURES)
    return pa.Table.from_batches(prepared.to_batches(max_chunksize=BATCH_ROWS), schema=FEATURES)  # as prepare()


def _prepare_rest(column: dict[str, pa.ChunkedArray], out: dict[str, pa.Array], year: int,
                  lenient_dates: bool) -> None:
    string, integer = pa.string(), pa.int32()
    sexes, at = _distinct(column.pop("sex"))
    out["sex"], = _spread(list(map(nz.normalise_sex, sexes)), at, string)

    dobs, dob_at = _distinct(column.pop("date_of_birth"))
    births = []
    for v in dobs:
        try:
            births.append(_birth(v))
        except ValueError:
            if not lenient_dates:
                raise _RowByRow from None  # reported by line
            births.append((None, None, None, None))
    out["dob"], out["dob_swapped"], out["dob_year"] = _spread([b[:3] for b in births], dob_at, string, string,
                                                              integer)
    texts, age_at = _distinct(column.pop("age_estimate"))
    ages = []
    for v in texts:
        try:
            ages.append(nz.parse_age(v))
        except ValueError:
            if not lenient_dates:
                raise _RowByRow from None  # reported by line
            ages.append(None)
    # The range of birth years depends on the date and the age together: computed once per distinct pair.
    width = max(len(ages), 1)
    pairs = pc.dictionary_encode(pc.add(pc.multiply(dob_at.cast(pa.int64()), width), age_at.cast(pa.int64())))
    ranges = [nz.birth_year_range(births[p // width][3], ages[p % width], year)
              for p in pairs.dictionary.to_pylist()]
    out["birth_year_lo"], out["birth_year_hi"] = _spread(ranges, pairs.indices, integer, integer)

    places, at = _distinct(column.pop("origin_village"))
    out["village"], out["district"], out["regency"] = _spread(
        [(p.code, p.district, p.regency) for p in map(nz.normalise_village, places)], at, string, string, string)
    passports, at = _distinct(column.pop("passport"))
    out["passport"], = _spread(list(map(nz.normalise_passport, passports)), at, string)
    phones, at = _distinct(column.pop("phone"))
    out["phone"], = _spread(list(map(nz.normalise_phone, phones)), at, string)


#: From how many distinct names a helper process normalises part of them, and which part it takes.
HELPER_NAMES = 50_000
HELPER_SHARE = 0.7


class _Helper:
    """A forked process normalising the names from ``start`` on while this one does the rest; ``result()`` is
    their ``_name`` values. Without a second processor, with few names, or if the process fails, this process
    normalises them itself: the result is the same either way. The helper only runs Python code (never Arrow),
    and ends with its result or when this process leaves the ``with`` block."""

    def __init__(self, names: list[str]):
        self.names, self.start, self.process, self.receive = names, len(names), None, None
        if (len(names) < HELPER_NAMES or not sys.platform.startswith("linux")
                or len(os.sched_getaffinity(0)) < 2):
            return
        context = multiprocessing.get_context("fork")  # inherits the names: nothing to send but the result
        start = int(len(names) * (1 - HELPER_SHARE))
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_help, args=(names, start, send), daemon=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded": Arrow's idle threads
                process.start()
        except OSError:  # no process to be had: this one does it all
            receive.close()
            return
        finally:
            send.close()
        self.start, self.process, self.receive = start, process, receive

    def result(self) -> list[tuple]:
        named = None
        if self.process is not None:
            try:
                named = pickle.loads(self.receive.recv_bytes())
            except (EOFError, OSError, pickle.UnpicklingError):
                named = None
            self.process.join()
        if named is None or len(named) != len(self.names) - self.start:
            named = list(map(_name, self.names[self.start:]))
        return named

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.receive.close()


def _help(names: list[str], start: int, send) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is this process's to handle: it ends the helper
    send.send_bytes(pickle.dumps([_name(v) for v in itertools.islice(names, start, None)],
                                 protocol=pickle.HIGHEST_PROTOCOL))
    send.close()
