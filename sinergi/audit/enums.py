from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    READ = "read", _("Baca")
    REVEAL = "reveal", _("Buka data tersamar")
    CREATE = "create", _("Buat")
    UPDATE = "update", _("Ubah")
    DELETE = "delete", _("Hapus")
    TRANSITION = "transition", _("Pindah tahap")
    EXPORT = "export", _("Ekspor")
    IMPORT = "import", _("Impor")
    DOWNLOAD = "download", _("Unduh")
    LOGIN = "login", _("Masuk")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
