"""Import jobs: one row per import attempt, whether it succeeded, was refused or failed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.core.models import BaseModel

from .enums import FINISHED, Format, JobStatus, Phase


class ImportJob(BaseModel):
    """What happened to one uploaded file.

    ``errors`` holds ``{"line", "field", "message"}`` items (the first ``MAX_REPORTED`` of them; ``error_count``
    is the full number), ``warnings`` the same shape for things that did not stop the import (ignored columns),
    ``present`` the lines whose external id already existed.

    A job queued from the web page keeps its file in ``upload`` (private storage, never served) until it has run,
    and afterwards every problem with the original values of its row in ``rejected_file`` (a CSV for download).
    ``processed_rows`` and ``phase`` are published outside the import's transaction, so other requests see them.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="import_jobs")
    format = models.CharField(max_length=8, choices=Format.choices)
    partial = models.BooleanField(_("impor sebagian"), default=False)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.RUNNING)
    filename = models.CharField(max_length=200, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    present_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0, help_text=_("Baris yang ditolak."))
    error_count = models.PositiveIntegerField(default=0, help_text=_("Jumlah masalah."))
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Persen / percent."))
    phase = models.CharField(max_length=16, choices=Phase.choices, blank=True)
    processed_rows = models.PositiveIntegerField(default=0, help_text=_("Baris yang sudah diperiksa."))
    runs = models.PositiveSmallIntegerField(default=0, help_text=_("Berapa kali dijalankan / times started."))
    upload = models.FileField(upload_to="imports/", max_length=200, blank=True)
    rejected_file = models.FileField(upload_to="imports/", max_length=200, blank=True)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    present = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="importjob_agency_created")]
        verbose_name = _("impor kasus")
        verbose_name_plural = _("impor kasus")

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def __str__(self) -> str:
        return f"{self.format} {self.status} {self.created_at:%Y-%m-%d %H:%M}"
