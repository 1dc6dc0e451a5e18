"""Import benchmark: N HTCDS-shaped rows, validated and audited, against a raw bulk insert of the same rows.

In one run and one throwaway database (a temporary SQLite file, or with DATABASE_URL a separate PostgreSQL
database created on that server and dropped afterwards; the demo database is never touched):

(a) raw: read the same CSV file and bulk_create the persons, their name keys and the cases, without
    validation, stage entries, timeline or audit;
(b) import: ``transfer.services.cases_import`` on that file (validation, persons, aliases, name keys, cases,
    exploitation types, stage entries, timeline events, one hash-chained audit row per case).

The tables are emptied between the two. Prints both times and the ratio of speeds (b / a); target >= 0.3.

    uv run python benchmarks/bench_import.py [--rows 100000]
    DATABASE_URL=postgres://USER@HOST:5432/postgres uv run python benchmarks/bench_import.py --pg-database NAME
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _pg_prepare(url: str, name: str) -> str:
    """Create a fresh database ``name`` on the server of ``url``; returns its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg_drop(url: str, name: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def raw_insert(path: Path, agency_id) -> int:
    """(a): the same rows straight into persons, name keys and cases with plain bulk_create."""
    from django.db import transaction
    from django.utils import timezone

    from sinergi.cases.models import Case
    from sinergi.people import names
    from sinergi.people.models import NameKey, Person

    tz = timezone.get_current_timezone()
    persons, keys, cases = [], [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), 1):
            village = r["sng_OriginVillage"] or None
            person = Person(
                full_name=r["sng_FullName"], sex=r["prs_Gender"],
                date_of_birth=dt.date.fromisoformat(r["prs_Birthdate"]) if r["prs_Birthdate"] else None,
                estimated_age=int(r["sng_EstimatedAge"]) if r["sng_EstimatedAge"] else None,
                citizenship_id=r["prs_Citizenship"] or None, origin_village_id=village,
                origin_province_id=village[:2] if village else None, origin_regency_id=village[:5] if village else None,
            )
            persons.append(person)
            keys.extend(NameKey(person_id=person.pk, key=k) for k in names.keys_for(person.full_name))
            reported = dt.date.fromisoformat(r["sng_ReportedOn"])
            entered = dt.date.fromisoformat(r["sng_StageEnteredOn"] or r["sng_ReportedOn"])
            types = [t for t in r["vic_TypeOfExploitation"].split(";") if t]

            def multi(col, r=r):
                return [t for t in r[col].split(";") if t]

            def day(col, r=r):
                return dt.date.fromisoformat(r[col]) if r[col] else None

            cases.append(Case(
                reference=f"RAW-{n:07d}", external_id=r["sng_ExternalId"], survivor_id=person.pk,
                lead_agency_id=agency_id, stage=r["sng_Stage"],
                stage_entered_at=dt.datetime.combine(entered, dt.time.min, tzinfo=tz), outcome=r["sng_Outcome"],
                reported_on=reported, victim_status=r["vic_TraffickingStatus"],
                victim_status_decided_by=r["vic_TraffickingStatusDecisionMakingOrg"],
                victim_status_decided_on=day("sng_TraffickingStatusDecidedOn"),
                exploitation_types=types, primary_exploitation=types[0] if types else "",
                forced_labour_industry=r["vic_ForcedLabourIndustry"],
                sex_exploitation_types=multi("vic_TypeOfSexExploitation"),
                means_of_control=multi("vic_MethodsOfControl"), recruitment_methods=multi("vic_MethodOfRecruitment"),
                recruitment_apps=multi("vic_RecruitmentWebsitesAndApps"),
                exploitation_apps=multi("vic_ExploitationWebsitesAndApps"),
                relation_to_trafficker=r["vic_RelationshipToTrafficker"],
                country_of_exploitation_id=r["hte_Country"] or None, city_of_exploitation=r["hte_City"],
                recruited_on=day("sng_RecruitedOn"), exploitation_started_on=day("hte_Date"),
                exploitation_ended_on=day("sng_ExploitationEndedOn"), summary=r["sng_Summary"],
                origin_province_id=person.origin_province_id, origin_regency_id=person.origin_regency_id,
            ))
    with transaction.atomic():
        Person.objects.bulk_create(persons, batch_size=2000)
        NameKey.objects.bulk_create(keys, batch_size=2000)
        Case.objects.bulk_create(cases, batch_size=2000)
    return len(cases)


