"""The background linkage of the app's persons and the intake warning that reads its index: generated persons
with known truth, two agencies, the job run once for the module."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.cases.models import Case
from sinergi.core import clock
from sinergi.core.testing import AgencyFactory, user_with_role
from sinergi.linkage import normalise, synthetic
from sinergi.linkage.background import linkage_refresh
from sinergi.linkage.enums import PairStatus
from sinergi.linkage.models import LinkRun, MatchPair, PersonCluster
from sinergi.people.models import IdentityDocument, Person
from sinergi.regions.enums import Level
from sinergi.regions.models import Region

N = 400


def _sex(value):
    return {"f": "Feminine", "m": "Masculine"}.get(normalise.normalise_sex(value), "NonSpecifiedUnknown")


def _dob(value):
    birth = normalise.parse_birth_date(value)
    return birth.date if birth else None


def _age(value):
    age = normalise.parse_age(value)
    return age[0] if age else None


def _village(value):
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}" if len(digits) == 10 else None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    index = tmp_path_factory.mktemp("linkage") / "persons.duckdb"
    with django_db_blocker.unblock(), override_settings(SINERGI_LINKAGE_INDEX=str(index),
                                                       SINERGI_LINKAGE_MIN_PERSONS=10):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            rows, truth = synthetic.generate(N, seed=5, as_of_year=2026)
            shelter = AgencyFactory(code="b-shelter", name="Rumah Aman Melati")
            police = AgencyFactory(code="b-police", name="Polda Kalimantan Utara Uji", type=AgencyType.POLICE)
            villages = set(Region.objects.filter(level=Level.VILLAGE, code__in={
                _village(r["origin_village"]) for r in rows}).values_list("code", flat=True))
            persons = [Person(full_name=r["full_name"] or "Tanpa Nama", sex=_sex(r["sex"]),
                              date_of_birth=_dob(r["date_of_birth"]), estimated_age=_age(r["age_estimate"]),
                              phone=r["phone"], origin_village_id=_village(r["origin_village"]) if
                              _village(r["origin_village"]) in villages else None) for r in rows]
            Person.objects.bulk_create(persons)
            IdentityDocument.objects.bulk_create([
                IdentityDocument(person=p, type="passport", number=r["passport"], issuing_country_id="ID")
                for p, r in zip(persons, rows) if r["passport"]])
            Case.objects.bulk_create([
                Case(reference=f"SNG-2026-8{i:05d}", survivor=p, lead_agency=shelter if i % 2 else police,
                     stage_entered_at=clock.now(), reported_on=clock.today()) for i, p in enumerate(persons)])
            truth_of = {str(p.pk): truth[r["record_id"]] for p, r in zip(persons, rows)}
            person_of = {r["record_id"]: p for p, r in zip(persons, rows)}
            summary = linkage_refresh(force=True)
            yield {"summary": summary, "truth": truth_of, "shelter": shelter, "police": police, "index": index,
                   "rows": rows, "person_of": person_of}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _index_setting(world, settings):
    settings.SINERGI_LINKAGE_INDEX = str(world["index"])
    settings.SINERGI_LINKAGE_MIN_PERSONS = 10


def _pairs(groups):
    return {p for g in groups for p in itertools.combinations(sorted(g), 2)}


@pytest.mark.django_db
def test_the_run_clusters_every_person_and_queues_the_uncertain_band(world):
    summary = world["summary"]
    assert isinstance(summary, dict) and summary["persons"] == N, summary
    assert PersonCluster.objects.count() == N
    predicted, actual = defaultdict(list), defaultdict(list)
    for pid, cluster in PersonCluster.objects.values_list("person_id", "cluster"):
        predicted[cluster].append(str(pid))
    for pid, t in world["truth"].items():
        actual[t].append(pid)
    p, t = _pairs(predicted.values()), _pairs(actual.values())
    precision, recall = len(p & t) / max(1, len(p)), len(p & t) / max(1, len(t))
    pending = list(MatchPair.objects.filter(status=PairStatus.PENDING))
    queued = {(str(m.person_l_id), str(m.person_r_id)) for m in pending}
    reached = len((p | queued) & t) / max(1, len(t))
    print("precision", precision, "recall", recall, "linked or queued", reached)
    # Without village codes that exist, the app's records are poorer than the file's; what is not linked for
    # certain must mostly be in the review queue.
    assert precision >= 0.95 and recall >= 0.35 and reached >= 0.6, (precision, recall, reached)
    assert pending and len(pending) == summary["pairs_to_review"]
    assert all(0.5 <= m.probability < 0.95 and m.explanation["fields"] for m in pending)
    assert all(str(m.person_l_id) < str(m.person_r_id) for m in pending)
    run = LinkRun.objects.get()
    assert run.finished_at and not run.error


@pytest.mark.django_db
def test_a_decided_pair_stays_decided_and_a_fresh_run_is_skipped(world):
    pair = MatchPair.objects.filter(status=PairStatus.PENDING).first()
    MatchPair.objects.filter(pk=pair.pk).update(status=PairStatus.REJECTED)
    assert linkage_refresh() == "fresh"  # nothing changed since the last run, and it is recent
    linkage_refresh(force=True)
    assert MatchPair.objects.get(pk=pair.pk).status == PairStatus.REJECTED


def _held(world, agency, with_dob=True):
    from sinergi.cases.models import Case

    for case in Case.objects.filter(lead_agency=agency).select_related("survivor").order_by("reference"):
        p = case.survivor
        if (p.date_of_birth is not None) == with_dob and " " in p.full_name and p.full_name != p.full_name.upper():
            return p
    raise AssertionError("no such person")


def _post(user, person, **extra):
    c = Client()
    c.force_login(user)
    return c.post(reverse("web:intake"), {
        "channel": "family", "narrative": "Keluarga melaporkan anaknya hilang di Malaysia.",
        "full_name": person.full_name.upper(), "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat(), "decision": "none", **extra})


@pytest.mark.django_db
def test_intake_warns_of_another_agencys_person_without_its_data(world):
    theirs = _held(world, world["police"])
    officer = user_with_role(Role.INTAKE_OFFICER, world["shelter"])
    before = Person.objects.count()
    response = _post(officer, theirs)
    body = response.content.decode()
    assert response.status_code == 200 and Person.objects.count() == before  # warned, nothing created yet
    assert "Polda Kalimantan Utara Uji" in body and "tanyakan kepada mereka" in body
    assert theirs.full_name not in body  # the typed spelling (capitals) is on the page; the stored one is not
    digits = "".join(ch for ch in theirs.phone if ch.isdigit())
    if digits:  # neither the number nor its masked form
        assert digits not in body and theirs.phone not in body and "•" * 3 + digits[-3:] not in body
    # Having seen the warning, the officer may still create the person.
    response = _post(officer, theirs, matches_checked="1")
    assert response.status_code == 302 and Person.objects.count() == before + 1


@pytest.mark.django_db
def test_intake_shows_the_agencys_own_person(world):
    ours = _held(world, world["shelter"])
    officer = user_with_role(Role.INTAKE_OFFICER, world["shelter"])
    body = _post(officer, ours).content.decode()
    assert ours.full_name in body and "Orang ini mungkin sudah tercatat" in body
