import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.audit.selectors import audit_verify
from sinergi.cases.enums import EventKind, Stage
from sinergi.cases.models import Case, CaseExploitationType, StageEntry, TimelineEvent
from sinergi.cases.selectors import CaseFilters, case_list
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import PermissionDenied
from sinergi.people.models import NameKey, Person, PersonAlias
from sinergi.transfer import samples
from sinergi.transfer.enums import JobStatus
from sinergi.transfer.models import ImportJob
from sinergi.transfer.services import ImportRefused, cases_import

from .conftest import as_stream

pytestmark = pytest.mark.django_db


def run(user, agency, data: bytes, **kw):
    return cases_import(actor=user, agency_id=agency.pk, stream=as_stream(data), **kw)


def refused(user, agency, data: bytes, **kw) -> ImportJob:
    with pytest.raises(ImportRefused) as info:
        run(user, agency, data, **kw)
    return info.value.job


def problem_keys(job: ImportJob) -> set[tuple[int, str]]:
    return {(p["line"], p["field"]) for p in job.errors}


def test_good_csv_creates_cases_people_keys_stages_timeline_and_audit(supervisor, agency, rows):
    rows[0]["sng_Aliases"] = ["Soekarni Tjahjono"]
    job = run(supervisor, agency, samples.to_csv(rows), filename="kasus.csv")
    assert job.status == JobStatus.COMPLETED and job.format == "csv"
    assert (job.total_rows, job.created_count, job.present_count, job.rejected_count) == (20, 20, 0, 0)
    assert job.progress == 100 and job.finished_at is not None
    cases = Case.objects.filter(lead_agency=agency)
    assert cases.count() == 20
    case = cases.select_related("survivor").get(external_id=rows[0]["sng_ExternalId"])
    assert case.survivor.full_name == rows[0]["sng_FullName"]
    assert case.reported_on.isoformat() == rows[0]["sng_ReportedOn"]
    assert case.stage == rows[0]["sng_Stage"]
    assert case.country_of_exploitation_id == rows[0]["hte_Country"]
    assert case.exploitation_types == rows[0]["vic_TypeOfExploitation"]
    assert case.primary_exploitation == rows[0]["vic_TypeOfExploitation"][0]
    assert case.origin_province_id == rows[0]["sng_OriginVillage"][:2]
    assert case.origin_regency_id == rows[0]["sng_OriginVillage"][:5]
    assert list(PersonAlias.objects.filter(person=case.survivor).values_list("name", flat=True)) == ["Soekarni Tjahjono"]
    assert set(CaseExploitationType.objects.filter(case=case).values_list("type", flat=True)) == \
        set(rows[0]["vic_TypeOfExploitation"])
    entry = StageEntry.objects.get(case=case)
    assert entry.stage == case.stage and entry.agency_id == agency.pk and entry.actor_id == supervisor.pk
    event = TimelineEvent.objects.get(case=case)
    assert event.kind == EventKind.IMPORTED and event.data["import_job"] == str(job.pk)
    assert event.data["line"] == 2
    audit = AuditEvent.objects.filter(object_type="case", action="import")
    assert audit.count() == 20
    row = audit.get(object_id=str(case.pk))
    assert row.user_id == supervisor.pk and row.agency_id == agency.pk and row.role == Role.SUPERVISOR
    assert row.detail["external_id"] == rows[0]["sng_ExternalId"] and row.detail["survivor"] == str(case.survivor_id)
    assert AuditEvent.objects.filter(object_type="import_job", object_id=str(job.pk)).count() == 1
    checked, broken = audit_verify()
    assert broken is None and checked >= 21
    # Name search finds the imported survivor by a spelling variant of the alias.
    found = case_list(supervisor, CaseFilters(q="Sukarni Cahyono"))
    assert case in list(found)
    assert NameKey.objects.filter(person=case.survivor).count() >= 2


