"""The append-only, hash-chained audit log.

Each row's ``hash`` covers its own content and the previous row's hash, keyed with the audit key named by
``key_id`` (``chain``), so altering, inserting or deleting a row breaks the chain from that row on, and
nobody without the key can recompute it; ``sinergi audit verify`` finds the first break.
"""

from django.db import models


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    agency_id = models.UUIDField(null=True)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=16)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The audit key that keys ``hash``; empty for rows written before the chain was keyed (plain SHA-256).
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """A single row holding the chain's tip; writers lock it so sequence and prev_hash never race."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # Rows up to this seq were written before the chain was keyed; every later row must carry a key id.
    legacy_until = models.BigIntegerField(default=0)
    # ``kid:hex`` HMAC over seq, hash and legacy_until (``chain.head_mac``): cutting rows from the end, or
    # moving legacy_until to pass forged unkeyed rows, needs the key.
    mac = models.CharField(max_length=96, blank=True, default="")
