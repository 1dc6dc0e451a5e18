"""How a row and the head of the audit chain are authenticated.

A row's ``hash`` is HMAC-SHA256, under the audit key named by its ``key_id``, over its canonical content
(which includes the previous row's hash and the key id). Without the key nobody can compute a valid hash, so a
database writer who deletes, inserts or alters rows and recomputes the rest is found. Rows written before the
chain was keyed (``key_id`` empty, up to ``AuditHead.legacy_until``) keep their plain SHA-256 and verify as
before; the first keyed row covers the last of them through its ``prev_hash``.

The head (last seq and hash, and where the unkeyed segment ends) carries a MAC too, so rows cut from the end
are found. Restoring an older copy of the whole database (head included) is found by the signed checkpoints
kept outside it (``checkpoints``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

from sinergi.core import keys

GENESIS = "0" * 64


def canonical(row, *, keyed: bool) -> bytes:
    payload = {
        "seq": row.seq,
        "at": row.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "user_id": row.user_id,
        "username": row.username,
        "agency_id": str(row.agency_id) if row.agency_id else None,
        "role": row.role,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "purpose": row.purpose,
        "detail": row.detail,
        "prev_hash": row.prev_hash,
    }
    if keyed:
        payload["key_id"] = row.key_id
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def row_hash(row, secret: bytes | None = None) -> str:
    """The row's hash: keyed by its ``key_id`` (``secret`` saves the keyring lookup), plain for legacy rows."""
    if not row.key_id:
        return hashlib.sha256(canonical(row, keyed=False)).hexdigest()
    if secret is None:
        secret = keys.keyring("audit").get(row.key_id)
    return hmac.new(secret, canonical(row, keyed=True), hashlib.sha256).hexdigest()


def _head_message(seq: int, head_hash: str, legacy_until: int) -> bytes:
    return f"sinergi-audit-head|{seq}|{head_hash}|{legacy_until}".encode()


def head_mac(seq: int, head_hash: str, legacy_until: int) -> str:
    kid, secret = keys.keyring("audit").active
    return f"{kid}:{hmac.new(secret, _head_message(seq, head_hash, legacy_until), hashlib.sha256).hexdigest()}"


def head_mac_valid(head) -> bool:
    kid, _, mac = (head.mac or "").partition(":")
    if not kid or not mac:
        return False
    secret = keys.keyring("audit").get(kid)
    expected = hmac.new(secret, _head_message(head.seq, head.hash, head.legacy_until), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, mac)
