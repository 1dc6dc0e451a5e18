"""Counting what each case contributes to the read models: set-based SQL, one ``INSERT ... SELECT ... GROUP BY``
per family of figures, so the database counts (one pass over each source table, in its own memory) and nothing
per case travels to Python. The same SQL runs on SQLite and PostgreSQL (the few spellings that differ, year
extraction, time differences and UUIDs as text, are chosen per vendor in ``_Sql``).

Every family writes rows of (case, figure, cell): what that case adds to the figure in its cell (the case is
null for placements and flags that belong to no case). Over all cases they become the working state
``CaseTally``/``CaseDuration``; over the cases of a round they are compared with that state (``rollup``).
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import UNKNOWN, CaseDuration, CasePlace, CaseTally, Duration, Spread, Tally


# Regencies and cities on Indonesia's land and sea borders, where survivors cross back (Kemendagri codes).
BORDER_REGENCIES: dict[str, str] = getattr(settings, "SINERGI_BORDER_REGENCIES", {
    "65.03": "Kabupaten Nunukan", "65.71": "Kota Tarakan", "65.02": "Kabupaten Malinau",
    "61.03": "Kabupaten Sanggau", "53.04": "Kabupaten Belu", "53.21": "Kabupaten Malaka", "21.71": "Kota Batam",
})

AGE_BANDS = ((0, 8, "0-8"), (9, 17, "9-17"), (18, 20, "18-20"), (21, 23, "21-23"), (24, 26, "24-26"),
             (27, 29, "27-29"), (30, 38, "30-38"), (39, 47, "39-47"), (48, 200, "48+"))
AFTER_RECEIVED = frozenset({"recovering", "reintegrated"})


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return UNKNOWN
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return UNKNOWN


def age_at(reported_on: dt.date, dob: dt.date | None, estimated: int | None) -> int | None:
    if dob is not None:
        return reported_on.year - dob.year - ((reported_on.month, reported_on.day) < (dob.month, dob.day))
    return estimated


def bucket(seconds: float) -> int:
    """Whole hours under two days, whole days (in hours) under sixty days, whole weeks (in hours) beyond: the
    precision a stage time is reported at. Percentiles are exact over these rounded values."""
    hours = max(0.0, seconds) / 3600
    if hours < 48:
        return int(hours)
    if hours < 24 * 60:
        return int(hours // 24) * 24
    return int(hours // 168) * 168



class _Sql:
    """The spellings that differ between SQLite and PostgreSQL, for the connection in use."""

    def __init__(self):
        from zoneinfo import ZoneInfo

        self.pg = connection.vendor == "postgresql"
        tz = timezone.get_current_timezone_name()
        ZoneInfo(tz)  # a real zone name (letters, '/', '_', '+', '-'): safe to write into the statement
        self.tz = tz.replace("'", "")

    def year(self, col: str) -> str:
        """The year of a date."""
        return f"CAST(EXTRACT(YEAR FROM {col}) AS INTEGER)" if self.pg else f"CAST(strftime('%Y', {col}) AS INTEGER)"

    def local_year(self, col: str) -> str:
        """The year of a moment in the instance's time zone (as ``timezone.localtime``)."""
        if self.pg:
            return f"CAST(EXTRACT(YEAR FROM {col} AT TIME ZONE '{self.tz}') AS INTEGER)"
        return f"CAST(django_datetime_extract('year', {col}, '{self.tz}', '{connection.timezone_name}') AS INTEGER)"

    def month_day(self, col: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(MONTH FROM {col}) * 100 + EXTRACT(DAY FROM {col}) AS INTEGER)"
        return f"CAST(strftime('%m%d', {col}) AS INTEGER)"

    def seconds(self, later: str, earlier: str) -> str:
        """Exact seconds from ``earlier`` to ``later`` (microseconds kept)."""
        if self.pg:
            return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
        return f"(django_timestamp_diff({later}, {earlier}) / 1000000.0)"

    def floor(self, expr: str) -> str:
        # CAST truncates on SQLite; the value is never negative here. PostgreSQL's CAST would round.
        return f"FLOOR({expr})" if self.pg else f"CAST({expr} AS INTEGER)"

    def bucket(self, s: str) -> str:
        """``bucket`` in SQL: whole hours under two days, whole days under sixty, whole weeks beyond."""
        f = self.floor
        return (f"CASE WHEN {s} IS NULL OR {s} < 0 THEN 0 WHEN {s} < 172800 THEN {f(f'{s} / 3600')} "
                f"WHEN {s} < 5184000 THEN {f(f'{s} / 86400')} * 24 ELSE {f(f'{s} / 604800')} * 168 END")

    def uuid_text(self, col: str) -> str:
        """A UUID column as ``str(uuid)`` writes it (SQLite stores 32 hex digits)."""
        if self.pg:
            return f"CAST({col} AS TEXT)"
        return (f"(substr({col}, 1, 8) || '-' || substr({col}, 9, 4) || '-' || substr({col}, 13, 4) || '-' || "
                f"substr({col}, 17, 4) || '-' || substr({col}, 21, 12))")

    @property
    def null_uuid(self) -> str:
        return "CAST(NULL AS uuid)" if self.pg else "NULL"

    def uuid_param(self, value):
        return value if self.pg else value.hex

    def same(self, a: str, b: str) -> str:
        """``a`` equals ``b``, two nulls included."""
        return f"{a} IS NOT DISTINCT FROM {b}" if self.pg else f"{a} IS {b}"

    def hist(self, bucket: str, n: str) -> str:
        """The ``bucket:n`` pairs of a group, comma-separated (``Spread.hist``)."""
        if self.pg:
            return f"string_agg(CAST({bucket} AS TEXT) || ':' || CAST({n} AS TEXT), ',' ORDER BY {bucket})"
        return f"group_concat({bucket} || ':' || {n}, ',')"


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _tables() -> dict[str, str]:
    from sinergi.agencies.models import Agency
    from sinergi.cases.models import Case, CaseExploitationType, ServiceDelivery, StageEntry
    from sinergi.people.models import Person
    from sinergi.recruitment.models import CaseLink, JobOrder, Placement, RiskFlag, RiskRule
    from sinergi.referrals.models import Referral
    from sinergi.regions.models import Country

    return {"case": _t(Case), "case_all": _t(Case), "place": _t(CasePlace), "expl": _t(CaseExploitationType), "service": _t(ServiceDelivery),
            "stage": _t(StageEntry), "person": _t(Person), "link": _t(CaseLink), "joborder": _t(JobOrder),
            "placement": _t(Placement), "flag": _t(RiskFlag), "rule": _t(RiskRule), "referral": _t(Referral),
            "country": _t(Country), "agency": _t(Agency), "tally": _t(Tally), "duration": _t(Duration),
            "spread": _t(Spread), "ftally": _t(CaseTally), "fduration": _t(CaseDuration)}


