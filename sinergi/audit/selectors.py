"""Reading and verifying the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AuditEvent, AuditHead
from .services import GENESIS, compute_hash


@dataclass
class Break:
    seq: int
    reason: str


def audit_verify(batch_size: int = 5000) -> tuple[int, Break | None]:
    """Walk the chain in order. Returns (rows checked, first break or None).

    A changed row fails its own hash; an inserted or deleted row breaks the link (``prev_hash``) or the
    sequence; rows removed from the end are caught by the head, which records the last sequence and hash.
    """
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq")
    start = 0
    while True:
        rows = list(qs.filter(seq__gt=start)[:batch_size])
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                reason = "row missing before this one" if row.seq > expected_seq else "sequence out of order"
                return checked, Break(row.seq, reason)
            if row.prev_hash != prev_hash:
                return checked, Break(row.seq, "link to the previous row is broken (row inserted or deleted)")
            if compute_hash(row) != row.hash:
                return checked, Break(row.seq, "row content was altered")
            prev_hash = row.hash
            expected_seq += 1
            checked += 1
            last_seq = row.seq
        start = rows[-1].seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        # Without the head, rows cut from the end could not be noticed; an empty log never had one written.
        if checked:
            return checked, Break(last_seq + 1, "chain head is missing (rows at the end may be deleted)")
    elif last_seq > head.seq:
        return checked, Break(head.seq + 1, "row added after the end of the chain (not written by the log)")
    elif head.seq != last_seq or head.hash != prev_hash:
        return checked, Break(last_seq + 1, "rows missing at the end of the chain")
    return checked, None


def audit_tail(limit: int = 20) -> list[AuditEvent]:
    """The latest ``limit`` rows, oldest first (as a log is read)."""
    rows = list(AuditEvent.objects.order_by("-seq")[: max(0, limit)])
    rows.reverse()
    return rows
