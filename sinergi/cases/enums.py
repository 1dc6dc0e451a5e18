"""The case pathway: stages, branching outcomes, timeline event codes and the allowed-transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.access.capabilities import Cap


class Stage(models.TextChoices):
    REPORTED = "reported", _("Dilaporkan")
    LOCATED = "located", _("Ditemukan")
    IDENTIFIED = "identified", _("Teridentifikasi")
    PROTECTED = "protected", _("Dilindungi")
    DOCUMENTED = "documented", _("Dokumen terbit")
    REPATRIATED = "repatriated", _("Dipulangkan")
    RECEIVED = "received", _("Diterima daerah asal")
    RECOVERING = "recovering", _("Pemulihan")
    REINTEGRATED = "reintegrated", _("Reintegrasi")
    CLOSED = "closed", _("Ditutup")


STAGE_ORDER = list(Stage)


class Outcome(models.TextChoices):
    """How a case ended when it did not end with reintegration (or alongside it)."""

    REINTEGRATED = "reintegrated", _("Kembali ke keluarga/komunitas")
    DECLINED_HELP = "declined_help", _("Menolak bantuan")
    DECEASED = "deceased", _("Meninggal dunia")
    STAYS_ABROAD = "stays_abroad", _("Memilih tetap di luar negeri")
    RETRAFFICKED = "retrafficked", _("Diperdagangkan kembali")
    NOT_A_VICTIM = "not_a_victim", _("Bukan korban TPPO")
    LOST_CONTACT = "lost_contact", _("Kehilangan kontak")
    DUPLICATE = "duplicate", _("Duplikat kasus lain")


class VictimStatus(models.TextChoices):
    """HTCDS ``vic_TraffickingStatus``."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Kemungkinan korban")
    ACTUAL = "ActualVictimOfTrafficking", _("Korban TPPO")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Bukan korban")


class DecisionOrg(models.TextChoices):
    """HTCDS ``vic_TraffickingStatusDecisionMakingOrg``."""

    POLICE = "Police", _("Kepolisian")
    NGO = "NGO", _("LSM / organisasi internasional")
    COURT = "CourtOrProsecution", _("Pengadilan atau kejaksaan")
    GOVERNMENT = "NonPoliceGovernmentalOrganization", _("Instansi pemerintah non-kepolisian")
    OTHER = "Other", _("Lainnya")


class EventKind(models.TextChoices):
    CASE_OPENED = "case_opened", _("Kasus dibuka")
    REPORT_LINKED = "report_linked", _("Laporan ditautkan")
    STAGE_CHANGED = "stage_changed", _("Tahap berubah")
    OUTCOME_RECORDED = "outcome_recorded", _("Hasil akhir dicatat")
    SCREENED = "screened", _("Penapisan")
    VICTIM_STATUS = "victim_status", _("Status korban diputuskan")
    DETAILS_UPDATED = "details_updated", _("Rincian diperbarui")
    SERVICE_ADDED = "service_added", _("Layanan dicatat")
    SERVICE_UPDATED = "service_updated", _("Layanan diperbarui")
    NOTE_ADDED = "note_added", _("Catatan ditambahkan")
    ATTACHMENT_ADDED = "attachment_added", _("Lampiran diunggah")
    IMPORTED = "imported", _("Diimpor")
    REFERRAL = "referral", _("Rujukan")


class ServiceType(models.TextChoices):
    SHELTER = "shelter", _("Rumah aman / penampungan")
    MEDICAL = "medical", _("Layanan kesehatan")
    PSYCHOSOCIAL = "psychosocial", _("Dukungan psikososial")
    LEGAL_AID = "legal_aid", _("Bantuan hukum")
    TRAVEL_DOCUMENT = "travel_document", _("Dokumen perjalanan")
    REPATRIATION = "repatriation", _("Pemulangan")
    FAMILY_TRACING = "family_tracing", _("Penelusuran keluarga")
    FAMILY_REUNIFICATION = "family_reunification", _("Penyatuan keluarga")
    LIVELIHOOD = "livelihood", _("Pemberdayaan ekonomi")
    EDUCATION = "education", _("Pendidikan / pelatihan")
    FINANCIAL = "financial", _("Bantuan keuangan")
    INTERPRETATION = "interpretation", _("Penerjemahan")
    OTHER = "other", _("Lainnya")


class ServiceOutcome(models.TextChoices):
    ONGOING = "ongoing", _("Berlangsung")
    COMPLETED = "completed", _("Selesai")
    DECLINED = "declined", _("Ditolak penyintas")
    NOT_AVAILABLE = "not_available", _("Tidak tersedia")
    DISCONTINUED = "discontinued", _("Dihentikan")


S = Stage
# The one table of allowed moves. Real cases skip stages (a survivor found at home is never repatriated;
# a domestic case needs no travel document), so forward skips that make sense are listed explicitly.
ALLOWED_TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    S.REPORTED: frozenset({S.LOCATED, S.IDENTIFIED, S.CLOSED}),
    S.LOCATED: frozenset({S.IDENTIFIED, S.PROTECTED, S.CLOSED}),
    S.IDENTIFIED: frozenset({S.PROTECTED, S.DOCUMENTED, S.RECEIVED, S.RECOVERING, S.CLOSED}),
    S.PROTECTED: frozenset({S.DOCUMENTED, S.REPATRIATED, S.RECOVERING, S.CLOSED}),
    S.DOCUMENTED: frozenset({S.REPATRIATED, S.CLOSED}),
    S.REPATRIATED: frozenset({S.RECEIVED, S.CLOSED}),
    S.RECEIVED: frozenset({S.RECOVERING, S.REINTEGRATED, S.CLOSED}),
    S.RECOVERING: frozenset({S.REINTEGRATED, S.CLOSED}),
    S.REINTEGRATED: frozenset({S.RECOVERING, S.CLOSED}),
    S.CLOSED: frozenset(),
}

# Outcomes that end a case: closing requires one of them.
CLOSING_OUTCOMES = frozenset(Outcome)

# What each stage needs before a case may enter it: the field names a transition must carry (or the case
# must already have).
STAGE_REQUIREMENTS: dict[Stage, tuple[str, ...]] = {
    S.IDENTIFIED: ("victim_status",),
    S.DOCUMENTED: ("travel_document_number",),
    S.REPATRIATED: ("port_of_entry",),
    S.CLOSED: ("outcome",),
}

# The capability each move needs, by target stage (``access.capabilities.Cap``): closing is its own right.
MOVE_CAPABILITY: dict[Stage, Cap] = {S.CLOSED: Cap.CASE_CLOSE}


def capability_for(to_stage) -> Cap:
    return MOVE_CAPABILITY.get(Stage(to_stage), Cap.CASE_TRANSITION)


def moves_from(stage, caps=None) -> list[Stage]:
    """The stages a case in ``stage`` may move to, in pathway order; given ``caps`` (what the user holds in the
    case's lead agency), only the moves those allow. Every caller reads the tables above through this."""
    allowed = ALLOWED_TRANSITIONS[Stage(stage)]
    return [s for s in STAGE_ORDER if s in allowed and (caps is None or capability_for(s) in caps)]