def empty_tables() -> None:
    """Remove what (a) wrote so that (b) starts from the same empty tables (not timed)."""
    from django.db import connection

    # ``cases_casenamekey`` too: kept by triggers, which TRUNCATE does not fire, and with no foreign key to cascade.
    tables = ["cases_caseexploitationtype", "cases_stageentry", "cases_timelineevent", "cases_casenamekey",
              "cases_case", "people_namekey", "people_personalias", "people_person"]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
            cur.execute("VACUUM ANALYZE")
        else:
            for t in tables:
                cur.execute(f"DELETE FROM {t}")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.execute("VACUUM")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg-database", default="sinergi_bench_import",
                        help="throwaway database created on the DATABASE_URL server (dropped afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    parser.add_argument("--baseline-gc", action="store_true",
                        help="let the garbage collector run during (a) (a slower, more lenient baseline)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="sinergi-bench-import-"))
    os.environ["SINERGI_DATA_DIR"] = str(tmp)
    server_url = os.environ.get("DATABASE_URL")
    if server_url:
        os.environ["DATABASE_URL"] = _pg_prepare(server_url, args.pg_database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        from sinergi.regions.services import countries_load, regions_load

        countries_load()
        regions_load()
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']} "
              f"(set up in {time.perf_counter() - t:.1f} s); {load()}")
        run(args.rows, tmp, gc_paused_baseline=not args.baseline_gc)
    finally:
        connection.close()
        if server_url and not args.keep:
            _pg_drop(server_url, args.pg_database)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(n: int, tmp: Path, gc_paused_baseline: bool = True) -> None:
    from sinergi.agencies.enums import AgencyType, Level, Role
    from sinergi.agencies.models import Agency, Membership, User
    from sinergi.audit.models import AuditEvent
    from sinergi.cases.models import Case
    from sinergi.transfer import samples
    from sinergi.transfer.services import cases_import, gc_paused

    agency = Agency.objects.create(code="bench-ntt", name="UPTD PPA NTT (bench)", type=AgencyType.PROVINCIAL_SERVICE,
                                   country_id="ID", level=Level.PROVINCE, region_id="53")
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, agency=agency, role=Role.SUPERVISOR)

    t = time.perf_counter()
    path = tmp / "cases.csv"
    path.write_bytes(samples.to_csv(samples.sample_rows(n, prefix="BENCH")))
    print(f"rows: {n:,} in {path.stat().st_size / 1e6:.1f} MB CSV (generated in {time.perf_counter() - t:.1f} s)")

    t = time.perf_counter()
    if gc_paused_baseline:
        # The import holds the garbage collector while it builds its objects; the baseline gets the same, so
        # the ratio measures validation, audit and the extra tables rather than collector load.
        with gc_paused():
            raw_rows = raw_insert(path, agency.pk)
    else:
        raw_rows = raw_insert(path, agency.pk)
    raw = time.perf_counter() - t
    assert raw_rows == n and Case.objects.count() == n
    print(f"(a) raw bulk insert:          {raw:6.2f} s  {n / raw:10,.0f} rows/s"
          f"  (garbage collector {'held, as in (b)' if gc_paused_baseline else 'running'})")
    empty_tables()

    t = time.perf_counter()
    with path.open("rb") as fh:
        job = cases_import(actor=user, agency_id=agency.pk, stream=fh, filename=path.name)
    real = time.perf_counter() - t
    assert job.created_count == n and job.error_count == 0, (job.created_count, job.errors[:3])
    audited = AuditEvent.objects.filter(action="import", object_type="case").count()
    assert audited == n
    print(f"(b) validated+audited import: {real:6.2f} s  {n / real:10,.0f} rows/s  ({audited:,} audit rows)")
    ratio = raw / real
    print(f"ratio (b speed / a speed): {ratio:.2f}  (target >= 0.3: {'met' if ratio >= 0.3 else 'NOT met'}); "
          f"{load()}")


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
