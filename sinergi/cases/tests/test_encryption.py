"""The travel document number is encrypted at rest and found by its keyed digest."""

import pytest
from django.db import connection

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import user_with_role
from sinergi.cases import services
from sinergi.cases.enums import Stage
from sinergi.cases.models import Case
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core.fields import lookup_digests

pytestmark = pytest.mark.django_db


def stored(case) -> tuple[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT travel_document_number, travel_document_digest FROM cases_case WHERE id = %s",
                    [case.pk.hex if connection.vendor == "sqlite" else case.pk])
        return cur.fetchone()


def test_travel_document_number_is_encrypted_and_looked_up_by_digest():
    case = CaseFactory(stage=Stage.PROTECTED)
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    services.case_transition(actor=user, case=case, to_stage=Stage.DOCUMENTED,
                             data={"travel_document_number": "x1234567"})
    number, digest = stored(case)
    assert number.startswith("sng1:") and "X1234567" not in number and digest
    assert Case.objects.get(pk=case.pk).travel_document_number == "X1234567"
    found = Case.objects.filter(travel_document_digest__in=lookup_digests(Case, "travel_document_number", "x 1234567"))
    assert list(found) == [case]
