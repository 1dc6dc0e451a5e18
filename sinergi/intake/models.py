"""Reports from any channel and their screening against trafficking indicators."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.core.fields import EncryptedCharField
from sinergi.core.models import BaseModel

from .enums import Channel, MoveKind, ReportStatus


class Report(BaseModel):
    channel = models.CharField(_("saluran"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("diterima"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="reports")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reporter_name = models.CharField(_("nama pelapor"), max_length=200, blank=True)
    reporter_relation = models.CharField(_("hubungan pelapor"), max_length=100, blank=True)
    reporter_contact = EncryptedCharField(_("kontak pelapor"), max_length=200, blank=True)  # encrypted at rest
    narrative = models.TextField(_("apa yang terjadi"))
    country_of_exploitation = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_known_location = models.CharField(max_length=200, blank=True)
    subject = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.NEW)
    # Triage (the inbox): who filed it from a reporting office, by when it must be decided, and how late it is.
    filed_by_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="filed_reports")
    due_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # Across instances: a report that arrived from a partner carries the partner and its id there (received once);
    # one this agency passed on to a partner's agency records when the partner's signed receipt came back.
    remote_peer = models.ForeignKey("exchange.Peer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    remote_id = models.UUIDField(null=True, blank=True)
    partner_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["agency", "status", "-received_at"])]
        constraints = [models.UniqueConstraint(fields=["remote_peer", "remote_id"], name="report_remote_once",
                                               condition=models.Q(remote_id__isnull=False))]


class ReportMove(BaseModel):
    """One step of a report's way through the inbox: arrived, passed on, case opened, attached, closed, late."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="moves")
    kind = models.CharField(max_length=16, choices=MoveKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["at", "created_at"]


class ReportRoute(BaseModel):
    """The task force's procedure for reports filed by village and district offices: reports from ``region``
    (a regency or a province) go to ``agency``. The most specific region wins; without a route the regency's
    own services receive them (see ``intake.routing``)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("catatan prosedur"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region"], name="report_route_region_once")]


class Screening(BaseModel):
    """One screening of a person against the ILO 11 indicators and the ILO/EC Delphi dimensions."""

    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="screenings")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="screenings")
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField()
    ilo_indicators = models.JSONField(default=list, help_text="ILO 11 indicator ids present")
    delphi_items = models.JSONField(default=list, help_text="Delphi item keys present")
    delphi_positive_dimensions = models.JSONField(default=list)
    suggested_status = models.CharField(max_length=32)
    victim_status = models.CharField(max_length=32, blank=True)
    decided_by_org = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-performed_at"]