# The case's cell: the case, its home province and regency, lead agency, primary exploitation type ('?' when
# unknown).
CELL = ("{case_id} AS case_id, COALESCE(NULLIF(c.origin_province_id, ''), '?') AS province, "
        "COALESCE(NULLIF(c.origin_regency_id, ''), '?') AS regency, {agency} AS agency, "
        "COALESCE(NULLIF(c.primary_exploitation, ''), '?') AS exploitation")
CASE_CELL = CELL.format(case_id="c.id", agency="c.lead_agency_id")
NO_CELL = "{null_uuid} AS case_id, '?' AS province, '?' AS regency, {null_uuid} AS agency, '?' AS exploitation"
COLS = "case_id, province, regency, agency, exploitation"


class Writer:
    """Runs the inserts of one count and keeps the time of each statement.

    ``cases`` is None to count every case into ``CaseTally``/``CaseDuration``, or the name of a table of case
    ids: then only those cases (and what belongs to no case) are counted, into the tables ``into`` names."""

    def __init__(self, cur, sql: _Sql, t: dict[str, str], cases: str | None = None,
                 into: tuple[str, str] | None = None):
        self.cur, self.sql, self.rows = cur, sql, 0
        self.timings: list[tuple[str, float, int]] = []  # (what, seconds, rows) per statement
        self.all = dict(t)  # the tables themselves (``t``: the case table narrowed to the round's cases)
        self.t = dict(t)
        self.cases = cases
        self.into = into or (t["ftally"], t["fduration"])
        if cases is None:
            self.scope_sql = "1 = 1"
        else:
            # The case table narrowed to the round's cases: every family joins its rows to it.
            self.t["case"] = f"(SELECT cc.* FROM {t['case']} cc WHERE cc.id IN (SELECT case_id FROM {cases}))"
            self.scope_sql = f"(c.id IS NULL OR c.id IN (SELECT case_id FROM {cases}))"

    def run(self, label: str, statement: str, params: tuple = (), *, written: bool = True) -> int:
        started = time.monotonic()
        self.cur.execute(statement, params)
        n = max(self.cur.rowcount, 0)
        if written:
            self.rows += n
        self.timings.append((label, round(time.monotonic() - started, 2), n))
        return n

    def tally(self, inner: str, params: tuple = ()) -> None:
        """``inner`` yields (dim, value, year, case_id, province, regency, agency, exploitation): one count per
        row."""
        self.run(inner[7:60],
                 f"INSERT INTO {self.into[0]} (dim, value, year, {COLS}, n) "
                 f"SELECT dim, value, year, {COLS}, COUNT(*) FROM ({inner}) q "
                 f"GROUP BY dim, value, year, {COLS}", params)

    def duration(self, inner: str, params: tuple = ()) -> None:
        """``inner`` yields (kind, k, year, case_id, province, regency, agency, exploitation, s): one stay of s
        seconds."""
        self.run(inner[7:60],
                 f"INSERT INTO {self.into[1]} (kind, {connection.ops.quote_name('key')}, year, {COLS}, bucket, n) "
                 f"SELECT kind, k, year, {COLS}, bucket, COUNT(*) FROM ("
                 f"SELECT kind, k, year, {COLS}, {self.sql.bucket('s')} AS bucket FROM ({inner}) q0) q "
                 f"GROUP BY kind, k, year, {COLS}, bucket", params)


