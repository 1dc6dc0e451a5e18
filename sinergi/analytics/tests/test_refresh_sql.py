"""The set-based rebuild (``refresh.rebuild``: GROUP BY inserts) gives exactly the rows of an independent
count over the raw rows, one case at a time in Python (``reference_counts``), on generated data of several
provinces, agencies and years with services, placements, flags and border agencies; on SQLite and, with
DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from sinergi.analytics.models import GRAINS, Duration, Grain, RefreshState, Spread, Tally
from sinergi.analytics.refresh import analytics_refresh, bucket
from sinergi.core import clock

from . import reference_counts

pytestmark = pytest.mark.django_db


def _stored() -> tuple[Counter, Counter]:
    def norm(values):
        return tuple(str(v) if v is not None else None for v in values)

    tally = Counter()
    for row in Tally.objects.values_list("grain", "dim", "value", "year", "province", "regency", "agency",
                                         "exploitation", "n"):
        tally[norm(row[:-1])] += row[-1]
    duration = Counter()
    for row in Duration.objects.values_list("grain", "kind", "key", "year", "province", "regency", "agency",
                                            "exploitation", "bucket", "n"):
        duration[norm(row[:-1])] += row[-1]
    return tally, duration


def _stored_spreads() -> dict:
    from sinergi.analytics.figures import parse_hist

    out = {}
    for *key, n, hist in Spread.objects.values_list("grain", "kind", "key", "year", "province", "regency", "agency",
                                                    "exploitation", "n", "hist"):
        key = tuple(str(v) if v is not None else None for v in key)
        assert key not in out, key  # one row per histogram
        out[key] = parse_hist(hist)
        assert sum(out[key].values()) == n, key
    return out


def _check_all(now) -> None:
    """Every published row (every grain, every histogram) equals the independent count."""
    counts = reference_counts.compute(now)
    expected_tally, expected_duration = reference_counts.rows(counts)
    tally, duration = _stored()
    assert _diff(tally, expected_tally) == []
    assert _diff(duration, expected_duration) == []
    expected_spreads = reference_counts.spreads(counts)
    spreads = _stored_spreads()
    assert sorted(set(spreads) ^ set(expected_spreads), key=str)[:5] == []
    assert [k for k in spreads if spreads[k] != expected_spreads[k]][:5] == []
    assert not Tally.objects.filter(n__lte=0).exists() and not Duration.objects.filter(n__lte=0).exists()


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
    _check_all(now)
    tally, duration = _stored()
    dims = {k[1] for k in tally}
    for dim in ("cases", "country", "city", "one_door", "victims", "victim_sex", "victim_age", "victim_type",
                "reached", "stopped_received", "repatriated", "ref_sent", "ref_ack_late", "ref_ack_on_time",
                "ref_expired", "ref_escalated", "service", "border_agency", "border_regency", "border_port_agency",
                "recruiter", "placement_agency", "flag_raised", "flag_confirmed", "placements"):
        assert dim in dims, dim
    assert {k[1] for k in duration} == {"stage", "ack", "done", "repatriation"}
    assert RefreshState.objects.get().rows == Tally.objects.count() + Duration.objects.count() + Spread.objects.count()


def test_a_rebuild_after_changes_counts_the_changes_and_the_stale_rows_go(world):
    from sinergi.cases.models import Case

    nationwide = Tally.objects.filter(dim="cases", grain=Grain.NATIONWIDE)
    total = nationwide.get().n
    assert total == Case.objects.count()
    gone = Case.objects.order_by("reported_on").first()
    gone.stage_entries.all().delete()
    gone.referrals.all().delete()
    gone.services.all().delete()
    gone.recruitment_links.all().delete()
    Case.objects.filter(pk=gone.pk).delete()
    analytics_refresh(force=True)
    assert nationwide.get().n == total - 1
    for g in GRAINS:
        assert sum(Tally.objects.filter(dim="cases", grain=g).values_list("n", flat=True)) == total - 1, g


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


def test_risk_flags_follow_the_place_period_and_agency_filters(world):
    """Flags are filtered by the whole filter, not by the years alone: a flag on a survivor's placement counts
    with the survivor's case."""
    from sinergi.analytics import figures, sections
    from sinergi.analytics.deid import min_cell
    from sinergi.analytics.figures import Filters
    from sinergi.cases.models import Case
    from sinergi.recruitment.models import Placement, RiskFlag

    workers = dict(Placement.objects.values_list("pk", "worker_id"))
    first = {}
    for case in Case.objects.order_by("-reported_on", "-id"):
        first[case.survivor_id] = case
    flags = [(f, first.get(workers.get(f.subject_id))) for f in RiskFlag.objects.filter(subject_type="placement")]
    assert flags
    busiest = Counter(c.origin_province_id for _f, c in flags if c).most_common(1)[0][0]
    years = sorted({timezone.localtime(f.created_at).year for f, _c in flags})
    for filt in (Filters(), Filters(province=busiest), Filters(province=busiest, year_from=years[-1]),
                 Filters(province="11")):
        expected = Counter()
        for f, c in flags:
            if filt.province and (c is None or c.origin_province_id != filt.province):
                continue
            if filt.year_from and timezone.localtime(f.created_at).year < filt.year_from:
                continue
            expected[f.rule.code] += 1
        assert dict(figures.tally("flag_raised", filt, "value")) == dict(expected), filt
        shown = {r["rule"]: r["raised"] for r in sections.recruitment(filt)["flags"]}
        assert set(shown) == set(expected)
        assert all(shown[r] in (n, None) and (shown[r] is not None or n < min_cell() or len(expected) > 1)
                   for r, n in expected.items())
    national = sum(figures.tally("flag_raised", Filters(), "value").values())
    local = sum(figures.tally("flag_raised", Filters(province=busiest), "value").values())
    assert 0 < local < national


