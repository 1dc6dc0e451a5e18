"""Import and export of cases in the exchange format (see ``columns`` and FORMAT.md).

Import: read the file, check every row against preloaded lookups, then write persons, cases, stage entries,
timeline events and one audit row per case in batches, all in one transaction. By default a single bad row
refuses the whole file (nothing is written); with ``partial`` the good rows are imported and the bad ones
listed. Rows whose external id already exists are skipped and reported, so importing a file twice is safe.

Export: the user's visible cases led by agencies where they hold ``case.export``, one EXPORT audit row per
case (with the filters used) written before the first byte leaves.
"""

from __future__ import annotations

import contextlib
import gc
import time
import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, Callable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require
from sinergi.access.principal import Principal
from sinergi.audit.enums import Action
from sinergi.audit.services import Entry, audit_log, audit_log_many, split_terms
from sinergi.cases.bulk import cases_bulk_import, external_id_owners
from sinergi.cases.selectors import CaseFilters
from sinergi.core import clock
from sinergi.core.errors import Conflict, PermissionDenied
from sinergi.core.validation import field_error
from sinergi.people.bulk import persons_bulk_create

from . import readers, writers
from .columns import EXTERNAL_ID
from .enums import FINISHED, Format, JobStatus, Phase

FOREIGN_EXTERNAL_ID = gettext_lazy("ID eksternal ini sudah dipakai untuk kasus lembaga lain; baris ini tidak diimpor.")
from .models import ImportJob
from .readers import FileProblem
from .rows import Lookups, Problem, RowChecker, Valid
from .selectors import cases_for_export

BATCH = 5000
MAX_REPORTED = 1000  # problems kept on the job and answered; the count covers all of them

Progress = Callable[[str, int, int], None]  # phase ("validate" / "write"), rows done, rows in all


class ImportRefused(ValidationError):
    """Nothing was imported. ``message_dict`` maps ``"line N: column"`` (or ``"file"``) to messages;
    ``job`` is the recorded job with the full list."""

    def __init__(self, job: ImportJob):
        super().__init__(problems_by_field(job.errors) or {"file": ["Impor ditolak / import refused."]})
        self.job = job


def problems_by_field(problems: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in problems:
        key = f"line {p['line']}: {p['field']}" if p["line"] else p["field"]
        out.setdefault(key, []).append(p["message"])
    return out


def format_for(fmt: str | None, filename: str = "", head: bytes = b"") -> str:
    """The format asked for, else the one the file name says, else the one the content starts like."""
    if fmt:
        fmt = fmt.strip().lower()
        if fmt not in Format.values:
            raise field_error("format", f"Format tidak dikenal / unknown format: {fmt[:20]} (csv, json)")
        return fmt
    suffix = PurePath(filename or "").suffix.lower().lstrip(".")
    if suffix in Format.values:
        return suffix
    return Format.JSON if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") else Format.CSV


def _as_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"line": line, "field": field, "message": message} for line, field, message in problems[:MAX_REPORTED]]


@dataclass
class _Run:
    job: ImportJob
    progress: Progress | None

    def report(self, phase: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(phase, done, total)
        if phase != "validate":
            # The write runs inside the import's transaction: a row updated there stays invisible to every other
            # connection until the commit, when the job is finished anyway. Its start is published before it.
            return
        # Validation is the first 40 %, writing the rest.
        share = done / total if total else 1
        _publish(self.job, processed_rows=done, progress=int(40 * share))


def _publish(job: ImportJob, **fields: Any) -> None:
    """Show ``fields`` of a running job to other requests (the job page polls them). Called only outside the
    import's transaction, so each update commits at once (autocommit) on PostgreSQL and SQLite alike."""
    for k, v in fields.items():
        setattr(job, k, v)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=clock.now(), **fields)


def _finish(job: ImportJob, status: str, **fields: Any) -> ImportJob:
    job.status = status
    job.finished_at = clock.now()
    for k, v in fields.items():
        setattr(job, k, v)
    job.save()
    return job


def _refuse(job: ImportJob, actor, problems: list[Problem], rejected: "_Rejected | None" = None,
            **fields: Any) -> ImportRefused:
    fields.setdefault("error_count", len(problems))
    fields.setdefault("rejected_count", len({line for line, _, _ in problems if line}))
    if rejected is not None:
        rejected.keep(job, problems)
    _finish(job, JobStatus.REFUSED, errors=_as_dicts(problems), **fields)
    with transaction.atomic():
        audit_log(actor=Principal.of(actor).actor(job.agency_id), action=Action.IMPORT, object_type="import_job",
                  object_id=job.pk, detail={"status": job.status, "errors": job.error_count})
    return ImportRefused(job)


class _Rejected:
    """The original values of the refused rows, kept for the rejected-rows file (web imports only)."""

    def __init__(self) -> None:
        self.columns: list[str] = []
        self.rows: dict[int, dict[str, Any]] = {}

    def keep(self, job: ImportJob, problems: list[Problem]) -> None:
        if problems:
            name = f"{job.pk}-rejected.csv"
            job.rejected_file.save(name, writers.rejected_file(problems, self.rows, self.columns), save=False)


