import pytest
from django.core.exceptions import PermissionDenied as DjangoPD

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.core.errors import PermissionDenied
from sinergi.recruitment.imports import registry_import
from sinergi.recruitment.models import JobOrder, LicenceEvent, Placement, PlacementAgency, RiskFlag

pytestmark = pytest.mark.django_db

AGENCIES = b"""licence_number,name,status,status_from,reason,region_code
KEP-1/2020,PT Maju Jaya,active,2020-01-10,,53
KEP-1/2020,PT Maju Jaya,suspended,2025-05-01,Aduan penahanan paspor,53
KEP-2/2021,PT Sentosa Abadi,active,2021-03-01,,35
"""


@pytest.fixture
def officer():
    bp2mi = AgencyFactory(name="BP3MI NTT", type=AgencyType.MIGRANT_WORKER_PROTECTION)
    return user_with_role(Role.SUPERVISOR, bp2mi)


def test_agencies_import_idempotent_with_history(officer):
    r = registry_import(actor=officer, kind="agencies", data=AGENCIES, filename="p3mi.csv")
    assert r.imported and r.created == 2 and not r.errors
    assert LicenceEvent.objects.filter(agency__licence_number="KEP-1/2020").count() == 2
    again = registry_import(actor=officer, kind="agencies", data=AGENCIES, filename="p3mi.csv")
    assert again.created == 0 and again.unchanged == 3 and PlacementAgency.objects.count() == 2


def test_bad_rows_reported_with_line_and_field_all_or_nothing(officer):
    bad = AGENCIES + b"KEP-3/2022,PT Baru,frozen,2022-13-01,,99\n"
    r = registry_import(actor=officer, kind="agencies", data=bad, filename="p3mi.csv")
    assert not r.imported and PlacementAgency.objects.count() == 0
    fields = {(e["line"], e["field"]) for e in r.errors}
    assert {(5, "status"), (5, "status_from"), (5, "region_code")} <= fields
    partial = registry_import(actor=officer, kind="agencies", data=bad, filename="p3mi.csv", partial=True)
    assert partial.imported and PlacementAgency.objects.count() == 2 and partial.errors


def test_excel_job_orders_and_placements_raise_flags(officer):
    import io

    from openpyxl import Workbook

    registry_import(actor=officer, kind="agencies", data=AGENCIES, filename="p3mi.csv")
    wb = Workbook()
    ws = wb.active
    ws.append(["reference", "licence_number", "employer", "destination", "position", "quota", "approved"])
    ws.append(["JO-KH-1", "KEP-2/2021", "Golden Resort", "KHM", "customer service", 5, "tidak"])
    ws.append(["JO-TW-1", "KEP-2/2021", "Formosa Care", "TW", "caregiver", 5, "ya"])
    buf = io.BytesIO()
    wb.save(buf)
    r = registry_import(actor=officer, kind="job_orders", data=buf.getvalue(), filename="jo.xlsx")
    assert r.imported and JobOrder.objects.count() == 2, r.errors
    placements = b"worker_reference,job_order_reference,departure_date,visa_type\nW-1,JO-KH-1,2025-02-01,tourist\nW-2,JO-TW-1,2025-02-01,work\n"
    r = registry_import(actor=officer, kind="placements", data=placements, filename="pl.csv")
    assert r.imported and Placement.objects.count() == 2
    kh = Placement.objects.get(worker_reference="W-1")
    tw = Placement.objects.get(worker_reference="W-2")
    kh_flags = set(RiskFlag.objects.filter(subject_id=kh.pk).values_list("rule__code", flat=True))
    assert {"non-official-destination", "tourist-visa", "job-order-not-approved"} <= kh_flags
    assert not RiskFlag.objects.filter(subject_id=tw.pk).exists()


def test_only_oversight_agencies_may_import():
    ngo_user = user_with_role(Role.SUPERVISOR, AgencyFactory(type=AgencyType.NGO))
    with pytest.raises((PermissionDenied, DjangoPD)):
        registry_import(actor=ngo_user, kind="agencies", data=AGENCIES, filename="p3mi.csv")
