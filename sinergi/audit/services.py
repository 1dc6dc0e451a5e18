"""Writing audit rows. Call inside the transaction of the change being audited."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from sinergi.core import clock, keys
from sinergi.core.ids import as_uuid

from . import chain
from .chain import GENESIS
from .enums import Action
from .models import AuditEvent, AuditHead

__all__ = ["GENESIS", "SYSTEM", "TERMS_CONTEXT", "Actor", "Entry", "audit_list_read", "audit_log", "audit_log_many",
           "compute_hash", "split_terms"]

# Filter names whose values a user types freely (a name, a number, a phone): personal data, kept sealed.
TERM_KEYS = frozenset({"q", "search", "name", "full_name", "subject_name", "survivor_name", "nik", "passport",
                       "phone", "email"})
# The context the sealed terms are bound to (``sealing``): a value moved from elsewhere does not open here.
TERMS_CONTEXT = "audit.AuditEvent.detail.terms"


@dataclass
class Entry:
    action: str
    object_type: str
    object_id: str = ""
    purpose: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Actor:
    """Who did it: the user and the agency and role they acted in (None user for the system itself)."""

    user_id: int | None
    username: str
    agency_id: Any = None
    role: str = ""


SYSTEM = Actor(user_id=None, username="system")


def compute_hash(row: AuditEvent) -> str:
    """The row's hash as the chain stores it (keyed by ``row.key_id``; plain SHA-256 for legacy rows)."""
    return chain.row_hash(row)


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_log(*, actor: Actor, action: str, object_type: str, object_id: Any = "", purpose: str = "",
              detail: dict[str, Any] | None = None) -> AuditEvent:
    """Append one row. Must run inside the caller's transaction so the row and the change commit together."""
    return audit_log_many(actor=actor, entries=[Entry(action, object_type, str(object_id or ""), purpose, detail or {})])[0]


def audit_log_many(*, actor: Actor, entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append many rows for one actor in one locked step (imports, exports, list reads)."""
    entries = list(entries)
    if not entries:
        return []
    with transaction.atomic():
        head = _lock_head()
        kid, secret = keys.keyring("audit").active
        now = clock.now()
        if timezone.is_naive(now):
            now = timezone.make_aware(now)
        # The hash is computed before the row is saved and checked after it is read back, so every value must
        # already be what the database will return: ids in their stored type, text within the column limits.
        user_id = int(actor.user_id) if actor.user_id is not None else None
        agency_id = _as_uuid(actor.agency_id)
        username, role = _text(actor.username, 150), _text(actor.role, 32)
        rows = []
        prev = head.hash
        seq = head.seq
        for e in entries:
            seq += 1
            row = AuditEvent(
                seq=seq, at=now, user_id=user_id, username=username, agency_id=agency_id, role=role,
                action=_text(e.action, 16), object_type=_text(e.object_type, 40), object_id=_text(e.object_id, 64),
                purpose=_text(e.purpose, 300), detail=_jsonable(e.detail), prev_hash=prev, key_id=kid,
            )
            row.hash = chain.row_hash(row, secret)
            prev = row.hash
            rows.append(row)
        AuditEvent.objects.bulk_create(rows, batch_size=2000)
        head.seq, head.hash = seq, prev
        head.mac = chain.head_mac(seq, prev, head.legacy_until)
        head.save(update_fields=["seq", "hash", "mac"])
    return rows


def split_terms(filters: dict[str, Any] | None, *, structured: Iterable[str] | None = None) -> tuple[dict, str]:
    """``(filters kept readable, sealed terms or "")``. Free-text values (``TERM_KEYS``, and every key not in
    ``structured`` when the caller names its structured filters) are sealed with the field key: the audit row
    keeps what was searched for, and only ``access.audit_view`` opens it for a reader entitled to the case data."""
    from sinergi.core import sealing

    plain: dict[str, Any] = {}
    terms: dict[str, Any] = {}
    allowed = set(structured) if structured is not None else None
    for key, value in (filters or {}).items():
        if value in (None, "", [], ()):
            continue
        free = key in TERM_KEYS or (allowed is not None and key not in allowed)
        (terms if free else plain)[str(key)] = value
    if not terms:
        return plain, ""
    return plain, sealing.seal(json.dumps(terms, default=str, sort_keys=True), context=TERMS_CONTEXT)


def audit_list_read(*, actor: Actor, object_type: str, ids: Iterable[Any], via: str, purpose: str = "",
                    filters: dict[str, Any] | None = None, structured: Iterable[str] | None = None,
                    detail: dict[str, Any] | None = None) -> AuditEvent | None:
    """ONE read row for one page of a list: the ids it showed, in order, how it was reached (``via``), the
    structured filters in clear and the typed search terms sealed (``split_terms``). Nothing is written for an
    empty page that was not a search. ``audit_reads_of`` finds these rows by any id they name."""
    ids = [str(i) for i in ids]
    plain, terms = split_terms(filters, structured=structured)
    if not ids and not terms:
        return None
    body: dict[str, Any] = {"via": via, "ids": ids, "count": len(ids), **(detail or {})}
    if plain:
        body["filters"] = plain
    if terms:
        body["terms"] = terms
    with transaction.atomic():
        return audit_log(actor=actor, action=Action.READ, object_type=object_type, object_id="", purpose=purpose,
                         detail=body)


def _as_uuid(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    key = as_uuid(value)
    if key is None:
        raise ValueError(f"not a record key: {value!r}")
    return key


def _text(value, limit: int) -> str:
    # PostgreSQL refuses NUL in text and longer values than the column allows; SQLite would keep both.
    return str(value or "").replace("\x00", "")[:limit]


def _float(text: str):
    value = float(text)
    # PostgreSQL's jsonb reads 1e+20 as the integer 100000000000000000000 and returns it so; keep such
    # (always whole) floats as integers from the start so the hashed and the stored detail agree.
    if math.isfinite(value) and abs(value) >= 1e16:
        return int(value)
    return value


def _strip_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    return value


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail as the database will give it back: JSON types only (UUIDs, dates and decimals as text),
    no NaN/Infinity and no NUL characters (jsonb refuses both)."""
    text = json.dumps(detail or {}, default=str)
    value = json.loads(text, parse_float=_float, parse_constant=str)
    return _strip_nul(value) if "\\u0000" in text else value