@contextlib.contextmanager
def gc_paused():
    """Hold the cyclic garbage collector while a bulk job builds hundreds of thousands of objects that all stay
    alive until written: each full collection would walk all of them again, which makes a large import
    several times slower (rows, model instances and SQL parameters hold no reference cycles to collect)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cases_import(*, actor, agency_id, stream: IO[bytes], format: str | None = None, filename: str = "",
                 partial: bool = False, progress: Progress | None = None) -> ImportJob:
    """Import cases from ``stream`` for ``agency_id`` (the lead agency of every imported case).

    Returns the completed job; raises ``ImportRefused`` (a ValidationError with line/field messages) when
    nothing could be imported, PermissionDenied without ``case.import`` in the agency, Conflict when another
    import took an external id meanwhile.
    """
    require(actor, Cap.CASE_IMPORT, agency_id)
    fmt = format_for(format, filename, b"")  # an unknown format is refused before anything is recorded
    job = ImportJob.objects.create(created_by=actor, agency_id=agency_id, format=fmt, partial=bool(partial),
                                   filename=PurePath(filename or "").name[:200], phase=Phase.READ)
    return cases_import_job(actor=actor, job=job, stream=stream, format=format, progress=progress)


def cases_import_job(*, actor, job: ImportJob, stream: IO[bytes], format: str | None = None,
                     progress: Progress | None = None, keep_rejected: bool = False) -> ImportJob:
    """Run the import recorded by ``job`` (running, with its agency, format, file name and ``partial``).

    As ``cases_import``; with ``keep_rejected`` every problem is also written, with the original values of its
    row, to ``job.rejected_file``. Any failure finishes the job as failed before it is raised, so no job is left
    running.
    """
    rejected = _Rejected() if keep_rejected else None
    try:
        require(actor, Cap.CASE_IMPORT, job.agency_id)
        with gc_paused():
            return _import(actor, job, stream, format, progress, rejected)
    except ImportRefused:
        raise
    except BaseException as exc:
        # The database, not the object, says whether the job was finished: a rolled-back write leaves the object
        # marked completed while its row is still running.
        if ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).first() not in FINISHED:
            import_job_fail(job, str(exc) if isinstance(exc, (PermissionDenied, ValidationError)) else repr(exc))
        raise


def import_job_fail(job: ImportJob, message: str) -> ImportJob:
    """Finish a job that could not run (or not to the end) as failed, with ``message`` as its one problem."""
    return _finish(job, JobStatus.FAILED, created_count=0,
                   errors=[{"line": 0, "field": "file", "message": message[:300]}])


def _import(actor, job: ImportJob, stream, format, progress, rejected: _Rejected | None) -> ImportJob:
    agency_id, partial, filename = job.agency_id, job.partial, job.filename
    run = _Run(job, progress)
    try:
        data = readers.read_bytes(stream, settings.SINERGI_IMPORT_MAX_BYTES)
        job.size_bytes = len(data)
        job.format = fmt = format_for(format, filename, data[:100])
        source = readers.read(data, fmt)
    except FileProblem as p:
        raise _refuse(job, actor, [(p.line, p.field, p.message)], rejected) from None
    del data
    job.warnings = _as_dicts(source.warnings)
    total = job.total_rows = len(source.records)
    _publish(job, phase=Phase.VALIDATE, total_rows=total, processed_rows=0)

    problems: list[Problem] = []
    checker = RowChecker(Lookups.load(), problems)
    valid: list[Valid] = []
    first_line: dict[str, int] = {}
    check = checker.check
    bad_rows = rejected.rows if rejected is not None else None
    if rejected is not None:
        rejected.columns = source.columns
    for i, (line, raw) in enumerate(source.records, 1):
        before = len(problems)
        row = check(line, raw)
        if row is not None:
            seen = first_line.setdefault(row.external_id, line)
            if seen != line:
                problems.append((line, EXTERNAL_ID, f"ID eksternal ganda dalam berkas, sama dengan baris {seen} / "
                                                    f"duplicate external id in the file, same as line {seen}."))
            else:
                valid.append(row)
        if bad_rows is not None and len(problems) > before:
            bad_rows[line] = raw
        if i % BATCH == 0:
            run.report("validate", i, total)
    # A row whose external id names a case another agency leads names that case's survivor: the importer may not
    # see her in full, so the row is refused (never "already present", which would speak for the other agency's
    # case), and nothing of it is written.
    owners = external_id_owners(r.external_id for r in valid)
    foreign = {r.line for r in valid if r.external_id in owners and owners[r.external_id] != agency_id}
    if foreign:
        valid = [r for r in valid if r.line not in foreign]
        problems.extend((line, EXTERNAL_ID, str(FOREIGN_EXTERNAL_ID)) for line in sorted(foreign))
        problems.sort(key=lambda p: p[0])
        if bad_rows is not None:
            bad_rows.update((line, raw) for line, raw in source.records if line in foreign)
    del source
    run.report("validate", total, total)

    present = set(owners)
    fresh = [r for r in valid if r.external_id not in present]
    job.present = [{"line": r.line, "external_id": r.external_id} for r in valid
                   if r.external_id in present][:MAX_REPORTED]
    counts = {"present_count": len(valid) - len(fresh), "error_count": len(problems),
              "rejected_count": len({line for line, _, _ in problems})}
    if problems and not partial:
        raise _refuse(job, actor, problems, rejected, **counts)
    if rejected is not None:
        rejected.keep(job, problems)
        rejected.rows.clear()
    # Published before the transaction opens: what happens inside it is seen by others only when it commits.
    _publish(job, phase=Phase.WRITE)

    try:
        with transaction.atomic():
            _write(actor, agency_id, job, fresh, run)
            _finish(job, JobStatus.COMPLETED, created_count=len(fresh), errors=_as_dicts(problems), progress=100,
                    **counts)
            audit_log(actor=Principal.of(actor).actor(agency_id), action=Action.IMPORT, object_type="import_job",
                      object_id=job.pk, detail={"status": job.status, "created": job.created_count,
                                                "present": job.present_count, "rejected": job.rejected_count})
    except IntegrityError as exc:
        _finish(job, JobStatus.FAILED, created_count=0,
                errors=[{"line": 0, "field": EXTERNAL_ID, "message": str(exc)[:300]}])
        raise Conflict("ID eksternal sudah dipakai oleh impor lain / an external id was taken by another "
                       "import meanwhile; import the file again.", field=EXTERNAL_ID) from exc
    return job


def _write(actor, agency_id, job: ImportJob, rows: list[Valid], run: _Run) -> None:
    source = {"import_job": str(job.pk)}
    total = len(rows)
    for start in range(0, total, BATCH):
        batch = rows[start:start + BATCH]
        persons = persons_bulk_create(actor=actor, agency_id=agency_id, people=[r.person for r in batch])
        for row, person in zip(batch, persons):
            row.case.survivor_id = person.pk
        cases_bulk_import(actor=actor, agency_id=agency_id, cases=[r.case for r in batch], source=source)
        run.report("write", start + len(batch), total)


@dataclass
class Export:
    """An export ready to stream: the audit rows are written; ``chunks()`` yields the file."""

    format: str
    count: int
    ids: list
    actor: Any = None

    @property
    def content_type(self) -> str:
        return "application/json" if self.format == Format.JSON else "text/csv; charset=utf-8"

    @property
    def filename(self) -> str:
        return f"sinergi-cases-{clock.today():%Y%m%d}.{self.format}"

    def chunks(self) -> Iterator[str]:
        return writers.stream(self.ids, self.format, self.actor)


def cases_export(*, actor, format: str, filters: CaseFilters | None = None, used_filters: dict | None = None,
                 agency_code: str | None = None, purpose: str = "") -> Export:
    """Choose the cases, audit each one (action EXPORT, with the filters used), and return the export.

    PermissionDenied without ``case.export``; NotFound for an unknown agency code.
    """
    fmt = format_for(format or Format.CSV)
    pairs = list(cases_for_export(actor, filters, agency_code=agency_code).values_list("pk", "lead_agency_id"))
    principal = Principal.of(actor)
    export_id = str(uuid.uuid4())
    # Typed search terms are personal data: sealed in the audit rows (``access.audit_reads`` opens them).
    plain, terms = split_terms(used_filters)
    detail = {"export": export_id, "format": fmt, "filters": plain, **({"terms": terms} if terms else {})}
    by_agency: dict[Any, list] = {}
    for pk, agency_id in pairs:
        by_agency.setdefault(agency_id, []).append(pk)
    with transaction.atomic():
        for agency_id, ids in by_agency.items():
            audit_log_many(actor=principal.actor(agency_id),
                           entries=[Entry(Action.EXPORT, "case", str(pk), purpose, detail) for pk in ids])
        if not pairs:  # an empty export is still an export someone asked for
            audit_log(actor=principal.actor(), action=Action.EXPORT, object_type="case", purpose=purpose,
                      detail={**detail, "count": 0})
    return Export(format=fmt, count=len(pairs), ids=[pk for pk, _ in pairs], actor=actor)


def timed(progress_out: Callable[[str], None]) -> Progress:
    """A progress callback that prints rows per second (for the command line)."""
    started = {"t": time.monotonic()}

    def report(phase: str, done: int, total: int) -> None:
        elapsed = max(time.monotonic() - started["t"], 1e-6)
        progress_out(f"{phase}: {done:,}/{total:,} rows ({done / elapsed:,.0f} rows/s)")
        if done >= total:
            started["t"] = time.monotonic()

    return report
