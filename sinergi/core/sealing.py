"""Authenticated encryption of values at rest and keyed digests for looking them up.

A sealed value is ``sng1:<key id>:<base64url(nonce | ciphertext | tag)>`` (AES-256-GCM, 96-bit random nonce).
The associated data binds it to its key id and its context (the column, e.g. ``people.Person.phone``), so a
value copied into another column, or relabelled with another key id, fails to open instead of being shown.
A digest is ``<key id>:<hex HMAC-SHA256>`` of the normalised value under the ``index`` key: equal values give
equal digests (lookups, record linkage) but the digest does not reveal the value to a database reader.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import keys

PREFIX = "sng1"
NONCE_BYTES = 12
_ciphers: dict[tuple[str, str], AESGCM] = {}


class SealError(ValueError):
    """A stored value that does not open: altered, moved from another column, or under a key we lack."""


@keys.on_reset
def _forget_ciphers() -> None:
    _ciphers.clear()


def _cipher(purpose: str, kid: str, secret: bytes) -> AESGCM:
    c = _ciphers.get((purpose, kid))
    if c is None:
        c = _ciphers[(purpose, kid)] = AESGCM(secret)
    return c


def _aad(kid: str, context: str) -> bytes:
    return f"{PREFIX}|{kid}|{context}".encode()


def seal(plaintext: str, *, context: str, purpose: str = "field") -> str:
    """Encrypt ``plaintext`` under the purpose's active key."""
    kid, secret = keys.keyring(purpose).active
    nonce = os.urandom(NONCE_BYTES)
    body = _cipher(purpose, kid, secret).encrypt(nonce, plaintext.encode("utf-8"), _aad(kid, context))
    return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + body).decode('ascii').rstrip('=')}"


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def sealed_kid(value: str) -> str | None:
    """The key id a sealed value names, or None for anything else."""
    if not is_sealed(value):
        return None
    parts = value.split(":", 2)
    return parts[1] if len(parts) == 3 else None


def unseal(token: str, *, context: str, purpose: str = "field") -> str:
    """Decrypt a value written by ``seal`` for the same context; ``SealError`` if it does not open."""
    parts = token.split(":", 2) if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != PREFIX:
        raise SealError(f"{context}: stored value is not encrypted (written around the application?)")
    kid, b64 = parts[1], parts[2]
    secret = keys.keyring(purpose).get(kid)
    try:
        raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        plain = _cipher(purpose, kid, secret).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(kid, context))
    except (InvalidTag, ValueError) as exc:
        raise SealError(f"{context}: stored value does not authenticate (altered or moved)") from exc
    return plain.decode("utf-8")


# Lookups normalise before hashing, so that 0812-3456 and +62 812 3456 or passport c1234567 and C1234567 meet.
def normalise(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        # Indonesian numbers: 0812... and +62 812... are the same line (as the recruitment rules read them).
        return "62" + digits[1:] if digits.startswith("0") else digits
    if kind == "email":
        return value.lower()
    if kind == "document":
        return re.sub(r"[^0-9A-Z]", "", value.upper())
    raise ValueError(f"unknown digest kind {kind!r}")


def _mac(kid: str, secret: bytes, kind: str, normalised: str) -> str:
    return f"{kid}:{hmac.new(secret, f'{kind}|{normalised}'.encode(), hashlib.sha256).hexdigest()}"


def digest(kind: str, value: str) -> str:
    """The keyed digest of ``value`` under the active index key; empty for an empty value."""
    n = normalise(kind, value)
    if not n:
        return ""
    kid, secret = keys.keyring("index").active
    return _mac(kid, secret, kind, n)


def digests(kind: str, value: str) -> list[str]:
    """Digests of ``value`` under every index key: a lookup that also finds rows not yet re-keyed."""
    n = normalise(kind, value)
    if not n:
        return []
    return [_mac(kid, secret, kind, n) for kid, secret in keys.keyring("index").keys]
