"""The realistic demo dataset, written through the real services (reports, persons, screenings, cases,
transitions, services, notes, consent), so the timeline and the audit trail exist as they would in use.

Each case is planned as a story: a list of dated steps from the first report on. All steps of all stories are
then replayed in date order with the clock set to each step's date, so every stage date, timeline event and
audit row carries the simulated time and they all agree; steps that would fall after today are dropped,
which is what leaves recent cases in early stages.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Callable

from django.db import transaction
from django.utils import timezone

from sinergi.agencies.enums import DECISION_ORG_FOR_TYPE
from sinergi.agencies.models import Agency, User
from sinergi.cases import services as case_services
from sinergi.cases.enums import DecisionOrg, Outcome, ServiceOutcome, Stage, VictimStatus
from sinergi.core import clock
from sinergi.intake import services as intake_services
from sinergi.people import services as people_services
from sinergi.people.enums import ConsentPurpose, DocumentType, Relationship, Sex

from . import data
from .names import nickname, person_name


@dataclass
class Actors:
    """Who does what for one lead agency: takes reports, manages the case, closes it."""

    intake: User
    manager: User
    closer: User


@dataclass
class World:
    agencies: dict[str, Agency]
    actors: dict[str, Actors]
    villages: dict[str, list[tuple[str, str]]]  # regency code -> [(village code, village name)]
    now: dt.datetime


@dataclass
class Step:
    at: dt.datetime
    run: Callable[[], None]
    kind: str = "other"  # "stage" steps move the case; a later re-trafficking may cut them


def _phone(rng: random.Random) -> str:
    return "08" + rng.choice(["12", "13", "21", "22", "52", "53", "81", "95"]) + f"{rng.randrange(10**8):08d}"


class Story:
    def __init__(self, rng: random.Random, world: World, reported_at: dt.datetime, prior: "Story | None" = None):
        self.rng, self.world, self.prior = rng, world, prior
        self.steps: list[Step] = []
        self.case = None
        self.person = None
        self.report = None
        self.reintegrated_at: dt.datetime | None = None
        self.closed_at: dt.datetime | None = None
        self.retrafficked_in: Story | None = None
        self.not_a_victim = False
        self.sc = data.pick_scenario(rng)
        self.country, self.city = data.pick_destination(rng, self.sc)
        self.abroad = self.country != "ID"
        if prior is not None:
            self.origin, self.village, self.sex, self.name = prior.origin, prior.village, prior.sex, prior.name
            self.dob, self.age, self.group = prior.dob, prior.age, prior.group
        else:
            self._identity()
        # The earlier case must be visible to whoever links to it: the same lead agency takes the new case.
        self.lead = prior.lead if prior is not None else self._lead()
        self.t = reported_at
        self._plan()

    # -- who ----------------------------------------------------------------------------------------------
    def _identity(self) -> None:
        rng, sc = self.rng, self.sc
        self.origin = data.weighted(rng, sc.origins)
        regency = data.weighted(rng, data.REGENCIES[self.origin])
        self.village = rng.choice(self.world.villages[regency])
        self.group = data.weighted(rng, data.NAME_GROUPS[self.origin])
        self.sex = Sex.MASCULINE if rng.random() < sc.male_share else Sex.FEMININE
        self.name = person_name(rng, self.group, self.sex)
        self.age = rng.randint(*sc.ages)
        self.dob = None
        if rng.random() < 0.7:
            born = self.world.now.date() - dt.timedelta(days=365 * self.age + rng.randrange(365))
            self.dob = born

    def _lead(self) -> str:
        table = self.sc.ntt_leads if self.origin == "53" and self.sc.ntt_leads else self.sc.leads
        lead = data.weighted(self.rng, table)
        if lead == "kbri-phnom-penh" and self.country != "KH":
            lead = "kemlu-pwni"
        return lead

    # -- when ---------------------------------------------------------------------------------------------
    def _after(self, low: float, high: float, factor: float = 1.0) -> dt.datetime:
        """The next step's time, ``low``-``high`` days (times ``factor``) after the last, in office hours when
        it is a new day."""
        days = self.rng.uniform(low, high) * factor
        nxt = self.t + dt.timedelta(days=days)
        local = timezone.localtime(nxt)
        if local.date() > timezone.localtime(self.t).date():
            nxt = local.replace(hour=self.rng.randint(8, 16), minute=self.rng.randrange(60))
        if nxt <= self.t:
            nxt = self.t + dt.timedelta(minutes=self.rng.randint(10, 120))
        self.t = nxt
        return nxt

    def _add(self, at: dt.datetime, run: Callable[[], None], kind: str = "other") -> None:
        if at <= self.world.now:
            self.steps.append(Step(at, run, kind))

    # -- the plan -----------------------------------------------------------------------------------------
    def _plan(self) -> None:
        rng = self.rng
        self._add(self.t, self._open, "open")
        S = Stage
        path: list[tuple[str, float, float]] = []
        direct = rng.random() < 0.25  # survivor reached the embassy or called home: no search needed
        if not direct:
            path.append((S.LOCATED, 2, 40))
        path.append((S.IDENTIFIED, 1, 12))
        path.append((S.PROTECTED, 1, 21))
        if self.abroad:
            if rng.random() < 0.7:  # passport taken or lost: a travel document (SPLP) is needed
                path.append((S.DOCUMENTED, 7, 45))
            path += [(S.REPATRIATED, 3, 30), (S.RECEIVED, 0.1, 2), (S.RECOVERING, 1, 7)]
        else:
            path.append((S.RECOVERING, 2, 14))
        path += [(S.REINTEGRATED, 30, 150), (S.CLOSED, 90, 365)]

        r = rng.random()
        outcome = Outcome.REINTEGRATED
        if r < 0.04:
            outcome, path = Outcome.DECLINED_HELP, self._cut(path, S.IDENTIFIED, (3, 30))
        elif r < 0.07:
            outcome, path = Outcome.DECEASED, self._cut(path, S.LOCATED if not direct else None, (5, 40))
        elif r < 0.11 and self.abroad:
            outcome, path = Outcome.STAYS_ABROAD, self._cut(path, S.IDENTIFIED, (5, 30))
        elif r < 0.14:
            outcome, path = Outcome.LOST_CONTACT, self._cut(path, None, (60, 150))
        elif r < 0.18:
            outcome, path = Outcome.NOT_A_VICTIM, self._cut(path, S.IDENTIFIED, (2, 20))
            self.not_a_victim = True
        regency = self.village[0][:5]
        if regency == data.STALL_AFTER_RECEIVED_REGENCY and any(p[0] == S.RECEIVED for p in path) \
                and rng.random() < data.STALL_AFTER_RECEIVED_SHARE:
            # Handed over at home, then nothing more: the case stays open at "received".
            path = path[:[p[0] for p in path].index(S.RECEIVED) + 1]
        self.outcome = outcome
        stall = rng.randrange(len(path)) if rng.random() < data.STALL_SHARE else -1
        self._plan_referrals(S.REPORTED, self.t)
        for i, (stage, low, high) in enumerate(path):
            factor = (rng.uniform(*data.STALL_FACTOR) if i == stall else 1.0) * data.pace(self.lead, self.origin, stage)
            at = self._after(low, high, factor)
            self._add(at, self._mover(stage), "stage")
            self._plan_referrals(stage, at)
            if stage == S.REINTEGRATED:
                self.reintegrated_at = at
            if stage == S.CLOSED:
                self.closed_at = at
            for svc, p, dmin, dmax in data.STAGE_SERVICES.get(stage, ()):
                if rng.random() < p and (self.abroad or svc != "interpretation"):
                    self._plan_service(at, stage, svc, dmin, dmax)
            if stage in data.NOTES and rng.random() < 0.5:
                note_at = at + dt.timedelta(days=rng.uniform(0.1, 5))
                self._add(note_at, self._noter(rng.choice(data.NOTES[stage])))
        if self.sc.key == "online_scam" and rng.random() < 0.4:
            self._add(self.steps[0].at + dt.timedelta(days=rng.uniform(0.5, 3)) if self.steps else self.t,
                      self._noter(rng.choice(data.NOTES["reported"])))

    def _plan_referrals(self, stage: str, at: dt.datetime) -> None:
        """The referrals the lead agency sends on entering ``stage``, and the receiver's answers: in time, late,
        or never (a receiver without demo staff never answers; the worker escalates and expires those)."""
        from sinergi.referrals.enums import DEFAULT_DEADLINES

        rng = self.rng
        for st, type_, share in data.STAGE_REFERRALS:
            if st != stage or rng.random() >= share or (type_ in ("locate", "verify_citizenship") and not self.abroad):
                continue
            receivers = [r for r in data.REFERRAL_RECEIVERS[type_] if r != self.lead]
            if type_ in ("receive_at_port", "shelter") and self.country == "MY" and self.city in data.SABAH_SARAWAK:
                receivers = [data.BORDER_RECEIVERS["Pelabuhan Tunon Taka, Nunukan"][0 if type_ == "receive_at_port"
                                                                                     else 1]]
            if not receivers:
                continue
            to = rng.choice(receivers)
            sent = at + dt.timedelta(hours=rng.uniform(0.5, 20))
            box: dict = {}
            self._add(sent, self._referral_sender(type_, to, box))
            if to not in self.world.actors:
                continue
            ack_h, done_d = DEFAULT_DEADLINES[type_]
            late = rng.random() < data.LATE_SHARE.get(to, 0.08)
            acked = sent + dt.timedelta(hours=ack_h * (rng.uniform(1.1, 4.0) if late else rng.uniform(0.05, 0.95)))
            accepted = acked + dt.timedelta(hours=rng.uniform(0.5, 24))
            slow = late or rng.random() < 0.15
            done = max(sent + dt.timedelta(days=done_d * (rng.uniform(1.05, 2.5) if slow else rng.uniform(0.1, 0.95))),
                       accepted + dt.timedelta(hours=rng.uniform(1, 48)))
            for when, status in ((acked, "acknowledged"), (accepted, "accepted"), (done, "completed")):
                self._add(when, self._referral_answer(to, status, box))

    def _referral_sender(self, type_: str, to: str, box: dict) -> Callable[[], None]:
        def run() -> None:
            from django.core.exceptions import ValidationError

            from sinergi.referrals import services as referral_services

            if self.case is None or self.case.stage == Stage.CLOSED:
                return
            try:
                box["referral"] = referral_services.referral_send(
                    actor=self._actors().manager, case=self.case, type=type_, to_agency=self.world.agencies[to],
                )
            except ValidationError:
                box["referral"] = None  # the same request is still open, or consent is missing: not sent
        return run

    def _referral_answer(self, to: str, status: str, box: dict) -> Callable[[], None]:
        def run() -> None:
            from django.core.exceptions import ValidationError

            from sinergi.referrals import services as referral_services

            referral = box.get("referral")
            if referral is None:
                return
            try:
                box["referral"] = referral_services.referral_respond(
                    actor=self.world.actors[to].manager, referral=referral, to_status=status,
                    outcome="Selesai sesuai permintaan." if status == "completed" else "")
            except ValidationError:
                pass  # withdrawn or expired meanwhile
        return run

    def _cut(self, path, after: str | None, close_in: tuple[int, int]):
        """Keep the path up to ``after`` (None: right after the report), then close."""
        keep = []
        for item in path:
            if after is None:
                break
            keep.append(item)
            if item[0] == after:
                break
        return keep + [(Stage.CLOSED, *close_in)]

    def _plan_service(self, at: dt.datetime, stage: str, svc: str, dmin: int, dmax: int) -> None:
        start = at + dt.timedelta(hours=self.rng.uniform(1, 30))
        end = start + dt.timedelta(days=self.rng.uniform(dmin, dmax))
        provider = self._provider(svc, stage)
        outcome = ServiceOutcome.DECLINED if self.rng.random() < 0.05 else ServiceOutcome.COMPLETED
        if end <= self.world.now:
            # Recorded once it is over, as caseworkers mostly do: one write with both dates and the outcome.
            self._add(end, lambda: self._service(svc, provider, start, end, outcome))
        else:
            self._add(start, lambda: self._service(svc, provider, start, None, ServiceOutcome.ONGOING))

    def _provider(self, svc: str, stage: str) -> str:
        # Abroad, the embassy shelters the survivor and issues the travel document; at home, local services.
        if svc in ("travel_document", "interpretation") or (svc == "shelter" and self.abroad and stage == "protected"):
            return data.ABROAD_PROVIDER.get(self.country, "kemlu-pwni")
        ntt, national = data.PROVIDERS[svc]
        return self.rng.choice(ntt if self.origin == "53" else national)

    # -- what happens -------------------------------------------------------------------------------------
    def _actors(self) -> Actors:
        return self.world.actors[self.lead]

    @property
    def lead_agency(self) -> Agency:
        return self.world.agencies[self.lead]

    def _decision_org(self) -> str:
        return DECISION_ORG_FOR_TYPE.get(self.lead_agency.type, DecisionOrg.GOVERNMENT)

    def _open(self) -> None:
        rng, who, agency = self.rng, self._actors(), self.lead_agency
        month = timezone.localtime(clock.now() - dt.timedelta(days=rng.randint(60, 300))).strftime("%m/%Y")
        fmt = dict(name=self.name.split()[0] if self.name.split()[0] not in ("Lalu", "Baiq", "Andi") else self.name,
                   city=self.city, country=data.COUNTRY_ID[self.country], month=month,
                   job=rng.choice(self.sc.jobs), app=rng.choice(self.sc.apps or ("Facebook",)),
                   salary=rng.choice([1000, 1100, 1200]), debt=rng.choice([2000, 3000, 5000, 8000, 10000]),
                   transit=rng.choice(["Kuala Lumpur", "Bangkok", "Singapura", "Batam dan Johor Bahru"]),
                   salary_local=data.salary_local(rng, self.country))
        narrative = self.sc.narrative.format(**fmt)
        channel = data.weighted(rng, self.sc.channels)
        family_name = person_name(rng, self.group, Sex.FEMININE if rng.random() < 0.6 else Sex.MASCULINE)
        if self.prior is None or rng.random() < 0.5:
            narrative_prefix = ""
        else:
            narrative_prefix = "Pernah menjadi korban dan dipulangkan sebelumnya. "
        self.report = intake_services.report_create(actor=who.intake, agency_id=agency.pk, data={
            "channel": channel, "received_at": clock.now(), "narrative": narrative_prefix + narrative,
            "reporter_name": family_name if channel in ("family", "village") else "",
            "reporter_relation": rng.choice(["ibu kandung", "ayah", "kakak", "suami", "istri", "paman"])
            if channel == "family" else ("kepala desa" if channel == "village" else ""),
            "reporter_contact": _phone(rng) if channel in ("family", "village", "hotline") else "",
            "country_of_exploitation": self.country, "last_known_location": f"{self.city}, {data.COUNTRY_ID[self.country]}",
        })
        if self.prior is not None:
            self.person = self.prior.person
        else:
            self._person(who.intake, agency, family_name)
        victim_status = VictimStatus.POSSIBLE
        intake_services.screening_record(
            actor=who.intake, agency_id=agency.pk, report=self.report,
            ilo_indicators=data.pick_some(rng, self.sc.ilo, 1, 3), delphi_items=data.pick_some(rng, self.sc.delphi, 1, 3),
            victim_status=victim_status, decided_by_org=self._decision_org(), notes="Penapisan awal dari laporan.")
        details = self._details()
        previous = self.prior.case if self.prior is not None else None
        self.case = intake_services.report_open_case(actor=who.intake, report=self.report, survivor=self.person,
                                                     details=details, previous_case=previous)
        for purpose in (ConsentPurpose.REFERRAL, ConsentPurpose.CROSS_BORDER):
            people_services.consent_record(actor=who.intake, person=self.person, agency_id=agency.pk,
                                           purpose=purpose, given=True, method="lisan, disaksikan pendamping")
        people_services.consent_record(actor=who.intake, person=self.person, agency_id=agency.pk,
                                       purpose=ConsentPurpose.CASE_MANAGEMENT, given=True,
                                       method=rng.choice(["lisan, melalui telepon", "lisan, disaksikan keluarga",
                                                          "tertulis"]))

    def _person(self, actor, agency, family_name: str) -> None:
        rng = self.rng
        code, village_name = self.village
        data_ = {"full_name": self.name, "sex": self.sex, "citizenship": "ID", "origin_village": code,
                 "address": f"RT {rng.randint(1, 20):03d}/RW {rng.randint(1, 10):03d}, {village_name}",
                 "phone": _phone(rng) if rng.random() < 0.6 else "", "primary_language": "id"}
        if self.dob:
            data_["date_of_birth"] = self.dob
        else:
            data_["estimated_age"] = self.age
        aliases = [nickname(self.name)] if rng.random() < 0.15 else []
        aliases = [a for a in aliases if a.lower() not in self.name.lower()]
        self.person = people_services.person_create(actor=actor, agency_id=agency.pk, data=data_, aliases=aliases)
        if self.dob and rng.random() < 0.8:
            day = self.dob.day + (40 if self.sex == Sex.FEMININE else 0)
            nik = code.replace(".", "")[:6] + f"{day:02d}{self.dob.month:02d}{self.dob.year % 100:02d}" + \
                f"{rng.randint(1, 999):04d}"
            people_services.document_add(actor=actor, person=self.person, agency_id=agency.pk, type=DocumentType.NIK,
                                         number=nik, issuing_country="ID")
        if self.abroad and rng.random() < 0.6:
            issued = clock.today() - dt.timedelta(days=rng.randint(120, 1500))
            people_services.document_add(actor=actor, person=self.person, agency_id=agency.pk,
                                         type=DocumentType.PASSPORT, issuing_country="ID",
                                         number=rng.choice("ABCX") + f"{rng.randrange(10**7):07d}", issued_on=issued,
                                         expires_on=issued + dt.timedelta(days=3652))
        if rng.random() < 0.6:
            people_services.family_contact_add(
                actor=actor, person=self.person, agency_id=agency.pk, name=family_name,
                relationship=rng.choice([Relationship.PARENT, Relationship.PARENT, Relationship.SPOUSE,
                                         Relationship.SIBLING]), phone=_phone(rng), village=code)

    def _details(self) -> dict:
        rng, sc, today = self.rng, self.sc, clock.today()
        recruited = today - dt.timedelta(days=rng.randint(40, 420))
        started = recruited + dt.timedelta(days=rng.randint(3, 30))
        types = list(sc.exploitation)
        if self.age < 18 and "SexualExploitation" not in types:
            types.append("ChildLabour")
        online = data.pick_some(rng, sc.recruitment, 1, 2)
        details = {
            "exploitation_types": types, "means_of_control": data.pick_some(rng, sc.controls, 2, 5),
            "recruitment_methods": online, "relation_to_trafficker": data.weighted(rng, sc.relations),
            "country_of_exploitation": self.country, "city_of_exploitation": self.city,
            "recruited_on": recruited, "exploitation_started_on": min(started, today),
            "summary": f"{data.SCENARIO_LABELS[sc.key]} di {self.city}, {data.COUNTRY_ID[self.country]}.",
        }
        if sc.industries:
            details["forced_labour_industry"] = rng.choice(sc.industries)
        if sc.sex_types:
            details["sex_exploitation_types"] = data.pick_some(rng, sc.sex_types, 1, 2)
        if sc.apps and any(m.startswith("Through") and "Online" in m for m in online):
            details["recruitment_apps"] = data.pick_some(rng, sc.apps, 1, 2)
        if sc.exploitation_apps:
            details["exploitation_apps"] = data.pick_some(rng, sc.exploitation_apps, 1, 2)
        return details

    def _mover(self, stage: str) -> Callable[[], None]:
        def run() -> None:
            self._move(stage)
        return run

    def _move(self, stage: str) -> None:
        rng, who = self.rng, self._actors()
        S = Stage
        if stage == S.IDENTIFIED:
            status = VictimStatus.NOT_A_VICTIM if self.not_a_victim else VictimStatus.ACTUAL
            intake_services.screening_record(
                actor=who.manager, agency_id=self.lead_agency.pk, case=self.case,
                ilo_indicators=data.pick_some(rng, self.sc.ilo, 3, 6) if status == VictimStatus.ACTUAL else [],
                delphi_items=list(self.sc.delphi) if status == VictimStatus.ACTUAL else [],
                victim_status=status, decided_by_org=self._decision_org(),
                notes="Wawancara identifikasi dengan pendamping." if status == VictimStatus.ACTUAL else
                "Tidak ditemukan unsur TPPO; pekerja migran nonprosedural.")
        extra: dict = {}
        if stage == S.DOCUMENTED:
            prefix = data.EMBASSY_CODE.get(self.country, "JKT")
            extra["travel_document_number"] = f"{prefix}{rng.randrange(10**6):06d}"
        if stage == S.REPATRIATED:
            port = data.PORTS.get(self.country, data.AIRPORT)
            if self.country == "MY" and self.city not in data.SABAH_SARAWAK:
                port = rng.choice(data.PORTS_PENINSULAR)
            extra["port_of_entry"] = port
        if stage == S.CLOSED:
            self.case = case_services.case_transition(actor=who.closer, case=self.case, to_stage=stage,
                                                      outcome=self.outcome, note=_closing_note(self.outcome))
            return
        self.case = case_services.case_transition(actor=who.manager, case=self.case, to_stage=stage, data=extra)
        if stage == S.LOCATED and self.abroad:
            people_services.consent_record(actor=who.manager, person=self.person, agency_id=self.lead_agency.pk,
                                           purpose=ConsentPurpose.CROSS_BORDER, given=True,
                                           method="lisan, melalui perwakilan RI")
        if stage == S.PROTECTED:
            self.case = case_services.case_update_details(actor=who.manager, case=self.case,
                                                          data={"exploitation_ended_on": clock.today()})

    def _service(self, svc: str, provider: str, start: dt.datetime, end: dt.datetime | None, outcome: str) -> None:
        if self.case is None or self.case.stage == Stage.CLOSED:
            return
        values = {"type": svc, "provider": self.world.agencies[provider], "outcome": outcome,
                  "started_on": timezone.localtime(start).date()}
        if end is not None:
            values["ended_on"] = timezone.localtime(end).date()
        case_services.service_add(actor=self._actors().manager, case=self.case, data=values)

    def _noter(self, body: str) -> Callable[[], None]:
        def run() -> None:
            if self.case is not None:
                case_services.note_add(actor=self._actors().manager, case=self.case, body=body)
        return run

    # -- re-trafficking -----------------------------------------------------------------------------------
    def close_as_retrafficked(self, later: "Story", at: dt.datetime) -> None:
        """Cut this story's later moves and close it when ``later`` (same survivor) is opened."""
        self.steps = [s for s in self.steps if s.kind != "stage" or s.at < later.steps[0].at]
        self.outcome = Outcome.RETRAFFICKED
        self.closed_at = at
        if at > self.world.now:
            return

        def run() -> None:
            self.case = case_services.case_transition(actor=self._actors().closer, case=self.case,
                                                      to_stage=Stage.CLOSED, outcome=Outcome.RETRAFFICKED,
                                                      note="Penyintas diperdagangkan kembali; lihat kasus baru.")
        self.steps.append(Step(at, run, "stage"))


