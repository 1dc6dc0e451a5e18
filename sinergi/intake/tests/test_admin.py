"""Reports in the admin: read-only, without reporter details or narrative."""

import pytest

from sinergi.audit.models import AuditEvent
from sinergi.core import clock
from sinergi.core.testing import AgencyFactory, PersonFactory, UserFactory
from sinergi.intake.models import Report

pytestmark = pytest.mark.django_db


def test_report_admin_hides_reporter_and_narrative(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    rep = Report.objects.create(channel="family", received_at=clock.now(), agency=AgencyFactory(name="LSM Rumah Harapan"),
                                reporter_name="Bapak Yohanes", reporter_contact="081377776666",
                                narrative="Anak saya di Malaysia", last_known_location="Tawau",
                                subject=PersonFactory(full_name="Yuliana Bere"))
    listing = client.get("/admin/intake/report/")
    detail = client.get(f"/admin/intake/report/{rep.pk}/change/")
    assert listing.status_code == 200 and detail.status_code == 200
    assert b"LSM Rumah Harapan" in listing.content
    for page in (listing, detail):
        for secret in (b"Yohanes", b"081377776666", b"Anak saya", b"Tawau", b"Yuliana"):
            assert secret not in page.content
    assert AuditEvent.objects.filter(action="read", object_type="report").count() == 1
    assert client.get("/admin/intake/report/add/").status_code == 403
    assert client.get("/admin/intake/screening/").status_code == 404


def test_the_task_forces_procedure_for_village_reports_is_kept_in_the_admin(client):
    from sinergi.intake.models import ReportRoute

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    agency = AgencyFactory(name="UPTD PPA Penerima")
    ReportRoute.objects.create(region_id="53.01", agency=agency, note="Laporan desa Kab. Kupang")
    listing = client.get("/admin/intake/reportroute/")
    assert listing.status_code == 200 and b"UPTD PPA Penerima" in listing.content
    assert client.get("/admin/intake/reportroute/add/").status_code == 200