def _age_band_sql(age: str) -> str:
    whens = " ".join(f"WHEN {age} <= {high} THEN '{label}'" for _low, high, label in AGE_BANDS)
    return f"CASE WHEN {age} IS NULL OR {age} < 0 THEN '{UNKNOWN}' {whens} ELSE '{UNKNOWN}' END"


def _count_cases(w: Writer) -> None:
    from sinergi.cases.enums import VictimStatus

    q, t = w.sql, w.t
    year = q.year("c.reported_on")
    base = f"FROM {t['case']} c "
    w.tally(f"SELECT 'cases' AS dim, '' AS value, {year} AS year, {CASE_CELL} {base}")
    # Where each case is now, and every type of exploitation recorded (the analyst's first page).
    w.tally(f"SELECT 'stage' AS dim, c.stage AS value, {year} AS year, {CASE_CELL} {base}")
    w.tally(f"SELECT 'type' AS dim, x.type AS value, {year} AS year, {CASE_CELL} {base}"
            f"JOIN {t['expl']} x ON x.case_id = c.id")
    country = f"LEFT JOIN {t['country']} co ON co.code = c.country_of_exploitation_id "
    alpha3 = "COALESCE(NULLIF(co.alpha3, ''), '?')"
    w.tally(f"SELECT 'country' AS dim, {alpha3} AS value, {year} AS year, {CASE_CELL} {base}{country}")
    w.tally(f"SELECT 'city' AS dim, {alpha3} || '|' || c.city_of_exploitation AS value, {year} AS year, {CASE_CELL} "
            f"{base}{country}WHERE c.city_of_exploitation <> ''")
    w.tally(f"SELECT 'one_door' AS dim, CASE WHEN EXISTS (SELECT 1 FROM {t['placement']} p "
            f"WHERE p.worker_id = c.survivor_id) THEN 'through' ELSE 'outside' END AS value, {year} AS year, "
            f"{CASE_CELL} {base}")
    victims = "WHERE c.victim_status = %s"
    actual = (VictimStatus.ACTUAL.value,)
    person = f"LEFT JOIN {t['person']} s ON s.id = c.survivor_id "
    w.tally(f"SELECT 'victims' AS dim, '' AS value, {year} AS year, {CASE_CELL} {base}{victims}", actual)
    w.tally(f"SELECT 'victim_sex' AS dim, COALESCE(NULLIF(s.sex, ''), '?') AS value, {year} AS year, {CASE_CELL} "
            f"{base}{person}{victims}", actual)
    age = (f"CASE WHEN s.date_of_birth IS NOT NULL THEN {year} - {q.year('s.date_of_birth')} - "
           f"CASE WHEN {q.month_day('c.reported_on')} < {q.month_day('s.date_of_birth')} THEN 1 ELSE 0 END "
           f"ELSE s.estimated_age END")
    w.tally(f"SELECT 'victim_age' AS dim, {_age_band_sql('a.age')} AS value, year, {COLS} FROM ("
            f"SELECT {age} AS age, {year} AS year, {CASE_CELL} {base}{person}{victims}) a", actual)
    w.tally(f"SELECT 'victim_citizenship' AS dim, COALESCE(NULLIF(ci.alpha3, ''), '?') AS value, {year} AS year, "
            f"{CASE_CELL} {base}{person}LEFT JOIN {t['country']} ci ON ci.code = s.citizenship_id {victims}", actual)
    w.tally(f"SELECT 'victim_country' AS dim, {alpha3} AS value, {year} AS year, {CASE_CELL} {base}{country}{victims}",
            actual)
    w.tally(f"SELECT 'victim_type' AS dim, COALESCE(x.type, '?') AS value, {year} AS year, {CASE_CELL} {base}"
            f"LEFT JOIN {t['expl']} x ON x.case_id = c.id {victims}", actual)


