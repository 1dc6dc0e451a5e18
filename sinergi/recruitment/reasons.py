"""Why a risk rule fired, in the reader's language.

A reason is kept as its message id (the Indonesian text, marked for translation, with ``%(name)s`` placeholders)
and its parameters (JSON), never as the text of whoever raised the flag: each page, answer and message renders it
in its reader's language when it is read. A parameter is kept as plain text or a number, or typed when it is
written differently in each language: a country (``{"country": "KH"}``, its name in the reader's language), a day
(``{"date": "2025-06-01"}``, the language's short date) or an amount (``{"money": "1100", "currency": "USD"}``,
with the language's digit grouping). Flags written before reasons were kept as messages, and not recognised by the
migration, keep their text (``reason_text``) and show it as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext, gettext_noop, ngettext_lazy

# The messages (msgids) of the rules. A stored reason names one of these; its English is in the catalogue.
NON_OFFICIAL_DESTINATION = gettext_noop(
    "%(country)s bukan negara tujuan resmi penempatan pekerja migran Indonesia.")
AGENCY_NOT_FOUND = gettext_noop("Perusahaan tidak ditemukan dalam daftar perusahaan penempatan berizin (P3MI).")
LICENCE_NOT_YET = gettext_noop("Izin %(agency)s belum berlaku.")
LICENCE_SUSPENDED = gettext_noop("Izin %(agency)s dibekukan sejak %(since)s.")
LICENCE_REVOKED = gettext_noop("Izin %(agency)s dicabut sejak %(since)s.")
LICENCE_INACTIVE = gettext_noop("Izin %(agency)s tidak aktif sejak %(since)s.")
JOB_ORDER_NOT_APPROVED = gettext_noop("Job order belum disetujui.")
JOB_ORDER_EXPIRED = gettext_noop("Job order sudah tidak berlaku.")
OVER_QUOTA = gettext_noop("Penempatan (%(placed)s) melebihi kuota job order (%(quota)s).")
TOURIST_VISA = gettext_noop("Berangkat bekerja dengan visa turis/kunjungan, bukan visa kerja.")
PAY_ABOVE_NORM = gettext_noop("Gaji sekitar %(pay)s per bulan untuk pekerjaan tanpa keahlian khusus jauh di atas "
                              "kewajaran (batas %(limit)s).")
SOCIAL_MEDIA_ONLY = gettext_noop("Perekrutan hanya lewat media sosial atau aplikasi chat, tanpa kantor resmi atau "
                                 "LTSA.")
FEES_CHARGED = gettext_noop("Calon pekerja diminta membayar %(fee)s.")
SHARED_IDENTIFIER = "Nomor/akun/rekening yang sama muncul dalam %(n)s kasus perdagangan orang."
# Written by the large demo generator (a placement of a survivor whose case was opened).
LINKED_TO_CASE = gettext_noop("Penempatan terkait kasus perdagangan orang.")

# Messages with a count: msgid -> the message with its plural, counted by its ``n`` parameter.
PLURALS = {
    SHARED_IDENTIFIER: ngettext_lazy("Nomor/akun/rekening yang sama muncul dalam %(n)s kasus perdagangan orang.",
                                     "Nomor/akun/rekening yang sama muncul dalam %(n)s kasus perdagangan orang.", "n"),
}

CURRENCY_SIGNS = {"USD": "US$", "IDR": "Rp"}


def country(code: str) -> dict:
    return {"country": (code or "").upper()}


def date(day: dt.date) -> dict:
    return {"date": day.isoformat()}


def money(amount, currency: str) -> dict:
    return {"money": str(amount), "currency": currency}


@dataclass(frozen=True)
class Reason:
    """A reason as it is kept: ``msgid`` and ``params`` (JSON as stored: a fresh reason compares equal to the
    stored one)."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.msgid, self.params)


def reason(msgid: str, **params) -> Reason:
    return Reason(msgid, params)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, tuple[str, str]]:
    from sinergi.regions.names import country_names

    return country_names()


def _indonesian() -> bool:
    return (get_language() or "id").startswith("id")


def _country(code: str) -> str:
    names = _country_names().get(str(code).upper())
    if not names:
        return str(code)
    english, indonesian = names
    return (indonesian or english) if _indonesian() else english


def _amount(value: dict) -> str:
    try:
        amount = Decimal(str(value.get("money")))
    except (InvalidOperation, ValueError):
        return str(value.get("money", ""))
    currency = str(value.get("currency", ""))
    digits = formats.number_format(amount.quantize(Decimal("1")), 0, force_grouping=True)
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{digits}" if sign else f"{digits} {currency}".strip()


