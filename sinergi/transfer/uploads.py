"""Imports started from the web page: the file is checked and stored in private storage (never served), the job
is queued, and a background task (``tasks.import_run``) runs the same import as the API and the command, so a
file of 100,000 rows does not hold the request. Afterwards the stored file is deleted; the job keeps its
counts, the first problems and, for download, every problem with the original values of its row.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core import clock
from sinergi.core.errors import Conflict, NotFound, PermissionDenied
from sinergi.core.validation import field_error

from .enums import FINISHED, Format, JobStatus, Phase
from .models import ImportJob
from .services import ImportRefused, cases_import_job, import_job_fail
from django.utils import translation
from django.utils.translation import gettext as _
from sinergi.core.i18n import message

logger = logging.getLogger(__name__)

SUFFIXES = {".csv": Format.CSV, ".json": Format.JSON}
# What browsers and spreadsheets declare for CSV and JSON files (Windows says Excel for any .csv). The
# declaration is only a first filter: the content is checked below and again, fully, by the import.
CONTENT_TYPES = frozenset({
    "", "text/csv", "text/plain", "text/x-csv", "text/comma-separated-values", "application/csv",
    "application/x-csv", "application/vnd.ms-excel", "application/json", "text/json", "application/octet-stream",
})
PROBE = 4096


def _check_upload(uploaded) -> str:
    """The format of an acceptable upload; a field error on ``file`` otherwise (nothing is stored)."""
    name = PurePath(getattr(uploaded, "name", "") or "").name
    fmt = SUFFIXES.get(PurePath(name).suffix.lower())
    if fmt is None:
        raise field_error("file", _("Berkas harus .csv atau .json."))
    content_type = (getattr(uploaded, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in CONTENT_TYPES:
        raise field_error("file", message(_("Jenis berkas tidak diizinkan: %(type)s (CSV, JSON)."), type=content_type[:60]))
    size = getattr(uploaded, "size", None) or 0
    limit = settings.SINERGI_IMPORT_MAX_BYTES
    if size > limit:
        raise field_error("file", message(_("Berkas terlalu besar (maks. %(mb)s MB)."), mb=f"{limit // (1024 * 1024):,}"))
    if size == 0:
        raise field_error("file", _("Berkas kosong."))
    uploaded.seek(0)
    head = uploaded.read(PROBE)
    uploaded.seek(0)
    if b"\x00" in head or not _utf8_prefix(head):
        raise field_error("file", _("Bukan berkas teks UTF-8 (CSV/JSON)."))
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if fmt == Format.JSON and start != b"[":
        raise field_error("file", _("JSON harus berupa daftar objek."))
    if fmt == Format.CSV and start in (b"[", b"{"):
        raise field_error("file", _("Isi berkas JSON, bukan CSV."))
    return fmt


def _utf8_prefix(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and len(head) == PROBE  # a character cut at the edge of the probe
    return True


def import_job_queue(*, actor, agency_id, uploaded, partial: bool = False) -> ImportJob:
    """Check ``uploaded`` (a Django UploadedFile), store it privately and queue its import for ``agency_id``.

    Returns the queued job. PermissionDenied without ``case.import`` there; a field error on ``file`` for a
    wrong name, type, size or content. The task is enqueued after the commit, so it always finds the job.
    """
    require(actor, Cap.CASE_IMPORT, agency_id)
    fmt = _check_upload(uploaded)
    job = ImportJob(id=uuid.uuid4(), created_by=actor, agency_id=agency_id, format=fmt, partial=bool(partial),
                    status=JobStatus.QUEUED, filename=PurePath(uploaded.name or "").name[:200],
                    size_bytes=uploaded.size)
    with transaction.atomic():
        # Stored under the job's id, never under the sender's file name. A rolled-back row leaves an orphan
        # file behind; nothing points to it and it is never served.
        job.upload.save(f"{job.pk}.{fmt}", uploaded, save=False)
        job.save(force_insert=True)
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id) -> None:
    from .tasks import import_run

    try:
        import_run.enqueue(str(job_id))
    except Exception:  # noqa: BLE001 - a job nobody will run is reported as failed, not left waiting
        logger.exception("could not enqueue import job %s", job_id)
        job = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).first()
        if job is not None:
            import_job_fail(job, _("Tidak dapat diantrekan; coba lagi."))
            _drop_upload(job)


def import_job_run(job_id) -> str:
    """Run a queued job (the background task). Idempotent: a job that is no longer queued is left alone, so a
    task delivered twice imports once. Returns the job's final status."""
    from django.db.models import F

    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, phase=Phase.READ, updated_at=clock.now(), runs=F("runs") + 1)
    if not claimed:
        return "skipped"
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with job.upload.open("rb") as stream:
            cases_import_job(actor=job.created_by, job=job, stream=stream, keep_rejected=True)
    except (ImportRefused, Conflict, PermissionDenied, NotFound, ValidationError):
        pass  # recorded on the job, which is what the user reads
    except Exception:  # noqa: BLE001 - recorded on the job as failed by the service; logged for the operator
        logger.exception("import job %s failed", job_id)
        if job.status not in FINISHED:
            import_job_fail(job, _("Gagal: berkas yang disimpan tidak terbaca."))
    finally:
        _drop_upload(job)
    return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)


