"""Confirming, rejecting, merging and unmerging: every case, report, placement and audit row is kept, both sides
of a pair held by two agencies must agree, and a pair the user may not see is not found."""

from __future__ import annotations

import datetime as dt

import pytest

from sinergi.agencies.enums import AgencyType, Role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case, TimelineEvent
from sinergi.core import clock
from sinergi.core.errors import Conflict, NotFound
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory
from sinergi.intake.models import Report
from sinergi.linkage.enums import PairStatus
from sinergi.linkage.merging import merge_undo, pair_confirm, pair_reject
from sinergi.linkage.models import Merge
from sinergi.people.models import IdentityDocument, PersonAlias
from sinergi.recruitment.models import JobOrder, Placement, PlacementAgency

from .factories import pair_of

pytestmark = pytest.mark.django_db


def _report(agency, person):
    return Report.objects.create(channel="family", received_at=clock.now(), agency=agency, narrative="Laporan",
                                 subject=person)


@pytest.fixture
def two_agencies():
    shelter = AgencyFactory(code="l-shelter", name="Rumah Aman Sekar")
    police = AgencyFactory(code="l-police", name="Polda Kaltara", type=AgencyType.POLICE)
    older = PersonFactory(full_name="Siti Nurhaliza")
    newer = PersonFactory(full_name="SITINURHALIZA", date_of_birth=dt.date(1998, 3, 4))
    PersonAlias.objects.create(person=newer, name="Siti N.")
    IdentityDocument.objects.create(person=newer, type="passport", number="C1234567", issuing_country_id="ID")
    case_a = CaseFactory(lead_agency=shelter, survivor=older)
    case_b = CaseFactory(lead_agency=police, survivor=newer)
    report_b = _report(police, newer)
    company = PlacementAgency.objects.create(name="PT Uji Penempatan", licence_number="SIP3MI-UJI-1", name_key="uji")
    order = JobOrder.objects.create(agency=company, reference="JO-UJI-1", employer="Pabrik Uji", destination_id="MY",
                                    position="Operator", quota=5)
    placement = Placement.objects.create(job_order=order, worker=newer, worker_reference="PMI-UJI-1")
    return {"placement": placement, "shelter": shelter, "police": police, "older": older, "newer": newer, "case_a": case_a,
            "case_b": case_b, "report_b": report_b, "pair": pair_of(older, newer),
            "shelter_cm": user_with_role(Role.CASE_MANAGER, shelter),
            "police_cm": user_with_role(Role.CASE_MANAGER, police)}


def test_one_side_alone_does_not_merge_another_agencys_person(two_agencies):
    w = two_agencies
    pair = pair_confirm(actor=w["shelter_cm"], pair=w["pair"])
    assert pair.status == PairStatus.PENDING
    assert Merge.objects.count() == 0
    assert Case.objects.get(pk=w["case_b"].pk).survivor_id == w["newer"].pk
    assert (pair.confirmed_l_agency_id or pair.confirmed_r_agency_id) == w["shelter"].pk
    # The same side confirming again changes nothing: still waiting for the other.
    assert pair_confirm(actor=w["shelter_cm"], pair=pair).status == PairStatus.PENDING
    assert Merge.objects.count() == 0


def test_merge_and_unmerge_keep_every_case_report_and_audit_row(two_agencies):
    w = two_agencies
    audit_before = AuditEvent.objects.count()
    pair_confirm(actor=w["shelter_cm"], pair=w["pair"])
    pair = pair_confirm(actor=w["police_cm"], pair=w["pair"])
    assert pair.status == PairStatus.CONFIRMED
    merge = Merge.objects.get()
    assert (merge.survivor, merge.merged) == (w["older"], w["newer"])  # the older record survives
    older = w["older"]
    assert set(Case.objects.filter(survivor=older)) == {w["case_a"], w["case_b"]}
    assert Report.objects.get(pk=w["report_b"].pk).subject_id == older.pk
    assert Placement.objects.get(pk=w["placement"].pk).worker_id == older.pk
    assert set(PersonAlias.objects.filter(person=older).values_list("name", flat=True)) == {"Siti N."}
    assert IdentityDocument.objects.get().person_id == older.pk
    for case in (w["case_b"],):
        event = TimelineEvent.objects.filter(case=case, data__linkage="merged").get()
        assert "digabung" in event.summary
    # A case opened for the survivor after the merge stays with it when the merge is undone.
    later = CaseFactory(lead_agency=w["shelter"], survivor=older)
    merge_undo(actor=w["shelter_cm"], merge=merge)
    assert set(Case.objects.filter(survivor=older)) == {w["case_a"], later}
    assert set(Case.objects.filter(survivor=w["newer"])) == {w["case_b"]}
    assert Report.objects.get(pk=w["report_b"].pk).subject_id == w["newer"].pk
    assert Placement.objects.get(pk=w["placement"].pk).worker_id == w["newer"].pk
    assert IdentityDocument.objects.get().person_id == w["newer"].pk
    assert PersonAlias.objects.get().person_id == w["newer"].pk
    assert TimelineEvent.objects.filter(case=w["case_b"], data__linkage="unmerged").exists()
    merge.refresh_from_db()
    w["pair"].refresh_from_db()
    assert merge.unmerged_at is not None and w["pair"].status == PairStatus.UNMERGED
    # Nothing is deleted; each decision left its row, and no earlier row is gone.
    assert Case.objects.count() == 3 and Report.objects.count() == 1
    rows = AuditEvent.objects.order_by("seq")
    assert rows.count() == audit_before + 4  # two confirmations, the merge, the unmerge
    decisions = [r.detail.get("decision") for r in rows.filter(object_type="person_pair")]
    assert decisions == ["confirm", "confirm"]
    person_rows = rows.filter(object_type="person", object_id=str(older.pk))
    assert [("merged" in r.detail, "unmerged" in r.detail) for r in person_rows] == [(True, False), (False, True)]
    with pytest.raises(Conflict):
        merge_undo(actor=w["shelter_cm"], merge=merge)


