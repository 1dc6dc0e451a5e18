"""The bulk generator: N consistent, searchable cases, one audit row per batch."""

import pytest
from django.utils import timezone

from sinergi.agencies.models import Agency, Membership
from sinergi.agencies.tests.factories import user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.enums import Stage
from sinergi.cases.models import Case, CaseExploitationType, StageEntry
from sinergi.cases.selectors import CaseFilters, case_list
from sinergi.demo.services import generate
from sinergi.people.models import NameKey

pytestmark = pytest.mark.django_db


def test_generates_n_consistent_cases_in_batches_with_one_audit_row_each():
    assert generate(45, seed=5, batch=20) == 45
    assert Case.objects.count() == 45
    assert StageEntry.objects.count() >= 45
    assert AuditEvent.objects.filter(object_type="generated_cases").count() == 3  # 20 + 20 + 5
    now = timezone.now()
    for case in Case.objects.all():
        # Every stage the case passed through, each left when the next was entered; the last is the current one.
        entries = list(StageEntry.objects.filter(case=case).order_by("entered_at"))
        assert entries[0].stage == Stage.REPORTED and entries[0].entered_at == case.created_at
        for a, b in zip(entries, entries[1:]):
            assert a.left_at == b.entered_at and a.entered_at < b.entered_at
        entry = entries[-1]
        assert entry.stage == case.stage and entry.entered_at == case.stage_entered_at and entry.left_at is None
        assert timezone.localdate(case.created_at) == case.reported_on
        assert case.created_at <= case.stage_entered_at <= now
        assert (case.stage == Stage.CLOSED) == bool(case.outcome) == bool(case.closed_at)
        assert set(CaseExploitationType.objects.filter(case=case).values_list("type", flat=True)) == \
            set(case.exploitation_types)
        assert case.origin_regency_id == case.survivor.origin_village_id[:5]
        assert NameKey.objects.filter(person_id=case.survivor_id).exists()
    assert len(set(Case.objects.values_list("reference", flat=True))) == 45


def test_generated_referrals_have_consistent_dates_and_some_are_late():
    from sinergi.referrals.models import Referral

    generate(300, seed=4)
    referrals = list(Referral.objects.all())
    assert len(referrals) > 100
    now = timezone.now()
    late = 0
    for r in referrals:
        assert r.from_agency_id == Case.objects.get(pk=r.case_id).lead_agency_id != r.to_agency_id
        assert r.sent_at <= now and r.ack_due_at > r.sent_at and r.complete_due_at > r.ack_due_at
        if r.acknowledged_at:
            assert r.sent_at < r.acknowledged_at <= now
            late += r.acknowledged_at > r.ack_due_at
        if r.completed_at:
            assert r.acknowledged_at < r.completed_at <= now and r.status == "completed"
    assert late > 0


def test_generated_cases_are_found_by_name_by_a_user_of_the_lead_agency():
    generate(30, seed=8)
    case = Case.objects.select_related("survivor").order_by("reference").first()
    user = user_with_role("case_manager", Agency.objects.get(pk=case.lead_agency_id))
    found = list(case_list(user, CaseFilters(q=case.survivor.full_name.upper(), stage=[case.stage],
                                             country_of_exploitation=case.country_of_exploitation_id)))
    assert case in found
    # And not by anyone else: the generator does not widen visibility.
    outsider = user_with_role("case_manager")
    assert not case_list(outsider, CaseFilters(q=case.survivor.full_name)).exists()


def test_a_second_run_adds_new_references():
    generate(5, seed=1)
    generate(5, seed=1)
    assert Case.objects.count() == 10
    assert Membership.objects.count() == 0  # the generator makes cases, not accounts


def test_generated_ids_are_time_ordered_uuids():
    import random

    from sinergi.demo.bulk import OrderedIds

    new_id = OrderedIds(random.Random(1))
    ids = [new_id() for _ in range(20_000)]  # more than 4,096 within one millisecond
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {7}


def test_generated_contacts_and_documents_are_encrypted_in_the_database():
    """The generator writes with COPY (PostgreSQL) or raw INSERTs, around the ORM: it encrypts as the ORM does."""
    from django.db import connection

    from sinergi.people.models import Person
    from sinergi.people.selectors import persons_with_phone

    generate(12, seed=3)
    with connection.cursor() as cur:
        cur.execute("SELECT phone, address, phone_digest FROM people_person")
        rows = cur.fetchall()
        cur.execute("SELECT travel_document_number FROM cases_case WHERE travel_document_number != ''")
        documents = [r[0] for r in cur.fetchall()]
    assert rows and all(phone.startswith("sng1:") and address.startswith("sng1:") and digest
                        for phone, address, digest in rows)
    assert all(d.startswith("sng1:") for d in documents)
    person = Person.objects.order_by("id").first()
    assert person.phone.startswith("08") and "RT" in person.address
    assert person in persons_with_phone(Person.objects.all(), person.phone)
    case = Case.objects.exclude(travel_document_number="").first()
    if case is not None:
        assert case.travel_document_number[:3].isalpha()


def test_generated_cases_carry_services_placements_recruiters_and_flags():
    """The recruitment and services figures are exercised at scale: the generator writes them too."""
    from sinergi.cases.models import ServiceDelivery
    from sinergi.recruitment.models import CaseLink, Placement, RiskFlag

    generate(400, seed=6)
    now = timezone.now()
    services = list(ServiceDelivery.objects.select_related("case"))
    assert len(services) > 200
    assert len({s.type for s in services}) >= 6
    for s in services:
        assert s.case.reported_on <= s.started_on <= timezone.localdate(now)
        assert s.ended_on is None or s.ended_on >= s.started_on
        assert (s.ended_on is None) == (s.outcome == "ongoing")
    placements = list(Placement.objects.exclude(worker=None))
    assert placements
    survivors = set(Case.objects.values_list("survivor_id", flat=True))
    assert all(p.worker_id in survivors for p in placements)
    links = CaseLink.objects.all()
    assert links.exclude(placement_agency=None).count() == len(placements)
    assert links.exclude(recruiter=None).values("recruiter").distinct().count() >= 2
    flags = RiskFlag.objects.filter(subject_type="placement")
    assert flags.exists() and flags.filter(resolution="confirmed").exists()
    assert set(flags.values_list("subject_id", flat=True)) <= {p.pk for p in placements}
