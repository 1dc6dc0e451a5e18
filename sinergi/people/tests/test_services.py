"""Person services: validation, identity documents, aliases and name keys, origin sync, consent; audit rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.people import services
from sinergi.people.models import Consent, FamilyContact, IdentityDocument, NameKey, Person, PersonAlias
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

VILLAGE = "53.01.04.2003"  # a village in Kabupaten Kupang, NTT
SURABAYA_VILLAGE = "35.78.01.1001"


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def officer(agency):
    return user_with_role(Role.INTAKE_OFFICER, agency)


def create(officer, agency, aliases=None, **data):
    data.setdefault("full_name", "Maria Goreti Seran")
    return services.person_create(actor=officer, agency_id=agency.pk, data=data, aliases=aliases)


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


# -- person_create -----------------------------------------------------------------------------------------


def test_person_create_resolves_codes_and_writes_audit_row(officer, agency):
    person = create(officer, agency, sex="Feminine", date_of_birth=dt.date(2001, 5, 4), citizenship="IDN",
                    origin_village=VILLAGE, phone="+62 812-3456-7890", email="maria@example.org")
    person.refresh_from_db()
    assert person.citizenship_id == "ID"
    assert (person.origin_province_id, person.origin_regency_id, person.origin_village_id) == ("53", "53.01", VILLAGE)
    row = AuditEvent.objects.get(object_type="person", object_id=str(person.pk))
    assert row.action == "create" and row.user_id == officer.pk and row.agency_id == agency.pk
    assert row.role == Role.INTAKE_OFFICER
    assert "origin_village" in row.detail["fields"] and "phone" in row.detail["fields"]
    # The detail lists field names, never their values.
    assert "7890" not in str(row.detail)


@pytest.mark.parametrize("data, field", [
    ({"date_of_birth": dt.date.today() + dt.timedelta(days=2)}, "date_of_birth"),
    ({"date_of_birth": dt.date(1850, 1, 1)}, "date_of_birth"),
    ({"date_of_birth": "04/05/2001"}, "date_of_birth"),
    ({"origin_village": "99.99.99.9999"}, "origin_village"),
    ({"origin_village": "53.01"}, "origin_village"),          # a regency, not a village
    ({"origin_village": "53"}, "origin_village"),             # a province
    ({"citizenship": "XX"}, "citizenship"),
    ({"citizenship": "ZZZ"}, "citizenship"),
    ({"phone": "call me"}, "phone"),
    ({"phone": "12"}, "phone"),
    ({"email": "not-an-email"}, "email"),
    ({"estimated_age": 130}, "estimated_age"),
    ({"estimated_age": "dua puluh"}, "estimated_age"),
    ({"sex": "Robot"}, "sex"),
    ({"full_name": "  "}, "full_name"),
    ({"full_name": "x" * 201}, "full_name"),
    ({"primary_language": "bahasa-indonesia"}, "primary_language"),
])
def test_person_create_rejects_bad_input_and_writes_nothing(officer, agency, data, field):
    before = (Person.objects.count(), AuditEvent.objects.count(), NameKey.objects.count())
    with pytest.raises(ValidationError) as exc:
        create(officer, agency, **data)
    assert field in errors_of(exc)
    from django.utils import translation

    indonesian = errors_of(exc)[field][0]
    with translation.override("en"):
        english = errors_of(exc)[field][0]
    assert " / " not in indonesian and english != indonesian  # one language at a time: the reader's
    assert (Person.objects.count(), AuditEvent.objects.count(), NameKey.objects.count()) == before


def test_person_create_reports_every_bad_field_at_once(officer, agency):
    with pytest.raises(ValidationError) as exc:
        create(officer, agency, citizenship="XX", origin_village="00", phone="?")
    assert {"citizenship", "origin_village", "phone"} <= set(errors_of(exc))


def test_person_create_accepts_iso_date_text(officer, agency):
    person = create(officer, agency, date_of_birth="1999-12-31")
    assert person.date_of_birth == dt.date(1999, 12, 31)


def test_alias_too_long_is_refused(officer, agency):
    with pytest.raises(ValidationError) as exc:
        create(officer, agency, aliases=["y" * 201])
    assert "aliases" in errors_of(exc)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN])
def test_person_create_needs_person_edit(agency, role):
    user = user_with_role(role, agency)
    with pytest.raises(PermissionDenied):
        create(user, agency)
    assert not AuditEvent.objects.exists()


def test_person_create_for_an_agency_the_user_does_not_work_in_is_refused(officer):
    with pytest.raises(PermissionDenied):
        create(officer, AgencyFactory())


# -- identity documents ------------------------------------------------------------------------------------


@pytest.fixture
def person(officer, agency):
    return create(officer, agency, origin_village=VILLAGE)


def test_nik_and_passport_are_stored_normalised_with_audit(officer, agency, person):
    nik = services.document_add(actor=officer, person=person, agency_id=agency.pk, type="nik",
                                number=" 5301044101990001 ", issuing_country="ID")
    passport = services.document_add(actor=officer, person=person, agency_id=agency.pk, type="passport",
                                     number="c1234567", issuing_country="IDN", issued_on=dt.date(2022, 1, 1),
                                     expires_on=dt.date(2027, 1, 1))
    assert nik.number == "5301044101990001"
    assert passport.number == "C1234567" and passport.issuing_country_id == "ID"
    rows = AuditEvent.objects.filter(object_type="identity_document")
    assert rows.count() == 2
    # The number itself never goes into the audit log.
    assert all("5301044101990001" not in str(r.detail) for r in rows)


@pytest.mark.parametrize("type_, number, country, field", [
    ("nik", "12345", "ID", "number"),                     # not 16 digits
    ("nik", "5301A44101990001", "ID", "number"),
    ("nik", "0101044101990001", "ID", "number"),          # 01 is no province code
    ("nik", "9901044101990001", "ID", "number"),
    ("nik", "5301044101990001", "MY", "number"),          # a NIK is Indonesian
    ("passport", "AB12", "ID", "number"),                 # too short
    ("passport", "AB-123456", "ID", "number"),
    ("passport", "", "ID", "number"),
    ("passport", "C1234567", "", "issuing_country"),
    ("passport", "C1234567", "XX", "issuing_country"),
    ("driving_licence", "C1234567", "ID", "type"),
])
def test_document_rules(officer, agency, person, type_, number, country, field):
    with pytest.raises(ValidationError) as exc:
        services.document_add(actor=officer, person=person, agency_id=agency.pk, type=type_, number=number,
                              issuing_country=country)
    assert field in errors_of(exc)
    assert not IdentityDocument.objects.exists()


def test_document_dates(officer, agency, person):
    with pytest.raises(ValidationError) as exc:
        services.document_add(actor=officer, person=person, agency_id=agency.pk, type="passport", number="C1234567",
                              issuing_country="ID", issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2023, 1, 1))
    assert "expires_on" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.document_add(actor=officer, person=person, agency_id=agency.pk, type="passport", number="C1234567",
                              issuing_country="ID", issued_on=clock.today() + dt.timedelta(days=3))
    assert "issued_on" in errors_of(exc)


def test_writes_on_another_agencys_person_are_not_found(person):
    other = AgencyFactory()
    outsider = user_with_role(Role.SUPERVISOR, other)
    calls = [
        lambda: services.person_update(actor=outsider, person=person, agency_id=other.pk, data={"full_name": "X"}),
        lambda: services.document_add(actor=outsider, person=person, agency_id=other.pk, type="passport",
                                      number="C1234567", issuing_country="ID"),
        lambda: services.family_contact_add(actor=outsider, person=person, agency_id=other.pk, name="Ibu",
                                            relationship="parent"),
        lambda: services.consent_record(actor=outsider, person=person, agency_id=other.pk,
                                        purpose="referral", given=True),
    ]
    before = AuditEvent.objects.count()
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert AuditEvent.objects.count() == before
    person.refresh_from_db()
    assert person.full_name == "Maria Goreti Seran"


def test_person_of_a_case_is_editable_by_the_lead_agency_only():
    case = CaseFactory()
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    services.person_update(actor=manager, person=case.survivor, agency_id=case.lead_agency_id,
                           data={"estimated_age": 30})
    other = user_with_role(Role.CASE_MANAGER)
    with pytest.raises(NotFound):
        services.person_update(actor=other, person=case.survivor, agency_id=other.memberships.get().agency_id,
                               data={"estimated_age": 31})


def test_analyst_in_the_same_agency_gets_not_found(agency, person):
    analyst = user_with_role(Role.ANALYST, agency)
    with pytest.raises(NotFound):
        services.person_update(actor=analyst, person=person, agency_id=agency.pk, data={"estimated_age": 3})


# -- aliases, name keys and spelling-tolerant search -------------------------------------------------------


def test_aliases_and_name_keys(officer, agency):
    person = create(officer, agency, full_name="Soekarno Djojo", aliases=["Karno", "  ", "Bung Karno"])
    assert sorted(PersonAlias.objects.filter(person=person).values_list("name", flat=True)) == ["Bung Karno", "Karno"]
    keys = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
    assert {"skrn", "krn", "bng"} <= keys


def _case_for(name, aliases=()):
    case = CaseFactory(survivor=PersonFactory(full_name=name))
    if aliases:
        PersonAlias.objects.bulk_create([PersonAlias(person=case.survivor, name=a) for a in aliases])
        services.person_refresh_name_keys(case.survivor)
    return case


@pytest.mark.parametrize("stored, query", [
    ("Soekarno", "Sukarno"), ("Sukarno", "Soekarno"),
    ("Djoko Susilo", "Joko Susilo"), ("Joko Widodo", "Djoko"),
    ("Mochamad Rizal", "Muhammad Rizal"), ("Muhammad Rizal", "Mochamad"), ("Muhamad Rizal", "Muhammad"),
    ("Fatimah Azzahra", "Fatima"), ("Fatima", "Fatimah"),
    ("Tjahjo Kumolo", "Cahyo"), ("Wahju Hidajat", "Wahyu"),
    ("Siti Nurhaliza", "nurhal"),  # the last word may be a prefix
])
def test_spelling_tolerant_search_through_case_list(stored, query):
    from sinergi.cases.selectors import CaseFilters, case_list

    case = _case_for(stored)
    other = CaseFactory(lead_agency=case.lead_agency, survivor=PersonFactory(full_name="Yohanes Bria"))
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    found = list(case_list(user, CaseFilters(q=query)))
    assert case in found and other not in found


def test_search_finds_aliases_and_needs_every_word():
    from sinergi.cases.selectors import CaseFilters, case_list

    case = _case_for("Yuliana Bere", aliases=["Mama Oce"])
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    assert list(case_list(user, CaseFilters(q="oce"))) == [case]
    assert list(case_list(user, CaseFilters(q="Yuliana Oce"))) == [case]
    assert list(case_list(user, CaseFilters(q="Yuliana Fatimah"))) == []


def test_search_only_within_visible_cases():
    from sinergi.cases.selectors import CaseFilters, case_list

    case = _case_for("Soekarno")
    outsider = user_with_role(Role.SUPERVISOR)
    assert list(case_list(outsider, CaseFilters(q="Sukarno"))) == []
    owner = user_with_role(Role.INTAKE_OFFICER, case.lead_agency)
    assert list(case_list(owner, CaseFilters(q="Sukarno"))) == [case]


def test_search_by_reference():
    from sinergi.cases.selectors import CaseFilters, case_list

    case = _case_for("Any Name")
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    assert list(case_list(user, CaseFilters(q=case.reference.lower()))) == [case]


# -- person_update -----------------------------------------------------------------------------------------


def test_person_update_changes_fields_aliases_keys_and_audits_names_of_fields():
    case = CaseFactory(survivor=PersonFactory(full_name="Djoko"))
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    services.person_update(actor=manager, person=case.survivor, agency_id=case.lead_agency_id,
                           data={"full_name": "Rina Bere", "phone": "081311112222"}, aliases=["Ina"])
    person = Person.objects.get(pk=case.survivor_id)
    assert person.full_name == "Rina Bere" and person.phone == "081311112222"
    keys = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
    assert "rn" in keys and "an" in keys and "jk" not in keys  # old keys are gone
    row = AuditEvent.objects.get(object_type="person", action="update")
    assert row.detail["fields"] == ["aliases", "full_name", "phone"]


def test_person_update_without_change_writes_no_audit_row():
    case = CaseFactory()
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    services.person_update(actor=manager, person=case.survivor, agency_id=case.lead_agency_id,
                           data={"full_name": case.survivor.full_name})
    assert not AuditEvent.objects.filter(action="update").exists()


def test_person_update_syncs_denormalised_case_origin():
    case = CaseFactory()
    second = CaseFactory(survivor=case.survivor, lead_agency=case.lead_agency)
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    services.person_update(actor=manager, person=case.survivor, agency_id=case.lead_agency_id,
                           data={"origin_village": SURABAYA_VILLAGE})
    for c in (case, second):
        c.refresh_from_db()
        assert (c.origin_province_id, c.origin_regency_id) == ("35", "35.78")
    services.person_update(actor=manager, person=case.survivor, agency_id=case.lead_agency_id,
                           data={"origin_village": None})
    assert Case.objects.filter(pk=case.pk, origin_province__isnull=True, origin_regency__isnull=True).exists()


def test_person_update_rejects_bad_input_and_changes_nothing():
    case = CaseFactory()
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    with pytest.raises(ValidationError) as exc:
        services.person_update(actor=manager, person=case.survivor, agency_id=case.lead_agency_id,
                               data={"full_name": "Baru", "origin_village": "53.01"})
    assert "origin_village" in errors_of(exc)
    case.survivor.refresh_from_db()
    assert case.survivor.full_name != "Baru"
    assert not AuditEvent.objects.exists()


# -- family contacts and consent ---------------------------------------------------------------------------


def test_family_contact(officer, agency, person):
    contact = services.family_contact_add(actor=officer, person=person, agency_id=agency.pk, name="Yosefina",
                                          relationship="parent", phone="081200001111", village=VILLAGE)
    assert contact.village_id == VILLAGE
    assert AuditEvent.objects.filter(object_type="family_contact", object_id=str(contact.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        services.family_contact_add(actor=officer, person=person, agency_id=agency.pk, name="",
                                    relationship="cousin", phone="x", village="53.01")
    assert {"name", "relationship", "phone", "village"} <= set(errors_of(exc))
    assert FamilyContact.objects.count() == 1


def test_consent_history_keeps_every_answer_and_latest_wins(officer, agency, person):
    t0 = clock.now()
    clock.set_now(t0 - dt.timedelta(days=2))
    services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="referral", given=True,
                            method="lisan")
    assert services.consent_current(person, "referral") is True
    clock.set_now(t0)
    services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="referral", given=False,
                            note="ditarik kembali")
    assert services.consent_current(person, "referral") is False
    assert services.consent_current(person, "cross_border") is False  # never asked means no
    history = list(Consent.objects.filter(person=person, purpose="referral").values_list("given", flat=True))
    assert history == [False, True]
    rows = AuditEvent.objects.filter(object_type="consent").order_by("seq")
    assert [r.detail["given"] for r in rows] == [True, False]


def test_consent_at_the_same_instant_latest_saved_wins(officer, agency, person):
    clock.set_now(clock.now())
    services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="statistics", given=False)
    services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="statistics", given=True)
    assert services.consent_current(person, "statistics") is True


def test_consent_purpose_is_checked(officer, agency, person):
    with pytest.raises(ValidationError) as exc:
        services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="marketing", given=True)
    assert "purpose" in errors_of(exc)
    assert not Consent.objects.exists()


def test_an_origin_known_only_to_the_regency_is_kept(officer, agency):
    person = create(officer, agency, full_name="Yohana Bria", origin_area="53.01")
    assert (person.origin_province_id, person.origin_regency_id, person.origin_village_id) == ("53", "53.01", None)
    district = create(officer, agency, full_name="Yosef Bria", origin_area="53.01.04")
    assert (district.origin_province_id, district.origin_regency_id) == ("53", "53.01")
    province = create(officer, agency, full_name="Maria Bria", origin_area="53")
    assert (province.origin_province_id, province.origin_regency_id) == ("53", None)
    village = create(officer, agency, full_name="Anus Bria", origin_area="53.01.04.2003")
    assert (village.origin_regency_id, village.origin_village_id) == ("53.01", "53.01.04.2003")
    with pytest.raises(ValidationError):
        create(officer, agency, full_name="X", origin_area="99.99")


def test_consent_records_how_who_and_types_and_withdrawal_is_audited():
    from sinergi.agencies.enums import AgencyType
    from sinergi.audit.models import AuditEvent

    agency = AgencyFactory()
    officer = user_with_role(Role.INTAKE_OFFICER, agency)
    person = services.person_create(actor=officer, agency_id=agency.pk, data={"full_name": "Maria Goreti"})
    c = services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="referral", given=True,
                                method="signed", agency_types=[AgencyType.NGO, AgencyType.POLICE])
    assert c.recorded_by == officer and c.agency_id == agency.pk and c.method == "signed"
    assert services.consent_current(person, "referral", agency_type=AgencyType.NGO)
    assert not services.consent_current(person, "referral", agency_type=AgencyType.FOREIGN_MINISTRY)
    w = services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="referral", given=False,
                                method="spoken", note="Tidak mau lagi")
    assert not services.consent_current(person, "referral", agency_type=AgencyType.NGO)
    row = AuditEvent.objects.get(object_type="consent", object_id=str(w.pk))
    assert row.detail["withdrawal"] is True and row.detail["method"] == "spoken"
    with pytest.raises(ValidationError) as exc:
        services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="statistics",
                                given=True, agency_types=[AgencyType.NGO])
    assert "agency_types" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.consent_record(actor=officer, person=person, agency_id=agency.pk, purpose="referral",
                                given=True, agency_types=["bank"])
