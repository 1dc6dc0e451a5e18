"""Writing cases in the exchange format (``columns``), chunk by chunk so that large exports stream.

Only the columns of ``columns.EXPORT_COLUMNS`` are written: never identity documents, contacts or addresses.
Each case is written from the exporter's projection of it (``access.projection``), never from the model.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from typing import Any, Iterator, Mapping, Sequence

from django.core.files import File
from django.db.models import Prefetch
from django.utils import timezone

from sinergi.access.projection import project_case
from sinergi.access.sections import EXPLOITATION, IDENTITY, LOCATION, sights_of
from sinergi.cases.models import Case
from sinergi.core.errors import NotFound
from sinergi.people.models import PersonAlias

from .columns import BY_NAME, EXPORT_COLUMNS, cas_status_for, format_value
from .enums import Format

CHUNK = 1000
# The sections an export carries: never contacts, addresses or document numbers (the format has no place for them).
EXPORT_SECTIONS = frozenset({IDENTITY, EXPLOITATION, LOCATION})
RELATED = ("survivor", "survivor__citizenship", "survivor__origin_village", "lead_agency", "country_of_exploitation",
           "origin_province", "origin_regency")


def _value(view, target: str) -> Any:
    """The value of one column's target in the reader's projection of the case (empty where not shared)."""
    if target == "external_id":
        return view.external_id or view.reference
    if target == "stage_entered_on":
        return timezone.localdate(view.stage_entered_at) if view.stage_entered_at else None
    if target == "cas_status":
        return cas_status_for(view.stage)
    if target in PERSON_TARGETS:
        p = view.identity
        return None if p is None else getattr(p, PERSON_TARGETS[target])
    if target in LOCATION_TARGETS:
        return None if view.location is None else getattr(view.location, LOCATION_TARGETS[target])
    if target in ("reported_on", "stage", "outcome"):
        return getattr(view, target)
    return None if view.exploitation is None else getattr(view.exploitation, target)


PERSON_TARGETS = {"full_name": "full_name", "aliases": "aliases", "sex": "sex", "date_of_birth": "date_of_birth",
                  "estimated_age": "estimated_age", "citizenship_id": "citizenship_code", "deceased": "deceased",
                  "origin_village_id": "origin_village_code"}
LOCATION_TARGETS = {"country_of_exploitation_id": "country_code", "city_of_exploitation": "city"}


def case_record(view, *, json_mode: bool) -> dict[str, Any]:
    """One case as an export row, from the exporter's projection of it (``access.projection.CaseView``)."""
    return {name: format_value(BY_NAME[name], _value(view, BY_NAME[name].target), json_mode=json_mode)
            for name in EXPORT_COLUMNS}


def _records(ids: Sequence, *, json_mode: bool, user) -> Iterator[dict[str, Any]]:
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        cases = {c.pk: c for c in Case.objects.filter(pk__in=part).select_related(*RELATED)
                 .prefetch_related(Prefetch("survivor__aliases", PersonAlias.objects.order_by("created_at", "name")))}
        sights = sights_of(user, list(cases.values()))
        for pk in part:
            case = cases.get(pk)
            if case is None:  # deleted since the export began: nothing to write
                continue
            try:
                view = project_case(user, case, sight=sights[pk], within=EXPORT_SECTIONS)
            except NotFound:  # no longer the exporter's to see
                continue
            yield case_record(view, json_mode=json_mode)


def stream(ids: Sequence, fmt: str, user) -> Iterator[str]:
    """The export file in text chunks, in the order of ``ids``, each case as ``user`` may see it."""
    if fmt == Format.JSON:
        yield "["
        first = True
        for record in _records(ids, json_mode=True, user=user):
            # One object per line: a re-import reports problems by line.
            yield ("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False)
            first = False
        yield "\n]\n"
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for record in _records(ids, json_mode=False, user=user):
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
