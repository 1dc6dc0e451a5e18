"""An independent count of the read models' rows, one case at a time in Python over the raw rows: the
streaming implementation the set-based SQL rebuild (``refresh.rebuild``) replaced. The tests compare the two,
row for row; nothing outside the tests uses it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Iterator

from django.utils import timezone

from sinergi.analytics.models import ALL_YEARS, GRAINS, ROLLUP, UNKNOWN, Grain
from sinergi.analytics.refresh import AFTER_RECEIVED, BORDER_REGENCIES, age_at, age_band, bucket
from sinergi.core import clock

CHUNK = 5000


def _local_year(value: dt.datetime) -> int:
    return timezone.localtime(value).year


class Counts:
    """The cells being counted: tallies and duration histograms keyed by their columns."""

    def __init__(self):
        self.tally: Counter = Counter()
        self.duration: Counter = Counter()

    def add(self, dim: str, value: str, year: int, cell: tuple, n: int = 1) -> None:
        self.tally[(dim, value, year) + cell] += n

    def time(self, kind: str, key: str, year: int, cell: tuple, seconds: float) -> None:
        self.duration[(kind, key, year) + cell + (bucket(seconds),)] += 1


def _cell(province, regency, agency, exploitation) -> tuple:
    return (province or UNKNOWN, regency or UNKNOWN, agency, exploitation or UNKNOWN)


def _stream(qs, *fields) -> Iterator[tuple]:
    return qs.values_list(*fields).iterator(chunk_size=CHUNK)


CASE_DIMS = ("reported_on", "origin_province_id", "origin_regency_id", "lead_agency_id", "primary_exploitation")


def _count_cases(c: Counts, border_cases: dict) -> None:
    from sinergi.cases.enums import VictimStatus
    from sinergi.cases.models import Case
    from sinergi.recruitment.models import Placement

    one_door = set(Placement.objects.exclude(worker=None).values_list("worker_id", flat=True))
    rows = _stream(Case.objects.all(), *CASE_DIMS, "id", "survivor_id", "exploitation_types",
                   "country_of_exploitation__alpha3", "city_of_exploitation", "victim_status", "survivor__sex",
                   "survivor__date_of_birth", "survivor__estimated_age", "survivor__citizenship__alpha3", "stage")
    for (reported, prov, reg, agency, expl, case_id, survivor, types, country, city, status, sex, dob, est,
         citizenship, stage) in rows:
        cell, year = _cell(prov, reg, agency, expl), reported.year
        c.add("cases", "", year, cell)
        c.add("stage", stage, year, cell)
        for t in types or []:
            c.add("type", t, year, cell)
        c.add("country", country or UNKNOWN, year, cell)
        if city:
            c.add("city", f"{country or UNKNOWN}|{city}", year, cell)
        c.add("one_door", "through" if survivor in one_door else "outside", year, cell)
        if status == VictimStatus.ACTUAL:
            c.add("victims", "", year, cell)
            c.add("victim_sex", sex or UNKNOWN, year, cell)
            c.add("victim_age", age_band(age_at(reported, dob, est)), year, cell)
            c.add("victim_citizenship", citizenship or UNKNOWN, year, cell)
            c.add("victim_country", country or UNKNOWN, year, cell)
            for t in types or [UNKNOWN]:
                c.add("victim_type", t, year, cell)


def _count_stages(c: Counts, border_cases: dict, border_agencies: set) -> None:
    """Stage stays in case order: what each case reached, how long each stay lasted (closed stays only; a
    case still in a stage is not yet a duration), who acted at the border."""
    from sinergi.cases.models import StageEntry

    rows = _stream(StageEntry.objects.order_by("case_id", "entered_at"), "case_id", "stage", "entered_at",
                   "left_at", "agency_id", "case__port_of_entry", *("case__" + f for f in CASE_DIMS))
    current, stays, info = None, [], None
    for case_id, stage, entered, left, agency, port, reported, prov, reg, lead, expl in rows:
        if case_id != current:
            if current is not None:
                _one_case(c, current, stays, info, border_cases)
            current, stays = case_id, []
            info = (reported, _cell(prov, reg, lead, expl), port)
        stays.append((stage, entered, left))
        if agency in border_agencies:
            border_cases.setdefault(case_id, [info[0].year, info[1], port, set()])[3].add(agency)
    if current is not None:
        _one_case(c, current, stays, info, border_cases)


def _one_case(c: Counts, case_id, stays: list, info: tuple, border_cases: dict) -> None:
    reported, cell, port = info
    year = reported.year
    reached = {s for s, _, _ in stays}
    for stage in reached:
        c.add("reached", stage, year, cell)
    if "received" in reached and not reached & AFTER_RECEIVED:
        c.add("stopped_received", "", year, cell)
    for stage, entered, left in stays:
        if left is not None:
            c.time("stage", stage, year, cell, (left - entered).total_seconds())
        if stage == "repatriated":
            first = stays[0][1]
            c.time("repatriation", "", _local_year(entered), cell, (entered - first).total_seconds())
            c.add("repatriated", port or UNKNOWN, _local_year(entered), cell)


def _count_referrals(c: Counts, border_cases: dict, border_agencies: set, now: dt.datetime) -> None:
    from sinergi.referrals.models import Referral

    # A referral to a partner instance counts from its receipt; one still queued has not reached the partner.
    referrals = Referral.objects.exclude(to_agency__peer__isnull=False, delivered_at__isnull=True)
    rows = _stream(referrals, "case_id", "type", "status", "to_agency_id", "sent_at", "ack_due_at",
                   "complete_due_at", "acknowledged_at", "completed_at", "escalation_level", "case__port_of_entry",
                   "case__reported_on", "case__origin_province_id", "case__origin_regency_id",
                   "case__primary_exploitation", "case__lead_agency_id", "delivered_at")
    for (case_id, type_, status, to, sent, ack_due, done_due, acked, done, level, port, reported, prov, reg,
         expl, lead, delivered) in rows:
        sent = delivered or sent
        cell, year = _cell(prov, reg, to, expl), _local_year(sent)
        c.add("ref_sent", type_, year, cell)
        if acked is not None:
            c.time("ack", type_, year, cell, (acked - sent).total_seconds())
            c.add("ref_ack_late" if acked > ack_due else "ref_ack_on_time", type_, year, cell)
        elif status in ("sent",) and ack_due < now:
            c.add("ref_ack_overdue", type_, year, cell)
        if done is not None:
            c.time("done", type_, year, cell, (done - sent).total_seconds())
            c.add("ref_done_late" if done > done_due else "ref_done_on_time", type_, year, cell)
        elif status in ("acknowledged", "accepted", "in_progress") and done_due < now:
            c.add("ref_done_overdue", type_, year, cell)
        if status in ("expired", "declined"):
            c.add("ref_" + status, type_, year, cell)
        if level:
            c.add("ref_escalated", type_, year, cell)
        if to in border_agencies:
            border_cases.setdefault(case_id, [reported.year, _cell(prov, reg, lead, expl), port, set()])[3].add(to)


def _count_services(c: Counts, border_cases: dict, border_agencies: set) -> None:
    from sinergi.cases.models import ServiceDelivery

    rows = _stream(ServiceDelivery.objects.all(), "case_id", "type", "provider_id", "started_on", "outcome",
                   "case__port_of_entry", *("case__" + f for f in CASE_DIMS))
    for case_id, type_, provider, started, outcome, port, reported, prov, reg, lead, expl in rows:
        cell = _cell(prov, reg, lead, expl)
        if outcome != "declined":
            c.add("service", type_, started.year, cell)
        if provider in border_agencies:
            border_cases.setdefault(case_id, [reported.year, cell, port, set()])[3].add(provider)


def _count_border(c: Counts, border_cases: dict, agency_regency: dict) -> None:
    for year, cell, port, agencies in border_cases.values():
        regencies = {agency_regency[a] for a in agencies}
        for r in regencies:
            c.add("border_regency", r, year, cell)
        for a in agencies:
            c.add("border_agency", str(a), year, cell)
            c.add("border_port_agency", f"{port or UNKNOWN}|{a}", year, cell)


def _count_recruitment(c: Counts) -> None:
    from sinergi.recruitment.models import CaseLink, Placement, RiskFlag

    rows = _stream(CaseLink.objects.all(), "case_id", "recruiter_id", "placement_agency_id",
                   *("case__" + f for f in CASE_DIMS))
    seen: set = set()
    for case_id, recruiter, pa, reported, prov, reg, lead, expl in rows:
        cell = _cell(prov, reg, lead, expl)
        # A case counts once per recruiter and per placement agency however often it was linked.
        if recruiter and (case_id, recruiter) not in seen:
            seen.add((case_id, recruiter))
            c.add("recruiter", str(recruiter), reported.year, cell)
        if pa and (case_id, pa) not in seen:
            seen.add((case_id, pa))
            c.add("placement_agency", str(pa), reported.year, cell)
    none = (UNKNOWN, UNKNOWN, None, UNKNOWN)
    from sinergi.cases.models import Case

    workers = dict(Placement.objects.values_list("pk", "worker_id"))
    first_case: dict = {}
    for survivor, reported, case_id, prov, reg, lead, expl in _stream(
            Case.objects.order_by("-reported_on", "-id"), "survivor_id", "reported_on", "id", "origin_province_id",
            "origin_regency_id", "lead_agency_id", "primary_exploitation"):
        first_case[survivor] = _cell(prov, reg, lead, expl)  # the last written is the first case
    for rule, resolution, created, subject_type, subject in _stream(
            RiskFlag.objects.all(), "rule__code", "resolution", "created_at", "subject_type", "subject_id"):
        worker = workers.get(subject) if subject_type == "placement" else None
        cell = first_case.get(worker, none) if worker else none
        c.add("flag_raised", rule, _local_year(created), cell)
        if resolution == "confirmed":
            c.add("flag_confirmed", rule, _local_year(created), cell)
    for country, departed, created in _stream(Placement.objects.all(), "job_order__destination__alpha3",
                                              "departure_date", "created_at"):
        c.add("placements", country or UNKNOWN, departed.year if departed else _local_year(created), none)


TALLY_FIELDS = ("dim", "value", "year", "province", "regency", "agency", "exploitation")
DURATION_FIELDS = ("kind", "key", "year", "province", "regency", "agency", "exploitation", "bucket")


def compute(now: dt.datetime | None = None) -> Counts:
    """Count everything from the source tables (no writes)."""
    from sinergi.agencies.models import Agency

    now = now or clock.now()
    border_agency_regency = {}
    for pk, region in Agency.objects.exclude(region=None).values_list("pk", "region_id"):
        if region[:5] in BORDER_REGENCIES:
            border_agency_regency[pk] = region[:5]
    border = set(border_agency_regency)
    c = Counts()
    border_cases: dict = {}
    _count_cases(c, border_cases)
    _count_stages(c, border_cases, border)
    _count_referrals(c, border_cases, border, now)
    _count_services(c, border_cases, border)
    _count_border(c, border_cases, border_agency_regency)
    _count_recruitment(c)
    return c




def _at(g: int, key: tuple, year_at: int) -> tuple:
    """A base cell's key as it reads in grain ``g`` (the summed-away columns emptied)."""
    k = list(key)
    province, regency, agency, exploitation = year_at + 1, year_at + 2, year_at + 3, year_at + 4
    if g & Grain.YEARS:
        k[year_at] = ALL_YEARS
    if g & Grain.PROVINCE:
        k[province] = ROLLUP
    if g & Grain.REGENCY:
        k[regency] = ROLLUP
    if g & Grain.AGENCY:
        k[agency] = None
    if g & Grain.EXPLOITATION:
        k[exploitation] = ROLLUP
    return (g, *k)


def _norm(key: tuple) -> tuple:
    return tuple(str(v) if v is not None else None for v in key)


def rows(c: Counts) -> tuple[Counter, Counter]:
    """The Tally and Duration rows of every grain as multisets of their column tuples (grain first)."""
    tally: Counter = Counter()
    duration: Counter = Counter()
    for g in GRAINS:
        for key, n in c.tally.items():
            tally[_norm(_at(g, key, 2))] += n
        for key, n in c.duration.items():
            duration[_norm(_at(g, key, 2))] += n
    return +tally, +duration


def spreads(c: Counts) -> dict:
    """The Spread rows: {(grain, kind, key, year, province, regency, agency, exploitation): {bucket: n}}."""
    out: dict = {}
    for g in GRAINS:
        for key, n in c.duration.items():
            cell = _at(g, key, 2)
            out.setdefault(_norm(cell[:-1]), Counter())[int(cell[-1])] += n
    return out
