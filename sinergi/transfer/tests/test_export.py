import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.enums import Stage
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.transfer import samples
from sinergi.transfer.columns import EXPORT_COLUMNS
from sinergi.transfer.selectors import filters_from
from sinergi.transfer.services import cases_export, cases_import

from .conftest import as_stream

pytestmark = pytest.mark.django_db


def export(user, fmt="csv", params=None, **kw) -> tuple[str, int]:
    filters, used = filters_from(params or {})
    result = cases_export(actor=user, format=fmt, filters=filters, used_filters=used, **kw)
    return "".join(result.chunks()), result.count


def in_export_order(rows):
    # Export orders by report date, then reference; references follow the file order within a day.
    return sorted(rows, key=lambda r: r["sng_ReportedOn"])


def test_csv_round_trip_writes_exactly_what_was_imported(supervisor, agency, rows):
    rows[0]["sng_Aliases"] = ["Ani Lende", "Ani L."]
    cases_import(actor=supervisor, agency_id=agency.pk, stream=as_stream(samples.to_csv(rows)))
    text, count = export(supervisor, "csv")
    assert count == 20
    assert text.encode() == samples.to_csv(in_export_order(rows))


def test_json_round_trip_export_import_export_is_stable(supervisor, agency, rows):
    cases_import(actor=supervisor, agency_id=agency.pk, stream=as_stream(samples.to_json(rows)), format="json")
    first, _ = export(supervisor, "json")
    records = json.loads(first)
    assert [r["sng_ExternalId"] for r in records] == [r["sng_ExternalId"] for r in in_export_order(rows)]
    assert list(records[0]) == list(EXPORT_COLUMNS)
    assert all(isinstance(r["vic_TypeOfExploitation"], list) for r in records)
    # The export, imported by another agency under new ids, exports to the same content.
    other = AgencyFactory()
    other_spv = user_with_role(Role.SUPERVISOR, other)
    for r in records:
        r["sng_ExternalId"] = "B-" + r["sng_ExternalId"]
    job = cases_import(actor=other_spv, agency_id=other.pk, stream=as_stream(json.dumps(records).encode()),
                       format="json")
    assert job.created_count == 20
    second, _ = export(other_spv, "json")
    assert json.loads(second) == records


def test_csv_export_of_cases_made_in_sinergi_reimports_as_present(supervisor, agency):
    for _ in range(3):
        CaseFactory(lead_agency=agency)
    text, count = export(supervisor, "csv")
    assert count == 3
    job = cases_import(actor=supervisor, agency_id=agency.pk, stream=as_stream(text.encode()))
    assert (job.created_count, job.present_count) == (0, 3)


def test_export_never_contains_documents_contacts_or_addresses(supervisor, agency):
    case = CaseFactory(lead_agency=agency, travel_document_number="X1234567", port_of_entry="Tanjung Priok")
    from sinergi.people.models import IdentityDocument

    IdentityDocument.objects.create(person=case.survivor, type="nik", number="5301010101900001", issuing_country_id="ID")
    case.survivor.email = "siti@example.org"
    case.survivor.save()
    for fmt in ("csv", "json"):
        text, _ = export(supervisor, fmt)
        for secret in ("081234567890", "Merdeka", "X1234567", "5301010101900001", "siti@example.org"):
            assert secret not in text
        assert case.survivor.full_name in text
    header = next(csv.reader(io.StringIO(export(supervisor, "csv")[0])))
    assert tuple(header) == EXPORT_COLUMNS


def test_one_export_audit_row_per_case_with_the_filters(supervisor, agency):
    cases = [CaseFactory(lead_agency=agency, stage=Stage.LOCATED) for _ in range(3)]
    CaseFactory(lead_agency=agency, stage=Stage.REPORTED)
    text, count = export(supervisor, "csv", {"stage": "located"}, purpose="laporan gugus tugas")
    assert count == 3
    rows = AuditEvent.objects.filter(action="export", object_type="case")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in cases)
    row = rows.first()
    assert row.detail["filters"] == {"stage": ["located"]} and row.detail["format"] == "csv"
    assert row.purpose == "laporan gugus tugas" and row.user_id == supervisor.pk and row.agency_id == agency.pk
    assert len({r.detail["export"] for r in rows}) == 1


def test_empty_export_is_still_audited(supervisor, agency):
    text, count = export(supervisor, "json")
    assert count == 0 and json.loads(text) == []
    assert AuditEvent.objects.filter(action="export", detail__count=0).count() == 1


def test_filters(supervisor, agency):
    old = CaseFactory(lead_agency=agency, reported_on=clock.today().replace(year=2023), country_of_exploitation_id="MY")
    new = CaseFactory(lead_agency=agency, country_of_exploitation_id="KH")
    assert export(supervisor, "csv", {"country_of_exploitation": "my"})[1] == 1
    text, count = export(supervisor, "csv", {"reported_to": f"{old.reported_on}"})
    assert count == 1 and old.reference in text and new.reference not in text
    assert export(supervisor, "csv", {"q": new.survivor.full_name.split()[0]})[1] == 2
    with pytest.raises(ValidationError) as info:
        export(supervisor, "csv", {"stage": "rescued", "reported_from": "kemarin"})
    assert set(info.value.message_dict) == {"stage", "reported_from"}


def test_only_cases_led_by_agencies_where_the_user_may_export(supervisor, agency):
    mine = CaseFactory(lead_agency=agency)
    other = AgencyFactory()
    theirs = CaseFactory(lead_agency=other)
    # A case referred to the user's agency is visible but not theirs to export.
    from sinergi.referrals.models import Referral

    now = clock.now()
    Referral.objects.create(case=theirs, type="locate", from_agency=other, to_agency=agency, sent_at=now,
                            ack_due_at=now, complete_due_at=now)
    text, count = export(supervisor, "csv")
    assert count == 1 and mine.reference in text and theirs.reference not in text


@pytest.mark.parametrize("role", [Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.ANALYST, Role.AGENCY_ADMIN,
                                  Role.SYSTEM_ADMIN])
def test_roles_without_case_export_are_refused(agency, role):
    CaseFactory(lead_agency=agency)
    user = user_with_role(role, agency)
    with pytest.raises(PermissionDenied):
        export(user)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_agency_option(supervisor, agency):
    other = AgencyFactory(code="lain")
    with pytest.raises(NotFound):
        export(supervisor, agency_code="tidak-ada")
    with pytest.raises(PermissionDenied):
        export(supervisor, agency_code="lain")
    CaseFactory(lead_agency=agency)
    assert export(supervisor, agency_code=agency.code)[1] == 1
    assert other.pk  # the other agency exists and is simply not the user's
