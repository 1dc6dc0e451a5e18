"""Reading an uploaded file into records with their line numbers.

Problems with the file as a whole (size, encoding, syntax, missing columns) become ``FileProblem`` items
with the line they were found on; the rows themselves are checked by ``rows``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import IO, Any, Iterator

from .columns import BY_NAME, NAME_COLUMNS, REQUIRED_COLUMNS
from .enums import Format
from django.utils.translation import gettext as _
from sinergi.core.i18n import message

csv.field_size_limit(1024 * 1024)


@dataclass
class FileProblem(Exception):
    line: int
    field: str
    message: str


@dataclass
class Source:
    """A decoded file: its records as (line, mapping of column to raw value) and header-level warnings."""

    records: list[tuple[int, dict[str, Any]]]
    columns: list[str]
    warnings: list[tuple[int, str, str]]


def read_bytes(stream: IO[bytes], max_bytes: int) -> bytes:
    """The whole upload, refusing more than ``max_bytes`` without reading past the limit."""
    data = stream.read(max_bytes + 1)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > max_bytes:
        raise FileProblem(0, "file", _("Berkas terlalu besar (maks. %(bytes)s bita).") % {"bytes": f"{max_bytes:,}"})
    return data


def decode(data: bytes) -> str:
    if not data.strip():
        raise FileProblem(0, "file", _("Berkas kosong."))
    nul = data.find(b"\x00")
    if nul >= 0:  # binary files, and NUL bytes no database text column accepts
        raise FileProblem(data.count(b"\n", 0, nul) + 1, "file",
                          _("Bukan berkas teks (CSV/JSON)."))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(line, "file", _("Berkas harus berenkode UTF-8 (bita %(byte)s).") % {"byte": exc.start}) from None


def read(data: bytes, fmt: str) -> Source:
    text = decode(data)
    return _read_json(text) if fmt == Format.JSON else _read_csv(text)


def _column_warnings(names: list[str]) -> list[tuple[int, str, str]]:
    return [(1, n, _("Kolom tidak dikenal, diabaikan.")) for n in names if n not in BY_NAME]


def _check_required(present: set[str], line: int) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if not any(c in present for c in NAME_COLUMNS):
        missing.append(" | ".join(NAME_COLUMNS))
    if missing:
        raise FileProblem(line, missing[0], _("Kolom wajib tidak ada: %(columns)s") % {"columns": ", ".join(missing)})


def _read_csv(text: str) -> Source:
    header_line = text.split("\n", 1)[0]
    # Spreadsheets in an Indonesian locale save CSV with ';' between cells; the header tells which it is.
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise FileProblem(1, "file", message(_("Baris judul CSV tidak terbaca: %(exc)s"), exc=exc)) from None
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise FileProblem(1, name, _("Kolom ganda."))
        seen.add(name)
    _check_required(seen, 1)
    width = len(header)
    records: list[tuple[int, dict[str, Any]]] = []
    append = records.append
    start = reader.line_num + 1
    try:
        for row in reader:
            if len(row) != width:
                if not any(c.strip() for c in row):
                    start = reader.line_num + 1
                    continue  # blank lines between rows carry nothing
                raise FileProblem(start, "file", message(_("Jumlah kolom %(cells)s, seharusnya %(width)s."), cells=len(row), width=width))
            append((start, dict(zip(header, row))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(start, "file", message(_("CSV rusak: %(exc)s"), exc=exc)) from None
    return Source(records=records, columns=header, warnings=_column_warnings(header))


_WS = re.compile(r"\s*")


def _json_records(text: str) -> Iterator[tuple[int, Any]]:
    """Items of a top-level JSON array with the line each begins on (``json.loads`` forgets positions)."""
    decoder = json.JSONDecoder()
    pos = _WS.match(text, 0).end()
    if pos >= len(text) or text[pos] != "[":
        raise FileProblem(text.count("\n", 0, pos) + 1, "file",
                          _("JSON harus berupa daftar objek."))
    pos = _WS.match(text, pos + 1).end()
    line, counted_to = 1, 0
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        line += text.count("\n", counted_to, pos)
        counted_to = pos
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise FileProblem(exc.lineno, "file", message(_("JSON rusak: %(msg)s (column %(colno)s)."), msg=exc.msg, colno=exc.colno)) from None
        except RecursionError:
            raise FileProblem(line, "file", _("JSON terlalu bersarang.")) from None
        yield line, item
        pos = _WS.match(text, end).end()
        if pos < len(text) and text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()
            continue
        if pos < len(text) and text[pos] == "]":
            if text[pos + 1:].strip():
                raise FileProblem(text.count("\n", 0, pos) + 1, "file", _("Teks setelah akhir daftar JSON."))
            return
        raise FileProblem(text.count("\n", 0, pos) + 1, "file",
                          _("JSON rusak."))


def _read_json(text: str) -> Source:
    records: list[tuple[int, dict[str, Any]]] = []
    keys: dict[str, None] = {}
    for line, item in _json_records(text):
        if not isinstance(item, dict):
            raise FileProblem(line, "file", _("Setiap isi daftar harus objek."))
        keys.update(dict.fromkeys(item))
        records.append((line, item))
    columns = list(keys)
    if records:
        _check_required(set(columns), 1)
    return Source(records=records, columns=columns, warnings=_column_warnings(columns))