def test_good_json_with_native_values(supervisor, agency, rows):
    rows[1]["sng_EstimatedAge"] = 31
    rows[1]["prs_Birthdate"] = None
    rows[1]["prs_Deceased"] = True
    job = run(supervisor, agency, samples.to_json(rows), filename="kasus.json")
    assert job.format == "json" and job.created_count == 20
    person = Case.objects.get(external_id=rows[1]["sng_ExternalId"]).survivor
    assert person.estimated_age == 31 and person.deceased is True


def test_reimport_creates_nothing_and_reports_present(supervisor, agency, rows):
    data = samples.to_csv(rows)
    run(supervisor, agency, data)
    persons, audits = Person.objects.count(), AuditEvent.objects.filter(object_type="case").count()
    job = run(supervisor, agency, data)
    assert job.status == JobStatus.COMPLETED
    assert (job.created_count, job.present_count) == (0, 20)
    assert job.present[0] == {"line": 2, "external_id": rows[0]["sng_ExternalId"]}
    assert Case.objects.count() == 20 and Person.objects.count() == persons
    assert AuditEvent.objects.filter(object_type="case").count() == audits


def test_reimport_with_new_rows_adds_only_those(supervisor, agency, rows):
    run(supervisor, agency, samples.to_csv(rows[:10]))
    job = run(supervisor, agency, samples.to_csv(rows))
    assert (job.created_count, job.present_count) == (10, 10)
    assert Case.objects.count() == 20


def _bad(rows, line, column, value):
    rows[line - 2][column] = value
    return (line, column)


@pytest.mark.parametrize("column,value", [
    ("prs_Birthdate", "12/05/1990"),               # wrong date format
    ("prs_Birthdate", "2099-01-01"),               # future
    ("prs_Birthdate", "1990-02-30"),               # no such day
    ("sng_ReportedOn", "2999-12-31"),              # future
    ("sng_EstimatedAge", "dua puluh"),             # not a number
    ("sng_EstimatedAge", "130"),                   # out of range
    ("prs_Gender", "Perempuan"),                   # not an HTCDS value
    ("prs_Citizenship", "XX"),                     # unknown country
    ("hte_Country", "Kamboja"),                    # unknown country
    ("sng_OriginVillage", "99.99.99.9999"),        # unknown region
    ("sng_OriginVillage", "53.01"),                # a regency, not a village
    ("vic_TypeOfExploitation", ["ForcedLabour", "ScamWork"]),  # unknown HTCDS value in a multi
    ("vic_MethodsOfControl", ["Threats"]),
    ("vic_TraffickingStatus", "Victim"),
    ("vic_ForcedLabourIndustry", "Plantation"),
    ("sng_Stage", "rescued"),                      # not a Sinergi stage
    ("sng_ExternalId", ""),                        # required
    ("sng_ExternalId", "x" * 101),                 # too long
    ("hte_City", "K" * 121),
    ("prs_Deceased", "mungkin"),
])
def test_each_bad_value_is_reported_with_line_and_column_and_nothing_imported(supervisor, agency, rows, column, value):
    expected = _bad(rows, 5, column, value)
    job = refused(supervisor, agency, samples.to_csv(rows))
    assert expected in problem_keys(job)
    assert job.status == JobStatus.REFUSED and job.rejected_count == 1 and job.created_count == 0
    message = next(p["message"] for p in job.errors if (p["line"], p["field"]) == expected)
    assert message and " / " not in message  # one language: the reader's
    assert Case.objects.count() == 0 and Person.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="case").exists()
    assert AuditEvent.objects.filter(object_type="import_job", detail__status="refused").count() == 1


