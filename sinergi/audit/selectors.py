"""Reading and verifying the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from sinergi.core import keys
from sinergi.core.keys import KeyringError

from . import chain
from .chain import GENESIS
from .models import AuditEvent, AuditHead


@dataclass
class Break:
    seq: int
    reason: str


def audit_verify(batch_size: int = 5000) -> tuple[int, Break | None]:
    """Walk the chain in order. Returns (rows checked, first break or None).

    A changed row fails its own hash, and without the audit key no one can compute a valid one; an inserted or
    deleted row breaks the link (``prev_hash``) or the sequence; a row without a key id after the unkeyed
    segment, or a keyed row whose key is unknown, is a break; rows removed from the end are caught by the
    head, which records the last sequence and hash under its own MAC. Rows appended while the walk runs are
    followed as far as the head has moved. The checkpoints outside the database are checked by
    ``checkpoints.checkpoints_verify``.
    """
    head = AuditHead.objects.filter(pk=1).first()
    walk = _Walk(legacy_until=head.legacy_until if head else 0, ring=keys.keyring("audit"))
    for _ in range(10):
        if (broken := walk.run(batch_size)) is not None:
            return walk.checked, broken
        # Writers append rows and move the head in one transaction: a head ahead of the last row walked is
        # a writer that committed meanwhile, so walk on.
        head = AuditHead.objects.filter(pk=1).first()
        if head is None or head.seq <= walk.last_seq:
            break
    checked, last_seq = walk.checked, walk.last_seq
    if head is None:
        # Without the head, rows cut from the end could not be noticed; an empty log never had one written.
        if checked:
            return checked, Break(last_seq + 1, "chain head is missing (rows at the end may be deleted)")
        return checked, None
    if last_seq > head.seq:
        return checked, Break(head.seq + 1, "row added after the end of the chain (not written by the log)")
    if head.seq != last_seq or head.hash != walk.prev_hash:
        return checked, Break(last_seq + 1, "rows missing at the end of the chain")
    if head.legacy_until != walk.legacy_until:
        return checked, Break(min(head.legacy_until, walk.legacy_until) + 1, "the end of the unkeyed segment moved")
    try:
        authentic = chain.head_mac_valid(head)
    except KeyringError:
        authentic = False
    if not authentic:
        return checked, Break(head.seq, "chain head does not authenticate (altered without the audit key)")
    return checked, None


class _Walk:
    """The state of one walk along the chain, resumable when writers append meanwhile."""

    def __init__(self, *, legacy_until: int, ring):
        self.legacy_until, self.ring = legacy_until, ring
        self.prev_hash, self.last_seq, self.checked = GENESIS, 0, 0
        self.keyed_seen = False
        self.secrets: dict[str, bytes | None] = {}

    def _secret(self, kid: str) -> bytes | None:
        if kid not in self.secrets:
            try:
                self.secrets[kid] = self.ring.get(kid)
            except KeyringError:
                self.secrets[kid] = None
        return self.secrets[kid]

    def run(self, batch_size: int) -> Break | None:
        qs = AuditEvent.objects.order_by("seq")
        while True:
            rows = list(qs.filter(seq__gt=self.last_seq)[:batch_size])
            if not rows:
                return None
            for row in rows:
                if (broken := self._check(row)) is not None:
                    return broken
                self.prev_hash, self.last_seq = row.hash, row.seq
                self.checked += 1

    def _check(self, row: AuditEvent) -> Break | None:
        expected = self.last_seq + 1
        if row.seq != expected:
            return Break(row.seq, "row missing before this one" if row.seq > expected else "sequence out of order")
        if row.prev_hash != self.prev_hash:
            return Break(row.seq, "link to the previous row is broken (row inserted or deleted)")
        secret = None
        if not row.key_id:
            if self.keyed_seen or row.seq > self.legacy_until:
                return Break(row.seq, "row without the audit key after the chain was keyed (rewritten by "
                                      "someone without the key)")
        else:
            self.keyed_seen = True
            secret = self._secret(row.key_id)
            if secret is None:
                return Break(row.seq, f"audit key {row.key_id!r} is not configured: this row and the rest cannot "
                                      "be checked")
        if chain.row_hash(row, secret) != row.hash:
            return Break(row.seq, "row content was altered (or its hash recomputed without the key)")
        return None


def audit_tail(limit: int = 20) -> list[AuditEvent]:
    """The latest ``limit`` rows, oldest first (as a log is read)."""
    rows = list(AuditEvent.objects.order_by("-seq")[: max(0, limit)])
    rows.reverse()
    return rows


def audit_rows_per_key() -> dict[str, int]:
    """Audit key id -> rows keyed by it (``sinergi keys status``; a key in use must never be removed)."""
    from django.db.models import Count

    return dict(AuditEvent.objects.exclude(key_id="").values_list("key_id").annotate(n=Count("id")).order_by())


def audit_reads_of(object_type: str, object_id) -> list[AuditEvent]:
    """Every row that names one object, oldest first: its own rows and the list reads whose ``ids`` name it
    (a list page writes one row for all it showed). The JSON prefilter is a text match that works on every
    backend; the exact check is made here."""
    object_id = str(object_id)
    direct = AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
    listed = [row for row in AuditEvent.objects.filter(object_type=object_type, object_id="",
                                                       detail__icontains=object_id)
              if object_id in (row.detail or {}).get("ids", ())]
    return sorted([*direct, *listed], key=lambda row: row.seq)


def sealed_terms_per_key() -> dict[str, int]:
    """Field key id -> audit rows whose search terms it seals (a field key in use must never be removed)."""
    from sinergi.core import sealing

    counts: dict[str, int] = {}
    for detail in AuditEvent.objects.filter(detail__icontains='"terms"').values_list("detail", flat=True).iterator():
        kid = sealing.sealed_kid((detail or {}).get("terms", ""))
        if kid:
            counts[kid] = counts.get(kid, 0) + 1
    return counts
