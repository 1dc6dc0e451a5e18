from django.db import models
from django.utils.translation import gettext_lazy as _


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    SUSPENDED = "suspended", _("Dibekukan")
    REVOKED = "revoked", _("Dicabut")


class VisaType(models.TextChoices):
    WORK = "work", _("Visa kerja")
    TOURIST = "tourist", _("Visa turis / bebas visa")
    VISIT = "visit", _("Visa kunjungan")
    STUDENT = "student", _("Visa pelajar")
    UNKNOWN = "unknown", _("Tidak tahu")


class ContactChannel(models.TextChoices):
    AGENCY_OFFICE = "agency_office", _("Datang ke kantor perusahaan penempatan")
    LTSA = "ltsa", _("Layanan Terpadu Satu Atap (LTSA) / Disnaker")
    FAMILY_FRIEND = "family_friend", _("Keluarga atau teman")
    SPONSOR = "sponsor", _("Sponsor / calo di desa")
    FACEBOOK = "facebook", _("Facebook")
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TIKTOK = "tiktok", _("TikTok")
    INSTAGRAM = "instagram", _("Instagram")
    OTHER_ONLINE = "other_online", _("Situs atau aplikasi lain")


SOCIAL_CHANNELS = {ContactChannel.FACEBOOK, ContactChannel.TELEGRAM, ContactChannel.WHATSAPP, ContactChannel.TIKTOK,
                   ContactChannel.INSTAGRAM, ContactChannel.OTHER_ONLINE}


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Nomor telepon")
    ACCOUNT = "account", _("Akun media sosial / chat")
    BANK = "bank", _("Rekening bank")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Rendah")
    MEDIUM = "medium", _("Sedang")
    HIGH = "high", _("Tinggi")


class FlagResolution(models.TextChoices):
    """Where a risk flag stands after review. Only an open flag may be resolved; a resolved one may be reopened."""

    OPEN = "open", _("Terbuka")
    CONFIRMED = "confirmed", _("Dikonfirmasi")
    DISMISSED = "dismissed", _("Ditolak (positif palsu)")


class FlagReviewDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Dikonfirmasi")
    DISMISSED = "dismissed", _("Ditolak (positif palsu)")
    REOPENED = "reopened", _("Dibuka kembali")
