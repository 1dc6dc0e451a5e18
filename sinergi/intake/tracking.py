"""What a family (on the public tracking page) or a village office (on "my reports") reads about a report: which
kind of office has it and what happens next, in plain words. Never the office's case number, the name of the
officer, the reason given inside the agency, or anything about the person beyond what the reader sent."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.agencies.enums import AgencyType
from sinergi.core import clock

from .enums import OPEN_STATUSES, MoveKind, ReportStatus

OFFICE_WORDS = {
    AgencyType.POLICE: gettext_lazy("kepolisian"),
    AgencyType.FOREIGN_POLICE: gettext_lazy("kepolisian negara tempat orang tersebut berada"),
    AgencyType.FOREIGN_MINISTRY: gettext_lazy("Kementerian Luar Negeri atau perwakilan RI (kedutaan atau konsulat)"),
    AgencyType.MIGRANT_WORKER_PROTECTION: gettext_lazy("badan pelindungan pekerja migran (BP2MI/BP3MI)"),
    AgencyType.PROVINCIAL_SERVICE: gettext_lazy("dinas layanan perlindungan korban di provinsi (seperti UPTD PPA atau Dinas Sosial)"),
    AgencyType.DISTRICT_SERVICE: gettext_lazy("dinas layanan perlindungan korban di kabupaten/kota"),
    AgencyType.TASK_FORCE: gettext_lazy("gugus tugas pencegahan dan penanganan perdagangan orang"),
    AgencyType.NGO: gettext_lazy("lembaga pendamping korban (LSM)"),
    AgencyType.INTERNATIONAL_ORGANISATION: gettext_lazy("organisasi internasional yang membantu korban"),
    AgencyType.VILLAGE: gettext_lazy("kantor desa"),
}


@dataclass(frozen=True)
class PlainStatus:
    where: str      # which kind of office has it
    next: str       # what happens next
    decided: bool

    def __str__(self) -> str:
        return f"{self.where} {self.next}"


def office_words(agency) -> str:
    return str(OFFICE_WORDS.get(getattr(agency, "type", ""), gettext_lazy("lembaga pemerintah yang berwenang")))


def plain_status(report) -> PlainStatus:
    """The status of ``report`` in the active language."""
    office = office_words(report.agency)
    status = report.status
    if status in OPEN_STATUSES:
        forwarded = getattr(report, "was_forwarded", None)
        if forwarded is None:
            forwarded = report.moves.filter(kind=MoveKind.FORWARDED).exists()
        where = (_("Laporan Anda sudah diteruskan ke %(office)s, yang berwenang menanganinya.") if forwarded
                 else _("Laporan Anda sudah diterima oleh %(office)s.")) % {"office": office}
        if report.due_at and report.due_at < clock.now():
            nxt = _("Peninjauannya melewati batas waktu; pimpinan lembaga tersebut sudah diberi tahu agar segera "
                    "memutuskan.")
        elif status == ReportStatus.SCREENED:
            nxt = _("Petugas sudah mulai meninjau laporan dan akan memutuskan apakah kasus dibuka.")
        else:
            nxt = _("Berikutnya: petugas meninjau laporan dan memutuskan apakah kasus dibuka, biasanya dalam "
                    "1-3 hari.")
        return PlainStatus(where, nxt, False)
    if status == ReportStatus.CASE_OPENED:
        return PlainStatus(
            _("Petugas %(office)s membuka kasus dari laporan ini dan sedang menanganinya.") % {"office": office},
            _("Berikutnya: petugas mencari tahu keberadaan dan keadaan orang tersebut, lalu mengatur pertolongan. "
              "Bila Anda meninggalkan kontak, petugas dapat menghubungi Anda."), True)
    if status == ReportStatus.PASSED_ON:
        return _passed_on(report)
    if status == ReportStatus.LINKED:
        return PlainStatus(
            _("Laporan Anda digabungkan dengan kasus yang sudah ditangani oleh %(office)s.") % {"office": office},
            _("Berikutnya: keterangan Anda dipakai petugas dalam kasus tersebut; tidak perlu melapor ulang."), True)
    return PlainStatus(
        _("Laporan Anda sudah ditinjau oleh %(office)s; petugas tidak membuka kasus dari laporan ini.") % {"office": office},
        _("Bila ada kabar baru atau Anda masih khawatir, kirim laporan baru atau hubungi nomor bantuan di halaman ini."),
        True)


def _passed_on(report) -> PlainStatus:
    """Passed on to an agency of a partner instance (another country's, or another system's): the report is
    there, or on its way until the partner's receipt comes back."""
    move = (report.moves.filter(kind=MoveKind.FORWARDED).select_related("to_agency").order_by("-at").first())
    office = office_words(move.to_agency if move else None)
    if report.partner_received_at:
        where = _("Laporan Anda sudah diteruskan ke %(office)s melalui sistem mitra, dan sudah diterima di sana.")
    else:
        where = _("Laporan Anda sedang dikirim ke %(office)s melalui sistem mitra; tanda terima dari sana belum "
                  "datang.")
    return PlainStatus(
        where % {"office": office},
        _("Berikutnya: petugas di sana meninjau laporan dan memutuskan pertolongan yang dibutuhkan. Kantor yang "
          "pertama menerima laporan Anda tetap dapat dihubungi."), True)
