"""Federation between instances: our keys, our peers, and every message that left or arrived."""

from django.db import models

from sinergi.core.fields import EncryptedJSONField
from sinergi.core.models import BaseModel


class InstanceKey(models.Model):
    """One of this instance's key pairs. Retired keys stay published for verification until ``verify_until``.

    The private key is encrypted at rest under the ``exchange`` key (``core.keys``), which is never in the
    database: a copy of the database alone cannot sign or open messages as this instance."""

    class Use(models.TextChoices):
        SIG = "sig"
        ENC = "enc"

    kid = models.CharField(primary_key=True, max_length=64)
    use = models.CharField(max_length=3, choices=Use.choices)
    private_jwk = EncryptedJSONField(key_purpose="exchange")
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)  # used for new messages
    verify_until = models.DateTimeField(null=True, blank=True)  # after retirement: still published until then


class Peer(BaseModel):
    """Another instance (a country's or a large agency's) that we exchange messages with."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    base_url = models.URLField()
    jwks = models.JSONField(default=dict)
    jwks_updated_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class OutboxMessage(BaseModel):
    """A message waiting to leave, or that left. Written in the same transaction as the change it reports."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        DELIVERED = "delivered"
        FAILED = "failed"  # the peer refused it for good (4xx): retrying would not help

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=40)
    body = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]


class InboxMessage(models.Model):
    """A message that arrived and was applied. Its id is the sender's message id: a second delivery is a no-op."""

    id = models.UUIDField(primary_key=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbox")
    kind = models.CharField(max_length=40)
    body = models.JSONField()
    received_at = models.DateTimeField()
    applied_at = models.DateTimeField()


class ExchangeLog(models.Model):
    """What left and what arrived, including refusals with their reason (status visible in the app)."""

    class Direction(models.TextChoices):
        OUT = "out"
        IN = "in"

    at = models.DateTimeField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    peer_code = models.CharField(max_length=32, blank=True)
    message_id = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=16)  # delivered, retry, failed, applied, duplicate, rejected
    reason = models.TextField(blank=True)
    # Where a refused message came from (its address, or its IPv6 /64): logging per source is rate-limited.
    source = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["-at"], name="exchangelog_at"),
                   models.Index(fields=["source", "at"], name="exchangelog_source_at")]


class ExchangeLogDropped(models.Model):
    """Refused messages not logged one by one (over the rate limit), counted per window."""

    window_start = models.DateTimeField(unique=True)
    count = models.PositiveIntegerField(default=0)
