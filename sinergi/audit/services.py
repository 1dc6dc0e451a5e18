"""Writing audit rows. Call inside the transaction of the change being audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from django.db import transaction

from sinergi.core import clock

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


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


def _canonical(row: AuditEvent) -> bytes:
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
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def compute_hash(row: AuditEvent) -> str:
    return hashlib.sha256(_canonical(row)).hexdigest()


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
        now = clock.now()
        rows = []
        prev = head.hash
        seq = head.seq
        for e in entries:
            seq += 1
            row = AuditEvent(
                seq=seq, at=now, user_id=actor.user_id, username=actor.username or "",
                agency_id=actor.agency_id, role=actor.role or "", action=e.action, object_type=e.object_type,
                object_id=str(e.object_id or ""), purpose=e.purpose or "", detail=_jsonable(e.detail), prev_hash=prev,
            )
            row.hash = compute_hash(row)
            prev = row.hash
            rows.append(row)
        AuditEvent.objects.bulk_create(rows, batch_size=2000)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return rows


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(detail, default=str))