def _count_stages(w: Writer) -> None:
    """What each case reached, how long each closed stay lasted (a case still in a stage is not yet a
    duration), who stopped at "received", and the time from the report to arrival home."""
    q, t = w.sql, w.t
    year = q.year("c.reported_on")
    join = f"FROM {t['stage']} se JOIN {t['case']} c ON c.id = se.case_id "
    w.tally(f"SELECT DISTINCT 'reached' AS dim, se.stage AS value, {year} AS year, {CASE_CELL} {join}")
    after = ", ".join(f"'{s}'" for s in sorted(AFTER_RECEIVED))
    w.tally(f"SELECT 'stopped_received' AS dim, '' AS value, {year} AS year, {CASE_CELL} FROM {t['case']} c "
            f"WHERE EXISTS (SELECT 1 FROM {t['stage']} e WHERE e.case_id = c.id AND e.stage = 'received') "
            f"AND NOT EXISTS (SELECT 1 FROM {t['stage']} e WHERE e.case_id = c.id AND e.stage IN ({after}))")
    w.duration(f"SELECT 'stage' AS kind, se.stage AS k, {year} AS year, {CASE_CELL}, "
               f"{q.seconds('se.left_at', 'se.entered_at')} AS s {join}WHERE se.left_at IS NOT NULL")
    first = f"(SELECT MIN(e.entered_at) FROM {t['stage']} e WHERE e.case_id = se.case_id)"
    home_year = q.local_year("se.entered_at")
    w.duration(f"SELECT 'repatriation' AS kind, '' AS k, {home_year} AS year, {CASE_CELL}, "
               f"{q.seconds('se.entered_at', first)} AS s {join}WHERE se.stage = 'repatriated'")
    w.tally(f"SELECT 'repatriated' AS dim, COALESCE(NULLIF(c.port_of_entry, ''), '?') AS value, {home_year} AS year, "
            f"{CASE_CELL} {join}WHERE se.stage = 'repatriated'")


