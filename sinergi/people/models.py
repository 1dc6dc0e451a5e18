"""Persons (survivors, family contacts, witnesses), their identity documents and consent.

Identity documents, contacts and addresses are sensitive fields: ``access.masking`` decides who sees them.
They are encrypted at rest (``core.fields``); phones, e-mails and document numbers are looked up by their keyed
digests (``selectors``), never by value.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.core.fields import DigestField, EncryptedCharField, EncryptedEmailField, EncryptedTextField
from sinergi.core.models import BaseModel

from .enums import ConsentPurpose, DocumentType, Relationship, Sex


class Person(BaseModel):
    full_name = models.CharField(_("nama lengkap"), max_length=200)
    sex = models.CharField(_("jenis kelamin"), max_length=24, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("tanggal lahir"), null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("perkiraan umur"), null=True, blank=True)
    citizenship = models.ForeignKey(
        "regions.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("kewarganegaraan"),
    )
    origin_village = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("desa asal"),
    )
    # Derived from origin_village; kept for filtering and aggregation without joins.
    origin_province = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin_regency = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = EncryptedTextField(_("alamat"), blank=True)
    phone = EncryptedCharField(_("telepon"), max_length=40, blank=True)
    email = EncryptedEmailField(_("surel"), blank=True)
    phone_digest = DigestField(source="phone", kind="phone")
    email_digest = DigestField(source="email", kind="email")
    primary_language = models.CharField(_("bahasa utama"), max_length=8, blank=True)
    deceased = models.BooleanField(_("meninggal dunia"), default=False)

    class Meta:
        verbose_name = _("orang")
        verbose_name_plural = _("orang")
        indexes = [models.Index(fields=["phone_digest"], name="person_phone_digest"),
                   models.Index(fields=["email_digest"], name="person_email_digest")]

    def __str__(self) -> str:
        return self.full_name


class PersonAlias(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)


class NameKey(models.Model):
    """One phonetic key of one name token of a person: the index behind spelling-tolerant search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=40)
    # The token in today's spelling (``names.form``): the last word of a search, perhaps unfinished, is matched
    # as a prefix of this, whole words by ``key``.
    form = models.CharField(max_length=40, default="")

    class Meta:
        # varchar_pattern_ops: on PostgreSQL a LIKE 'prefix%' (the last word typed) can use the index whatever
        # the database collation; other databases ignore the operator classes.
        indexes = [models.Index(fields=["key", "person"], name="namekey_key_prefix",
                                opclasses=["varchar_pattern_ops", "uuid_ops"]),
                   models.Index(fields=["form", "person"], name="namekey_form_prefix",
                                opclasses=["varchar_pattern_ops", "uuid_ops"])]
        # The key follows from the form, so this is unique on (person, form); with the key in it, a name search
        # checks a survivor's keys from the index alone.
        constraints = [models.UniqueConstraint(fields=["person", "form", "key"], name="namekey_unique_form")]


class IdentityDocument(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    type = models.CharField(max_length=24, choices=DocumentType.choices)
    number = EncryptedCharField(max_length=40)
    number_digest = DigestField(source="number", kind="document")
    issuing_country = models.ForeignKey("regions.Country", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["type", "number_digest"], name="document_type_digest")]


class FamilyContact(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    phone = EncryptedCharField(max_length=40, blank=True)
    address = EncryptedTextField(blank=True)
    phone_digest = DigestField(source="phone", kind="phone")
    village = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["phone_digest"], name="familycontact_phone_digest")]


class Consent(BaseModel):
    """The survivor's answer for one purpose. A withdrawal is a new row, so the history stays."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=24, choices=ConsentPurpose.choices)
    given = models.BooleanField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=100, blank=True, help_text=_("lisan, tertulis, melalui wali, ..."))
    # For sharing with other agencies: the agency types (``agencies.enums.AgencyType``) the survivor agreed to;
    # empty means any agency of the country.
    agency_types = models.JSONField(default=list, blank=True)
    # The agency through which the answer was taken (the audit row names it too).
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["person", "purpose", "-recorded_at"])]