def test_one_rejection_closes_the_pair(two_agencies):
    w = two_agencies
    pair = pair_reject(actor=w["police_cm"], pair=w["pair"], reason="Tanggal lahir berbeda")
    assert pair.status == PairStatus.REJECTED and pair.reason == "Tanggal lahir berbeda"
    with pytest.raises(Conflict):
        pair_confirm(actor=w["shelter_cm"], pair=pair)
    assert AuditEvent.objects.filter(object_type="person_pair", detail__decision="reject").count() == 1


def test_a_pair_of_persons_the_user_does_not_hold_is_not_found(two_agencies):
    w = two_agencies
    stranger = user_with_role(Role.SUPERVISOR, AgencyFactory(code="l-other"))
    analyst = user_with_role(Role.ANALYST, w["shelter"])
    intake = user_with_role(Role.INTAKE_OFFICER, w["shelter"])  # holds the person but does not review duplicates
    for user in (stranger, analyst, intake):
        with pytest.raises(NotFound):
            pair_confirm(actor=user, pair=w["pair"])
        with pytest.raises(NotFound):
            pair_reject(actor=user, pair=w["pair"])
    assert AuditEvent.objects.filter(object_type="person_pair").count() == 0


def test_a_side_without_a_holder_is_confirmed_by_the_other_side(two_agencies):
    w = two_agencies
    worker = PersonFactory(full_name="Siti Nurhaliza")  # a placement worker from the registry: no case, no report
    pair = pair_of(w["older"], worker, 0.7)
    assert pair_confirm(actor=w["shelter_cm"], pair=pair).status == PairStatus.CONFIRMED
    assert Merge.objects.get().merged in (worker, w["older"])


def test_unmerge_needs_a_reviewer_of_the_survivor(two_agencies):
    w = two_agencies
    pair_confirm(actor=w["shelter_cm"], pair=w["pair"])
    pair_confirm(actor=w["police_cm"], pair=w["pair"])
    stranger = user_with_role(Role.CASE_MANAGER, AgencyFactory(code="l-other2"))
    with pytest.raises(NotFound):
        merge_undo(actor=stranger, merge=Merge.objects.get())


def test_a_pending_pair_of_a_merged_away_person_leaves_the_queue_and_cannot_merge(two_agencies):
    from sinergi.linkage.selectors import pairs_for_review

    w = two_agencies
    third = PersonFactory(full_name="Siti Nur Haliza")
    CaseFactory(lead_agency=w["police"], survivor=third)
    other = pair_of(w["newer"], third, 0.6)
    assert other in pairs_for_review(w["police_cm"])
    pair_confirm(actor=w["shelter_cm"], pair=w["pair"])
    pair_confirm(actor=w["police_cm"], pair=w["pair"])  # newer is merged into older
    assert other not in pairs_for_review(w["police_cm"])
    with pytest.raises(Conflict):
        pair_confirm(actor=w["police_cm"], pair=other)
    other.refresh_from_db()
    assert other.status == PairStatus.PENDING  # nothing half-written


FIELDS = ("full_name", "sex", "date_of_birth", "estimated_age", "citizenship_id", "origin_village_id",
          "origin_regency_id", "origin_province_id", "phone", "phone_digest", "email", "email_digest", "address",
          "primary_language", "deceased")


def _fields(person) -> dict:
    from sinergi.people.models import Person

    fresh = Person.objects.get(pk=person.pk)
    return {f: getattr(fresh, f) for f in FIELDS}


@pytest.fixture
def sparse_survivor(two_agencies):
    """The older record knows little (a name, the province, an address); the newer one much more."""
    from sinergi.people.models import Person

    w = two_agencies
    Person.objects.filter(pk=w["older"].pk).update(sex="NonSpecifiedUnknown", estimated_age=None, phone="",
                                                   origin_village=None, origin_regency=None, citizenship_id="ID",
                                                   address="Jl. Lama 5")
    Person.objects.filter(pk=w["newer"].pk).update(phone="081377665544", email="siti@example.org",
                                                   citizenship_id="MY", primary_language="id")
    Case.objects.filter(pk=w["case_a"].pk).update(origin_regency=None, origin_province_id="53")
    for key in ("older", "newer"):
        w[key] = Person.objects.get(pk=w[key].pk)
        w[key].save()  # the digests follow the values set above
    return w


