"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint says "at this time the chain ended at this seq with this hash", signed with the Ed25519
``checkpoint`` key, in a file of its own in ``SINERGI_AUDIT_CHECKPOINT_DIR``. Copied off the machine (another
host, write-once storage), checkpoints catch what the keyed chain alone cannot: someone holding the audit key,
or restoring an older copy of the database, who rewrites or cuts history behind a checkpoint. Anyone with the
public key (``sinergi audit public-key``) can check the signatures without the audit key.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

from sinergi.core import clock, keys

from .models import AuditEvent, AuditHead

FORMAT = "sinergi-audit-checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    seq: int
    head: str
    at: dt.datetime
    instance: str
    signer: str
    legacy_until: int


@dataclass(frozen=True)
class Problem:
    path: Path | None
    kind: str  # forged, rewritten, truncated, unreadable, foreign
    message: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signing_key() -> tuple[str, Ed25519PrivateKey]:
    kid, seed = keys.keyring("checkpoint").active
    return kid, Ed25519PrivateKey.from_private_bytes(seed)


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Key id -> public key, from this instance's checkpoint keyring."""
    return {kid: Ed25519PrivateKey.from_private_bytes(seed).public_key()
            for kid, seed in keys.keyring("checkpoint").keys}


def public_keys_text() -> str:
    """The public keys as ``kid:base64url`` lines, for a verifier that must not hold the private key."""
    return "".join(f"{kid}:{_b64(pub.public_bytes(Encoding.Raw, PublicFormat.Raw))}\n"
                   for kid, pub in public_keys().items())


def public_keys_parse(text: str) -> dict[str, Ed25519PublicKey]:
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            kid, _, b64 = line.partition(":")
            found[kid] = Ed25519PublicKey.from_public_bytes(_unb64(b64))
    return found