def test_rules_between_fields(supervisor, agency, rows):
    rows[0].update(sng_Stage="closed", sng_Outcome="", cas_Status="Closed")           # line 2: closed needs outcome
    rows[1].update(sng_Stage="located", sng_Outcome="deceased", cas_Status="Active")  # line 3: outcome only closed
    rows[2].update(sng_Stage="located", cas_Status="Closed")                          # line 4: disagree
    rows[3].update(sng_RecruitedOn="2024-05-01", hte_Date="2024-04-01")               # line 5: order
    rows[4].update(vic_TraffickingStatus="", vic_TraffickingStatusDecisionMakingOrg="Police")  # line 6
    rows[5].update(sng_ReportedOn="2024-05-01", sng_StageEnteredOn="2024-04-01")      # line 7
    rows[6].update(sng_FullName="", prs_FirstName="")                                 # line 8: no name
    rows[7].update(sng_Stage="identified", cas_Status="Active", sng_Outcome="",       # line 9: identified needs
                   vic_TraffickingStatus="", vic_TraffickingStatusDecisionMakingOrg="",  # a victim status
                   sng_TraffickingStatusDecidedOn="")
    job = refused(supervisor, agency, samples.to_csv(rows, columns=samples.EXPORT_COLUMNS + ("prs_FirstName",)))
    assert {(2, "sng_Outcome"), (3, "sng_Outcome"), (4, "cas_Status"), (5, "hte_Date"),
            (6, "vic_TraffickingStatusDecisionMakingOrg"), (7, "sng_StageEnteredOn"),
            (8, "sng_FullName"), (9, "vic_TraffickingStatus")} <= problem_keys(job)
    assert job.rejected_count == 8


def test_name_parts_and_closed_status_without_stage(supervisor, agency, rows):
    columns = tuple(c for c in samples.EXPORT_COLUMNS if c not in ("sng_FullName", "sng_Stage")) + (
        "prs_FirstName", "prs_SecondName")
    rows[0].update(prs_FirstName="Yohana", prs_SecondName="Bria", cas_Status="Closed", sng_Outcome="reintegrated")
    for r in rows[1:]:
        r.update(prs_FirstName="Ani", cas_Status="Active", sng_Outcome="")
    run(supervisor, agency, samples.to_csv(rows, columns=columns))
    case = Case.objects.select_related("survivor").get(external_id=rows[0]["sng_ExternalId"])
    assert case.survivor.full_name == "Yohana Bria"
    assert case.stage == Stage.CLOSED and case.outcome == "reintegrated" and case.closed_at is not None


def test_duplicate_external_ids_inside_the_file(supervisor, agency, rows):
    rows[7]["sng_ExternalId"] = rows[2]["sng_ExternalId"]
    job = refused(supervisor, agency, samples.to_csv(rows))
    assert problem_keys(job) == {(9, "sng_ExternalId")}
    assert "4" in job.errors[0]["message"]  # names the first line


def test_partial_imports_good_rows_and_lists_bad_ones(supervisor, agency, rows):
    rows[3]["prs_Birthdate"] = "kemarin"
    rows[8]["hte_Country"] = "ZZ"
    rows[9]["sng_ExternalId"] = rows[0]["sng_ExternalId"]
    job = run(supervisor, agency, samples.to_csv(rows), partial=True)
    assert job.status == JobStatus.COMPLETED and job.partial
    assert (job.created_count, job.rejected_count) == (17, 3)
    assert problem_keys(job) == {(5, "prs_Birthdate"), (10, "hte_Country"), (11, "sng_ExternalId")}
    assert Case.objects.count() == 17
    assert not Case.objects.filter(external_id=rows[3]["sng_ExternalId"]).exists()
    # Fixing the file and importing it again adds only the rows that were refused.
    rows[3]["prs_Birthdate"], rows[8]["hte_Country"] = "1990-01-01", "MY"
    rows[9]["sng_ExternalId"] = "EXT-FIXED"
    job = run(supervisor, agency, samples.to_csv(rows))
    assert (job.created_count, job.present_count) == (3, 17)


def test_json_errors_carry_the_line_of_the_object(supervisor, agency, rows):
    rows[2]["prs_Gender"] = "F"
    rows[4]["sng_Aliases"] = {"nama": "Ani"}
    job = refused(supervisor, agency, samples.to_json(rows))
    # to_json writes "[" on line 1 and one object per line from line 2.
    assert problem_keys(job) == {(4, "prs_Gender"), (6, "sng_Aliases")}


