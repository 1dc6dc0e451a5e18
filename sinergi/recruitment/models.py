"""One-door recruitment oversight: licensed placement agencies (P3MI) and their licence history, branches,
directors, job orders, placements, recruiters and their identifiers, risk rules and the flags they raise."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sinergi.core.models import BaseModel

from .enums import FlagResolution, FlagReviewDecision, IdentifierKind, LicenceStatus, VisaType
from .hotlines import dial, validate_number, validate_optional_number
from .reasons import flag_reason, shown


class PlacementAgency(BaseModel):
    name = models.CharField(_("nama perusahaan"), max_length=200)
    licence_number = models.CharField(_("nomor izin (SIP3MI)"), max_length=60, unique=True)
    address = models.TextField(blank=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=200, blank=True)
    # Normalised name for matching what the public types (spacing, "PT", punctuation removed).
    name_key = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LicenceEvent(BaseModel):
    """The licence's status from ``effective_from`` on; the history is the list of these."""

    agency = models.ForeignKey(PlacementAgency, on_delete=models.CASCADE, related_name="licence_events")
    status = models.CharField(max_length=16, choices=LicenceStatus.choices)
    effective_from = models.DateField()
    reason = models.TextField(blank=True)
    decree_number = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["effective_from", "created_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "effective_from", "status"], name="licence_event_once")]


class Branch(BaseModel):
    agency = models.ForeignKey(PlacementAgency, on_delete=models.CASCADE, related_name="branches")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    address = models.TextField(blank=True)


class Director(BaseModel):
    agency = models.ForeignKey(PlacementAgency, on_delete=models.CASCADE, related_name="directors")
    name = models.CharField(max_length=200)
    position = models.CharField(max_length=100, blank=True)


class JobOrder(BaseModel):
    agency = models.ForeignKey(PlacementAgency, on_delete=models.PROTECT, related_name="job_orders")
    reference = models.CharField(max_length=60, unique=True)
    employer = models.CharField(max_length=200)
    destination = models.ForeignKey("regions.Country", on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=120)
    salary_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True)
    quota = models.PositiveIntegerField()
    approved = models.BooleanField(default=False)
    approved_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)


class Placement(BaseModel):
    job_order = models.ForeignKey(JobOrder, on_delete=models.PROTECT, related_name="placements")
    worker = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    worker_reference = models.CharField(max_length=60, help_text=_("ID pekerja di SISKOP2MI"), unique=True)
    departure_date = models.DateField(null=True, blank=True)
    ltsa_office = models.CharField(max_length=200, blank=True)
    visa_type = models.CharField(max_length=16, choices=VisaType.choices, default=VisaType.WORK)
    returned_on = models.DateField(null=True, blank=True)


