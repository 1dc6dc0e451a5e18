"""Case import pages: upload a file (the import runs in the background), follow its job, download the rejected
rows. Thin: reads through the transfer selectors, writes through its services. Users who may not import, and
jobs of other agencies, answer "not found"."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.transfer import selectors
from sinergi.transfer.enums import JobStatus, Phase
from sinergi.transfer.uploads import import_job_queue, rejected_rows_open

from ..forms_imports import CaseImportForm
from .cases import _attach_errors

SHOWN_PROBLEMS = 50  # on the page; the download has all of them


def _agencies_or_404(request):
    agencies = selectors.import_agencies(request.user)
    if not agencies:
        raise Http404
    return agencies


def _job_or_404(request, job_id):
    try:
        return selectors.import_job_for_importer(request.user, job_id)
    except NotFound:
        raise Http404 from None


@login_required
def import_upload(request):
    agencies = _agencies_or_404(request)
    max_bytes = settings.SINERGI_IMPORT_MAX_BYTES
    status = 200
    if request.method == "POST":
        form = CaseImportForm(request.POST, request.FILES, agencies=agencies, max_bytes=max_bytes)
        if form.is_valid():
            try:
                job = import_job_queue(actor=request.user, agency_id=form.agency_id(),
                                       uploaded=form.cleaned_data["file"], partial=form.cleaned_data["partial"])
                messages.success(request, _("Berkas diterima. Impor berjalan di latar belakang."))
                return redirect("web:case_import_job", job_id=job.pk)
            except ValidationError as exc:
                _attach_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("Peran Anda tidak boleh mengimpor kasus untuk lembaga ini."))
        status = 400
    else:
        form = CaseImportForm(agencies=agencies, max_bytes=max_bytes)
    return render(request, "web/imports/upload.html", {
        "nav": "import", "form": form, "jobs": selectors.import_jobs_recent(request.user),
        "columns": _column_rows(),
    }, status=status)


KIND_WORDS = {
    "text": gettext_lazy("Teks"), "multi_text": gettext_lazy("Beberapa teks, dipisah ;"), "pick": gettext_lazy("Satu nilai dari daftar"),
    "multi_pick": gettext_lazy("Beberapa nilai dari daftar, dipisah ;"), "choice": gettext_lazy("Satu nilai dari daftar"),
    "date": gettext_lazy("Tanggal YYYY-MM-DD"), "int": gettext_lazy("Bilangan bulat"), "bool": gettext_lazy("true/false (juga ya/tidak, 1/0)"),
    "country": gettext_lazy("Kode negara ISO, 2 atau 3 huruf"), "village": gettext_lazy("Kode desa/kelurahan Kemendagri"),
}


def _column_rows():
    """The columns of the import format, what each holds and the values a picklist column takes."""
    from sinergi.transfer.columns import COLUMNS, REQUIRED_COLUMNS

    # Sinergi's own lists are named here; the HTCDS picklists are the standard's (listed by the API's
    # vocabularies, and named in full when a value is refused).
    return [{"name": c.name, "kind": KIND_WORDS.get(c.kind, c.kind), "required": c.name in REQUIRED_COLUMNS,
             "allowed": "" if c.vocabulary else ", ".join(c.allowed()), "vocabulary": c.vocabulary,
             "max_length": c.max_length} for c in COLUMNS]


@login_required
def import_template(request):
    """An empty CSV with the format's header row, to fill in a spreadsheet."""
    import csv

    from sinergi.transfer.columns import COLUMNS

    _agencies_or_404(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sinergi-impor-kasus.csv"'
    csv.writer(response).writerow([c.name for c in COLUMNS])
    return response


def _status_poll(view):
    """The job page reloads itself every two seconds while the import runs. Those reloads are not the user's
    activity: they do not extend the session (an unattended screen still times out), and they write nothing, so
    on SQLite they are answered even while the import's write transaction holds the database's write lock."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        request.session.save = lambda must_create=False: None  # SESSION_SAVE_EVERY_REQUEST, for this answer only
        return response

    return wrapped


@login_required
@_status_poll
def import_job(request, job_id):
    job = _job_or_404(request, job_id)
    context = {
        "nav": "import", "job": job, "running": not job.finished,
        "bar": _bar(job),
        "problems": job.errors[:SHOWN_PROBLEMS] if job.finished else [],
        "more_problems": max(job.error_count - SHOWN_PROBLEMS, 0),
        "rejected_download": job.finished and bool(job.rejected_file),
    }
    template = "web/partials/import_job.html" if request.headers.get("HX-Request") else "web/imports/job.html"
    return render(request, template, context)


def _bar(job) -> dict | None:
    """The progress bar's values, or None for an indeterminate bar. Rows move only while they are checked: the
    file is read before its rows are counted, and the write is one transaction that others see only when it
    commits, so those phases show activity without pretending to measure it."""
    if job.status == JobStatus.COMPLETED:
        return {"value": job.total_rows, "max": job.total_rows} if job.total_rows else {"value": 1, "max": 1}
    if job.finished or (job.phase == Phase.VALIDATE and job.total_rows):
        return {"value": min(job.processed_rows, job.total_rows), "max": max(job.total_rows, 1)}
    return None


@login_required
def import_rejected(request, job_id):
    job = _job_or_404(request, job_id)
    try:
        fh = rejected_rows_open(actor=request.user, job=job)
    except (NotFound, PermissionDenied):
        raise Http404 from None
    name = f"sinergi-import-{clock.today():%Y%m%d}-{str(job.pk)[:8]}-ditolak.csv"
    return FileResponse(fh, as_attachment=True, filename=name, content_type="text/csv; charset=utf-8")
