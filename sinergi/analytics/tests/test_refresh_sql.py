"""The set-based rebuild (``refresh.rebuild``: GROUP BY inserts) gives exactly the rows of an independent
count over the raw rows, one case at a time in Python (``reference_counts``), on generated data of several
provinces, agencies and years with services, placements, flags and border agencies; on SQLite and, with
DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from sinergi.analytics.models import Duration, RefreshState, Tally
from sinergi.analytics.refresh import analytics_refresh, bucket
from sinergi.core import clock

from . import reference_counts

pytestmark = pytest.mark.django_db


def _stored() -> tuple[Counter, Counter]:
    def norm(values):
        return tuple(str(v) if v is not None else None for v in values)

    tally = Counter()
    for row in Tally.objects.values_list("dim", "value", "year", "province", "regency", "agency", "exploitation", "n"):
        tally[norm(row[:-1])] += row[-1]
    duration = Counter()
    for row in Duration.objects.values_list("kind", "key", "year", "province", "regency", "agency", "exploitation",
                                            "bucket", "n"):
        duration[norm(row[:-1])] += row[-1]
    return tally, duration


def _diff(a: Counter, b: Counter) -> list:
    keys = set(a) | set(b)
    return sorted(((k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)), key=str)[:10]


def _edge_cases():
    """Rows the generator never writes: a stay lasting exactly two days and exactly sixty, a case without a
    home regency or exploitation type, a survivor born on the report's day of the year."""
    from sinergi.cases.models import Case, StageEntry

    case = Case.objects.order_by("reported_on").first()
    entries = list(StageEntry.objects.filter(case=case).order_by("entered_at"))
    start = entries[0].entered_at
    StageEntry.objects.filter(pk=entries[0].pk).update(left_at=start + dt.timedelta(days=2))
    if len(entries) > 1:
        StageEntry.objects.filter(pk=entries[1].pk).update(entered_at=start + dt.timedelta(days=2),
                                                           left_at=start + dt.timedelta(days=62))
    other = Case.objects.order_by("-reported_on").first()
    Case.objects.filter(pk=other.pk).update(origin_regency=None, origin_province=None, primary_exploitation="",
                                            city_of_exploitation="")
    survivor = other.survivor
    survivor.date_of_birth = other.reported_on.replace(year=other.reported_on.year - 18)
    survivor.save(update_fields=["date_of_birth"])


def test_the_sql_rebuild_equals_an_independent_count_over_the_raw_rows(world):
    from sinergi.cases.models import Case, ServiceDelivery
    from sinergi.recruitment.models import CaseLink, Placement, RiskFlag

    # The world exercises every family of figures.
    assert ServiceDelivery.objects.exists() and Placement.objects.exists() and RiskFlag.objects.exists()
    assert CaseLink.objects.exclude(recruiter=None).exists()
    assert len({d.year for d in Case.objects.values_list("reported_on", flat=True)}) >= 3
    _edge_cases()
    now = clock.now()
    analytics_refresh(force=True)
    expected_tally, expected_duration = reference_counts.rows(reference_counts.compute(now))
    tally, duration = _stored()
    assert _diff(tally, expected_tally) == []
    assert _diff(duration, expected_duration) == []
    dims = {k[0] for k in tally}
    for dim in ("cases", "country", "city", "one_door", "victims", "victim_sex", "victim_age", "victim_type",
                "reached", "stopped_received", "repatriated", "ref_sent", "ref_ack_late", "ref_ack_on_time",
                "ref_expired", "ref_escalated", "service", "border_agency", "border_regency", "border_port_agency",
                "recruiter", "placement_agency", "flag_raised", "flag_confirmed", "placements"):
        assert dim in dims, dim
    assert {k[0] for k in duration} == {"stage", "ack", "done", "repatriation"}
    assert RefreshState.objects.get().rows == Tally.objects.count() + Duration.objects.count()


def test_a_rebuild_after_changes_counts_the_changes_and_the_stale_rows_go(world):
    from sinergi.cases.models import Case

    before = Tally.objects.filter(dim="cases", regency="").values_list("n", flat=True)
    total = sum(before)
    assert total == Case.objects.count()
    gone = Case.objects.order_by("reported_on").first()
    gone.stage_entries.all().delete()
    gone.referrals.all().delete()
    gone.services.all().delete()
    gone.recruitment_links.all().delete()
    Case.objects.filter(pk=gone.pk).delete()
    analytics_refresh(force=True)
    assert sum(Tally.objects.filter(dim="cases", regency="").values_list("n", flat=True)) == total - 1
    assert sum(Tally.objects.filter(dim="cases").exclude(regency="").values_list("n", flat=True)) == total - 1


def test_sql_buckets_match_the_python_rounding_at_the_edges(db):
    """The SQL bucket expression against ``bucket`` for durations on and around each boundary."""
    from django.db import connection

    from sinergi.analytics.refresh import _Sql

    q = _Sql()
    values = [0, 0.5, 3599.999999, 3600, 172799.999999, 172800, 172800.5, 5183999.999999, 5184000, 5184000.5,
              604800 * 20 + 1, -5, 86400 * 100]
    with connection.cursor() as cur:
        for v in values:
            cur.execute(f"SELECT {q.bucket('x')} FROM (SELECT %s AS x) t", (v,))
            assert int(cur.fetchone()[0]) == bucket(v), v


def test_the_refresh_is_fast_enough_to_keep_figures_under_five_minutes_old(world):
    """Figures older than the refresh interval are rebuilt by the worker's job; fresher ones are left."""
    from sinergi.analytics.refresh import REFRESH_SECONDS

    assert REFRESH_SECONDS < 300
    state = RefreshState.objects.get()
    assert analytics_refresh() == "fresh"
    RefreshState.objects.filter(pk=state.pk).update(as_of=timezone.now() - dt.timedelta(seconds=REFRESH_SECONDS + 1))
    assert isinstance(analytics_refresh(), dict)
