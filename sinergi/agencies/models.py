"""Agencies, their offices and contact points, the people who work there and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.core.models import BaseModel

from .enums import AgencyType, Level, Role


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships, never from flags here."""

    preferred_language = models.CharField(max_length=8, default="id")

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class Agency(BaseModel):
    code = models.SlugField(max_length=64, unique=True, help_text=_("Kode singkat yang stabil, dipakai dalam impor dan pertukaran."))
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    # The name in the agency's own language and script (e.g. Khmer), beside the name used across the system.
    local_name = models.CharField(max_length=200, blank=True)
    type = models.CharField(max_length=32, choices=AgencyType.choices)
    country = models.ForeignKey("regions.Country", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=16, choices=Level.choices)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_active = models.BooleanField(default=True)
    # Its staff whose roles see personal data sign in with a second factor (changed by a system administrator,
    # through ``agency_set_mfa_required``; SINERGI_MFA_REQUIRED asks it of every agency).
    mfa_required = models.BooleanField(_("wajib autentikasi dua faktor"), default=False)
    # An agency served by another instance: messages for it go through that peer, by its code there.
    peer = models.ForeignKey("exchange.Peer", null=True, blank=True, on_delete=models.PROTECT, related_name="agencies")
    remote_code = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lembaga")
        verbose_name_plural = _("lembaga")

    def __str__(self) -> str:
        return self.short_name or self.name


class Office(BaseModel):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="offices")
    name = models.CharField(max_length=200)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey("regions.Country", on_delete=models.PROTECT, related_name="+")
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return self.name


class ContactPoint(BaseModel):
    """Whom to call at an agency (a duty desk, a liaison officer), public within the system."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contact_points")
    name = models.CharField(max_length=200)
    function = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    available_hours = models.CharField(max_length=100, blank=True)


class Membership(BaseModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.role})"