def _count_referrals(w: Writer, now: dt.datetime) -> None:
    """Per receiving agency and type, in the year it reached the agency: answered in time or late, overdue, expired
    or declined, escalated; and the hours to acknowledgement and to completion. A referral to a partner instance
    reaches it with the partner's receipt and counts from then; one still queued (the partner down) is left out."""
    q, t = w.sql, w.t
    cell = CELL.format(case_id="c.id", agency="r.to_agency_id")
    sent = "COALESCE(r.delivered_at, r.sent_at)"
    year = q.local_year(sent)
    join = (f"FROM {t['referral']} r JOIN {t['case']} c ON c.id = r.case_id "
            f"JOIN {t['agency']} ra ON ra.id = r.to_agency_id WHERE (ra.peer_id IS NULL OR r.delivered_at IS NOT NULL) ")
    w.tally(f"SELECT 'ref_sent' AS dim, r.type AS value, {year} AS year, {cell} {join}")
    w.tally(f"SELECT CASE WHEN r.acknowledged_at > r.ack_due_at THEN 'ref_ack_late' ELSE 'ref_ack_on_time' END "
            f"AS dim, r.type AS value, {year} AS year, {cell} {join}AND r.acknowledged_at IS NOT NULL")
    w.tally(f"SELECT 'ref_ack_overdue' AS dim, r.type AS value, {year} AS year, {cell} {join}"
            f"AND r.acknowledged_at IS NULL AND r.status = 'sent' AND r.ack_due_at < %s", (now,))
    w.tally(f"SELECT CASE WHEN r.completed_at > r.complete_due_at THEN 'ref_done_late' ELSE 'ref_done_on_time' END "
            f"AS dim, r.type AS value, {year} AS year, {cell} {join}AND r.completed_at IS NOT NULL")
    w.tally(f"SELECT 'ref_done_overdue' AS dim, r.type AS value, {year} AS year, {cell} {join}"
            f"AND r.completed_at IS NULL AND r.status IN ('acknowledged', 'accepted', 'in_progress') "
            f"AND r.complete_due_at < %s", (now,))
    w.tally(f"SELECT 'ref_' || r.status AS dim, r.type AS value, {year} AS year, {cell} {join}"
            f"AND r.status IN ('expired', 'declined')")
    w.tally(f"SELECT 'ref_escalated' AS dim, r.type AS value, {year} AS year, {cell} {join}"
            f"AND r.escalation_level > 0")
    w.duration(f"SELECT 'ack' AS kind, r.type AS k, {year} AS year, {cell}, "
               f"{q.seconds('r.acknowledged_at', sent)} AS s {join}AND r.acknowledged_at IS NOT NULL")
    w.duration(f"SELECT 'done' AS kind, r.type AS k, {year} AS year, {cell}, "
               f"{q.seconds('r.completed_at', sent)} AS s {join}AND r.completed_at IS NOT NULL")


def _count_services(w: Writer) -> None:
    q, t = w.sql, w.t
    w.tally(f"SELECT 'service' AS dim, sd.type AS value, {q.year('sd.started_on')} AS year, {CASE_CELL} "
            f"FROM {t['service']} sd JOIN {t['case']} c ON c.id = sd.case_id WHERE sd.outcome <> 'declined'")


def border_agencies() -> dict:
    """The agencies seated in a border regency, each with that regency's code."""
    from sinergi.agencies.models import Agency

    out = {}
    for pk, region in Agency.objects.exclude(region=None).values_list("pk", "region_id"):
        if region[:5] in BORDER_REGENCIES:
            out[pk] = region[:5]
    return out