def test_the_agency_page_gives_referral_times_per_type_against_the_regional_median(world):
    """Per referral type the agency received: its median hours to acknowledge and days to complete, and the
    median of the peers' medians, equal to a count over the raw referrals (rounded as the histograms are)."""
    import math
    import statistics

    from sinergi.agencies.models import Agency
    from sinergi.analytics import sections
    from sinergi.analytics.deid import min_cell
    from sinergi.analytics.figures import Filters
    from sinergi.referrals.models import Referral

    k = min_cell()
    busiest = Counter(Referral.objects.values_list("to_agency_id", flat=True)).most_common(1)[0][0]
    agency = Agency.objects.get(pk=busiest)
    data = sections.agency_performance(agency, Filters())
    rows = {r["type"]: r for r in data["referral_types"]}
    assert set(rows) == set(Referral.objects.filter(to_agency=agency).values_list("type", flat=True))
    province = (agency.region_id or "")[:2]
    peers = list(Agency.objects.filter(region__code__startswith=province, is_active=True)) if province else []
    if len(peers) < 2:
        peers = list(Agency.objects.filter(is_active=True))

    def median_hours(qs, field):
        values = sorted(bucket((getattr(r, field) - r.sent_at).total_seconds()) for r in qs
                        if getattr(r, field) is not None)
        if len(values) < k:
            return None
        return values[max(1, math.ceil(0.5 * len(values))) - 1]

    def region(field, t):
        meds = [m for m in (median_hours(Referral.objects.filter(to_agency=p, type=t), field) for p in peers)
                if m is not None]
        return statistics.median(meds) if len(meds) >= 2 else None

    checked = 0
    for t, row in rows.items():
        mine = Referral.objects.filter(to_agency=agency, type=t)
        assert row["ack_hours"] == median_hours(mine, "acknowledged_at")
        done = median_hours(mine, "completed_at")
        assert row["done_days"] == (None if done is None else round(done / 24, 1))
        assert row["ack_region_hours"] == region("acknowledged_at", t)
        r_done = region("completed_at", t)
        assert row["done_region_days"] == (None if r_done is None else round(r_done / 24, 1))
        checked += row["ack_hours"] is not None
    assert checked


def test_an_incremental_refresh_recounts_the_changed_places_and_equals_a_full_count(world, monkeypatch):
    """After writes of every kind (a case moved to another regency, a case deleted, a new referral, a flag
    confirmed, a survivor's sex corrected, a service recorded, a referral passing its deadline unanswered), the
    worker's incremental round gives exactly the figures of an independent full count."""
    from sinergi.agencies.models import Agency
    from sinergi.analytics import refresh
    from sinergi.cases.models import Case, ServiceDelivery
    from sinergi.recruitment.models import RiskFlag
    from sinergi.referrals.models import Referral

    state = RefreshState.objects.get()
    assert state.mode == "full" and state.full_at
    # The world was written a moment ago: without the look-back margin only the writes below count as changes.
    monkeypatch.setattr(refresh, "LOOKBACK", dt.timedelta(0))
    stamp = clock.now()
    cases = list(Case.objects.order_by("reported_on"))
    moved = cases[3]
    other_regency = next(c.origin_regency_id for c in cases if c.origin_regency_id[:2] != moved.origin_regency_id[:2])
    Case.objects.filter(pk=moved.pk).update(origin_regency_id=other_regency, origin_province_id=other_regency[:2],
                                            updated_at=stamp)
    gone = cases[5]
    gone.stage_entries.all().delete()
    gone.referrals.all().delete()
    gone.services.all().delete()
    gone.recruitment_links.all().delete()
    Case.objects.filter(pk=gone.pk).delete()
    target = cases[8]
    to = Agency.objects.exclude(pk=target.lead_agency_id).first()
    Referral.objects.create(case=target, type="shelter", from_agency_id=target.lead_agency_id, to_agency=to,
                            status="sent", sections=[], sent_at=stamp - dt.timedelta(hours=5),
                            ack_due_at=stamp + dt.timedelta(minutes=30), complete_due_at=stamp + dt.timedelta(days=3))
    flag = RiskFlag.objects.filter(resolution="open").first()
    if flag:
        RiskFlag.objects.filter(pk=flag.pk).update(resolution="confirmed", updated_at=stamp)
    person = cases[10].survivor
    person.sex = "Masculine" if person.sex != "Masculine" else "Feminine"
    person.save()
    service_case = cases[12]
    ServiceDelivery.objects.create(case=service_case, type="medical", provider_id=service_case.lead_agency_id,
                                   started_on=service_case.reported_on, outcome="completed",
                                   recorded_by=Agency.objects.first().memberships.first().user
                                   if Agency.objects.first().memberships.exists() else _any_user())
    # An hour later: the new referral's acknowledgement deadline has passed without an answer.
    later = stamp + dt.timedelta(hours=1)
    clock.set_now(later)
    try:
        result = analytics_refresh(force=True, full=False)
        assert result["mode"] == "incremental", result
        # The changed cases (and their survivors' others, and the sweep's slice), not all of them.
        assert result["changed"] < 12 and result["cases"] < Case.objects.count(), result
        _check_all(later)
    finally:
        clock.set_now(None)
    assert RefreshState.objects.get().mode == "incremental"


def _any_user():
    from sinergi.agencies.models import User

    return User.objects.create(username="svc-recorder")
