import datetime as dt
from decimal import Decimal

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.recruitment import rules
from sinergi.recruitment.models import JobOrder, LicenceEvent, Placement, PlacementAgency, RiskFlag, RiskRule
from sinergi.recruitment.services import case_link_recruiter, flags_refresh, name_key, offer_for_placement

pytestmark = pytest.mark.django_db


def licensed(name="PT Maju Sejahtera Abadi", number="KEP-123/2024", status="active", since=dt.date(2024, 1, 1)):
    a = PlacementAgency.objects.create(name=name, licence_number=number, name_key=name_key(name))
    LicenceEvent.objects.create(agency=a, status=status, effective_from=since)
    return a


def codes(hits):
    return {h.rule.code for h in hits}


def test_cambodian_scam_compound_offer_is_high_risk():
    offer = rules.Offer(on=clock.today(), agency=None, agency_given="Golden Fortune Recruitment", destination="KH",
                        position="Customer Service", monthly_pay_usd=Decimal("1100"), needs_qualification=False,
                        channels=["facebook", "telegram"], visa="tourist")
    hits = rules.evaluate(offer)
    assert {"non-official-destination", "agency-not-licensed", "tourist-visa", "pay-above-norm",
            "social-media-only"} <= codes(hits)
    assert rules.level(hits) == "high"
    assert all(h.reason for h in hits)


def test_legal_placement_to_taiwan_is_low_risk():
    agency = licensed()
    jo = JobOrder.objects.create(agency=agency, reference="JO-TW-1", employer="Formosa Care", destination_id="TW",
                                 position="Caregiver", salary_amount=Decimal("20000"), salary_currency="TWD", quota=10,
                                 approved=True, approved_on=dt.date(2025, 1, 1))
    p = Placement.objects.create(job_order=jo, worker_reference="W-1", departure_date=clock.today(), visa_type="work",
                                 ltsa_office="LTSA Kupang")
    hits = rules.evaluate(offer_for_placement(p))
    assert hits == [] and rules.level(hits) == "low"


def test_suspended_licence_at_the_time_and_over_quota():
    agency = licensed(status="active", since=dt.date(2023, 1, 1))
    LicenceEvent.objects.create(agency=agency, status="suspended", effective_from=dt.date(2025, 6, 1), reason="Aduan")
    jo = JobOrder.objects.create(agency=agency, reference="JO-MY-1", employer="Ladang Sawit", destination_id="MY",
                                 position="Pekerja kebun", quota=1, approved=True)
    Placement.objects.create(job_order=jo, worker_reference="W-2", departure_date=dt.date(2025, 3, 1))
    late = Placement.objects.create(job_order=jo, worker_reference="W-3", departure_date=dt.date(2025, 7, 1))
    early = Placement.objects.get(worker_reference="W-2")
    assert "agency-not-licensed" not in codes(rules.evaluate(offer_for_placement(early)))
    hits_late = rules.evaluate(offer_for_placement(late))
    assert {"agency-not-licensed", "job-order-not-approved"} <= codes(hits_late)
    flags = flags_refresh("placement", late.pk, offer_for_placement(late))
    assert len(flags) >= 2
    assert flags_refresh("placement", late.pk, offer_for_placement(late)) == []  # once per rule


def test_rules_are_data(settings):
    rule = RiskRule.objects.get(code="pay-above-norm")
    offer = rules.Offer(on=clock.today(), destination="MY", position="customer service", monthly_pay_usd=Decimal("900"))
    assert "pay-above-norm" in codes(rules.evaluate(offer))
    rule.params = {**rule.params, "max_usd_unskilled": 1000}
    rule.save()
    assert "pay-above-norm" not in codes(rules.evaluate(offer))
    rule.enabled = False
    rule.save()
    offer.monthly_pay_usd = Decimal("5000")
    assert "pay-above-norm" not in codes(rules.evaluate(offer))


def test_same_phone_across_cases_is_flagged():
    cases = [CaseFactory() for _ in range(2)]
    for c in cases:
        user = user_with_role(Role.CASE_MANAGER, c.lead_agency)
        case_link_recruiter(actor=user, case=c, recruiter_name="Bang Jefri",
                            identifiers=[("phone", "0812-3456-7890")])
    offer = rules.Offer(on=clock.today(), identifiers=[("phone", rules.normalise_identifier("phone", "+62 812 3456 7890"))])
    assert "shared-identifier" in codes(rules.evaluate(offer))
    assert RiskFlag.objects.filter(rule__code="shared-identifier", subject_type="recruiter").exists()


def test_revoked_licence_is_said_revoked_from_its_own_date_everywhere(client):
    """The risk flag (on a departure after the revocation) and the public check (today) both name the date the
    revocation took effect, from the licence history."""
    from django.urls import reverse

    agency = licensed(name="PT Bintang Timur Raya", number="KEP-777/2020", since=dt.date(2020, 1, 1))
    LicenceEvent.objects.create(agency=agency, status="revoked", effective_from=dt.date(2025, 6, 1), reason="Aduan")
    jo = JobOrder.objects.create(agency=agency, reference="JO-SA-1", employer="Riyadh Home", destination_id="SA",
                                 position="Penata laksana rumah tangga", quota=5, approved=True)
    late = Placement.objects.create(job_order=jo, worker_reference="W-9", departure_date=dt.date(2026, 7, 1))
    flag = next(f for f in flags_refresh("placement", late.pk, offer_for_placement(late))
                if f.rule.code == "agency-not-licensed")
    assert "01-06-2025" in flag.reason and "01-07-2026" not in flag.reason
    assert flag.evidence["since"] == "2025-06-01"
    r = client.post(reverse("public_check"), {
        "agency": "KEP-777/2020", "destination": "MY", "position": "pekerja kebun", "pay_amount": "",
        "pay_currency": "USD", "needs_qualification": "yes", "visa": "work", "province": "53"})
    body = r.content.decode()
    assert r.status_code == 200 and "01-06-2025" in body
    assert clock.today().strftime("%d-%m-%Y") not in body