def test_multi_line_json_objects_are_located(supervisor, agency, rows):
    import json

    rows[1]["hte_Country"] = "XX"
    data = json.dumps(rows[:3], indent=2).encode()
    job = refused(supervisor, agency, data, format="json")
    line = next(p["line"] for p in job.errors)
    text = data.decode().splitlines()
    assert text[line - 1].strip() == "{"
    assert '"XX"' in "\n".join(text[line - 1:line + 40])


@pytest.mark.parametrize("data,fmt,line,field", [
    ("sng_FullName,prs_Gender\nAni,Feminine\n".encode(), "csv", 1, "sng_ExternalId"),
    ("sng_ExternalId,prs_Gender\nA1,Feminine\n".encode(), "csv", 1, "sng_FullName | prs_FirstName | prs_MiddleName | prs_SecondName"),
    ("sng_ExternalId,sng_FullName\nA1,Wayan Sukmåwati\n".encode("latin-1"), "csv", 2, "file"),
    (b"sng_ExternalId,sng_FullName\nA1,\"Ani\nA2,Budi\n", "csv", 2, "file"),
    (b"sng_ExternalId,sng_FullName\nA1,Ani,extra\n", "csv", 2, "file"),
    (b"sng_ExternalId,sng_ExternalId\nA1,A2\n", "csv", 1, "sng_ExternalId"),
    (b"", "csv", 0, "file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "csv", 3, "file"),
    (b"sng_ExternalId,sng_FullName\nA1,Ani\nA2,Bu\x00di\n", "csv", 3, "file"),
    (b"[\n" + b"[" * 100000 + b"]" * 100000 + b"\n]", "json", 2, "file"),
    (b'[\n{"sng_ExternalId": "A1", "sng_FullName": "Ani\\u0000"}\n]', "json", 2, "sng_FullName"),
    (b'[\n{"sng_ExternalId": "A1", "sng_FullName": "Ani"},\n{"sng_ExternalId": "A2", \n', "json", 4, "file"),
    (b'{"sng_ExternalId": "A1"}', "json", 1, "file"),
    (b'[\n"A1"\n]', "json", 2, "file"),
])
def test_file_problems(supervisor, agency, data, fmt, line, field):
    job = refused(supervisor, agency, data, format=fmt)
    assert [(p["line"], p["field"]) for p in job.errors] == [(line, field)]
    assert Case.objects.count() == 0


def test_oversized_file_is_refused_before_reading_it_all(supervisor, agency, rows, settings):
    data = samples.to_csv(rows)
    settings.SINERGI_IMPORT_MAX_BYTES = len(data) - 1
    job = refused(supervisor, agency, data)
    assert job.errors[0]["field"] == "file" and "terlalu besar" in job.errors[0]["message"]
    settings.SINERGI_IMPORT_MAX_BYTES = len(data)
    assert run(supervisor, agency, data).created_count == 20


def test_semicolon_csv_with_bom_and_comma_multi_values(supervisor, agency, rows):
    rows[0]["vic_MethodsOfControl"] = ["DebtBondage", "WithholdsDocuments"]
    data = samples.to_csv(rows, delimiter=";").decode().replace("DebtBondage;WithholdsDocuments",
                                                                "DebtBondage,WithholdsDocuments")
    job = run(supervisor, agency, b"\xef\xbb\xbf" + data.encode())
    assert job.created_count == 20
    case = Case.objects.get(external_id=rows[0]["sng_ExternalId"])
    assert case.means_of_control == ["DebtBondage", "WithholdsDocuments"]


def test_values_are_normalised(supervisor, agency, rows):
    rows[0].update(prs_Gender="feminine", hte_Country="khm", prs_Citizenship="idn",
                   sng_OriginVillage="5301042003", vic_TypeOfExploitation=["forcedlabour"])
    run(supervisor, agency, samples.to_csv(rows))
    case = Case.objects.select_related("survivor").get(external_id=rows[0]["sng_ExternalId"])
    assert case.survivor.sex == "Feminine" and case.survivor.citizenship_id == "ID"
    assert case.country_of_exploitation_id == "KH" and case.exploitation_types == ["ForcedLabour"]
    assert case.survivor.origin_village_id == "53.01.04.2003"


def test_unknown_and_sensitive_columns_are_ignored_with_a_warning(supervisor, agency, rows):
    columns = samples.EXPORT_COLUMNS + ("prs_MobilePhone", "prs_IdentityNumber")
    for r in rows:
        r.update(prs_MobilePhone="081234567890", prs_IdentityNumber="5301010101900001")
    job = run(supervisor, agency, samples.to_csv(rows, columns=columns))
    assert {(w["line"], w["field"]) for w in job.warnings} == {(1, "prs_MobilePhone"), (1, "prs_IdentityNumber")}
    assert not Person.objects.exclude(phone="").exists()


def test_existing_case_reference_counts_as_present(supervisor, agency, rows):
    existing = CaseFactory(lead_agency=agency)
    rows[0]["sng_ExternalId"] = existing.reference
    job = run(supervisor, agency, samples.to_csv(rows))
    assert (job.created_count, job.present_count) == (19, 1)


def test_references_follow_the_reported_year(supervisor, agency, rows):
    rows[0]["sng_ReportedOn"] = "2023-03-01"
    rows[0]["sng_StageEnteredOn"] = "2023-03-02"
    run(supervisor, agency, samples.to_csv(rows))
    assert Case.objects.get(external_id=rows[0]["sng_ExternalId"]).reference.startswith("SNG-2023-")


@pytest.mark.parametrize("role", [Role.INTAKE_OFFICER, Role.ANALYST, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN])
def test_roles_without_case_import_are_refused(agency, rows, role):
    user = user_with_role(role, agency)
    with pytest.raises(PermissionDenied):
        run(user, agency, samples.to_csv(rows))
    assert not ImportJob.objects.exists() and Case.objects.count() == 0


def test_case_manager_may_import_but_only_into_own_agency(rows):
    mine, other = AgencyFactory(), AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, mine)
    assert run(user, mine, samples.to_csv(rows)).created_count == 20
    with pytest.raises(PermissionDenied):
        run(user, other, samples.to_csv(rows))


