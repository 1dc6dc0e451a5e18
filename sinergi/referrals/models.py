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
