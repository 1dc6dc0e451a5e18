"""The exchange log in plain words: what a system administrator reads on the exchange page.

The log keeps codes and the transport's own error text (for ``sinergi exchange status`` and debugging); the page
names directions, message kinds and outcomes by label and says what a transport error means, in the reader's
language, without a Python exception's text."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

DIRECTIONS = {"out": _("Ke mitra"), "in": _("Dari mitra")}
KINDS = {
    "referral.create": _("Rujukan baru"), "referral.status": _("Jawaban rujukan"),
    "notice.create": _("Pemberitahuan baru"), "notice.answer": _("Jawaban pemberitahuan"),
    "notice.close": _("Pemberitahuan ditutup"), "receipt": _("Tanda terima"),
}
OUTCOMES = {
    "delivered": _("Terkirim"), "retry": _("Akan dicoba lagi"), "failed": _("Gagal"), "applied": _("Diterapkan"),
    "duplicate": _("Sudah diterima sebelumnya"), "rejected": _("Ditolak (tidak diterapkan)"), "deferred": _("Ditunda"),
    "error": _("Kesalahan"), "queued": _("Antre"),
}
# Transport errors (urllib, sockets, TLS, HTTP) -> what they mean for the person reading the page.
REASONS = [
    (re.compile(r"connection refused|errno 111|name or service not known|nodename nor servname|no route to host|"
                r"network is unreachable|errno -[23]|getaddrinfo", re.I),
     _("Mitra tidak dapat dihubungi (server mitra mati atau alamatnya salah). Pesan akan dikirim lagi.")),
    (re.compile(r"timed out|timeout", re.I), _("Mitra tidak menjawab tepat waktu. Pesan akan dikirim lagi.")),
    (re.compile(r"certificate|ssl|tls", re.I), _("Sertifikat HTTPS mitra tidak dapat diperiksa.")),
    (re.compile(r"http error 5\d\d|\b5\d\d\b.*server", re.I), _("Server mitra sedang bermasalah. Pesan akan dikirim lagi.")),
    (re.compile(r"http error 4\d\d", re.I), _("Mitra menolak pesan ini.")),
    (re.compile(r"signature|jws|jwe|decrypt|kid|key", re.I), _("Tanda tangan atau enkripsi pesan tidak cocok dengan kunci mitra.")),
    (re.compile(r"malformed|json", re.I), _("Isi pesan tidak dapat dibaca.")),
    (re.compile(r"unknown agency|agency", re.I), _("Lembaga tujuan tidak dikenal di instans ini.")),
    (re.compile(r"stale|expired|too old|replay", re.I), _("Pesan terlalu lama atau sudah pernah dipakai.")),
]
UNKNOWN_REASON = _("Alasan teknis; lihat `sinergi exchange status` di server.")


def reason_words(reason: str):
    """What a transport error means, in plain words (empty for none)."""
    if not reason:
        return ""
    for pattern, words in REASONS:
        if pattern.search(reason):
            return words
    return UNKNOWN_REASON


def log_rows(rows):
    """The log rows with their labels, for the page."""
    return [{
        "at": r.at, "peer_code": r.peer_code,
        "direction": DIRECTIONS.get(r.direction, r.direction), "kind": KINDS.get(r.kind, r.kind or "—"),
        "outcome": OUTCOMES.get(r.outcome, r.outcome), "bad": r.outcome in ("rejected", "failed", "error"),
        "reason": reason_words(r.reason),
    } for r in rows]