def _count_border(w: Writer, agency_regency: dict) -> None:
    """Cases a border agency acted on (a stage it recorded, a referral it received, a service it gave), by the
    border regency, the agency, and the port of entry with the agency."""
    if not agency_regency:
        return
    q, t = w.sql, w.t
    ids = [q.uuid_param(a) for a in agency_regency]
    marks = ", ".join(["%s"] * len(ids))
    acted = (f"SELECT se.case_id AS case_id, se.agency_id AS a FROM {t['stage']} se WHERE se.agency_id IN ({marks}) "
             f"UNION SELECT r.case_id, r.to_agency_id FROM {t['referral']} r WHERE r.to_agency_id IN ({marks}) "
             f"UNION SELECT sd.case_id, sd.provider_id FROM {t['service']} sd WHERE sd.provider_id IN ({marks})")
    if w.cases is not None:  # the round's cases only (the acting rows are found through their case)
        acted = " UNION ".join(
            f"{part} AND {alias}.case_id IN (SELECT case_id FROM {w.cases})"
            for part, alias in zip(acted.split(" UNION "), ("se", "r", "sd")))
    params = tuple(ids) * 3
    year = q.year("c.reported_on")
    join = f"FROM ({acted}) b JOIN {t['case']} c ON c.id = b.case_id "
    w.tally(f"SELECT 'border_agency' AS dim, {q.uuid_text('b.a')} AS value, {year} AS year, {CASE_CELL} {join}",
            params)
    w.tally(f"SELECT 'border_port_agency' AS dim, COALESCE(NULLIF(c.port_of_entry, ''), '?') || '|' || "
            f"{q.uuid_text('b.a')} AS value, {year} AS year, {CASE_CELL} {join}", params)
    regency = "CASE " + " ".join("WHEN b.a = %s THEN %s" for _ in agency_regency) + " END"
    regency_params = tuple(x for a, r in agency_regency.items() for x in (q.uuid_param(a), r))
    w.tally(f"SELECT DISTINCT 'border_regency' AS dim, {regency} AS value, {year} AS year, {CASE_CELL} "
            f"{join}", regency_params + params)


def _count_recruitment(w: Writer) -> None:
    """Cases per recruiter and per placement agency (once each however often linked), risk flags raised and
    confirmed per rule, placements per destination."""
    q, t = w.sql, w.t
    year = q.year("c.reported_on")
    join = f"FROM {t['link']} cl JOIN {t['case']} c ON c.id = cl.case_id "
    w.tally(f"SELECT DISTINCT 'recruiter' AS dim, {q.uuid_text('cl.recruiter_id')} AS value, {year} AS year, "
            f"{CASE_CELL} {join}WHERE cl.recruiter_id IS NOT NULL")
    w.tally(f"SELECT DISTINCT 'placement_agency' AS dim, {q.uuid_text('cl.placement_agency_id')} AS value, "
            f"{year} AS year, {CASE_CELL} {join}WHERE cl.placement_agency_id IS NOT NULL")
    # A flag on a placement whose worker became a case counts in that case's cell (the first case of the
    # survivor), so flags follow the place, agency and type filters; other flags count in no cell.
    first_case = (f"(SELECT c2.id FROM {t['case_all']} c2 WHERE c2.survivor_id = p.worker_id "
                  f"ORDER BY c2.reported_on, c2.id LIMIT 1)")
    flags = (f"FROM {t['flag']} f JOIN {t['rule']} rr ON rr.id = f.rule_id "
             f"LEFT JOIN {t['placement']} p ON f.subject_type = 'placement' AND p.id = f.subject_id "
             f"LEFT JOIN {t['case_all']} c ON c.id = {first_case} WHERE {w.scope_sql} ")
    w.tally(f"SELECT 'flag_raised' AS dim, rr.code AS value, {q.local_year('f.created_at')} AS year, {CASE_CELL} "
            f"{flags}")
    w.tally(f"SELECT 'flag_confirmed' AS dim, rr.code AS value, {q.local_year('f.created_at')} AS year, "
            f"{CASE_CELL} {flags}AND f.resolution = 'confirmed'")
    # Placements belong to no case: always counted whole (they are few).
    w.tally(f"SELECT 'placements' AS dim, COALESCE(NULLIF(co.alpha3, ''), '?') AS value, "
            f"CASE WHEN p.departure_date IS NOT NULL THEN {q.year('p.departure_date')} "
            f"ELSE {q.local_year('p.created_at')} END AS year, {NO_CELL.format(null_uuid=q.null_uuid)} "
            f"FROM {t['placement']} p JOIN {t['joborder']} jo ON jo.id = p.job_order_id "
            f"LEFT JOIN {t['country']} co ON co.code = jo.destination_id")


def count(w: Writer, now: dt.datetime) -> None:
    """Every family of figures, for the writer's cases."""
    border = border_agencies()
    _count_cases(w)
    _count_stages(w)
    _count_referrals(w, now)
    _count_services(w)
    _count_border(w, border)
    _count_recruitment(w)
