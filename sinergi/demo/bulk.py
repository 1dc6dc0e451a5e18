"""Scale generator for benchmarks: N cases written straight into the tables, in batches.

Each batch writes survivors, their name keys, cases, exploitation-type rows and one stage entry per case,
then one audit row saying what was generated, and commits. On PostgreSQL the rows go in with COPY, so a
million cases take minutes. The cases follow the same patterns as the realistic demo (``data.py``) and their
dates are consistent (stage entered after the report, none in the future), but they carry no timeline,
services or notes: they exist to be listed, filtered and searched at scale.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
import uuid
from collections import Counter, defaultdict
from typing import Callable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, audit_log
from sinergi.cases.enums import DecisionOrg, Outcome, Stage, VictimStatus
from sinergi.cases.models import Case, CaseExploitationType, StageEntry
from sinergi.cases.services import next_reference
from sinergi.people import names as name_keys
from sinergi.people.enums import Sex
from sinergi.people.models import NameKey, Person

from . import data
from .names import person_name
from .tables import Table, analyze

S = Stage
ABROAD_PATH = (S.LOCATED, S.IDENTIFIED, S.PROTECTED, S.DOCUMENTED, S.REPATRIATED, S.RECEIVED, S.RECOVERING,
               S.REINTEGRATED, S.CLOSED)
HOME_PATH = (S.LOCATED, S.IDENTIFIED, S.PROTECTED, S.RECOVERING, S.REINTEGRATED, S.CLOSED)
# Days spent before entering each stage (shortest, longest).
DELAYS = {S.LOCATED: (2, 40), S.IDENTIFIED: (1, 12), S.PROTECTED: (1, 21), S.DOCUMENTED: (7, 45),
          S.REPATRIATED: (3, 30), S.RECEIVED: (0.1, 2), S.RECOVERING: (1, 7), S.REINTEGRATED: (30, 150),
          S.CLOSED: (90, 365)}
# Branching endings: (share, outcome, last stage before closing or None right after the report).
BRANCHES = ((0.04, Outcome.DECLINED_HELP, S.IDENTIFIED), (0.03, Outcome.DECEASED, S.LOCATED),
            (0.04, Outcome.STAYS_ABROAD, S.IDENTIFIED), (0.03, Outcome.LOST_CONTACT, None),
            (0.04, Outcome.NOT_A_VICTIM, S.IDENTIFIED))
DECISION_BY_LEAD = {"ncb-jakarta": DecisionOrg.POLICE, "bareskrim-ppa-ppo": DecisionOrg.POLICE,
                    "iom-indonesia": DecisionOrg.NGO, "lsm-sahabat-migran": DecisionOrg.NGO}


class OrderedIds:
    """Time-ordered UUIDs (the UUIDv7 layout: milliseconds, then a counter and random bits) for generated rows.

    Random UUIDs land all over every primary-key and foreign-key index, so at a million rows each insert
    touches a different page; ordered ones are appended at the right edge, which keeps bulk loading fast.
    They are ordinary UUIDs to the application.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.last_ms = 0
        self.counter = 0

    def __call__(self) -> uuid.UUID:
        ms = time.time_ns() // 1_000_000
        if ms <= self.last_ms:
            self.counter += 1
            if self.counter >= 1 << 12:  # 4,096 ids in one millisecond: borrow the next millisecond
                self.last_ms += 1
                self.counter = 0
            ms = self.last_ms
        else:
            self.last_ms, self.counter = ms, 0
        value = (ms & (2**48 - 1)) << 80 | 0x7 << 76 | self.counter << 64 | 0b10 << 62 | self.rng.getrandbits(62)
        return uuid.UUID(int=value)


@functools.lru_cache(maxsize=500_000)
def _keys(full_name: str) -> tuple[str, ...]:
    return tuple(sorted(name_keys.keys_for(full_name)))


