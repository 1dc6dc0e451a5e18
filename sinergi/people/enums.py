from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """HTCDS ``prs_Gender`` value names."""

    FEMININE = "Feminine", _("Perempuan")
    MASCULINE = "Masculine", _("Laki-laki")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transpuan")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transpria")
    NON_CONFORMING = "NonConforming", _("Non-konformis")
    UNKNOWN = "NonSpecifiedUnknown", _("Tidak diketahui")


class DocumentType(models.TextChoices):
    NIK = "nik", _("NIK (KTP)")
    PASSPORT = "passport", _("Paspor")
    TRAVEL_DOCUMENT = "travel_document", _("SPLP (surat perjalanan laksana paspor)")
    FAMILY_CARD = "family_card", _("Kartu Keluarga")
    BIRTH_CERTIFICATE = "birth_certificate", _("Akta kelahiran")
    VISA = "visa", _("Visa")
    OTHER = "other", _("Lainnya")


class ConsentPurpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("Pengelolaan kasus")
    REFERRAL = "referral", _("Berbagi dengan lembaga lain")
    CROSS_BORDER = "cross_border", _("Berbagi lintas negara")
    PHONE_CONTACT = "phone_contact", _("Dihubungi lewat telepon")
    FAMILY_CONTACT = "family_contact", _("Menghubungi keluarga")
    PROSECUTION = "prosecution", _("Proses hukum")
    STATISTICS = "statistics", _("Statistik tanpa identitas")


class ConsentMethod(models.TextChoices):
    """How the answer was taken. Older rows may hold free text; it is shown as written."""

    SPOKEN = "spoken", _("Lisan")
    SIGNED = "signed", _("Tertulis, ditandatangani")
    GUARDIAN = "guardian", _("Melalui wali atau orang tua")


class Relationship(models.TextChoices):
    PARENT = "parent", _("Orang tua")
    SPOUSE = "spouse", _("Suami/istri")
    CHILD = "child", _("Anak")
    SIBLING = "sibling", _("Saudara kandung")
    RELATIVE = "relative", _("Kerabat")
    FRIEND = "friend", _("Teman")
    OTHER = "other", _("Lainnya")


class PersonField(models.TextChoices):
    """The person's own fields that a merge fills from the merged record (and an unmerge restores), as a reader
    names them (timeline, merge record)."""

    SEX = "sex", _("jenis kelamin")
    DATE_OF_BIRTH = "date_of_birth", _("tanggal lahir")
    ESTIMATED_AGE = "estimated_age", _("perkiraan umur")
    CITIZENSHIP = "citizenship", _("kewarganegaraan")
    ORIGIN = "origin", _("daerah asal")
    PHONE = "phone", _("telepon")
    EMAIL = "email", _("surel")
    ADDRESS = "address", _("alamat")
    PRIMARY_LANGUAGE = "primary_language", _("bahasa utama")
    DECEASED = "deceased", _("meninggal dunia")
