"""The need-to-know decision (``access.sections``) and the projection (``access.projection``): what each reader's
view of a case, a person, a referral and a notice holds."""

from __future__ import annotations

import pytest

from sinergi.access import sections
from sinergi.access.masking import Sensitivity
from sinergi.access.projection import PAGE_PARTS, project_case, project_case_rows, project_shared
from sinergi.access.projection_parts import project_notice
from sinergi.access.sections import ALL, sight_of
from sinergi.agencies.enums import Role
from sinergi.agencies.models import Membership, User
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.people.models import FamilyContact, IdentityDocument
from sinergi.referrals import notices
from sinergi.referrals.enums import Section
from sinergi.referrals.models import Referral

pytestmark = pytest.mark.django_db


def refer(case, to, sections_, status="sent"):
    now = clock.now()
    return Referral.objects.create(case=case, type="investigate", from_agency=case.lead_agency, to_agency=to,
                                   sections=sections_, status=status, sent_at=now, ack_due_at=now,
                                   complete_due_at=now)


@pytest.fixture
def case():
    case = CaseFactory(summary="Ringkasan rahasia", travel_document_number="X1234567", city_of_exploitation="Bavet")
    IdentityDocument.objects.create(person=case.survivor, type="nik", number="5301234567890123",
                                    issuing_country_id="ID")
    FamilyContact.objects.create(person=case.survivor, name="Yohanes", relationship="parent", phone="081300001111")
    return case


def test_access_decides_on_the_sections_referrals_can_share():
    assert set(sections.SECTIONS) == set(Section.values)


def test_sight_of_the_lead_agency_a_receiver_and_a_stranger(case):
    receiver = AgencyFactory()
    refer(case, receiver, ["identity"])
    refer(case, receiver, ["location"])
    refer(case, receiver, ["notes"], status="withdrawn")  # no longer shared
    lead_sight = sight_of(user_with_role(Role.INTAKE_OFFICER, case.lead_agency), case)
    assert lead_sight.full and lead_sight.agency_id == case.lead_agency_id
    manager = user_with_role(Role.CASE_MANAGER, receiver)
    sight = sight_of(manager, case)
    assert sight.sections == {"identity", "location"} and sight.agency_id == receiver.pk and not sight.full
    assert sight.roles == {Role.CASE_MANAGER}
    for stranger in (user_with_role(Role.SUPERVISOR), user_with_role(Role.ANALYST, case.lead_agency),
                     user_with_role(Role.AGENCY_ADMIN, case.lead_agency)):
        assert not sight_of(stranger, case).visible
        with pytest.raises(NotFound):
            project_case(stranger, case)


def test_a_user_of_the_lead_and_a_receiving_agency_sees_everything(case):
    receiver = AgencyFactory()
    refer(case, receiver, ["location"])
    user = user_with_role(Role.CASE_MANAGER, receiver)
    Membership.objects.create(user=user, agency=case.lead_agency, role=Role.INTAKE_OFFICER)
    assert sight_of(User.objects.get(pk=user.pk), case).sections == {ALL}


def test_the_view_holds_only_the_shared_sections(case):
    receiver = AgencyFactory()
    refer(case, receiver, ["location", "contact"])
    view = project_case(user_with_role(Role.CASE_MANAGER, receiver), case, include=PAGE_PARTS)
    assert view.identity is None and view.exploitation is None and view.documents is None
    assert view.location.city == "Bavet" and view.country_code == "KH"
    assert view.contact.phone.endswith("890") and "081234567890" not in view.contact.phone
    assert [f.name for f in view.contact.family] == ["Yohanes"]
    assert view.services is None and view.notes is None and view.attachments is None and view.timeline is None
    assert view.survivor is None and view.origin_province_code is None and view.external_id is None
    assert [r.to_agency for r in view.referrals] == [receiver]


def test_reveal_needs_a_role_that_may_and_the_section_shared(case):
    receiver = AgencyFactory()
    refer(case, receiver, ["contact"])
    manager = user_with_role(Role.CASE_MANAGER, receiver)
    everything = [s.value for s in Sensitivity]
    view = project_case(manager, case, revealed=everything)
    assert view.contact.phone == "081234567890" and view.revealed == {Sensitivity.CONTACT, Sensitivity.ADDRESS}
    # Numbers were not shared: nothing to reveal, whatever the role.
    assert view.documents is None
    lead_officer = user_with_role(Role.INTAKE_OFFICER, case.lead_agency)
    view = project_case(lead_officer, case, revealed=everything)
    assert view.contact.phone == "081234567890"
    assert view.documents.documents[0].number.endswith("123") and "5301234567890123" not in \
        view.documents.documents[0].number  # an intake officer may not reveal identity numbers
    view = project_case(user_with_role(Role.CASE_MANAGER, case.lead_agency), case)
    assert view.contact.phone != "081234567890"  # masked until revealed


def test_rows_of_a_page_cost_one_query_and_drop_what_is_not_visible(case, django_assert_num_queries):
    receiver = AgencyFactory()
    other = CaseFactory(lead_agency=case.lead_agency)
    refer(case, receiver, ["identity"])
    manager = user_with_role(Role.CASE_MANAGER, receiver)
    from sinergi.cases.models import Case

    cases = list(Case.objects.select_related("survivor", "lead_agency", "country_of_exploitation")
                 .filter(pk__in=[case.pk, other.pk]))
    assert sight_of(manager, case).visible  # loads the user's memberships once
    with django_assert_num_queries(1):
        rows = project_case_rows(manager, cases)
    assert [r.id for r in rows] == [case.pk]
    assert rows[0].survivor.full_name == case.survivor.full_name and rows[0].country_code is None


def test_what_crosses_to_a_partner_instance_is_the_shared_sections_unmasked(case):
    view = project_shared(case, ["identity", "documents", "contact"], agency_id=AgencyFactory().pk)
    assert view.identity.full_name == case.survivor.full_name
    assert view.documents.documents[0].number == "5301234567890123"
    assert view.contact is None and view.exploitation is None and view.location is None


def test_a_notice_recipient_sees_the_notice_and_its_own_answers_only(case):
    issuer = user_with_role(Role.SUPERVISOR, case.lead_agency)
    a, b = AgencyFactory(), AgencyFactory()
    notice = notices.notice_issue(actor=issuer, agency_id=case.lead_agency_id, kind="missing",
                                  description="Tahi lalat di pipi", recipients=[a, b], case=case)
    user_a, user_b = user_with_role(Role.CASE_MANAGER, a), user_with_role(Role.CASE_MANAGER, b)
    notices.notice_answer(actor=user_a, notice=notice, body="Jawaban A")
    notices.notice_answer(actor=user_b, notice=notice, body="Jawaban B")
    seen_by_a = project_notice(user_a, notice)
    assert [x.body for x in seen_by_a.answers] == ["Jawaban A"]
    assert seen_by_a.case is None and seen_by_a.recipients is None and seen_by_a.via_agency_id == a.pk
    seen_by_issuer = project_notice(issuer, notice)
    assert [x.body for x in seen_by_issuer.answers] == ["Jawaban A", "Jawaban B"]
    assert seen_by_issuer.case.reference == case.reference and len(seen_by_issuer.recipients) == 2
    with pytest.raises(NotFound):
        project_notice(user_with_role(Role.SUPERVISOR), notice)