def _drop_upload(job: ImportJob) -> None:
    """The uploaded file is needed only for the run: victim data is not kept twice."""
    if job.upload:
        job.upload.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(upload="")


def rejected_rows_open(*, actor, job: ImportJob):
    """Open the rejected-rows CSV of ``job`` for download, audited as an export (it holds the rows' original
    values). PermissionDenied without ``case.import`` in the job's agency; NotFound when there is no file."""
    from sinergi.access.principal import Principal

    require(actor, Cap.CASE_IMPORT, job.agency_id)
    if not job.rejected_file:
        raise NotFound("rejected rows")
    try:
        fh = job.rejected_file.open("rb")
    except FileNotFoundError:
        raise NotFound("rejected rows") from None
    with transaction.atomic():
        audit_log(actor=Principal.of(actor).actor(job.agency_id), action=Action.EXPORT, object_type="import_job",
                  object_id=job.pk, purpose="rejected rows",
                  detail={"what": "rejected_rows", "rejected": job.rejected_count, "problems": job.error_count})
    return fh


# A running import shows progress while it checks rows, but its write is one transaction that shows nothing
# until it commits: only a job silent for much longer than the largest import takes has lost its worker.
STALLED_AFTER_MINUTES = 120
MAX_RUNS = 2


def imports_recover_stalled(now=None) -> int:
    """Jobs whose worker was killed (or whose request died) stay "running" for ever. A job silent for
    ``SINERGI_IMPORT_STALLED_MINUTES`` is queued again if its file is still here (the write is all or nothing
    and idempotent by external id, so running it again is safe) and it has run fewer than ``MAX_RUNS`` times;
    otherwise it is finished as failed with a message the user can act on. Returns the number of jobs handled.
    """
    import datetime as dt

    minutes = int(getattr(settings, "SINERGI_IMPORT_STALLED_MINUTES", STALLED_AFTER_MINUTES))
    cutoff = (now or clock.now()) - dt.timedelta(minutes=minutes)
    handled = 0
    for job_id in list(ImportJob.objects.filter(status=JobStatus.RUNNING, updated_at__lt=cutoff)
                       .values_list("pk", flat=True)[:100]):
        with transaction.atomic():
            job = (ImportJob.objects.select_for_update(skip_locked=True)
                   .filter(pk=job_id, status=JobStatus.RUNNING, updated_at__lt=cutoff).first())
            if job is None:
                continue
            handled += 1
            if job.upload and job.runs < MAX_RUNS:
                ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, phase="", processed_rows=0,
                                                           progress=0, updated_at=clock.now())
                transaction.on_commit(lambda job_id=job.pk: _enqueue(job_id))
                logger.warning("import job %s stalled; queued again", job.pk)
            else:
                with translation.override(settings.LANGUAGE_CODE):  # no reader here: the instance's language
                    import_job_fail(job, _("Terhenti sebelum selesai; tidak ada yang diimpor. Unggah berkasnya lagi."))
                _drop_upload(job)
                logger.warning("import job %s stalled; finished as failed", job.pk)
    return handled
