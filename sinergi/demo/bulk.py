"""Scale generator for benchmarks: N cases written straight into the tables, in batches.

Each batch writes survivors, their name keys, cases, exploitation-type rows and one stage entry per case,
then one audit row saying what was generated, and commits. On PostgreSQL the rows go in with COPY, so a
million cases take minutes. The cases follow the same patterns as the realistic demo (``data.py``) and their
dates are consistent (stage entered after the report, none in the future). They carry no timeline or notes,
but they do carry what the analytics count: services delivered as the case moves on (``data.STAGE_SERVICES``,
the same providers as the realistic demo), and recruitment: some survivors placed through the one door
(placements under the demo's fictional licensed agencies, a case link to the agency, risk flags on some
placements, part of them confirmed), others linked to a recruiter (a few recruiters with many cases).
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
from sinergi.cases.enums import ServiceOutcome
from sinergi.cases.models import Case, CaseExploitationType, ServiceDelivery, StageEntry
from sinergi.cases.services import next_reference
from sinergi.people import names as name_keys
from sinergi.people.enums import Sex
from sinergi.people.models import NameKey, Person
from sinergi.referrals.enums import DEFAULT_DEADLINES, DEFAULT_SECTIONS
from sinergi.recruitment import reasons
from sinergi.recruitment.models import CaseLink, Placement, Recruiter, RiskFlag, RiskRule
from sinergi.referrals.models import Referral

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
def _keys(full_name: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(name_keys.entries_for(full_name)))


def _path(rng: random.Random, reported_at: dt.datetime, abroad: bool, now: dt.datetime, *, lead: str = "",
          regency: str = ""):
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
    if regency == data.STALL_AFTER_RECEIVED_REGENCY and S.RECEIVED in path \
            and rng.random() < data.STALL_AFTER_RECEIVED_SHARE:
        path = path[:path.index(S.RECEIVED) + 1]  # handed over at home, then nothing more happens
        outcome = Outcome.REINTEGRATED  # never reached: the case stays open at "received"
    stage, at, reached = S.REPORTED, reported_at, {S.REPORTED: reported_at}
    stall = rng.randrange(len(path)) if rng.random() < data.STALL_SHARE else -1
    province = regency[:2]
    for i, nxt in enumerate(path):
        low, high = DELAYS[nxt]
        if nxt == S.CLOSED and outcome != Outcome.REINTEGRATED:
            low, high = (60, 150) if outcome == Outcome.LOST_CONTACT else (3, 30)
        days = rng.uniform(low, high) * (rng.uniform(*data.STALL_FACTOR) if i == stall else 1.0) \
            * data.pace(lead, province, nxt)
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
        self.recruitment = None  # loaded by ``load_recruitment`` (it needs the database)

    def load_recruitment(self) -> None:
        """The placement agencies and their job orders, a pool of recruiters, the risk rules and the user the
        generated services and links are recorded by."""
        from sinergi.agencies.models import User

        from . import recruitment as demo_recruitment

        pas = demo_recruitment._agencies()
        orders: dict[str, list] = defaultdict(list)
        for pa, (_, licence, destinations) in zip(pas, demo_recruitment.AGENCIES):
            for country in destinations:
                from sinergi.recruitment.models import JobOrder

                jo = JobOrder.objects.get_or_create(reference=f"{licence}-{country}", defaults={
                    "agency": pa, "employer": f"Demo employer {country}", "destination_id": country,
                    "position": "pekerja", "quota": 200, "approved": True,
                    "approved_on": dt.date(2022, 1, 10)})[0]
                orders[country].append((jo.pk, pa.pk))
        recruiters = []
        for i, name in enumerate(demo_recruitment.RECRUITER_NAMES):
            recruiters.append(Recruiter.objects.get_or_create(name=f"{name} (generated)")[0].pk)
        user, _ = User.objects.get_or_create(username="generator", defaults={"is_active": False})
        rules = list(RiskRule.objects.values_list("pk", flat=True)) or []
        self.recruitment = {"orders": dict(orders), "recruiters": recruiters, "user": user.pk, "rules": rules}


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
    table = sc.ntt_leads if origin == "53" and sc.ntt_leads else sc.leads
    lead = data.weighted(rng, table)
    if lead == "kbri-phnom-penh" and country != "KH":
        lead = "kemlu-pwni"
    stage, entered, outcome, reached = _path(rng, reported_at, abroad, w.now, lead=lead, regency=regency)

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
    for k, f in _keys(full_name):
        tables["namekey"].add({"person_id": pid, "key": k, "form": f})

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
        "port_of_entry": _port(rng, country, city) if S.REPATRIATED in reached else "",
        "origin_province_id": village[:2], "origin_regency_id": village[:5],
    }
    tables["case"].add(case)
    for t in types:
        tables["caseexpl"].add({"case_id": cid, "type": t})
    # Every stage the case went through, each left when the next was entered: stage durations come from here.
    stays = sorted(reached.items(), key=lambda kv: kv[1])
    for (st, at), nxt in zip(stays, stays[1:] + [(None, None)]):
        tables["stage"].add({"id": w.new_id(), "created_at": at, "updated_at": stamp, "case_id": cid,
                             "stage": st, "entered_at": at, "left_at": nxt[1], "agency_id": w.agency_ids[lead],
                             "actor_id": None})
    _referrals(rng, w, tables, case, lead, reached, stamp)
    _services(rng, w, tables, case, origin, reached, stamp)
    _recruitment(rng, w, tables, case, sc.key, pid, reported_at, stamp)
    return case


def _services(rng: random.Random, w: World, tables: dict[str, Table], case: dict, origin: str, reached: dict,
              stamp: dt.datetime) -> None:
    """The services started as the case enters each stage (as the realistic demo plans them)."""
    if w.recruitment is None:
        return
    country = case["country_of_exploitation_id"]
    for stage, at in reached.items():
        for svc, p, dmin, dmax in data.STAGE_SERVICES.get(stage, ()):
            if rng.random() >= p:
                continue
            if svc in ("travel_document", "interpretation") or (svc == "shelter" and country != "ID"
                                                                 and stage == "protected"):
                provider = data.ABROAD_PROVIDER.get(country, "kemlu-pwni")
            else:
                ntt, national = data.PROVIDERS[svc]
                provider = rng.choice(ntt if origin == "53" else national)
            if provider not in w.agency_ids:
                continue
            start = at + dt.timedelta(hours=rng.uniform(1, 30))
            if start > w.now:
                continue
            end = start + dt.timedelta(days=rng.uniform(dmin, dmax))
            done = end <= w.now
            outcome = (ServiceOutcome.DECLINED if rng.random() < 0.05 else ServiceOutcome.COMPLETED) if done \
                else ServiceOutcome.ONGOING
            tables["service"].add({
                "id": w.new_id(), "created_at": end if done else start, "updated_at": stamp, "case_id": case["id"],
                "type": svc, "provider_id": w.agency_ids[provider],
                "started_on": timezone.localtime(start, w.tz).date(),
                "ended_on": timezone.localtime(end, w.tz).date() if done else None, "outcome": outcome,
                "notes": "", "recorded_by_id": w.recruitment["user"]})


ONE_DOOR_SCENARIOS = {"domestic_work", "plantation", "fishing"}


def _recruitment(rng: random.Random, w: World, tables: dict[str, Table], case: dict, scenario: str, pid,
                 reported_at: dt.datetime, stamp: dt.datetime) -> None:
    """A placement through the one door (with its case link and perhaps a risk flag), or a recruiter link."""
    r = w.recruitment
    if r is None:
        return
    orders = r["orders"].get(case["country_of_exploitation_id"])
    link = {"id": w.new_id(), "created_at": reported_at, "updated_at": stamp, "case_id": case["id"],
            "recruiter_id": None, "placement_agency_id": None, "linked_by_id": r["user"]}
    if scenario in ONE_DOOR_SCENARIOS and orders and rng.random() < 0.35:
        order, pa = rng.choice(orders)
        placement = w.new_id()
        departed = case["reported_on"] - dt.timedelta(days=rng.randint(60, 400))
        tables["placement"].add({
            "id": placement, "created_at": reported_at - dt.timedelta(days=rng.randint(60, 400)),
            "updated_at": stamp, "job_order_id": order, "worker_id": pid, "worker_reference": f"GEN-{placement}",
            "departure_date": departed, "ltsa_office": "LTSA Kupang", "visa_type": "work", "returned_on": None})
        tables["caselink"].add({**link, "placement_agency_id": pa, "role": "P3MI"})
        if r["rules"] and rng.random() < 0.3:
            flagged = reported_at + dt.timedelta(hours=rng.uniform(1, 72))
            if flagged <= w.now:
                confirmed = rng.random() < 0.6
                tables["flag"].add({
                    "id": w.new_id(), "created_at": flagged, "updated_at": stamp, "rule_id": rng.choice(r["rules"]),
                    "subject_type": "placement", "subject_id": placement,
                    "reason_msgid": reasons.LINKED_TO_CASE, "reason_params": {}, "reason_text": "", "evidence": {},
                    "resolution": "confirmed" if confirmed else "open", "resolution_reason": "",
                    "resolved_by_id": None, "resolved_at": flagged + dt.timedelta(days=2) if confirmed else None})
    elif rng.random() < 0.5:
        i = min(int(rng.paretovariate(1.2)) - 1, len(r["recruiters"]) - 1)  # a few recruiters, many cases
        tables["caselink"].add({**link, "recruiter_id": r["recruiters"][i], "role": "perekrut"})


def _port(rng: random.Random, country: str, city: str) -> str:
    if country == "MY":
        return rng.choice(data.PORTS_SABAH if city in data.SABAH_SARAWAK else data.PORTS_PENINSULAR)
    return data.PORTS.get(country, "")


def _referrals(rng: random.Random, w: World, tables: dict[str, Table], case: dict, lead: str,
               reached: dict, stamp: dt.datetime) -> None:
    """The referrals a lead agency sends as the case moves on, answered in time, late or never (expired)."""
    abroad = case["country_of_exploitation_id"] != "ID"
    for stage, type_, share in data.STAGE_REFERRALS:
        sent = reached.get(stage)
        if sent is None or rng.random() >= share or (type_ in ("locate", "verify_citizenship") and not abroad):
            continue
        receivers = data.REFERRAL_RECEIVERS[type_]
        if type_ in ("receive_at_port", "shelter") and case["port_of_entry"] in data.BORDER_RECEIVERS:
            receivers = data.BORDER_RECEIVERS[case["port_of_entry"]][0 if type_ == "receive_at_port" else 1:][:1]
        to = rng.choice([r for r in receivers if r != lead] or [None])
        if to is None or to not in w.agency_ids:
            continue
        sent = sent + dt.timedelta(hours=rng.uniform(0.5, 20))
        if sent > w.now:
            continue
        ack_h, done_d = DEFAULT_DEADLINES[type_]
        ack_due, done_due = sent + dt.timedelta(hours=ack_h), sent + dt.timedelta(days=done_d)
        row = {"id": w.new_id(), "created_at": sent, "updated_at": stamp, "case_id": case["id"], "type": type_,
               "from_agency_id": w.agency_ids[lead], "to_agency_id": w.agency_ids[to], "status": "sent",
               "sections": list(DEFAULT_SECTIONS.get(type_, ())), "sent_at": sent, "ack_due_at": ack_due,
               "complete_due_at": done_due, "escalation_level": 0}
        if rng.random() < data.EXPIRE_SHARE.get(to, 0.01):
            if ack_due < w.now:
                row.update(status="expired", closed_at=ack_due + dt.timedelta(days=3), escalation_level=2)
            tables["referral"].add(row)
            continue
        late = rng.random() < data.LATE_SHARE.get(to, 0.08)
        acked = sent + dt.timedelta(hours=ack_h * (rng.uniform(1.1, 4.0) if late else rng.uniform(0.05, 0.95)))
        if acked > w.now:
            if ack_due < w.now:
                row["escalation_level"] = 1
            tables["referral"].add(row)
            continue
        row.update(status="acknowledged", acknowledged_at=acked, escalation_level=1 if late else 0)
        accepted = acked + dt.timedelta(hours=rng.uniform(0.5, 24))
        if accepted <= w.now:
            row.update(status="accepted", accepted_at=accepted)
            slow = late or rng.random() < 0.15
            done = sent + dt.timedelta(days=done_d * (rng.uniform(1.05, 2.5) if slow else rng.uniform(0.1, 0.95)))
            done = max(done, accepted + dt.timedelta(hours=rng.uniform(1, 48)))
            if done <= w.now:
                row.update(status="completed", completed_at=done, closed_at=done, outcome="Selesai.")
        tables["referral"].add(row)


def generate_cases(count: int, *, world: World, batch: int = 10_000, seed: int = 0,
                   progress: Callable[[int, int, float], None] | None = None) -> int:
    """Write ``count`` cases in batches of ``batch``, each batch in its own transaction with one audit row."""
    rng = random.Random(seed)
    tables = {"person": Table(Person), "namekey": Table(NameKey), "case": Table(Case),
              "caseexpl": Table(CaseExploitationType), "stage": Table(StageEntry), "referral": Table(Referral),
              "service": Table(ServiceDelivery), "placement": Table(Placement), "caselink": Table(CaseLink),
              "flag": Table(RiskFlag)}
    if world.recruitment is None:
        world.load_recruitment()
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
            for key in ("person", "namekey", "case", "caseexpl", "stage", "referral", "service", "placement",
                        "caselink", "flag"):
                tables[key].flush()
            audit_log(actor=SYSTEM, action=Action.CREATE, object_type="generated_cases", object_id="",
                      detail={"cases": n, "persons": n, "seed": seed, "batch_start": done,
                              "references": {str(y): [g[0]["reference"], g[-1]["reference"]]
                                             for y, g in sorted(by_year.items())},
                              "stages": dict(Counter(c["stage"] for c in cases))})
        done += n
        if progress:
            progress(done, count, time.monotonic() - started)
    analyze([Person, NameKey, Case, CaseExploitationType, StageEntry, Referral, ServiceDelivery, Placement, CaseLink,
             RiskFlag])
    return done


def stage_counts() -> dict[str, int]:
    return dict(Case.objects.values_list("stage").annotate(n=Count("id")).order_by())
