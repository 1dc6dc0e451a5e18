"""The capture-history table: how many people were seen on exactly each combination of lists.

A table over ``t`` lists is kept as a vector of ``2**t`` counts indexed by a bit mask: bit ``j`` of the index
is set when the people of that cell are on ``lists[j]``. Cell 0 (seen on no list) is what the estimate is
about and is always 0 here.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import CaptureTableError

# Beyond ten lists the table has over a thousand cells and the stepwise search over 45+ pairs is slow; no
# agency setting has that many independent list types.
MAX_LISTS = 10
# How many problems of a bad file to report at once: enough to fix a file in one go, not a wall of text.
MAX_PROBLEMS = 10


@dataclass(frozen=True)
class Note:
    """Something the reader should know about the input or the result, in whichever language is active when
    it is read: ``message`` is a lazy gettext string filled with ``params``."""

    code: str
    message: object
    params: dict | None = None

    @property
    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.text}


@dataclass(frozen=True)
class CaptureTable:
    lists: tuple[str, ...]
    counts: np.ndarray  # int64, length 2**len(lists), counts[0] == 0
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @property
    def nlists(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    def list_total(self, j: int) -> int:
        """People on list ``j`` (alone or with others)."""
        return int(self.counts[_cells_with(self.nlists, 1 << j)].sum())

    def overlap(self, i: int, j: int) -> int:
        """People on both list ``i`` and list ``j`` (whatever other lists they are on)."""
        return int(self.counts[_cells_with(self.nlists, (1 << i) | (1 << j))].sum())

    def rows(self) -> list[tuple[tuple[int, ...], int]]:
        """The observed cells as (0/1 pattern in list order, count), fewest lists first."""
        out = []
        for mask in sorted(range(1, 1 << self.nlists), key=lambda m: (bin(m).count("1"), _pattern_key(m))):
            if self.counts[mask]:
                out.append((tuple((mask >> j) & 1 for j in range(self.nlists)), int(self.counts[mask])))
        return out

    def with_counts(self, counts: np.ndarray) -> CaptureTable:
        return CaptureTable(self.lists, counts, self.notes)

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([*self.lists, "count"])
        for pattern, count in self.rows():
            writer.writerow([*pattern, count])
        return buf.getvalue()

    @classmethod
    def from_rows(cls, lists: Sequence[str], rows: Iterable[tuple[Sequence[int], int]]) -> CaptureTable:
        """A table from (0/1 pattern, count) rows; repeated patterns are added up (and noted), as SparseMSE does."""
        lists = tuple(lists)
        counts = np.zeros(1 << len(lists), dtype=np.int64)
        seen: set[int] = set()
        repeated = 0
        for pattern, count in rows:
            mask = sum(1 << j for j, v in enumerate(pattern) if v)
            if mask in seen:
                repeated += 1
            seen.add(mask)
            counts[mask] += int(count)
        notes = ()
        if repeated:
            notes = (
                Note(
                    "rows_aggregated",
                    _(
                        "%(n)s baris mengulang kombinasi daftar yang sudah ada; jumlahnya dijumlahkan menjadi satu baris."
                    ),
                    {"n": repeated},
                ),
            )
        return cls(lists, counts, notes)


def _pattern_key(mask: int) -> tuple:
    return tuple(-((mask >> j) & 1) for j in range(mask.bit_length()))


def _cells_with(nlists: int, sub: int) -> np.ndarray:
    cells = np.arange(1 << nlists)
    return cells[(cells & sub) == sub]


def read_csv(data: bytes | str) -> CaptureTable:
    """Parse a capture-history CSV (one 0/1 column per list and a ``count`` column) into a checked table.

    The delimiter may be a comma, a semicolon (what spreadsheets write in Indonesian settings) or a tab.
    Raises ``CaptureTableError`` listing every problem found (up to ten), each with its line, never a half-read table.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CaptureTableError(
                _("Berkas bukan teks UTF-8. Simpan tabel sebagai CSV UTF-8."), code="not_utf8"
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise CaptureTableError(_("Berkas kosong: tidak ada judul kolom maupun baris data."), code="empty")
    delimiter = max([",", ";", "\t"], key=lines[first].count)
    reader = csv.reader(io.StringIO("\n".join(lines[first:])), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    lists, count_at = _header(header)

    problems: list[ValidationError] = []
    rows: list[tuple[list[int], int]] = []
    zero_rows = 0
    for offset, raw in enumerate(reader):
        line = first + 2 + offset
        if not any(cell.strip() for cell in raw):
            continue
        if len(problems) >= MAX_PROBLEMS:
            break
        if len(raw) != len(header):
            problems.append(
                ValidationError(
                    _("Baris %(line)s: ada %(got)s kolom, padahal judul punya %(want)s."),
                    code="row_width",
                    params={"line": line, "got": len(raw), "want": len(header)},
                )
            )
            continue
        pattern, bad = [], False
        for k, name in lists:
            value = raw[k].strip()
            if value not in ("0", "1"):
                problems.append(
                    ValidationError(
                        _("Baris %(line)s, kolom %(column)s: nilai %(value)s bukan 0 atau 1."),
                        code="not_binary",
                        params={"line": line, "column": name, "value": repr(value)},
                    )
                )
                bad = True
            pattern.append(value == "1")
        count = _count(raw[count_at].strip(), line, problems)
        if bad or count is None:
            continue
        if not any(pattern):
            if count > 0:
                problems.append(
                    ValidationError(
                        _(
                            "Baris %(line)s: baris tanpa daftar mana pun berisi %(count)s orang. Orang yang tidak "
                            "tercatat di daftar mana pun justru yang diperkirakan; hapus baris ini."
                        ),
                        code="zero_row",
                        params={"line": line, "count": count},
                    )
                )
            else:
                zero_rows += 1
            continue
        rows.append((pattern, count))
    if problems:
        raise CaptureTableError(problems)
    if not rows:
        raise CaptureTableError(_("Tabel tidak berisi satu baris data pun."), code="no_rows")
    table = CaptureTable.from_rows([name for _k, name in lists], rows)
    if zero_rows:
        table = CaptureTable(
            table.lists,
            table.counts,
            (
                *table.notes,
                Note(
                    "zero_row_ignored",
                    _("Baris tanpa daftar mana pun (jumlah 0) diabaikan: itulah sel yang diperkirakan."),
                ),
            ),
        )
    validate(table)
    return table


def _header(header: list[str]) -> tuple[list[tuple[int, str]], int]:
    lowered = [h.lower() for h in header]
    if "count" not in lowered:
        raise CaptureTableError(
            _(
                "Kolom %(column)s tidak ada. Baris pertama harus berisi satu kolom 0/1 untuk setiap daftar, lalu "
                "kolom %(column)s: banyaknya orang yang tercatat tepat di kombinasi daftar itu."
            ),
            code="no_count",
            params={"column": "count"},
        )
    if lowered.count("count") > 1:
        raise CaptureTableError(
            _("Kolom %(column)s muncul lebih dari sekali."),
            code="duplicate_column",
            params={"column": "count"},
        )
    count_at = lowered.index("count")
    lists = [(k, name) for k, name in enumerate(header) if k != count_at]
    if any(not name for _k, name in lists):
        raise CaptureTableError(
            _("Ada kolom tanpa nama di baris judul; setiap daftar perlu nama."), code="blank_column"
        )
    names = [name for _k, name in lists]
    for name in names:
        if names.count(name) > 1:
            raise CaptureTableError(
                _("Kolom %(column)s muncul lebih dari sekali."),
                code="duplicate_column",
                params={"column": name},
            )
    _check_list_count(len(lists))
    return lists, count_at


def _check_list_count(n: int) -> None:
    if n < 2:
        raise CaptureTableError(
            _("Perlu sedikitnya dua daftar (kolom 0/1) selain kolom count; tabel ini punya %(n)s."),
            code="too_few_lists",
            params={"n": n},
        )
    if n > MAX_LISTS:
        raise CaptureTableError(
            _("Paling banyak %(max)s daftar; tabel ini punya %(n)s. Gabungkan daftar yang sejenis."),
            code="too_many_lists",
            params={"n": n, "max": MAX_LISTS},
        )


def _count(value: str, line: int, problems: list) -> int | None:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number != int(number):
        problems.append(
            ValidationError(
                _("Baris %(line)s: jumlah %(value)s bukan bilangan bulat."),
                code="count_not_integer",
                params={"line": line, "value": repr(value)},
            )
        )
        return None
    if number < 0:
        problems.append(
            ValidationError(
                _("Baris %(line)s: jumlah %(value)s negatif."),
                code="count_negative",
                params={"line": line, "value": value},
            )
        )
        return None
    return int(number)


def validate(table: CaptureTable) -> None:
    """Refuse a table whose lists cannot inform an estimate (raises ``CaptureTableError``).

    Refused: fewer than two lists or more than ten; nobody seen; a list with nobody on it; a list holding
    everyone seen (nobody is missing from it, so it says nothing about who is missing); two lists holding
    exactly the same people; a list sharing nobody with any other list (with it, the estimate would rest on
    nothing but the assumption that lists are independent, and two such lists give an infinite estimate).
    """
    _check_list_count(table.nlists)
    total = table.observed
    if total == 0:
        raise CaptureTableError(_("Tidak ada seorang pun di tabel (semua jumlah 0)."), code="nobody")
    problems: list[ValidationError] = []
    totals = [table.list_total(j) for j in range(table.nlists)]
    for j, name in enumerate(table.lists):
        if totals[j] == 0:
            problems.append(
                ValidationError(
                    _("Daftar %(list)s tidak berisi seorang pun; hapus kolomnya."),
                    code="empty_list",
                    params={"list": name},
                )
            )
        elif totals[j] == total:
            problems.append(
                ValidationError(
                    _(
                        "Semua orang di tabel ada di daftar %(list)s, jadi daftar itu tidak memberi tahu siapa yang "
                        "terlewat; hapus kolomnya."
                    ),
                    code="list_has_everyone",
                    params={"list": name},
                )
            )
    if problems:
        raise CaptureTableError(problems)
    for i in range(table.nlists):
        for j in range(i + 1, table.nlists):
            both = table.overlap(i, j)
            if both == totals[i] == totals[j]:
                problems.append(
                    ValidationError(
                        _("Daftar %(a)s dan %(b)s berisi orang yang persis sama; gabungkan keduanya."),
                        code="identical_lists",
                        params={"a": table.lists[i], "b": table.lists[j]},
                    )
                )
    for j, name in enumerate(table.lists):
        if all(table.overlap(j, k) == 0 for k in range(table.nlists) if k != j):
            problems.append(
                ValidationError(
                    _(
                        "Daftar %(list)s tidak berbagi seorang pun dengan daftar lain. Estimasi sistem ganda "
                        "bertumpu pada orang yang tercatat di lebih dari satu daftar; hapus daftar ini atau gabungkan "
                        "dengan daftar yang sejenis."
                    ),
                    code="isolated_list",
                    params={"list": name},
                )
            )
    if problems:
        raise CaptureTableError(problems)
