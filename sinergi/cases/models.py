"""The case: survivor, lead agency, exploitation details (HTCDS vocabulary), pathway, services, notes,
attachments and timeline. Rows here change only through ``cases.services``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.core.fields import DigestField, EncryptedCharField
from sinergi.core.models import BaseModel

from .enums import DecisionOrg, EventKind, Outcome, ServiceOutcome, ServiceType, Stage, VictimStatus


class Case(BaseModel):
    reference = models.CharField(_("nomor kasus"), max_length=32, unique=True)
    external_id = models.CharField(_("ID eksternal"), max_length=100, null=True, blank=True, unique=True)
    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="led_cases")
    stage = models.CharField(_("tahap"), max_length=16, choices=Stage.choices, default=Stage.REPORTED)
    stage_entered_at = models.DateTimeField()
    outcome = models.CharField(_("hasil akhir"), max_length=16, choices=Outcome.choices, blank=True)
    previous_case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="later_cases",
        help_text=_("Kasus sebelumnya bila penyintas diperdagangkan kembali."),
    )
    reported_on = models.DateField(_("tanggal laporan"))
    closed_at = models.DateTimeField(null=True, blank=True)

    victim_status = models.CharField(_("status korban"), max_length=32, choices=VictimStatus.choices, blank=True)
    victim_status_decided_by = models.CharField(max_length=40, choices=DecisionOrg.choices, blank=True)
    victim_status_decided_on = models.DateField(null=True, blank=True)

    # Exploitation details, HTCDS value names.
    exploitation_types = models.JSONField(_("jenis eksploitasi"), default=list, blank=True)
    primary_exploitation = models.CharField(max_length=40, blank=True)
    forced_labour_industry = models.CharField(max_length=60, blank=True)
    sex_exploitation_types = models.JSONField(default=list, blank=True)
    means_of_control = models.JSONField(_("cara pengendalian"), default=list, blank=True)
    recruitment_methods = models.JSONField(_("cara perekrutan"), default=list, blank=True)
    recruitment_apps = models.JSONField(_("situs/aplikasi perekrutan"), default=list, blank=True)
    exploitation_apps = models.JSONField(default=list, blank=True)
    relation_to_trafficker = models.CharField(max_length=16, blank=True)
    country_of_exploitation = models.ForeignKey(
        "regions.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("negara eksploitasi"),
    )
    city_of_exploitation = models.CharField(_("kota eksploitasi"), max_length=120, blank=True)
    recruited_on = models.DateField(null=True, blank=True)
    exploitation_started_on = models.DateField(null=True, blank=True)
    exploitation_ended_on = models.DateField(null=True, blank=True)
    summary = models.TextField(_("ringkasan"), blank=True)

    # Pathway data that stages require.
    # Encrypted at rest (``core.fields``); looked up by its keyed digest.
    travel_document_number = EncryptedCharField(max_length=40, blank=True)
    travel_document_digest = DigestField(source="travel_document_number", kind="document")
    port_of_entry = models.CharField(max_length=120, blank=True)

    # Denormalised from the survivor for filtering and aggregation on one table.
    origin_province = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin_regency = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        indexes = [
            # One agency's list newest first, unfiltered or by a date range: walked in order from the index alone,
            # also to an OFFSET (a last page, a page past the end) and to the survivors a name search checks.
            models.Index(fields=["lead_agency", "-reported_on", "-id"], name="case_agency_reported_id",
                         include=["survivor", "stage", "country_of_exploitation"]),
            # The case list's usual question: one agency's cases in one stage, newest first; the included
            # columns answer a country filter and the name search's join without visiting the table.
            models.Index(fields=["lead_agency", "stage", "-reported_on", "-id"], name="case_agency_stage_reported",
                         include=["country_of_exploitation", "survivor"]),
            models.Index(fields=["stage", "-reported_on"], name="case_stage_reported"),
            models.Index(fields=["country_of_exploitation", "-reported_on"], name="case_country_reported"),
            models.Index(fields=["origin_province", "-reported_on"], name="case_province_reported"),
            models.Index(fields=["origin_regency", "-reported_on"], name="case_regency_reported"),
            models.Index(fields=["primary_exploitation", "-reported_on"], name="case_exploitation_reported"),
            models.Index(fields=["-reported_on", "id"], name="case_reported"),
            models.Index(fields=["travel_document_digest"], name="case_travel_document_digest"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseExploitationType(models.Model):
    """One row per exploitation type of a case, so that filtering on any of them uses an index."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", db_index=False)
    type = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["type", "case"], name="caseexpl_type_case")]
        constraints = [models.UniqueConstraint(fields=["case", "type"], name="caseexpl_unique")]


class CaseNameKey(models.Model):
    """The survivor's name keys (``people.NameKey``) of each case, with the case's lead agency: a name search in
    one agency's cases asks this index for the matching cases instead of checking the survivor of every case (a
    common name the agency holds few of, or none, is answered at once).

    Kept by the database itself (triggers of migration 0007, on both databases): a name key written or deleted,
    a case opened, deleted, given another survivor or another lead agency, by any code path (services, bulk
    loads, merges), changes these rows in the same statement. Nothing writes them otherwise."""

    case = models.ForeignKey(Case, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                             db_index=False)
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.DO_NOTHING, db_constraint=False,
                                    related_name="+", db_index=False)
    key = models.CharField(max_length=40)
    form = models.CharField(max_length=40, default="")

    class Meta:
        indexes = [
            # A whole word (the key) and the last, perhaps unfinished, word (a prefix of the spelling) among one
            # agency's cases, from the index alone.
            models.Index(fields=["lead_agency", "key", "case"], name="casenamekey_agency_key",
                         opclasses=["uuid_ops", "varchar_pattern_ops", "uuid_ops"]),
            models.Index(fields=["lead_agency", "form", "case"], name="casenamekey_agency_form",
                         opclasses=["uuid_ops", "varchar_pattern_ops", "uuid_ops"]),
        ]
        constraints = [models.UniqueConstraint(fields=["case", "form", "key"], name="casenamekey_unique")]


class StageEntry(BaseModel):
    """The case entered ``stage`` at ``entered_at`` and left it at ``left_at``: stage durations come from here."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_entries")
    stage = models.CharField(max_length=16, choices=Stage.choices)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["entered_at"]
        indexes = [models.Index(fields=["case", "entered_at"])]


class TimelineEvent(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "created_at"]
        indexes = [models.Index(fields=["case", "at"])]


class ServiceDelivery(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    type = models.CharField(max_length=24, choices=ServiceType.choices)
    provider = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=ServiceOutcome.choices, default=ServiceOutcome.ONGOING)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "created_at"]


class Note(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    # Added by an agency the case was referred to, to what it was given: seen by the lead agency and by that
    # agency only (``access.projection``).
    referral = models.ForeignKey("referrals.Referral", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="notes")

    class Meta:
        ordering = ["created_at"]


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the uploaded name on disk: it may itself carry personal data.
    return f"attachments/{instance.case_id}/{instance.id}"


class Attachment(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # As for notes: the receiving agency's addition to a referral (the embassy's travel-document scan).
    referral = models.ForeignKey("referrals.Referral", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="attachments")

    class Meta:
        ordering = ["created_at"]


class CaseCounter(models.Model):
    """Per-year sequence for human-readable case references (SNG-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
