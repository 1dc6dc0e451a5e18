"""Recruitment in the demo: a few licensed placement agencies (fictional) with approved job orders; some
migrant workers placed through the one door who were exploited all the same; recruiters linked to cases (the
same phone numbers coming back in several cases, which raises risk flags) and the oversight agency's review of
some flags. Written through the services where they exist, so the audit trail holds."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sinergi.core import clock
from sinergi.recruitment import services as recruitment
from sinergi.recruitment.enums import LicenceStatus, VisaType
from sinergi.recruitment.models import JobOrder, LicenceEvent, Placement, PlacementAgency, RiskFlag

# Fictional companies: any likeness to a real P3MI is accidental.
AGENCIES = (("PT Duta Karya Migran (fiktif)", "DEMO-SIP3MI-001", ("MY", "SA")),
            ("PT Bina Tenaga Timur (fiktif)", "DEMO-SIP3MI-002", ("MY", "HK")),
            ("PT Samudra Awak Nusantara (fiktif)", "DEMO-SIP3MI-003", ("TW",)),
            ("PT Cahaya Rumah Tangga (fiktif)", "DEMO-SIP3MI-004", ("HK", "TW", "SA")))
ONE_DOOR_SCENARIOS = {"domestic_work", "plantation", "fishing"}
RECRUITER_NAMES = ("Sponsor Yakobus", "Ibu Mery", "Pak Anton (calo)", "Admin Lowongan Kamboja", "Agen Rio",
                   "Bos Andi", "Kak Sinta", "Pak Haji Umar", "Mister Lee", "Koordinator Tono")


def _agencies() -> list[PlacementAgency]:
    out = []
    for name, licence, _ in AGENCIES:
        pa, created = PlacementAgency.objects.get_or_create(
            licence_number=licence, defaults={"name": name, "name_key": recruitment.name_key(name)})
        if created:
            LicenceEvent.objects.create(agency=pa, status=LicenceStatus.ACTIVE,
                                        effective_from=dt.date(2019, 1, 1))
        out.append(pa)
    return out


def recruitment_seed(stories, users: dict, seed: int = 0) -> dict[str, int]:
    """Placements, recruiter links and flag reviews for the demo ``stories`` (after they were run)."""
    rng = random.Random(seed)
    agencies = _agencies()
    orders = {}
    for pa, (_, licence, destinations) in zip(agencies, AGENCIES):
        for country in destinations:
            orders[(pa.pk, country)] = JobOrder.objects.get_or_create(
                reference=f"{licence}-{country}", defaults={
                    "agency": pa, "employer": f"Demo employer {country}", "destination_id": country,
                    "position": "pekerja", "quota": 200, "approved": True, "approved_on": dt.date(2022, 1, 10)})[0]
    phones = [f"0812{rng.randrange(10**8):08d}" for _ in RECRUITER_NAMES]
    placed = linked = 0
    for story in stories:
        case = story.case
        if case is None:
            continue
        actor = story._actors().manager
        candidates = [pa for pa, (_, _l, dest) in zip(agencies, AGENCIES) if story.country in dest]
        if story.sc.key in ONE_DOOR_SCENARIOS and candidates and rng.random() < 0.35:
            pa = rng.choice(candidates)
            reported = timezone.localtime(case.created_at).date()
            Placement.objects.get_or_create(worker_reference=f"DEMO-{case.reference}", defaults={
                "job_order": orders[(pa.pk, story.country)], "worker": story.person, "visa_type": VisaType.WORK,
                "departure_date": reported - dt.timedelta(days=rng.randint(60, 400)), "ltsa_office": "LTSA Kupang"})
            recruitment.case_link_recruiter(actor=actor, case=case, placement_agency=pa, role="P3MI")
            placed += 1
        elif rng.random() < 0.5:
            i = min(int(rng.paretovariate(1.2)) - 1, len(RECRUITER_NAMES) - 1)  # a few recruiters, many cases
            recruitment.case_link_recruiter(actor=actor, case=case, recruiter_name=RECRUITER_NAMES[i],
                                            identifiers=[("phone", phones[i])], role="perekrut")
            linked += 1
    reviewer = users.get("kp2mi")
    confirmed = 0
    if reviewer is not None:
        for flag in RiskFlag.objects.filter(resolution="open").order_by("created_at"):
            if rng.random() < 0.6:
                recruitment.risk_flag_resolve(actor=reviewer, flag=flag, decision="confirmed",
                                              reason="Nomor yang sama dipakai dalam beberapa kasus; diteruskan ke "
                                                     "penyidik.")
                confirmed += 1
    return {"placed": placed, "linked": linked, "confirmed": confirmed, "at": str(clock.today())}
