"""The public door: anonymous reports with a tracking code, and rate-limit counters."""

from django.db import models

from sinergi.core.models import BaseModel


class PublicReport(BaseModel):
    """Links a tracking code to the intake report it created. Only a hash of the code is stored."""

    code_hash = models.CharField(max_length=64, unique=True)
    report = models.OneToOneField("intake.Report", on_delete=models.PROTECT, related_name="public_report")


class RateCounter(models.Model):
    """Requests per (hashed) address and action in a time window; works across processes."""

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_window_once")]
