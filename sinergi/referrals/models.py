"""Referrals between agencies: who asks whom to do what for a case, by when, and what they may see."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.core.models import BaseModel

from .enums import ReferralStatus, ReferralType


class Agreement(BaseModel):
    """Deadlines agreed between two agencies or two countries (e.g. handling steps for repeat cases).

    The most specific agreement wins: an agency pair over a country pair; a type-specific row over one for all
    types. Blank ``referral_type`` means every type.
    """

    name = models.CharField(max_length=200)
    from_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    from_country = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_country = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    referral_type = models.CharField(max_length=24, choices=ReferralType.choices, blank=True)
    ack_hours = models.PositiveIntegerField()
    complete_days = models.PositiveIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Referral(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    type = models.CharField(_("jenis"), max_length=24, choices=ReferralType.choices)
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referrals_sent")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="referrals_received")
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sections = models.JSONField(default=list)
    message = models.TextField(_("permintaan"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    ack_due_at = models.DateTimeField()
    complete_due_at = models.DateTimeField()
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    # Sharing without the survivor's recorded consent needs a reason; supervisors see these.
    consent_override_reason = models.TextField(blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # A referral that crossed to (or came from) another instance: the peer and the referral's id over there.
    remote_peer = models.ForeignKey("exchange.Peer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    remote_id = models.UUIDField(null=True, blank=True)
    # For a referral to a partner instance: when the partner's signed receipt came back. Until then it is
    # queued, not delivered; the partner's deadlines and its performance times count from here.
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["to_agency", "status"], name="referral_to_status"),
            models.Index(fields=["from_agency", "status"], name="referral_from_status"),
            models.Index(fields=["case", "status"], name="referral_case_status"),
            models.Index(fields=["status", "ack_due_at"], name="referral_status_ackdue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} → {self.to_agency}"


class Notice(BaseModel):
    """A broadcast to chosen partner agencies about a missing or unidentified person (like a yellow notice)."""

    class Kind(models.TextChoices):
        MISSING = "missing", _("Orang hilang")
        UNIDENTIFIED = "unidentified", _("Orang tak dikenal")

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        CLOSED = "closed", _("Ditutup")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    issued_by = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="notices_issued")
    issued_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="notices")
    subject_name = models.CharField(_("nama (bila diketahui)"), max_length=200, blank=True)
    description = models.TextField(_("ciri-ciri"))
    # Checked by content like case attachments (JPEG/PNG only); stored under a random name.
    photo = models.FileField(upload_to="notices/", null=True, blank=True)
    last_known_place = models.CharField(_("tempat terakhir diketahui"), max_length=300, blank=True)
    last_known_country = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_seen_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    recipients = models.ManyToManyField("agencies.Agency", through="NoticeRecipient", related_name="notices_received")
    # A notice that came from another instance: the peer and the notice's id over there (answers go back to it).
    remote_peer = models.ForeignKey("exchange.Peer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    remote_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["remote_peer", "remote_id"], name="notice_remote_once",
                                               condition=models.Q(remote_peer__isnull=False))]


class NoticeRecipient(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "agency"], name="notice_recipient_once")]


class NoticeAnswer(BaseModel):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="answers")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    # None for an answer that came from another instance: its author is a user over there.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at"]
