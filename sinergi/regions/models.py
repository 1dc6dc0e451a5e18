"""Indonesia's administrative areas (Kemendagri codes) and the world's countries (ISO 3166-1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Level


class Region(models.Model):
    """A province, regency/city, district or village, keyed by its Kemendagri code (``11.01.01.2001``)."""

    code = models.CharField(primary_key=True, max_length=13)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2]

    @property
    def regency_code(self) -> str | None:
        return self.code[:5] if self.level >= Level.REGENCY else None


class Country(models.Model):
    """A country by ISO 3166-1 alpha-2 code, with alpha-3 (as used by CTDC) and names in both languages."""

    code = models.CharField(primary_key=True, max_length=2)
    alpha3 = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=100)
    name_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("negara")
        verbose_name_plural = _("negara")

    def __str__(self) -> str:
        return self.name
