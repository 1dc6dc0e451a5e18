"""Format checks for identity documents and contacts."""

from __future__ import annotations

import re

from .enums import DocumentType

NIK_RE = re.compile(r"^\d{16}$")
PASSPORT_RE = re.compile(r"^[A-Z0-9]{6,12}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


def document_number_error(doc_type: str, number: str, issuing_country: str | None) -> str | None:
    number = (number or "").strip()
    if not number:
        return "Nomor wajib diisi / number is required."
    if doc_type == DocumentType.NIK:
        if issuing_country and issuing_country != "ID":
            return "NIK hanya diterbitkan Indonesia / a NIK is issued only by Indonesia."
        if not NIK_RE.match(number):
            return "NIK harus 16 angka / a NIK has 16 digits."
        if number[:2] < "11" or number[:2] > "96":
            return "Dua angka pertama NIK bukan kode provinsi / the first two digits are not a province code."
    elif doc_type in (DocumentType.PASSPORT, DocumentType.TRAVEL_DOCUMENT):
        if not PASSPORT_RE.match(number.upper()):
            return "Nomor paspor 6-12 huruf atau angka / passport numbers have 6-12 letters or digits."
    elif len(number) > 40:
        return "Nomor terlalu panjang / number too long."
    return None


def phone_error(phone: str) -> str | None:
    if phone and not PHONE_RE.match(phone.strip()):
        return "Nomor telepon tidak valid / not a valid phone number."
    return None