def _param(value) -> str:
    if isinstance(value, dict):
        if "country" in value:
            return _country(value["country"])
        if "date" in value:
            try:
                return formats.date_format(dt.date.fromisoformat(str(value["date"])), "SHORT_DATE_FORMAT")
            except ValueError:
                return str(value["date"])
        if "money" in value:
            return _amount(value)
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return formats.number_format(value, 0, force_grouping=True)
    return str(value)


def render(msgid: str, params: dict | None) -> str:
    """The reason in the active language; a malformed one (a missing or extra parameter) as its msgid, never an
    error."""
    msgid = str(msgid or "")
    params = params if isinstance(params, dict) else {}
    args = {name: _param(value) for name, value in params.items()}
    try:
        if msgid in PLURALS:
            return str(PLURALS[msgid] % {**args, "n": int(params["n"])})
        text = gettext(msgid)
        return text % args if "%(" in text else text
    except (KeyError, ValueError, TypeError):
        return msgid


def flag_reason(flag) -> str:
    """What a flag says, in the reader's language: its message, or the text it was raised with before reasons
    were kept as messages."""
    if flag.reason_msgid:
        return render(flag.reason_msgid, flag.reason_params)
    return flag.reason_text


# The shipped rules' names, explanations and questions (seeded by a migration, kept as data an administrator may
# rewrite). Read through ``shown``: the shipped text in the reader's language, an administrator's own as written.
RULE_TEXTS = (
    gettext_noop("Negara tujuan bukan negara penempatan resmi"),
    gettext_noop("Negara ini bukan tujuan resmi penempatan pekerja migran Indonesia. Perekrutan ke sana berada di "
                 "luar jalur resmi satu pintu (LTSA/SISKOP2MI) dan tidak dilindungi negara."),
    gettext_noop("Apakah lowongan ini terdaftar di Disnaker/LTSA? Mengapa negara tujuannya tidak ada di daftar "
                 "resmi?"),
    gettext_noop("Perusahaan tidak berizin, dibekukan atau dicabut"),
    gettext_noop("Hanya perusahaan penempatan (P3MI) berizin aktif yang boleh merekrut pekerja migran."),
    gettext_noop("Berapa nomor izin (SIP3MI) perusahaan? Cek di Disnaker atau BP3MI sebelum membayar atau "
                 "menyerahkan dokumen."),
    gettext_noop("Job order belum disetujui atau melebihi kuota"),
    gettext_noop("Setiap penempatan harus berdasarkan job order yang disetujui dan dalam kuota."),
    gettext_noop("Berangkat dengan visa turis"),
    gettext_noop("Bekerja di luar negeri dengan visa turis atau kunjungan itu ilegal; pekerja mudah dijerat dan "
                 "dokumennya ditahan."),
    gettext_noop("Visa apa yang akan diurus? Minta bukti visa kerja sebelum berangkat."),
    gettext_noop("Gaji terlalu tinggi untuk pekerjaan tanpa keahlian"),
    gettext_noop("Tawaran gaji besar untuk pekerjaan tanpa syarat keahlian (mis. 'customer service', 'admin', "
                 "'marketing' di Kamboja atau Myanmar) adalah pola umum penipuan dan perekrutan ke kompleks "
                 "penipuan daring."),
    gettext_noop("Apa nama dan alamat perusahaan pemberi kerja? Bisakah Anda bicara langsung dengan pekerja di "
                 "sana?"),
    gettext_noop("Hanya lewat media sosial atau aplikasi chat"),
    gettext_noop("Perekrut resmi punya kantor dan melayani lewat LTSA/Disnaker, bukan hanya lewat Facebook, "
                 "Telegram atau WhatsApp."),
    gettext_noop("Di mana kantor perekrut? Bisakah Anda datang bersama keluarga?"),
    gettext_noop("Diminta membayar biaya"),
    gettext_noop("Pekerja migran tidak boleh dibebani biaya penempatan yang dilarang. Permintaan uang di muka adalah "
                 "tanda bahaya."),
    gettext_noop("Untuk apa uang itu? Minta kuitansi resmi dan tanyakan ke Disnaker apakah biaya itu sah."),
    gettext_noop("Nomor, akun atau rekening yang sama muncul di beberapa kasus"),
    gettext_noop("Kontak atau rekening perekrut ini pernah tercatat dalam kasus perdagangan orang."),
)


def shown(text: str) -> str:
    """A rule's text as the reader reads it: a shipped one in their language, an administrator's as written."""
    return gettext(text) if text else ""
