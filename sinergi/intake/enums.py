from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    FAMILY = "family", _("Keluarga")
    HOTLINE = "hotline", _("Hotline / pusat panggilan")
    PUBLIC_FORM = "public_form", _("Formulir publik")
    VILLAGE = "village", _("Pemerintah desa / RT")
    EMBASSY = "embassy", _("Perwakilan RI / KBRI")
    POLICE = "police", _("Kepolisian")
    NGO = "ngo", _("LSM / organisasi internasional")
    SELF = "self", _("Korban sendiri")
    MEDIA = "media", _("Media")
    PARTNER = "partner", _("Lembaga mitra di sistem lain")
    OTHER = "other", _("Lainnya")


class ReportStatus(models.TextChoices):
    NEW = "new", _("Baru")
    SCREENED = "screened", _("Sudah ditapis")
    CASE_OPENED = "case_opened", _("Kasus dibuka")
    LINKED = "linked", _("Ditautkan ke kasus")
    NO_CASE = "no_case", _("Tidak dilanjutkan")
    PASSED_ON = "passed_on", _("Diteruskan ke lembaga mitra")


OPEN_STATUSES = (ReportStatus.NEW, ReportStatus.SCREENED)


class MoveKind(models.TextChoices):
    ARRIVED = "arrived", _("Diterima")
    FORWARDED = "forwarded", _("Diteruskan ke lembaga lain")
    CASE_OPENED = "case_opened", _("Kasus dibuka")
    ATTACHED = "attached", _("Ditautkan ke kasus")
    CLOSED = "closed", _("Ditutup")
    ESCALATED = "escalated", _("Terlambat, dieskalasi")
