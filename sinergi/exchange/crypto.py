"""Signing and encrypting messages between instances: a JWS (ES256, our signing key) inside a JWE
(ECDH-ES+A256KW with A256GCM, to the peer's encryption key). joserfc does the cryptography."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from sinergi.core import clock

from .models import InstanceKey, Peer

SIG_ALG = "ES256"
ENC_ALG = "ECDH-ES+A256KW"
ENC_ENC = "A256GCM"


class Rejected(Exception):
    """A message we will not apply, with the reason we log."""


class NotYetKnown(Rejected):
    """A message about something (a referral, a notice) that has not arrived here yet: messages may overtake
    each other, so the sender keeps it and tries again later instead of giving up."""


class UnknownSigner(Rejected):
    """Signed by a key none of our peers publishes (as far as we know: the peer may have new keys)."""


def keys_ensure() -> None:
    """Create a signing and an encryption key if this instance has none."""
    for use in (InstanceKey.Use.SIG, InstanceKey.Use.ENC):
        if not InstanceKey.objects.filter(use=use, active=True).exists():
            _new_key(use)


def _new_key(use: str) -> InstanceKey:
    kid = f"{use}-{uuid.uuid4().hex[:12]}"
    key = ECKey.generate_key("P-256", parameters={"kid": kid, "use": use})
    return InstanceKey.objects.create(kid=kid, use=use, private_jwk=key.as_dict(private=True))


def keys_rotate(overlap: dt.timedelta = dt.timedelta(days=14)) -> list[str]:
    """New active keys; the old ones stop signing at once but stay published (and usable to decrypt) for
    ``overlap``, so peers holding the old public keys keep working while they refresh."""
    now = clock.now()
    old = list(InstanceKey.objects.filter(active=True))
    InstanceKey.objects.filter(pk__in=[k.pk for k in old]).update(active=False, verify_until=now + overlap)
    return [_new_key(use).kid for use in (InstanceKey.Use.SIG, InstanceKey.Use.ENC)]


def _published_keys() -> list[InstanceKey]:
    now = clock.now()
    return [k for k in InstanceKey.objects.all() if k.active or (k.verify_until and k.verify_until > now)]


def jwks_public() -> dict:
    return {"keys": [ECKey.import_key(k.private_jwk).as_dict(private=False) for k in _published_keys()]}


def _active(use: str) -> ECKey:
    k = InstanceKey.objects.filter(use=use, active=True).order_by("-created_at").first()
    if k is None:
        keys_ensure()
        k = InstanceKey.objects.filter(use=use, active=True).order_by("-created_at").first()
    return ECKey.import_key(k.private_jwk)


def seal(payload: dict, peer: Peer) -> str:
    """Sign with our key, then encrypt to the peer's current encryption key."""
    signing = _active(InstanceKey.Use.SIG)
    signed = jws.serialize_compact({"alg": SIG_ALG, "kid": signing.kid}, json.dumps(payload, separators=(",", ":")),
                                   signing, algorithms=[SIG_ALG])
    enc_keys = [k for k in peer.jwks.get("keys", []) if k.get("use") == "enc"]
    if not enc_keys:
        raise Rejected(f"peer {peer.code} publishes no encryption key")
    peer_key = ECKey.import_key(enc_keys[0])
    return jwe.encrypt_compact({"alg": ENC_ALG, "enc": ENC_ENC, "kid": peer_key.kid}, signed.encode(), peer_key,
                               algorithms=[ENC_ALG, ENC_ENC])


def _protected_header(token: str, parts: int) -> dict:
    import base64

    pieces = token.split(".")
    if len(pieces) != parts:
        raise Rejected("malformed envelope")
    try:
        raw = pieces[0] + "=" * (-len(pieces[0]) % 4)
        header = json.loads(base64.urlsafe_b64decode(raw))
    except (ValueError, UnicodeError) as exc:
        raise Rejected(f"malformed envelope: {exc}") from None
    if not isinstance(header, dict):
        raise Rejected("malformed envelope")
    return header


def unseal(token: str) -> tuple[Peer, dict]:
    """Decrypt with our key (current or still-published old one), find the signer among our peers, verify."""
    header = _protected_header(token, parts=5)
    ours = {k.kid: k for k in _published_keys() if k.use == InstanceKey.Use.ENC}
    key = ours.get(header.get("kid"))
    if key is None:
        raise Rejected("encrypted to a key we do not have")
    try:
        inner = jwe.decrypt_compact(token, ECKey.import_key(key.private_jwk), algorithms=[ENC_ALG, ENC_ENC]).plaintext
        signed_header = _protected_header(inner.decode("ascii"), parts=3)
    except (JoseError, ValueError, UnicodeError) as exc:
        raise Rejected(f"cannot decrypt: {exc}") from None
    kid = signed_header.get("kid")
    peer = next((p for p in Peer.objects.filter(is_active=True)
                 if any(k.get("kid") == kid for k in p.jwks.get("keys", []))), None)
    if peer is None:
        raise UnknownSigner(f"signed by an unknown key {kid!r} (unknown peer)")
    try:
        verified = jws.deserialize_compact(inner, KeySet.import_key_set(peer.jwks), algorithms=[SIG_ALG])
        payload = json.loads(verified.payload)
    except (JoseError, ValueError) as exc:
        raise Rejected(f"bad signature: {exc}") from None
    if not isinstance(payload, dict):
        raise Rejected("payload is not an object")
    return peer, payload


def sign_receipt(payload: dict) -> str:
    signing = _active(InstanceKey.Use.SIG)
    return jws.serialize_compact({"alg": SIG_ALG, "kid": signing.kid}, json.dumps(payload, separators=(",", ":")),
                                 signing, algorithms=[SIG_ALG])


def verify_receipt(token: str, peer: Peer) -> dict:
    try:
        verified = jws.deserialize_compact(token, KeySet.import_key_set(peer.jwks), algorithms=[SIG_ALG])
        return json.loads(verified.payload)
    except (JoseError, ValueError) as exc:
        raise Rejected(f"bad receipt: {exc}") from None
