import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.cases.models import Case
from sinergi.transfer import samples, uploads
from sinergi.transfer.enums import JobStatus
from sinergi.transfer.models import ImportJob
from sinergi.transfer.uploads import import_job_queue, import_job_run

pytestmark = pytest.mark.django_db


def queue(user, agency, data: bytes, **kw) -> ImportJob:
    return import_job_queue(actor=user, agency_id=agency.pk, uploaded=SimpleUploadedFile("k.csv", data, "text/csv"),
                            **kw)


def test_queued_job_runs_once_and_drops_the_stored_file(supervisor, agency, rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(supervisor, agency, samples.to_csv(rows))
    stored = job.upload.name
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED and job.created_count == 20
    assert not job.upload and not job.upload.storage.exists(stored)
    assert import_job_run(job.pk) == "skipped"  # a task delivered twice imports once
    assert Case.objects.count() == 20


def test_a_job_that_cannot_run_ends_failed_not_running(supervisor, agency, rows, django_capture_on_commit_callbacks):
    job = queue(supervisor, agency, samples.to_csv(rows))  # not committed: the task is not run
    job.upload.storage.delete(job.upload.name)
    assert import_job_run(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.errors[0]["field"] == "file" and job.finished_at and Case.objects.count() == 0


def test_a_job_that_cannot_be_queued_is_reported_failed(supervisor, agency, rows, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    from types import SimpleNamespace

    from sinergi.transfer import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(tasks, "import_run", SimpleNamespace(enqueue=broken))
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(supervisor, agency, samples.to_csv(rows))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.upload
    assert uploads.ImportJob.objects.filter(status=JobStatus.QUEUED).count() == 0


def test_a_job_whose_worker_was_killed_runs_again_then_fails(supervisor, agency, rows,
                                                              django_capture_on_commit_callbacks):
    import datetime as dt

    from sinergi.core import clock
    from sinergi.transfer.uploads import imports_recover_stalled

    job = queue(supervisor, agency, samples.to_csv(rows))  # not committed: the task is not run
    # The worker claimed the job and was killed in the middle: the job stays "running", its file stays.
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, runs=1, phase="write",
                                               updated_at=clock.now() - dt.timedelta(minutes=30))
    assert imports_recover_stalled() == 0  # a long write shows nothing for a while: not yet stalled
    later = clock.now() + dt.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert imports_recover_stalled(now=later) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED and job.runs == 2 and Case.objects.count() == 20

    # Killed again on its last run: finished as failed, with a message, and the stored file dropped.
    second = queue(supervisor, agency, samples.to_csv(rows))
    ImportJob.objects.filter(pk=second.pk).update(status=JobStatus.RUNNING, runs=2)
    assert imports_recover_stalled(now=later) == 1
    second.refresh_from_db()
    assert second.status == JobStatus.FAILED and "Unggah berkasnya lagi" in second.errors[0]["message"]
    assert not second.upload
