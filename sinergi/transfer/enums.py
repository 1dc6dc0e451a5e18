from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu giliran")
    RUNNING = "running", _("Berjalan")
    COMPLETED = "completed", _("Selesai")
    REFUSED = "refused", _("Ditolak (ada kesalahan, tidak ada yang diimpor)")
    FAILED = "failed", _("Gagal")


FINISHED = frozenset({JobStatus.COMPLETED, JobStatus.REFUSED, JobStatus.FAILED})


class Phase(models.TextChoices):
    """Where a running import is. Only ``validate`` moves row by row where other connections can see it: the
    write runs in one transaction (all or nothing), so its progress is invisible until it commits."""

    READ = "read", _("Membaca berkas")
    VALIDATE = "validate", _("Memeriksa baris")
    WRITE = "write", _("Menyimpan kasus")