def _message(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_dir() -> Path:
    return Path(settings.SINERGI_AUDIT_CHECKPOINT_DIR)


def checkpoint_write(directory: Path | None = None) -> Path:
    """Sign the chain's current head into a new file in ``directory``; returns its path."""
    directory = Path(directory or checkpoint_dir())
    head = AuditHead.objects.filter(pk=1).first()
    seq, head_hash, legacy_until = (head.seq, head.hash, head.legacy_until) if head else (0, "0" * 64, 0)
    at = clock.now().astimezone(dt.UTC)
    kid, key = _signing_key()
    payload = {"format": FORMAT, "instance": settings.SINERGI_INSTANCE, "seq": seq, "head": head_hash,
               "legacy_until": legacy_until, "at": at.isoformat(timespec="microseconds"), "signer": kid,
               "audit_key_id": AuditEvent.objects.filter(seq=seq).values_list("key_id", flat=True).first() or ""}
    document = {**payload, "signature": _b64(key.sign(_message(payload)))}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{settings.SINERGI_INSTANCE}-{seq:012d}-{at:%Y%m%dT%H%M%S%fZ}.json"
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(document, fh, indent=1, sort_keys=True)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _latest_cache[str(directory)] = (seq, at)
    return path


def checkpoints_read(directory: Path | None = None, public: dict[str, Ed25519PublicKey] | None = None
                     ) -> tuple[list[Checkpoint], list[Problem]]:
    """Every checkpoint file in ``directory`` whose signature holds (oldest first), and the problems found:
    unreadable files, bad or unknown signatures (``forged``), checkpoints of another instance."""
    directory = Path(directory or checkpoint_dir())
    public = public_keys() if public is None else public
    good, problems = [], []
    if not directory.is_dir():
        return good, problems
    for path in sorted(directory.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            signature = _unb64(doc.pop("signature"))
            payload = doc
            at = dt.datetime.fromisoformat(payload["at"])
            seq, head = int(payload["seq"]), str(payload["head"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(Problem(path, "unreadable", f"{path.name}: not a checkpoint ({exc.__class__.__name__})"))
            continue
        key = public.get(str(payload.get("signer")))
        try:
            if key is None or payload.get("format") != FORMAT:
                raise InvalidSignature
            key.verify(signature, _message(payload))
        except InvalidSignature:
            problems.append(Problem(path, "forged", f"{path.name}: signature does not verify (forged or altered "
                                                   "checkpoint, or signed by a key we do not trust)"))
            continue
        if payload.get("instance") != settings.SINERGI_INSTANCE:
            problems.append(Problem(path, "foreign", f"{path.name}: checkpoint of instance "
                                                    f"{payload.get('instance')!r}, not of this one"))
            continue
        good.append(Checkpoint(path, seq, head, at, payload["instance"], payload["signer"],
                               int(payload.get("legacy_until", 0))))
    good.sort(key=lambda c: (c.at, c.seq))
    return good, problems


def checkpoints_order_problems(points: list[Checkpoint]) -> list[Problem]:
    """Checks among the checkpoints themselves: the chain only grows, so a later checkpoint with a lower seq,
    or two with one seq and different heads, mean history was rolled back or rewritten between them."""
    problems = []
    by_seq: dict[int, Checkpoint] = {}
    highest: Checkpoint | None = None
    for c in points:
        if highest is not None and c.seq < highest.seq:
            problems.append(Problem(c.path, "truncated", f"{c.path.name}: seq {c.seq} at {c.at:%Y-%m-%d %H:%M} is "
                                                         f"behind the earlier checkpoint at seq {highest.seq} "
                                                         "(chain rolled back between them)"))
        if (other := by_seq.get(c.seq)) is not None and other.head != c.head:
            problems.append(Problem(c.path, "rewritten", f"{c.path.name}: seq {c.seq} has another head than "
                                                         f"{other.path.name} (history rewritten between them)"))
        by_seq.setdefault(c.seq, c)
        if highest is None or c.seq >= highest.seq:
            highest = c
    return problems


def checkpoints_verify(directory: Path | None = None, public: dict[str, Ed25519PublicKey] | None = None
                       ) -> tuple[int, list[Problem]]:
    """Check the chain in the database against every checkpoint. Run after ``audit_verify`` found the chain
    itself intact (its stored hashes are then authentic). Returns (checkpoints checked, problems)."""
    points, problems = checkpoints_read(directory, public)
    problems += checkpoints_order_problems(points)
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    wanted = {c.seq for c in points if 0 < c.seq <= head_seq}
    stored = dict(AuditEvent.objects.filter(seq__in=wanted).values_list("seq", "hash")) if wanted else {}
    for c in points:
        when = c.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        if c.seq > head_seq:
            problems.append(Problem(c.path, "truncated",
                                    f"{c.path.name}: at {when} the chain reached seq {c.seq}, now it ends at "
                                    f"{head_seq} (rows cut from the end, or the database rolled back)"))
        elif c.seq and stored.get(c.seq) != c.head:
            problems.append(Problem(c.path, "rewritten",
                                    f"{c.path.name}: row {c.seq} is not the one signed at {when} (history "
                                    "rewritten up to there)"))
        elif c.seq and c.legacy_until != (head.legacy_until if head else 0):
            problems.append(Problem(c.path, "rewritten", f"{c.path.name}: the unkeyed segment ended at "
                                                         f"{c.legacy_until} when signed"))
    return len(points), problems


# The newest checkpoint per directory, as this process last saw or wrote it: the worker asks every round.
_latest_cache: dict[str, tuple[int, dt.datetime]] = {}


def _latest(directory: Path) -> tuple[int, dt.datetime] | None:
    key = str(directory)
    if key not in _latest_cache:
        points, _ = checkpoints_read(directory)
        if points:
            newest = max(points, key=lambda c: c.at)
            _latest_cache[key] = (newest.seq, newest.at)
    return _latest_cache.get(key)


def checkpoint_if_due(directory: Path | None = None, every: dt.timedelta | None = None) -> Path | None:
    """Write a checkpoint when the chain grew since the last one and ``every`` has passed (the worker's
    periodic job, ``SINERGI_AUDIT_CHECKPOINT_SECONDS``); returns the new file or None."""
    directory = Path(directory or checkpoint_dir())
    every = every if every is not None else dt.timedelta(seconds=settings.SINERGI_AUDIT_CHECKPOINT_SECONDS)
    if every.total_seconds() <= 0:
        return None
    latest = _latest(directory)
    head_seq = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    if latest is not None and (head_seq <= latest[0] or clock.now() - latest[1] < every):
        return None
    if latest is None and head_seq == 0:
        return None
    return checkpoint_write(directory)


def checkpoints_per_signer(directory: Path | None = None) -> dict[str, int]:
    """Checkpoint key id -> files in ``directory`` signed by it (a key that signed some must stay to check them)."""
    directory = Path(directory or checkpoint_dir())
    counts: dict[str, int] = {}
    for path in directory.glob("*.json") if directory.is_dir() else ():
        try:
            signer = str(json.loads(path.read_text(encoding="utf-8")).get("signer", ""))
        except (OSError, ValueError, AttributeError):
            continue
        counts[signer] = counts.get(signer, 0) + 1
    return counts