def _path(rng: random.Random, reported_at: dt.datetime, abroad: bool, now: dt.datetime):
    """Walk the pathway from the report; return (stage, entered_at, outcome, {stage: entered_at}) as of now."""
    path = list(ABROAD_PATH if abroad else HOME_PATH)
    if abroad and rng.random() < 0.3:
        path.remove(S.DOCUMENTED)
    if rng.random() < 0.25:
        path.remove(S.LOCATED)
    outcome = Outcome.REINTEGRATED
    r, acc = rng.random(), 0.0
    for share, branch, last in BRANCHES:
        acc += share
        if r < acc:
            if branch == Outcome.STAYS_ABROAD and not abroad:
                break
            outcome = branch
            cut = path.index(last) + 1 if last in path else 0
            path = path[:cut] + [S.CLOSED]
            break
    stage, at, reached = S.REPORTED, reported_at, {S.REPORTED: reported_at}
    stall = rng.randrange(len(path)) if rng.random() < data.STALL_SHARE else -1
    for i, nxt in enumerate(path):
        low, high = DELAYS[nxt]
        if nxt == S.CLOSED and outcome != Outcome.REINTEGRATED:
            low, high = (60, 150) if outcome == Outcome.LOST_CONTACT else (3, 30)
        days = rng.uniform(low, high) * (rng.uniform(*data.STALL_FACTOR) if i == stall else 1.0)
        t = at + dt.timedelta(days=days)
        if t > now:
            break
        stage, at = nxt, t
        reached[nxt] = t
    return stage, at, outcome if stage == S.CLOSED else "", reached


class World:
    """Everything the generator draws from, loaded once."""

    def __init__(self, agencies: dict, villages: dict[str, list[tuple[str, str]]]):
        self.agency_ids = {code: a.pk for code, a in agencies.items()}
        self.villages = villages
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.new_id = OrderedIds(random.Random())


def _one(rng: random.Random, w: World, tables: dict[str, Table], stamp: dt.datetime):
    sc = data.pick_scenario(rng)
    country, city = data.pick_destination(rng, sc)
    abroad = country != "ID"
    origin = data.weighted(rng, sc.origins)
    regency = data.weighted(rng, data.REGENCIES[origin])
    village, village_name = rng.choice(w.villages[regency])
    sex = Sex.MASCULINE if rng.random() < sc.male_share else Sex.FEMININE
    full_name = person_name(rng, data.weighted(rng, data.NAME_GROUPS[origin]), sex)
    age = rng.randint(*sc.ages)
    reported_at = w.now - dt.timedelta(days=data.reported_days_ago(rng))
    reported_on = timezone.localtime(reported_at, w.tz).date()
    stage, entered, outcome, reached = _path(rng, reported_at, abroad, w.now)

    pid, cid = w.new_id(), w.new_id()
    dob = None
    if rng.random() < 0.7:
        dob = reported_on - dt.timedelta(days=365 * age + rng.randrange(365))
    tables["person"].add({
        "id": pid, "created_at": reported_at, "updated_at": stamp, "full_name": full_name, "sex": sex,
        "date_of_birth": dob, "estimated_age": None if dob else age, "citizenship_id": "ID",
        "origin_village_id": village, "origin_province_id": village[:2], "origin_regency_id": village[:5],
        "address": f"RT {rng.randint(1, 20):03d}/RW {rng.randint(1, 10):03d}, {village_name}",
        "phone": "08" + rng.choice(["12", "13", "21", "52", "81"]) + f"{rng.randrange(10**8):08d}",
        "primary_language": "id", "deceased": outcome == Outcome.DECEASED,
    })
    for k in _keys(full_name):
        tables["namekey"].add({"person_id": pid, "key": k})

    table = sc.ntt_leads if origin == "53" and sc.ntt_leads else sc.leads
    lead = data.weighted(rng, table)
    if lead == "kbri-phnom-penh" and country != "KH":
        lead = "kemlu-pwni"
    identified = reached.get(S.IDENTIFIED)
    status, decided_on = VictimStatus.POSSIBLE, reported_on
    if identified:
        status = VictimStatus.NOT_A_VICTIM if outcome == Outcome.NOT_A_VICTIM else VictimStatus.ACTUAL
        decided_on = timezone.localtime(identified, w.tz).date()
    recruited = reported_on - dt.timedelta(days=rng.randint(40, 420))
    types = list(sc.exploitation) + (["ChildLabour"] if age < 18 and "SexualExploitation" not in sc.exploitation
                                     else [])
    protected = reached.get(S.PROTECTED)
    online = data.pick_some(rng, sc.recruitment, 1, 2)
    case = {
        "id": cid, "created_at": reported_at, "updated_at": stamp, "external_id": None, "survivor_id": pid,
        "lead_agency_id": w.agency_ids[lead], "stage": stage, "stage_entered_at": entered, "outcome": outcome,
        "reported_on": reported_on, "closed_at": entered if stage == S.CLOSED else None,
        "victim_status": status, "victim_status_decided_by": DECISION_BY_LEAD.get(lead, DecisionOrg.GOVERNMENT),
        "victim_status_decided_on": decided_on, "exploitation_types": types, "primary_exploitation": types[0],
        "forced_labour_industry": rng.choice(sc.industries) if sc.industries else "",
        "sex_exploitation_types": data.pick_some(rng, sc.sex_types, 1, 2),
        "means_of_control": data.pick_some(rng, sc.controls, 2, 5), "recruitment_methods": online,
        "recruitment_apps": data.pick_some(rng, sc.apps, 1, 2) if any("Online" in m for m in online) else [],
        "exploitation_apps": data.pick_some(rng, sc.exploitation_apps, 1, 2),
        "relation_to_trafficker": data.weighted(rng, sc.relations), "country_of_exploitation_id": country,
        "city_of_exploitation": city, "recruited_on": recruited,
        "exploitation_started_on": min(recruited + dt.timedelta(days=rng.randint(3, 30)), reported_on),
        "exploitation_ended_on": timezone.localtime(protected, w.tz).date() if protected else None,
        "summary": f"{data.SCENARIO_LABELS[sc.key]} di {city}, {data.COUNTRY_ID[country]}.",
        "travel_document_number": f"{data.EMBASSY_CODE.get(country, 'JKT')}{rng.randrange(10**6):06d}"
        if S.DOCUMENTED in reached else "",
        "port_of_entry": data.PORTS.get(country, "") if S.REPATRIATED in reached else "",
        "origin_province_id": village[:2], "origin_regency_id": village[:5],
    }
    tables["case"].add(case)
    for t in types:
        tables["caseexpl"].add({"case_id": cid, "type": t})
    tables["stage"].add({"id": w.new_id(), "created_at": entered, "updated_at": stamp, "case_id": cid,
                         "stage": stage, "entered_at": entered, "left_at": None, "agency_id": w.agency_ids[lead],
                         "actor_id": None})
    return case


