"""Reviewing risk flags: confirm, dismiss, reopen, each with a written reason; the rules respect the review."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.core.errors import PermissionDenied
from sinergi.recruitment.models import (
    JobOrder,
    LicenceEvent,
    Placement,
    PlacementAgency,
    RiskFlag,
    RiskFlagReview,
)
from sinergi.recruitment.services import (
    flags_refresh,
    name_key,
    offer_for_placement,
    risk_flag_reopen,
    risk_flag_resolve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.MIGRANT_WORKER_PROTECTION))


@pytest.fixture
def placement():
    agency = PlacementAgency.objects.create(name="PT Maju Jaya", licence_number="KEP-1/2020", name_key=name_key("PT Maju Jaya"))
    LicenceEvent.objects.create(agency=agency, status="active", effective_from=dt.date(2020, 1, 1))
    jo = JobOrder.objects.create(agency=agency, reference="JO-MY-1", employer="Ladang Sawit", destination_id="MY",
                                 position="Pekerja kebun", quota=1, approved=True)
    Placement.objects.create(job_order=jo, worker_reference="W-1", departure_date=dt.date(2025, 3, 1))
    return Placement.objects.create(job_order=jo, worker_reference="W-2", departure_date=dt.date(2025, 3, 2),
                                    visa_type="tourist")


def refresh(placement):
    return flags_refresh("placement", placement.pk, offer_for_placement(placement))


def flag_of(placement, code):
    return RiskFlag.objects.get(subject_id=placement.pk, rule__code=code)


def test_confirm_records_who_when_why_and_audits(officer, placement):
    refresh(placement)
    flag = flag_of(placement, "tourist-visa")
    assert flag.resolution == "open" and flag.is_open
    done = risk_flag_resolve(actor=officer, flag=flag, decision="confirmed", reason="  Visa turis terbukti, teruskan ke polisi. ")
    flag.refresh_from_db()
    assert flag.resolution == "confirmed" and flag.resolved_by == officer and flag.resolved_at is not None
    assert flag.resolution_reason == "Visa turis terbukti, teruskan ke polisi." and done.pk == flag.pk
    review = RiskFlagReview.objects.get(flag=flag)
    assert (review.decision, review.reviewed_by, review.reason) == ("confirmed", officer, flag.resolution_reason)
    row = AuditEvent.objects.get(action="update", object_type="risk_flag", object_id=str(flag.pk))
    assert row.user_id == officer.pk and row.detail["decision"] == "confirmed" and row.detail["from"] == "open"
    assert row.detail["reason"] == flag.resolution_reason and row.detail["rule"] == "tourist-visa"


def test_dismiss_then_reopen_with_reason(officer, placement):
    refresh(placement)
    flag = flag_of(placement, "tourist-visa")
    risk_flag_resolve(actor=officer, flag=flag, decision="dismissed", reason="Visa kerja sudah terbit, data lama.")
    flag.refresh_from_db()
    assert flag.resolution == "dismissed"
    risk_flag_reopen(actor=officer, flag=flag, reason="Ada laporan baru dari keluarga.")
    flag.refresh_from_db()
    assert flag.is_open and flag.resolved_by is None and flag.resolved_at is None and flag.resolution_reason == ""
    assert list(flag.reviews.values_list("decision", flat=True)) == ["dismissed", "reopened"]
    assert flag.reviews.last().reason == "Ada laporan baru dari keluarga."
    decisions = [(e.detail["from"], e.detail["decision"]) for e in
                 AuditEvent.objects.filter(object_type="risk_flag", object_id=str(flag.pk)).order_by("seq")]
    assert decisions == [("open", "dismissed"), ("dismissed", "reopened")]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reason_is_required(officer, placement, reason):
    refresh(placement)
    flag = flag_of(placement, "tourist-visa")
    with pytest.raises(ValidationError) as exc:
        risk_flag_resolve(actor=officer, flag=flag, decision="dismissed", reason=reason)
    assert "reason" in exc.value.message_dict
    flag.refresh_from_db()
    assert flag.is_open and not flag.reviews.exists()
    assert not AuditEvent.objects.filter(object_type="risk_flag").exists()
    risk_flag_resolve(actor=officer, flag=flag, decision="dismissed", reason="Positif palsu.")
    with pytest.raises(ValidationError) as exc:
        risk_flag_reopen(actor=officer, flag=flag, reason=reason)
    assert "reason" in exc.value.message_dict


def test_bad_decisions_and_states_are_field_errors(officer, placement):
    refresh(placement)
    flag = flag_of(placement, "tourist-visa")
    for decision in ("", "escalate", "open", "reopened"):
        with pytest.raises(ValidationError) as exc:
            risk_flag_resolve(actor=officer, flag=flag, decision=decision, reason="alasan")
        assert "decision" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        risk_flag_reopen(actor=officer, flag=flag, reason="alasan")  # still open
    assert "decision" in exc.value.message_dict
    risk_flag_resolve(actor=officer, flag=flag, decision="confirmed", reason="Benar.")
    with pytest.raises(ValidationError) as exc:
        risk_flag_resolve(actor=officer, flag=flag, decision="dismissed", reason="Berubah pikiran.")
    assert "decision" in exc.value.message_dict
    flag.refresh_from_db()
    assert flag.resolution == "confirmed" and flag.reviews.count() == 1


def test_only_oversight_may_review(placement):
    refresh(placement)
    flag = flag_of(placement, "tourist-visa")
    ngo = user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.NGO))
    with pytest.raises(PermissionDenied):
        risk_flag_resolve(actor=ngo, flag=flag, decision="dismissed", reason="x")
    with pytest.raises(PermissionDenied):
        risk_flag_reopen(actor=ngo, flag=flag, reason="x")
    assert flag_of(placement, "tourist-visa").is_open


def test_rules_rerun_keeps_reviews(officer, placement):
    assert {"tourist-visa", "job-order-not-approved"} <= {f.rule.code for f in refresh(placement)}
    visa = flag_of(placement, "tourist-visa")
    quota = flag_of(placement, "job-order-not-approved")
    risk_flag_resolve(actor=officer, flag=visa, decision="dismissed", reason="Visa kerja sudah terbit.")
    risk_flag_resolve(actor=officer, flag=quota, decision="confirmed", reason="Kuota dilampaui, diteruskan.")
    count = RiskFlag.objects.count()
    assert refresh(placement) == []  # same evidence: nothing raised, nothing reopened
    assert RiskFlag.objects.count() == count
    assert flag_of(placement, "tourist-visa").resolution == "dismissed"
    assert flag_of(placement, "job-order-not-approved").resolution == "confirmed"
    # A third placement changes the quota evidence: the confirmed flag stays confirmed as it was.
    Placement.objects.create(job_order=placement.job_order, worker_reference="W-3", departure_date=dt.date(2025, 3, 3))
    refresh(placement)
    quota = flag_of(placement, "job-order-not-approved")
    assert quota.resolution == "confirmed" and quota.resolution_reason == "Kuota dilampaui, diteruskan."
    assert flag_of(placement, "tourist-visa").resolution == "dismissed"
    assert RiskFlag.objects.count() == count


def test_dismissed_flag_reopens_only_when_evidence_changes(officer, placement):
    refresh(placement)
    quota = flag_of(placement, "job-order-not-approved")
    risk_flag_resolve(actor=officer, flag=quota, decision="dismissed", reason="Satu penempatan dibatalkan.")
    refresh(placement)
    assert flag_of(placement, "job-order-not-approved").resolution == "dismissed"
    Placement.objects.create(job_order=placement.job_order, worker_reference="W-3", departure_date=dt.date(2025, 3, 3))
    reopened = refresh(placement)
    quota = flag_of(placement, "job-order-not-approved")
    assert [f.pk for f in reopened] == [quota.pk]
    assert quota.is_open and quota.evidence["placed"] == 3 and "(3)" in quota.reason
    last = quota.reviews.last()
    assert last.decision == "reopened" and last.reviewed_by is None
    row = AuditEvent.objects.filter(object_type="risk_flag", object_id=str(quota.pk)).order_by("-seq").first()
    assert row.user_id is None and row.detail["decision"] == "reopened" and row.detail["evidence_before"]["placed"] == 2
    assert RiskFlag.objects.filter(subject_id=placement.pk, rule__code="job-order-not-approved").count() == 1


def test_open_flag_takes_fresh_evidence(placement):
    refresh(placement)
    Placement.objects.create(job_order=placement.job_order, worker_reference="W-3", departure_date=dt.date(2025, 3, 3))
    assert refresh(placement) == []
    flag = flag_of(placement, "job-order-not-approved")
    assert flag.is_open and flag.evidence["placed"] == 3 and not flag.reviews.exists()