def _closing_note(outcome: str) -> str:
    return {
        Outcome.REINTEGRATED: "Pemantauan selesai; penyintas kembali ke keluarga dan mandiri.",
        Outcome.DECLINED_HELP: "Penyintas menolak bantuan lanjutan setelah dijelaskan pilihannya.",
        Outcome.DECEASED: "Penyintas meninggal dunia; jenazah dipulangkan ke daerah asal.",
        Outcome.STAYS_ABROAD: "Penyintas memilih tetap bekerja di negara tujuan dengan dokumen yang sah.",
        Outcome.LOST_CONTACT: "Tidak dapat dihubungi lagi setelah beberapa kali upaya.",
        Outcome.NOT_A_VICTIM: "Hasil identifikasi: bukan korban TPPO; dirujuk ke layanan pekerja migran.",
    }.get(outcome, "")


def plan_stories(world: World, count: int, seed: int) -> list[Story]:
    """Plan ``count`` stories reported over the last ~3.5 years (more of them recent), some of them a second
    trafficking of an earlier survivor."""
    rng = random.Random(seed)
    stories: list[Story] = []
    now = world.now
    for _ in range(count):
        days = data.reported_days_ago(rng)
        reported_at = timezone.localtime(now - dt.timedelta(days=days)).replace(hour=rng.randint(8, 16),
                                                                                minute=rng.randrange(60))
        prior = None
        if rng.random() < 0.04:
            prior = _retrafficking_candidate(rng, stories, now)
        if prior is not None:
            start = prior.reintegrated_at + dt.timedelta(days=rng.uniform(30, 200))
            if prior.closed_at:
                start = min(start, prior.closed_at - dt.timedelta(days=1))
            reported_at = min(start, now - dt.timedelta(days=3))
        story = Story(rng, world, reported_at, prior=prior)
        if prior is not None:
            prior.retrafficked_in = story
            prior.close_as_retrafficked(story, story.steps[0].at + dt.timedelta(days=rng.uniform(1, 10)))
        stories.append(story)
    return stories


def _retrafficking_candidate(rng: random.Random, stories: list[Story], now: dt.datetime) -> Story | None:
    pool = [s for s in stories if s.reintegrated_at and s.reintegrated_at < now - dt.timedelta(days=60)
            and s.retrafficked_in is None and s.prior is None and s.outcome == Outcome.REINTEGRATED
            and (s.closed_at is None or s.closed_at - s.reintegrated_at > dt.timedelta(days=35))]
    return rng.choice(pool) if pool else None


def run_stories(stories: list[Story], progress: Callable[[int, int], None] | None = None) -> int:
    """Replay every step of every story in date order with the clock at that date; returns steps run."""
    order = sorted(((s.at, i, j) for i, story in enumerate(stories) for j, s in enumerate(story.steps)))
    total = len(order)
    try:
        with transaction.atomic():
            for n, (at, i, j) in enumerate(order, 1):
                clock.set_now(at)
                stories[i].steps[j].run()
                if progress and (n % 500 == 0 or n == total):
                    progress(n, total)
    finally:
        clock.set_now(None)
    return total
