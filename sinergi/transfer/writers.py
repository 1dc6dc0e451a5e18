"""Writing cases in the exchange format (``columns``), chunk by chunk so that large exports stream.

Only the columns of ``columns.EXPORT_COLUMNS`` are written: never identity documents, contacts or addresses.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from typing import Any, Iterator, Mapping, Sequence

from django.core.files import File
from django.utils import timezone

from sinergi.cases.models import Case
from sinergi.people.bulk import aliases_of

from .columns import BY_NAME, EXPORT_COLUMNS, cas_status_for, format_value
from .enums import Format

CHUNK = 1000
PERSON_TARGETS = frozenset({"full_name", "aliases", "sex", "date_of_birth", "estimated_age", "citizenship_id",
                            "deceased", "origin_village_id"})
# Only these fields are read for an export: the rest of the tables (and their sensitive fields) stay behind.
CASE_FIELDS = (
    "id", "reference", "external_id", "reported_on", "stage", "stage_entered_at", "outcome", "victim_status",
    "victim_status_decided_by", "victim_status_decided_on", "exploitation_types", "sex_exploitation_types",
    "forced_labour_industry", "means_of_control", "recruitment_methods", "recruitment_apps", "exploitation_apps",
    "relation_to_trafficker", "country_of_exploitation_id", "city_of_exploitation", "recruited_on",
    "exploitation_started_on", "exploitation_ended_on", "summary", "survivor_id",
) + tuple(f"survivor__{f}" for f in sorted(PERSON_TARGETS - {"aliases"}))


def case_record(case: Case, aliases: list[str], *, json_mode: bool) -> dict[str, Any]:
    """One case as an export row: column name -> value."""
    person = case.survivor
    special = {
        "external_id": case.external_id or case.reference,
        "aliases": aliases,
        "stage_entered_on": timezone.localdate(case.stage_entered_at) if case.stage_entered_at else None,
        "cas_status": cas_status_for(case.stage),
    }
    row: dict[str, Any] = {}
    for name in EXPORT_COLUMNS:
        col = BY_NAME[name]
        target = col.target
        if target in special:
            value = special[target]
        elif target in PERSON_TARGETS:
            value = getattr(person, target)
        else:
            value = getattr(case, target)
        row[name] = format_value(col, value, json_mode=json_mode)
    return row


def _records(ids: Sequence, *, json_mode: bool) -> Iterator[dict[str, Any]]:
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        cases = {c.pk: c for c in Case.objects.filter(pk__in=part).select_related("survivor").only(*CASE_FIELDS)}
        aliases = aliases_of(c.survivor_id for c in cases.values())
        for pk in part:
            case = cases.get(pk)
            if case is not None:  # deleted since the export began: nothing to write
                yield case_record(case, aliases.get(case.survivor_id, []), json_mode=json_mode)


def stream(ids: Sequence, fmt: str) -> Iterator[str]:
    """The export file in text chunks, in the order of ``ids``."""
    if fmt == Format.JSON:
        yield "["
        first = True
        for record in _records(ids, json_mode=True):
            # One object per line: a re-import reports problems by line.
            yield ("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False)
            first = False
        yield "\n]\n"
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for record in _records(ids, json_mode=False):
        writer.writerow(record.values())
        count += 1
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


REJECTED_HEADER = ["line", "field", "reason"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A raw value of an imported row as CSV text. Text a spreadsheet would run as a formula gets a leading
    apostrophe: the file is meant to be opened, fixed and imported again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(_cell(v) for v in value)
    elif not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)
    if value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def rejected_file(problems: Sequence[tuple[int, str, str]], rows: Mapping[int, Mapping[str, Any]],
                  columns: Sequence[str]) -> File:
    """Every problem as a CSV row: line, field, reason, then the original values of that line (``rows``) in the
    file's ``columns``. Spooled to disk past a few megabytes, so a large refusal does not stay in memory."""
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024, mode="w+b")
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(REJECTED_HEADER + list(columns))
    empty: dict[str, Any] = {}
    for line, field, message in problems:
        raw = rows.get(line, empty)
        writer.writerow([line, field, message] + [_cell(raw.get(c)) for c in columns])
    text.detach()
    spool.seek(0)
    return File(spool, name="rejected.csv")
