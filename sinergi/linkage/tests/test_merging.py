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
from sinergi.core.testing import AgencyFactory, CaseFactory, PersonFactory, user_with_role
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
