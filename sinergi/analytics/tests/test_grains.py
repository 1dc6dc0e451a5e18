"""The read models answer every question from one grain: the nationwide totals and the histograms per group
are rows of their own, the dashboards read nothing else (no case table, no per-bucket rows, one grain per
question), percentiles from the histograms are the nearest-rank percentiles of the rounded stays and within
one bucket of the unrounded ones, and the worker's rounds (the changed cases and the rolling check) keep every
grain equal to a count from scratch."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.analytics import figures, sections, tables
from sinergi.analytics.deid import min_cell
from sinergi.analytics.figures import Filters
from sinergi.analytics.models import GRAINS, Grain, Spread, Tally
from sinergi.analytics.refresh import analytics_refresh, bucket
from sinergi.cases.models import Case, StageEntry
from sinergi.core import clock

from . import reference_counts

pytestmark = pytest.mark.django_db


def _nearest_rank(values, p):
    values = sorted(values)
    return values[max(1, math.ceil(p * len(values))) - 1]


def _width(hours: int) -> int:
    """The width of the bucket a duration of ``hours`` (rounded) falls in: an hour, a day, a week."""
    return 1 if hours < 48 else 24 if hours < 24 * 60 else 168


def test_nationwide_totals_are_one_row_each(world):
    total = Tally.objects.get(grain=Grain.NATIONWIDE, dim="cases")
    assert total.n == Case.objects.count()
    assert total.province == total.regency == total.exploitation == "" and total.agency is None and total.year == 0
    for stage in ("reached",):
        rows = Tally.objects.filter(grain=Grain.NATIONWIDE, dim=stage)
        assert rows.count() == rows.values("value").distinct().count()  # one row per value
    # Every grain sums to the same total.
    for g in GRAINS:
        assert sum(Tally.objects.filter(grain=g, dim="cases").values_list("n", flat=True)) == total.n, g


def test_the_nationwide_histogram_of_each_stage_is_one_row(world):
    stays = defaultdict(list)
    for stage, entered, left in StageEntry.objects.filter(left_at__isnull=False).values_list(
            "stage", "entered_at", "left_at"):
        stays[stage].append((left - entered).total_seconds())
    rows = {s.key: s for s in Spread.objects.filter(grain=Grain.NATIONWIDE, kind="stage")}
    assert set(rows) == set(stays)
    for stage, seconds in stays.items():
        hist = figures.parse_hist(rows[stage].hist)
        assert rows[stage].n == len(seconds)
        assert dict(hist) == dict(_counts(bucket(s) for s in seconds))


def _counts(values):
    out = defaultdict(int)
    for v in values:
        out[v] += 1
    return out


def test_percentiles_are_exact_over_the_buckets_and_within_one_bucket_of_the_raw_stays(world):
    """Nationwide and under filters of every kind: the median and 90th percentile shown are the nearest-rank
    percentiles of the stays rounded to their bucket (an hour under two days, a day under sixty, a week beyond),
    so they lie within one bucket below the percentiles of the unrounded stays."""
    years = sorted({d.year for d in Case.objects.values_list("reported_on", flat=True)})
    busiest = Case.objects.values_list("lead_agency_id", flat=True).first()
    checked = 0
    for f in (Filters(), Filters(year_from=years[-2]), Filters(year_from=years[0], year_to=years[1], province="53"),
              Filters(agency=busiest), Filters(exploitation="ForcedLabour"), Filters(regency="53.03")):
        cases = Case.objects.all()
        if f.year_from:
            cases = cases.filter(reported_on__year__gte=f.year_from)
        if f.year_to:
            cases = cases.filter(reported_on__year__lte=f.year_to)
        if f.regency:
            cases = cases.filter(origin_regency_id=f.regency)
        elif f.province:
            cases = cases.filter(origin_province_id=f.province)
        if f.agency:
            cases = cases.filter(lead_agency_id=f.agency)
        if f.exploitation:
            cases = cases.filter(primary_exploitation=f.exploitation)
        raw = defaultdict(list)
        for stage, entered, left in StageEntry.objects.filter(case__in=cases, left_at__isnull=False).values_list(
                "stage", "entered_at", "left_at"):
            raw[stage].append((left - entered).total_seconds() / 3600)
        shown = figures.durations("stage", f, None)
        assert {k for _g, k in shown} == set(raw), f
        for stage, hours in raw.items():
            got = shown[(None, stage)]
            if len(hours) < min_cell():
                assert got["median"] is None
                continue
            for p, name in ((0.5, "median"), (0.9, "p90")):
                assert got[name] == _nearest_rank([bucket(h * 3600) for h in hours], p), (f, stage, name)
                exact = _nearest_rank(hours, p)
                assert got[name] <= exact < got[name] + _width(got[name]), (f, stage, name, exact)
                checked += 1
    assert checked > 20


def _reads(run) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        run()
    return [q["sql"] for q in ctx.captured_queries]


SOURCE_TABLES = ("cases_case", "cases_stageentry", "referrals_referral", "cases_servicedelivery", "people_person",
                 "recruitment_caselink", "recruitment_placement", "recruitment_riskflag", "analytics_duration",
                 "analytics_casetally", "analytics_caseduration")


def test_every_dashboard_and_the_agency_page_read_one_grain_per_question_and_no_source_table(world):
    from sinergi.agencies.models import Agency

    busiest = Case.objects.values_list("lead_agency_id", flat=True).first()
    years = sorted({d.year for d in Case.objects.values_list("reported_on", flat=True)})
    agency = Agency.objects.get(pk=busiest)
    for f in (Filters(), Filters(year_from=years[-1], year_to=years[-1]), Filters(province="53"),
              Filters(regency="53.03", agency=busiest), Filters(exploitation="ForcedLabour", year_from=years[0])):
        for name in tables.SECTIONS:
            sql = _reads(lambda name=name, f=f: tables.section(name, f))
            _check_reads(sql, name)
        _check_reads(_reads(lambda f=f: sections.agency_performance(agency, f)), "agency")


def _check_reads(sql: list[str], name: str) -> None:
    figures_read = 0
    for q in sql:
        for table in SOURCE_TABLES:
            assert f'"{table}"' not in q, (name, q)
        if '"analytics_tally"' in q or '"analytics_spread"' in q:
            figures_read += 1
            grains = re.findall(r'"grain" = (\d+)', q)
            assert len(grains) == 1, (name, q)  # one grain per question
    assert figures_read, name


def test_questions_read_a_few_rows(world):
    """Rows read per question: one per group and value (and per year of a range), never per bucket or place."""
    f = Filters()
    _g, where = figures.grain_for(f, ("agency",))
    per_agency = Spread.objects.filter(kind="stage", **where)
    agencies = per_agency.values("agency").distinct().count()
    assert per_agency.count() == per_agency.values("agency", "key").distinct().count()
    assert per_agency.count() <= agencies * len(figures.STAGES)
    _g, where = figures.grain_for(f, ())
    assert Spread.objects.filter(kind="stage", **where).count() <= len(figures.STAGES)
    assert Tally.objects.filter(dim="cases", **where).count() == 1


def test_the_rolling_check_finds_what_no_timestamp_shows(world, monkeypatch):
    """A stage stay deleted without touching its case, and a border agency's region changed: no round sees a
    change, but within one sweep every case is recounted from its rows and the figures equal a count from
    scratch again."""
    from sinergi.analytics import refresh

    monkeypatch.setattr(refresh, "LOOKBACK", dt.timedelta(0))
    stay = StageEntry.objects.filter(left_at__isnull=False).order_by("case_id").last()
    StageEntry.objects.filter(pk=stay.pk).delete()
    rounds, result = 0, {}
    start = clock.now()
    try:
        while True:
            rounds += 1
            clock.set_now(start + dt.timedelta(minutes=3 * rounds))
            result = analytics_refresh(force=True, full=False)
            assert result["mode"] == "incremental" and result["changed"] == 0, result
            state = refresh.last_refresh()
            if not state.sweep_after:
                break
            assert rounds < 20
        counts = reference_counts.compute(clock.now())
    finally:
        clock.set_now(None)
    assert rounds == math.ceil(Case.objects.count() / refresh.sweep_size(Case.objects.count())) or rounds > 1
    tally, _duration = reference_counts.rows(counts)
    stored = defaultdict(int)
    for row in Tally.objects.values_list("grain", "dim", "value", "year", "province", "regency", "agency",
                                         "exploitation", "n"):
        stored[tuple(str(v) if v is not None else None for v in row[:-1])] += row[-1]
    assert dict(stored) == dict(tally)
    expected = reference_counts.spreads(counts)
    got = {tuple(str(v) if v is not None else None for v in k): figures.parse_hist(h) for *k, h in
           Spread.objects.values_list("grain", "kind", "key", "year", "province", "regency", "agency",
                                      "exploitation", "hist")}
    assert got == expected
