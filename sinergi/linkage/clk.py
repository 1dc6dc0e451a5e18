"""Privacy-preserving record linkage between two instances: keyed Bloom-filter encodings (cryptographic long-term
keys, CLKs; Schnell, Bachteler and Reiher 2009) of a person's name, sex and birth date, compared by their Dice
coefficient, so that Indonesia and Cambodia can find shared cases without either sending a list of names.

    encoder = ClkEncoder(key)                 # the key both instances agreed (``SINERGI_CLK_KEYS[peer]``)
    clk = encoder.encode({"full_name": "Siti Nurhaliza", "sex": "F", "date_of_birth": "1998-11-27"})
    dice(clk, other)                          # 0..1; the same person scores high across spellings
    best_matches(queries, candidates, threshold=DEFAULT_THRESHOLD)

What goes in: the canonical name tokens of ``normalise`` (old and new spelling, Muhammad's variants, capitals
run together, given and family name swapped all give the same tokens) as padded letter bigrams, each token also
whole; the birth date as year, month, day, the full date and the unordered day-month pair (so that a date with
day and month swapped still shares most of its bits); the sex. Every feature is hashed with HMAC-SHA256 under a
per-field key derived from the shared key, and sets ``k`` bits of a ``SIZE``-bit filter by double hashing.
Without the key, the positions of a bigram are unknown, so the filter cannot be compared against encodings of a
name list. See the README ("Across borders without sending names") for what this protects against and what not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import normalise as nz

SIZE = 1024
#: Bits set per feature, by field: names carry most of the identity, then the birth date.
K = {"name": 20, "token": 10, "dob": 12, "sex": 4}
VERSION = 1
DEFAULT_THRESHOLD = 0.8


def _bigrams(token: str) -> list[str]:
    padded = f"_{token}_"
    return [padded[i:i + 2] for i in range(len(padded) - 1)]


def features(record: Mapping) -> list[tuple[str, str]]:
    """The (field, value) features of a record with ``full_name``, ``sex`` and ``date_of_birth`` (text or date)."""
    out: list[tuple[str, str]] = []
    for token in sorted(set(nz.normalise_name(record.get("full_name") or "").tokens)):
        out.append(("token", token))
        out.extend(("name", g) for g in _bigrams(token))
    dob = record.get("date_of_birth")
    birth = nz.parse_birth_date(dob.isoformat() if hasattr(dob, "isoformat") else (dob or ""))
    if birth is not None and birth.date is not None:
        d = birth.date
        out += [("dob", f"y{d.year}"), ("dob", f"m{d.month}"), ("dob", f"d{d.day}"), ("dob", d.isoformat()),
                ("dob", "md" + "-".join(str(x) for x in sorted((d.day, d.month))))]
    elif birth is not None and birth.year:
        out.append(("dob", f"y{birth.year}"))
    sex = nz.normalise_sex(record.get("sex"))
    if sex:
        out.append(("sex", sex))
    return out


class ClkEncoder:
    """Encodes records under one shared secret key (at least 16 bytes)."""

    def __init__(self, key: bytes | str, *, size: int = SIZE):
        key = key.encode() if isinstance(key, str) else bytes(key)
        if len(key) < 16:
            raise ValueError("a CLK key must have at least 16 bytes")
        self.size = size
        # One key per field, so that the same bigram in two fields sets different bits.
        self._keys = {f: hmac.new(key, f"sinergi-clk-v{VERSION}:{f}".encode(), hashlib.sha256).digest() for f in K}
        self._record_key = hmac.new(key, f"sinergi-clk-v{VERSION}:record".encode(), hashlib.sha256).digest()
        #: Names this key and encoding (version, size) without revealing the key: stored encodings are kept under it.
        self.key_id = hmac.new(key, f"sinergi-clk-v{VERSION}:{size}:key-id".encode(),
                               hashlib.sha256).hexdigest()[:16]

    def record_digest(self, record: Mapping) -> str:
        """A keyed digest of what ``encode`` reads of ``record`` (name, sex, birth date): equal digests, equal
        encodings. One HMAC, far cheaper than encoding: a stored encoding is reused while its digest matches."""
        dob = record.get("date_of_birth")
        text = json.dumps([record.get("full_name") or "", record.get("sex") or "",
                           dob.isoformat() if hasattr(dob, "isoformat") else (dob or "")])
        return hmac.new(self._record_key, text.encode(), hashlib.sha256).hexdigest()[:32]

    def _positions(self, field: str, value: str) -> Iterable[int]:
        digest = hmac.new(self._keys[field], value.encode(), hashlib.sha256).digest()
        h1 = int.from_bytes(digest[:8], "big")
        h2 = int.from_bytes(digest[8:16], "big") | 1
        return ((h1 + i * h2) % self.size for i in range(K[field]))

    def encode(self, record: Mapping) -> int:
        """The CLK of ``record`` as an int of ``size`` bits (0 for a record with nothing to encode)."""
        bits = 0
        for field, value in features(record):
            for p in self._positions(field, value):
                bits |= 1 << p
        return bits

    def to_text(self, clk: int) -> str:
        return base64.b64encode(clk.to_bytes(self.size // 8, "big")).decode()

    def from_text(self, text: str) -> int:
        raw = base64.b64decode(text, validate=True)
        if len(raw) != self.size // 8:
            raise ValueError("CLK of the wrong length")
        return int.from_bytes(raw, "big")


def dice(a: int, b: int) -> float:
    """Dice coefficient of two filters: 2|a∧b| / (|a| + |b|)."""
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


@dataclass(frozen=True)
class Match:
    query: int           # index of the query encoding
    candidate: object    # the candidate's key
    score: float


def best_matches(queries: list[int], candidates: Mapping[object, int], *,
                 threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
    """For each query encoding, its best candidate at or above ``threshold`` (none below it)."""
    out = []
    for i, q in enumerate(queries):
        if not q:
            continue
        best = max(((dice(q, c), key) for key, c in candidates.items() if c), default=None,
                   key=lambda x: (x[0], str(x[1])))
        if best and best[0] >= threshold:
            out.append(Match(i, best[1], best[0]))
    return out