def generate_cases(count: int, *, world: World, batch: int = 10_000, seed: int = 0,
                   progress: Callable[[int, int, float], None] | None = None) -> int:
    """Write ``count`` cases in batches of ``batch``, each batch in its own transaction with one audit row."""
    rng = random.Random(seed)
    tables = {"person": Table(Person), "namekey": Table(NameKey), "case": Table(Case),
              "caseexpl": Table(CaseExploitationType), "stage": Table(StageEntry)}
    done, started = 0, time.monotonic()
    while done < count:
        n = min(batch, count - done)
        stamp = timezone.now()
        with transaction.atomic():
            cases = [_one(rng, world, tables, stamp) for _ in range(n)]
            # References are reserved per year from the same counter as ``case_open``, so they never clash.
            by_year: dict[int, list[dict]] = defaultdict(list)
            for c in cases:
                by_year[c["reported_on"].year].append(c)
            for year, group in sorted(by_year.items()):
                for c, ref in zip(group, next_reference(year, len(group))):
                    c["reference"] = ref
            for key in ("person", "namekey", "case", "caseexpl", "stage"):
                tables[key].flush()
            audit_log(actor=SYSTEM, action=Action.CREATE, object_type="generated_cases", object_id="",
                      detail={"cases": n, "persons": n, "seed": seed, "batch_start": done,
                              "references": {str(y): [g[0]["reference"], g[-1]["reference"]]
                                             for y, g in sorted(by_year.items())},
                              "stages": dict(Counter(c["stage"] for c in cases))})
        done += n
        if progress:
            progress(done, count, time.monotonic() - started)
    analyze([Person, NameKey, Case, CaseExploitationType, StageEntry])
    return done


def stage_counts() -> dict[str, int]:
    return dict(Case.objects.values_list("stage").annotate(n=Count("id")).order_by())
