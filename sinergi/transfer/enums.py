from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON"


class JobStatus(models.TextChoices):
    RUNNING = "running", _("Berjalan")
    COMPLETED = "completed", _("Selesai")
    REFUSED = "refused", _("Ditolak (ada kesalahan, tidak ada yang diimpor)")
    FAILED = "failed", _("Gagal")
