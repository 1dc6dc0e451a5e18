"""Referral types, statuses, the allowed status moves, default deadlines and default shared sections."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralType(models.TextChoices):
    LOCATE = "locate", _("Mencari keberadaan")
    RESCUE = "rescue", _("Penyelamatan")
    VERIFY_CITIZENSHIP = "verify_citizenship", _("Verifikasi kewarganegaraan")
    TRAVEL_DOCUMENT = "travel_document", _("Penerbitan dokumen perjalanan")
    SHELTER = "shelter", _("Penampungan / rumah aman")
    REPATRIATE = "repatriate", _("Pemulangan")
    RECEIVE_AT_PORT = "receive_at_port", _("Penjemputan di debarkasi")
    MEDICAL = "medical", _("Layanan kesehatan")
    PSYCHOSOCIAL = "psychosocial", _("Dukungan psikososial")
    LEGAL_AID = "legal_aid", _("Bantuan hukum")
    REINTEGRATION = "reintegration", _("Dukungan reintegrasi")
    INVESTIGATE = "investigate", _("Penyelidikan")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Terkirim")
    ACKNOWLEDGED = "acknowledged", _("Diterima (dikonfirmasi)")
    ACCEPTED = "accepted", _("Disanggupi")
    DECLINED = "declined", _("Ditolak")
    IN_PROGRESS = "in_progress", _("Sedang dikerjakan")
    COMPLETED = "completed", _("Selesai")
    WITHDRAWN = "withdrawn", _("Ditarik")
    EXPIRED = "expired", _("Kedaluwarsa")


class Section(models.TextChoices):
    """Parts of a case a referral can share. The lead agency sees everything."""

    IDENTITY = "identity", _("Identitas penyintas (nama, jenis kelamin, umur, kewarganegaraan, asal)")
    CONTACT = "contact", _("Kontak dan alamat penyintas serta keluarga")
    DOCUMENTS = "documents", _("Nomor dokumen identitas")
    EXPLOITATION = "exploitation", _("Rincian eksploitasi")
    LOCATION = "location", _("Lokasi terakhir yang diketahui")
    SERVICES = "services", _("Layanan yang sudah diberikan")
    NOTES = "notes", _("Catatan kasus")
    ATTACHMENTS = "attachments", _("Lampiran")


S = ReferralStatus
ACTIVE = frozenset({S.SENT, S.ACKNOWLEDGED, S.ACCEPTED, S.IN_PROGRESS})
TERMINAL = frozenset({S.DECLINED, S.COMPLETED, S.WITHDRAWN, S.EXPIRED})

# Who may make each move: the receiver works the referral; the sender may withdraw it; the system expires it.
RECEIVER_MOVES: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.ACKNOWLEDGED, S.DECLINED}),
    S.ACKNOWLEDGED: frozenset({S.ACCEPTED, S.DECLINED}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.COMPLETED}),
    S.IN_PROGRESS: frozenset({S.COMPLETED}),
}
SENDER_MOVES: dict[str, frozenset[str]] = {s: frozenset({S.WITHDRAWN}) for s in ACTIVE}
SYSTEM_MOVES: dict[str, frozenset[str]] = {S.SENT: frozenset({S.EXPIRED}), S.ACKNOWLEDGED: frozenset({S.EXPIRED})}

T = ReferralType
# (hours to acknowledge, days to complete) unless an agreement between the agencies or countries says otherwise.
DEFAULT_DEADLINES: dict[str, tuple[int, int]] = {
    T.LOCATE: (24, 14), T.RESCUE: (12, 7), T.VERIFY_CITIZENSHIP: (48, 7), T.TRAVEL_DOCUMENT: (48, 7),
    T.SHELTER: (12, 2), T.REPATRIATE: (48, 14), T.RECEIVE_AT_PORT: (12, 2), T.MEDICAL: (12, 3),
    T.PSYCHOSOCIAL: (48, 14), T.LEGAL_AID: (72, 30), T.REINTEGRATION: (72, 60), T.INVESTIGATE: (72, 90),
}

X = Section
# What a referral of each type shares unless the sender chooses otherwise: the minimum the receiver needs.
DEFAULT_SECTIONS: dict[str, tuple[str, ...]] = {
    T.LOCATE: (X.IDENTITY, X.LOCATION, X.EXPLOITATION),
    T.RESCUE: (X.IDENTITY, X.LOCATION, X.EXPLOITATION),
    T.VERIFY_CITIZENSHIP: (X.IDENTITY, X.DOCUMENTS),
    T.TRAVEL_DOCUMENT: (X.IDENTITY, X.DOCUMENTS),
    T.SHELTER: (X.IDENTITY, X.SERVICES),
    T.REPATRIATE: (X.IDENTITY, X.DOCUMENTS, X.LOCATION),
    T.RECEIVE_AT_PORT: (X.IDENTITY, X.CONTACT),
    T.MEDICAL: (X.IDENTITY, X.SERVICES),
    T.PSYCHOSOCIAL: (X.IDENTITY, X.SERVICES),
    T.LEGAL_AID: (X.IDENTITY, X.EXPLOITATION, X.NOTES),
    T.REINTEGRATION: (X.IDENTITY, X.CONTACT, X.SERVICES),
    T.INVESTIGATE: (X.IDENTITY, X.EXPLOITATION, X.LOCATION, X.ATTACHMENTS),
}