def test_a_merge_fills_what_the_survivor_lacks_and_records_the_conflicts(sparse_survivor):
    from sinergi.people.models import Person
    from sinergi.people.selectors import persons_with_phone

    w = sparse_survivor
    newer_before = _fields(w["newer"])
    pair_confirm(actor=w["shelter_cm"], pair=w["pair"])
    pair_confirm(actor=w["police_cm"], pair=w["pair"])
    merge = Merge.objects.get()
    older = _fields(w["older"])
    assert older["date_of_birth"] == dt.date(1998, 3, 4) and older["sex"] == "Feminine"
    assert older["phone"] == "081377665544" and older["email"] == "siti@example.org"
    assert (older["origin_village_id"], older["origin_regency_id"]) == ("53.01.04.2003", "53.01")
    assert older["estimated_age"] == 24 and older["primary_language"] == "id"
    # Where both records hold a value, the survivor's wins, and the conflict is named (never the values).
    assert older["address"] == "Jl. Lama 5" and older["citizenship_id"] == "ID"
    assert older["full_name"] == "Siti Nurhaliza"
    assert set(merge.fields["conflicts"]) == {"address", "citizenship"}
    assert set(merge.fields["filled"]) == {"sex", "date_of_birth", "estimated_age", "origin", "phone", "email",
                                           "primary_language"}
    assert _fields(w["newer"]) == newer_before  # the merged record is copied from, not changed
    # The digest follows the phone: the survivor is found by it (the merged record still holds it too).
    assert {p.pk for p in persons_with_phone(Person.objects.all(), "0813-7766-5544")} == {w["older"].pk,
                                                                                        w["newer"].pk}
    assert Case.objects.get(pk=w["case_a"].pk).origin_regency_id == "53.01"  # the cases' origin follows
    for case in (w["case_a"], w["case_b"]):
        conflict = TimelineEvent.objects.get(case=case, data__linkage="fields_conflicts")
        assert "kewarganegaraan, alamat" in conflict.summary and "Jl. Lama" not in conflict.summary
        assert "tanggal lahir" in TimelineEvent.objects.get(case=case, data__linkage="fields_filled").summary
    row = AuditEvent.objects.filter(object_type="person", object_id=str(w["older"].pk)).get()
    assert set(row.detail["conflicts"]) == {"address", "citizenship"} and "date_of_birth" in row.detail["filled"]
    assert "081377665544" not in str(row.detail)


def test_merge_then_unmerge_restores_the_survivors_fields_and_keeps_every_row(sparse_survivor):
    from sinergi.cases.timeline import event_text
    from django.utils import translation

    w = sparse_survivor
    older_before, newer_before = _fields(w["older"]), _fields(w["newer"])
    case_origin = Case.objects.filter(pk=w["case_a"].pk).values_list("origin_province_id", "origin_regency_id").get()
    counts = (Case.objects.count(), Report.objects.count(), AuditEvent.objects.count())
    pair_confirm(actor=w["shelter_cm"], pair=w["pair"])
    pair_confirm(actor=w["police_cm"], pair=w["pair"])
    merge = Merge.objects.get()
    merge_undo(actor=w["shelter_cm"], merge=merge)
    assert _fields(w["older"]) == older_before
    assert _fields(w["newer"]) == newer_before
    assert Case.objects.filter(pk=w["case_a"].pk).values_list(
        "origin_province_id", "origin_regency_id").get() == case_origin
    assert (Case.objects.count(), Report.objects.count()) == counts[:2]
    assert AuditEvent.objects.count() == counts[2] + 4
    unmerged = AuditEvent.objects.order_by("-seq").first()
    assert "date_of_birth" in unmerged.detail["restored"] and unmerged.detail["kept"] == []
    event = TimelineEvent.objects.get(case=w["case_a"], data__linkage="fields_restored")
    with translation.override("en"):
        assert "date of birth" in event_text(event)


def test_a_field_changed_after_the_merge_stays_on_unmerge(sparse_survivor):
    from sinergi.people.services import person_update

    w = sparse_survivor
    pair_confirm(actor=w["shelter_cm"], pair=w["pair"])
    pair_confirm(actor=w["police_cm"], pair=w["pair"])
    person_update(actor=w["shelter_cm"], person=w["older"], agency_id=w["shelter"].pk, data={"phone": "081211112222"})
    merge_undo(actor=w["shelter_cm"], merge=Merge.objects.get())
    older = _fields(w["older"])
    assert older["phone"] == "081211112222"  # entered about the survivor since: stays with it
    assert older["date_of_birth"] is None and older["sex"] == "NonSpecifiedUnknown"
    assert TimelineEvent.objects.filter(case=w["case_a"], data__linkage="fields_kept", data__fields=["phone"]).exists()