class Recruiter(BaseModel):
    """A person or company that recruited victims, licensed or not (sponsors, online 'agents')."""

    name = models.CharField(max_length=200)
    placement_agency = models.ForeignKey(PlacementAgency, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="recruiters")
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class RecruiterIdentifier(models.Model):
    recruiter = models.ForeignKey(Recruiter, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    value = models.CharField(max_length=120)  # normalised (digits only for phones and bank accounts)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recruiter", "kind", "value"], name="identifier_once")]
        indexes = [models.Index(fields=["kind", "value"], name="identifier_lookup")]


class CaseLink(BaseModel):
    """A case linked to the recruiter and/or placement agency involved."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="recruitment_links")
    recruiter = models.ForeignKey(Recruiter, null=True, blank=True, on_delete=models.PROTECT, related_name="case_links")
    placement_agency = models.ForeignKey(PlacementAgency, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="case_links")
    role = models.CharField(max_length=60, blank=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


class RiskRule(BaseModel):
    """A risk rule is data: its kind picks the check, its parameters tune it, an administrator can switch it off."""

    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    explanation = models.TextField(help_text=_("Penjelasan untuk masyarakat, bahasa sederhana."))
    question = models.TextField(blank=True, help_text=_("Pertanyaan yang perlu diajukan pencari kerja."))
    weight = models.PositiveSmallIntegerField(default=2, help_text=_("1 = catatan, 2 = waspada, 3 = bahaya"))
    params = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["-weight", "code"]

    def __str__(self) -> str:
        return self.name

    # The name, explanation and question in the reader's language (the shipped ones; an administrator's as written).
    @property
    def name_shown(self) -> str:
        return shown(self.name)

    @property
    def explanation_shown(self) -> str:
        return shown(self.explanation)

    @property
    def question_shown(self) -> str:
        return shown(self.question)


class RiskFlag(BaseModel):
    rule = models.ForeignKey(RiskRule, on_delete=models.PROTECT, related_name="flags")
    subject_type = models.CharField(max_length=30)  # placement, job_order, placement_agency, recruiter
    subject_id = models.UUIDField()
    # Why the rule fired, as a message and its parameters (``reasons``), read in the reader's language. A flag
    # raised before reasons were kept so, whose text the migration did not recognise, keeps that text instead.
    reason_msgid = models.CharField(max_length=300, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    reason_text = models.TextField(blank=True)
    evidence = models.JSONField(default=dict)
    # The latest review decision; the full history is in ``reviews`` (and the audit log).
    resolution = models.CharField(max_length=16, choices=FlagResolution.choices, default=FlagResolution.OPEN)
    resolution_reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "subject_type", "subject_id"], name="flag_once")]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="flag_subject"),
                   models.Index(fields=["resolution", "created_at"], name="flag_resolution")]

    @property
    def is_open(self) -> bool:
        return self.resolution == FlagResolution.OPEN

    @property
    def reason(self) -> str:
        """Why the rule fired, in the active language."""
        return flag_reason(self)


class RiskFlagReview(BaseModel):
    """One review step of a flag: confirmed, dismissed or reopened, with the reviewer's written reason.
    ``reviewed_by`` is empty when the rules reopened a dismissed flag because its evidence changed."""

    flag = models.ForeignKey(RiskFlag, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(max_length=16, choices=FlagReviewDecision.choices)
    reason = models.TextField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["created_at"]


class Hotline(BaseModel):
    """Whom to call: national lines, per province, and per destination country (the Indonesian mission there).
    Shipped entries come "to be verified" (``verified_on`` empty) until an administrator checks them."""

    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama dalam bahasa Inggris"), max_length=200, blank=True)
    phone = models.CharField(_("telepon"), max_length=60, validators=[validate_number],
                             help_text=_("Format internasional (+62 812-3456-7890) atau kode singkat (110, 129)."))
    whatsapp = models.CharField(max_length=60, blank=True, validators=[validate_optional_number])
    email = models.EmailField(blank=True)
    province = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"level": 1})
    country = models.ForeignKey("regions.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    national = models.BooleanField(default=False)
    hours = models.CharField(_("jam layanan"), max_length=100, blank=True)
    hours_en = models.CharField(_("jam layanan dalam bahasa Inggris"), max_length=100, blank=True)
    verified_on = models.DateField(_("diperiksa pada"), null=True, blank=True,
                                   help_text=_("Tanggal nomor ini dicocokkan dengan yang diumumkan kantornya. "
                                               "Kosong: belum diperiksa."))

    class Meta:
        ordering = ["-national", "name"]
        verbose_name = _("nomor bantuan")
        verbose_name_plural = _("daftar nomor bantuan")

    def __str__(self) -> str:
        return self.name

    @property
    def name_shown(self) -> str:
        return self.name_en if self.name_en and not _indonesian() else self.name

    @property
    def hours_shown(self) -> str:
        return self.hours_en if self.hours_en and not _indonesian() else self.hours

    @property
    def dial(self) -> str:
        return dial(self.phone)

    @property
    def whatsapp_dial(self) -> str:
        return dial(self.whatsapp).lstrip("+")


def _indonesian() -> bool:
    return (get_language() or "id").startswith("id")
