"""The words a reviewer reads for an explanation (``engine.Explanation``): each compared field and each level
the model found, in the reader's language. The engine's own labels are English identifiers of levels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "name": _("Nama"), "sex": _("Jenis kelamin"), "birth": _("Tanggal lahir atau umur"),
    "origin": _("Desa asal"), "passport": _("Nomor paspor"), "phone": _("Nomor telepon"),
}

LEVELS = {
    "same names (any order)": _("nama sama (urutan apa pun)"),
    "same letters (spaces aside)": _("huruf sama (tanpa memperhitungkan spasi)"),
    "names alike (a typo)": _("nama mirip (salah ketik)"),
    "one name contains the other": _("satu nama memuat nama lainnya"),
    "rarest name token shared": _("sama-sama memuat nama yang jarang"),
    "names somewhat alike": _("nama agak mirip"),
    "same date of birth": _("tanggal lahir sama"),
    "day and month swapped": _("hari dan bulan tertukar"),
    "one digit different": _("beda satu angka"),
    "two digits different": _("beda dua angka"),
    "same year of birth": _("tahun lahir sama"),
    "estimated age fits": _("perkiraan umur cocok"),
    "same village": _("desa sama"),
    "same district": _("kecamatan sama"),
    "same regency/city": _("kabupaten/kota sama"),
    "code mistyped": _("kode salah ketik satu atau dua angka"),
    "same (normalised)": _("sama"),
    "one character different": _("beda satu karakter"),
    "two characters different": _("beda dua karakter"),
}


def field_label(name: str) -> str:
    return str(FIELDS.get(name, name))


def level_label(field: dict) -> str:
    """The level of one field of an explanation (``FieldWeight.__dict__``) in the active language."""
    if field.get("agreement", 0) < 0:
        return str(_("tidak ada data di salah satu catatan"))
    if field.get("agreement", 0) == 0:
        return str(_("berbeda"))
    level = str(field.get("level", ""))
    if level in LEVELS:
        return str(LEVELS[level])
    if level.startswith("Exact match"):
        return str(_("sama"))
    return level


def explained(explanation: dict | None) -> list[dict]:
    """The explanation's fields for a page: label (and the field's code), level, weight (log2 Bayes factor),
    strongest first."""
    rows = [{"code": str(f.get("field", "")), "field": field_label(f["field"]), "level": level_label(f),
             "weight": f.get("match_weight", 0.0), "agreement": f.get("agreement", 0)}
            for f in (explanation or {}).get("fields", [])]
    return sorted(rows, key=lambda r: -abs(r["weight"]))
