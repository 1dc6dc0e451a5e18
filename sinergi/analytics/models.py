"""Read models: aggregates of cases, stage stays and referrals, kept by ``refresh.analytics_refresh``.

Every dashboard, report and API figure is read from these tables, never from the case table, so a page costs
the same at a hundred cases as at a million. The published rows hold counts only: no case, person or user id.

Each published row belongs to one *grain*: which of the cell's columns are summed away (``Grain``). The base
grain (0) keeps them all: ``regency`` is the Kemendagri code of the survivor's home regency (``?`` when unknown),
``province`` its province, ``agency`` the lead (or receiving) agency, ``exploitation`` the primary type, ``year``
the year counted in. A summed-away column holds ``""`` (``ROLLUP``; the agency ``NULL``; the year ``0``), so a
question reads the one grain that has exactly the columns it filters or groups by: a nationwide question one row
per figure, a question per agency one row per agency, and so on (``figures.grain_for``).

``CaseTally`` and ``CaseDuration`` are the counting's working state, never shown: what each case contributed at
the last count (a case id and figures, no personal data), so a round subtracts a changed case's old
contribution and adds its new one instead of recounting everything.
"""

from django.db import models

ROLLUP = ""
UNKNOWN = "?"
ALL_YEARS = 0


class Grain:
    """The bits of a grain: the columns summed away."""

    REGENCY = 1        # regency summed: one row per province
    PROVINCE = 2       # province summed too (always with REGENCY): nationwide
    AGENCY = 4
    EXPLOITATION = 8
    YEARS = 16

    BASE = 0
    NATIONWIDE = REGENCY | PROVINCE | AGENCY | EXPLOITATION | YEARS


GRAINS = tuple(p | a | e | y for p in (0, Grain.REGENCY, Grain.REGENCY | Grain.PROVINCE)
               for a in (0, Grain.AGENCY) for e in (0, Grain.EXPLOITATION) for y in (0, Grain.YEARS))


class Tally(models.Model):
    """How many cases (or referrals, services, flags) of one slice have ``value`` for ``dim``.

    ``year`` is the year the dimension is counted in: the year of registration for case dimensions, the year
    sent for referrals, the year started for services, the year of arrival for repatriations. ``agency`` is
    the lead agency, or the receiving agency for referral dimensions.
    """

    grain = models.PositiveSmallIntegerField(default=0)
    dim = models.CharField(max_length=24)
    value = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField()
    province = models.CharField(max_length=2, blank=True)
    regency = models.CharField(max_length=5, blank=True)
    agency = models.UUIDField(null=True)
    exploitation = models.CharField(max_length=40, blank=True)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["grain", "dim", "province", "regency", "year", "value", "exploitation"],
                                name="tally_grain_cell")]


class Duration(models.Model):
    """A histogram of durations: ``n`` stays of ``kind``/``key`` that lasted ``bucket`` hours (rounded down
    to the hour under two days, to the day under sixty days, to the week beyond). ``kind`` is ``stage``
    (key: the stage), ``ack`` or ``done`` (key: the referral type; hours from sending to acknowledgement or
    completion) or ``repatriation`` (from the report to arrival home). One row per bucket: the sums the
    counting keeps; the pages read ``Spread``."""

    grain = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=24, blank=True)
    year = models.PositiveSmallIntegerField()
    province = models.CharField(max_length=2, blank=True)
    regency = models.CharField(max_length=5, blank=True)
    agency = models.UUIDField(null=True)
    exploitation = models.CharField(max_length=40, blank=True)
    bucket = models.PositiveIntegerField()
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["grain", "kind", "key", "year", "province", "regency", "exploitation",
                                        "bucket"], name="duration_grain_cell")]


class Spread(models.Model):
    """One cell's whole histogram (``Duration``'s rows of that cell in one): ``hist`` is ``bucket:n`` pairs
    separated by commas, ``n`` their sum. A median or 90th percentile is read from one row per cell (and per
    year of a range), whatever the number of stays."""

    grain = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=24, blank=True)
    year = models.PositiveSmallIntegerField()
    province = models.CharField(max_length=2, blank=True)
    regency = models.CharField(max_length=5, blank=True)
    agency = models.UUIDField(null=True)
    exploitation = models.CharField(max_length=40, blank=True)
    n = models.IntegerField()
    hist = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["grain", "kind", "province", "regency", "year", "key", "exploitation"],
                                name="spread_grain_cell")]


class CaseTally(models.Model):
    """What one case contributed to ``Tally``'s base grain at the last count (``case_id`` null: placements and
    flags that belong to no case). Working state of the counting, never shown.

    One row per case and figure, tens of millions at a million cases: the table is made by the migration
    without a key column of its own (``case_id`` is its index, not a key; the model only names it)."""

    case_id = models.UUIDField(primary_key=True)
    dim = models.CharField(max_length=24)
    value = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField()
    province = models.CharField(max_length=2, blank=True)
    regency = models.CharField(max_length=5, blank=True)
    agency = models.UUIDField(null=True)
    exploitation = models.CharField(max_length=40, blank=True)
    n = models.IntegerField()

    class Meta:
        managed = False
        db_table = "analytics_casetally"


class CaseDuration(models.Model):
    """What one case contributed to ``Duration``'s base grain at the last count. Working state, never shown;
    made by the migration as ``CaseTally`` is."""

    case_id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=24, blank=True)
    year = models.PositiveSmallIntegerField()
    province = models.CharField(max_length=2, blank=True)
    regency = models.CharField(max_length=5, blank=True)
    agency = models.UUIDField(null=True)
    exploitation = models.CharField(max_length=40, blank=True)
    bucket = models.PositiveIntegerField()
    n = models.IntegerField()

    class Meta:
        managed = False
        db_table = "analytics_caseduration"


class RefreshState(models.Model):
    """The one row saying when the read models were last brought up to date (shown on every page that reads
    them)."""

    name = models.CharField(primary_key=True, max_length=16, default="figures")
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    # The moment the data were read: the figures are as of this time.
    as_of = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)
    rows = models.PositiveIntegerField(default=0)
    # When the figures were last counted from scratch (the rounds between count the changed cases).
    full_at = models.DateTimeField(null=True)
    mode = models.CharField(max_length=12, blank=True)
    # The rolling check: each round also recounts the cases after this id (in id order), so every case is
    # recounted from its rows once per sweep; ``swept_at`` is when the last sweep came round.
    sweep_after = models.CharField(max_length=36, blank=True)
    swept_at = models.DateTimeField(null=True)


class CasePlace(models.Model):
    """Each case counted at the last round, with its home province and regency (``?`` when unknown): a case
    that is gone from the case table but still here was deleted, and its contribution is taken away. Holds no
    personal data: a case id and two region codes."""

    case_id = models.UUIDField(primary_key=True)
    province = models.CharField(max_length=2)
    regency = models.CharField(max_length=5)