def test_unknown_format_is_a_field_error(supervisor, agency, rows):
    with pytest.raises(ValidationError) as info:
        run(supervisor, agency, samples.to_csv(rows), format="xlsx")
    assert "format" in info.value.message_dict


def test_dates_today_are_accepted(supervisor, agency, rows):
    today = clock.today().isoformat()
    rows[0].update(sng_ReportedOn=today, sng_StageEnteredOn=today, hte_Date=today, sng_RecruitedOn=today,
                   sng_ExploitationEndedOn="", sng_TraffickingStatusDecidedOn="")
    assert run(supervisor, agency, samples.to_csv(rows)).created_count == 20
    case = Case.objects.get(external_id=rows[0]["sng_ExternalId"])
    assert case.reported_on == clock.today() and case.stage_entered_at.date() <= clock.today() + dt.timedelta(days=1)


def test_garbage_collector_runs_again_after_an_import(supervisor, agency, rows):
    import gc

    assert gc.isenabled()
    run(supervisor, agency, samples.to_csv(rows))
    assert gc.isenabled()
    rows[0]["prs_Gender"] = "x"
    refused(supervisor, agency, samples.to_csv(rows))
    assert gc.isenabled()


def test_imported_rows_leave_no_personal_field_unencrypted(supervisor, agency, rows):
    """The bulk path (bulk_create) encrypts as the services do: no encrypted column holds plain text after an
    import (the format carries no contacts or document numbers, and sensitive columns offered are dropped)."""
    from sinergi.core import rekey

    columns = samples.EXPORT_COLUMNS + ("prs_MobilePhone",)
    for r in rows:
        r.update(prs_MobilePhone="081234567890")
    run(supervisor, agency, samples.to_csv(rows, columns=columns))
    assert "plaintext" not in rekey.count_sealed("field")
    assert Person.objects.count() >= len(rows)
