"""Format checks for identity documents and contacts."""

from __future__ import annotations

import re

from .enums import DocumentType
from django.utils.translation import gettext_lazy as _

NIK_RE = re.compile(r"^\d{16}$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{6,12}$")
# A travel document (SPLP, issued by an embassy instead of a passport) is numbered by each mission in its own way,
# often as a letter number: "SPLP/123/PP/2026", "B 1234567".
TRAVEL_DOCUMENT_RE = re.compile(r"^[A-Z0-9][A-Z0-9 ./-]{2,38}[A-Z0-9]$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


def document_number_error(doc_type: str, number: str, issuing_country: str | None) -> str | None:
    number = (number or "").strip()
    if not number:
        return _("Nomor wajib diisi.")
    if doc_type == DocumentType.NIK:
        if issuing_country and issuing_country != "ID":
            return _("NIK hanya diterbitkan Indonesia.")
        if not NIK_RE.match(number):
            return _("NIK harus 16 angka.")
        if number[:2] < "11" or number[:2] > "96":
            return _("Dua angka pertama NIK bukan kode provinsi.")
    elif doc_type == DocumentType.PASSPORT:
        if not PASSPORT_RE.match(number.upper()):
            return _("Nomor paspor 6-12 huruf atau angka.")
    elif doc_type == DocumentType.TRAVEL_DOCUMENT:
        if not TRAVEL_DOCUMENT_RE.match(number.upper()):
            return _("Nomor SPLP atau paspor: 4-40 huruf atau angka, boleh dengan garis miring, titik, tanda "
                     "hubung atau spasi.")
    elif len(number) > 40:
        return _("Nomor terlalu panjang.")
    return None


def phone_error(phone: str) -> str | None:
    if phone and not PHONE_RE.match(phone.strip()):
        return _("Nomor telepon tidak valid.")
    return None
