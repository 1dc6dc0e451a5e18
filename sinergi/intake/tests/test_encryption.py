"""The reporter's contact is encrypted at rest; the report reads as before."""

import pytest
from django.db import connection

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.intake import services
from sinergi.intake.models import Report

pytestmark = pytest.mark.django_db


def test_reporter_contact_is_encrypted_at_rest():
    agency = AgencyFactory()
    officer = user_with_role(Role.INTAKE_OFFICER, agency)
    rep = services.report_create(actor=officer, agency_id=agency.pk, data={
        "channel": "family", "narrative": "Anak kami tidak bisa pulang.", "reporter_contact": "081234000111"})
    with connection.cursor() as cur:
        cur.execute("SELECT reporter_contact FROM intake_report WHERE id = %s",
                    [rep.pk.hex if connection.vendor == "sqlite" else rep.pk])
        raw = cur.fetchone()[0]
    assert raw.startswith("sng1:") and "081234000111" not in raw
    assert Report.objects.get(pk=rep.pk).reporter_contact == "081234000111"
