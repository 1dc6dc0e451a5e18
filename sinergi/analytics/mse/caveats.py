"""What the reader of an estimate must know, in plain words, for the page that shows it.

Each caveat is a lazy gettext string (Indonesian source, English in the catalogue): ``caveats()`` gives them
in the active language, in the order a page should show them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CAVEATS = (
    (
        "estimate_not_count",
        _("Ini perkiraan, bukan hitungan"),
        _(
            "Angka ini diperkirakan dari pola tumpang tindih antar-daftar, bukan dihitung satu per satu. Selalu "
            "sebutkan intervalnya bersama angkanya, dan jangan menyajikan angka tengahnya sendirian."
        ),
    ),
    (
        "hidden_meaning",
        _("Arti \u201ctidak pernah terlihat\u201d"),
        _(
            "Yang diperkirakan adalah orang dari kelompok yang sama dengan yang dijangkau daftar-daftar ini (pada "
            "periode dan wilayah yang dipilih) tetapi tidak tercatat di daftar mana pun. Korban yang sama sekali di "
            "luar jangkauan semua lembaga ini, misalnya jenis eksploitasi yang tidak pernah ditangani satu lembaga "
            "pun, tidak ikut terhitung: angka sebenarnya bisa lebih besar lagi."
        ),
    ),
    (
        "lists_must_overlap",
        _("Daftar harus saling tumpang tindih"),
        _(
            "Estimasi bertumpu pada orang yang tercatat di lebih dari satu daftar. Jika daftar-daftar hampir tidak "
            "berbagi orang, perkiraannya sangat tidak pasti atau tidak dapat dihitung sama sekali; daftar yang tidak "
            "berbagi seorang pun dengan daftar lain tidak dapat dipakai."
        ),
    ),
    (
        "linkage_errors",
        _("Kesalahan penautan data membiaskan perkiraan"),
        _(
            "Setiap orang harus dikenali sebagai orang yang sama di semua daftar. Jika orang yang sama tidak "
            "tertaut (misalnya karena ejaan nama berbeda), daftar tampak kurang tumpang tindih dan perkiraan menjadi "
            "terlalu besar; jika dua orang berbeda keliru ditautkan, perkiraan menjadi terlalu kecil. Sebaran karena "
            "ketidakpastian penautan ditunjukkan terpisah bila tersedia."
        ),
    ),
    (
        "model_assumptions",
        _("Anggapan model"),
        _(
            "Model menganggap: kelompok orangnya tetap selama periode (tidak ada yang datang atau pergi); setiap "
            "orang tercatat paling banyak sekali per daftar; ketergantungan antar-daftar (misalnya rujukan dari "
            "polisi ke rumah aman) cukup digambarkan oleh interaksi dua daftar yang dipilih; dan orang yang tidak "
            "terlihat menyerupai orang yang terlihat. Jika sebagian orang jauh lebih sulit dijangkau semua lembaga, "
            "perkiraan cenderung terlalu kecil."
        ),
    ),
    (
        "interval_meaning",
        _("Arti intervalnya"),
        _(
            "Interval 95% mencakup ketidakpastian karena kebetulan siapa yang tercatat dan karena pemilihan model. "
            "Interval itu tidak mencakup kesalahan data, kesalahan penautan, atau anggapan model yang keliru."
        ),
    ),
)


def caveats() -> list[dict]:
    """The caveats in the active language: ``[{"code", "title", "text"}]``."""
    return [{"code": code, "title": str(title), "text": str(text)} for code, title, text in CAVEATS]
