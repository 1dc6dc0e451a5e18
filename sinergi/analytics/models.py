"""Read models: aggregates of cases, stage stays and referrals, rebuilt by ``refresh.analytics_refresh``.

Every dashboard, report and API figure is read from these tables, never from the case table, so a page costs
the same at a hundred cases as at a million. Rows hold counts only: no case, person or user id.

Region columns follow one convention: ``regency`` is the Kemendagri code of the survivor's home regency
(``?`` when unknown), and rows with ``regency == ""`` are the same counts summed per province, so a question
without a regency filter reads the smaller province rows.
"""

from django.db import models

ROLLUP = ""
UNKNOWN = "?"


class Tally(models.Model):
    """How many cases (or referrals, services, flags) of one slice have ``value`` for ``dim``.

    ``year`` is the year the dimension is counted in: the year of registration for case dimensions, the year
    sent for referrals, the year started for services, the year of arrival for repatriations. ``agency`` is
    the lead agency, or the receiving agency for referral dimensions.
    """

    dim = models.CharField(max_length=24)
    value = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField()
    province = models.CharField(max_length=2, blank=True)
    regency = models.CharField(max_length=5, blank=True)
    agency = models.UUIDField(null=True)
    exploitation = models.CharField(max_length=40, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["dim", "regency", "year"], name="tally_dim_regency_year"),
                   models.Index(fields=["dim", "province", "regency"], name="tally_dim_province")]


class Duration(models.Model):
    """A histogram of durations: ``n`` stays of ``kind``/``key`` that lasted ``bucket`` hours (rounded down
    to the hour under two days, to the day under sixty days, to the week beyond). ``kind`` is ``stage``
    (key: the stage), ``ack`` or ``done`` (key: the referral type; hours from sending to acknowledgement or
    completion) or ``repatriation`` (from the report to arrival home)."""

    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=24, blank=True)
    year = models.PositiveSmallIntegerField()
    province = models.CharField(max_length=2, blank=True)
    regency = models.CharField(max_length=5, blank=True)
    agency = models.UUIDField(null=True)
    exploitation = models.CharField(max_length=40, blank=True)
    bucket = models.PositiveIntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "regency", "year"], name="duration_kind_regency_year")]


class RefreshState(models.Model):
    """The one row saying when the read models were last rebuilt (shown on every page that reads them)."""

    name = models.CharField(primary_key=True, max_length=16, default="figures")
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    # The moment the data were read: the figures are as of this time.
    as_of = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)
    rows = models.PositiveIntegerField(default=0)
    # When the figures were last counted from scratch (the rounds between only recount the changed places).
    full_at = models.DateTimeField(null=True)
    mode = models.CharField(max_length=12, blank=True)


class CasePlace(models.Model):
    """Where each case was counted at the last refresh (home province and regency, ``?`` when unknown): an
    incremental refresh recounts the places of the changed cases, including a place a case has left or a
    deleted case was counted in. Holds no personal data: a case id and two region codes."""

    case_id = models.UUIDField(primary_key=True)
    province = models.CharField(max_length=2)
    regency = models.CharField(max_length=5)
