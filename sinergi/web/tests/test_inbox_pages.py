"""The report inbox pages (without JavaScript: plain forms and links) and a village office's "my reports"."""

import pytest
from django.test import Client
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.core.testing import AgencyFactory, CaseFactory, PersonFactory, user_with_role
from sinergi.intake import services
from sinergi.intake.models import Report

pytestmark = pytest.mark.django_db

NARRATIVE = "Kakak saya di Kamboja, paspornya ditahan dan dipaksa menipu lewat telepon."


@pytest.fixture
def uptd():
    return AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, region_id="53", name="UPTD PPA Uji")


@pytest.fixture
def officer(uptd):
    return user_with_role(Role.INTAKE_OFFICER, uptd)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def public_report(agency, **data):
    return services.report_create_public(agency_id=agency.pk, data={"narrative": NARRATIVE, **data})


def test_the_home_page_counts_waiting_reports_and_links_the_inbox(uptd, officer):
    public_report(uptd)
    public_report(uptd)
    body = client_for(officer).get(reverse("web:home")).content.decode()
    assert "2 laporan menunggu keputusan" in body and reverse("web:inbox") in body
    analyst = user_with_role(Role.ANALYST, uptd)
    assert "menunggu keputusan" not in client_for(analyst).get(reverse("web:home")).content.decode()


def test_the_inbox_lists_reports_with_their_deadline_and_the_page_masks_the_contact(uptd, officer):
    rep = public_report(uptd, reporter_contact="081299001122")
    c = client_for(officer)
    body = c.get(reverse("web:inbox")).content.decode()
    assert "Formulir publik" in body and "putuskan paling lambat" in body and NARRATIVE[:40] in body
    page = c.get(reverse("web:inbox_detail", args=[rep.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and NARRATIVE in body and "081299001122" not in body and "122" in body
    assert "Yang dibaca pelapor" in body and "dinas layanan perlindungan korban di provinsi" in body
    reads = AuditEvent.objects.filter(object_type="report", object_id=str(rep.pk), action="read")
    assert {e.detail["via"] for e in reads} == {"inbox list", "inbox detail"}


def test_revealing_the_contact_is_for_roles_that_may_and_is_audited(uptd):
    rep = public_report(uptd, reporter_contact="081299001122")
    manager = user_with_role(Role.CASE_MANAGER, uptd)
    body = client_for(manager).post(reverse("web:inbox_detail", args=[rep.pk]), {"action": "reveal"}).content.decode()
    assert "081299001122" in body
    assert AuditEvent.objects.filter(object_type="report", object_id=str(rep.pk), action="reveal").count() == 1


def test_closing_without_a_reason_is_refused_with_the_field_named(uptd, officer):
    rep = public_report(uptd)
    c = client_for(officer)
    r = c.post(reverse("web:inbox_detail", args=[rep.pk]), {"action": "close", "reason_kind": "other", "key": "k"})
    assert r.status_code == 400 and "Jelaskan alasannya." in r.content.decode()
    r = c.post(reverse("web:inbox_detail", args=[rep.pk]), {"action": "close", "reason_kind": "safe",
                                                            "detail": "Keluarga sudah bertemu", "key": "k"})
    assert r.status_code == 302 and r["Location"] == reverse("web:inbox")
    rep.refresh_from_db()
    assert rep.status == "no_case" and "Keluarga sudah bertemu" in rep.decision_reason
    # The same form sent twice (a double click) does it once.
    again = c.post(reverse("web:inbox_detail", args=[rep.pk]), {"action": "close", "reason_kind": "safe", "key": "k"})
    assert again.status_code == 200 or again.status_code == 302
    assert AuditEvent.objects.filter(object_type="report", object_id=str(rep.pk), detail__triage="closed").count() == 1


def test_opening_a_case_from_the_page_goes_to_the_case(uptd, officer):
    rep = public_report(uptd)
    r = client_for(officer).post(reverse("web:inbox_detail", args=[rep.pk]),
                                 {"action": "open", "full_name": "Maria Kolo", "key": "o1"})
    case = Case.objects.get(lead_agency=uptd)
    assert r.status_code == 302 and r["Location"] == reverse("web:case_detail", args=[case.pk])


def test_attaching_shows_the_possible_match_and_an_unknown_case_is_not_found(uptd, officer):
    person = PersonFactory(full_name="Yosefina Bani")
    case = CaseFactory(lead_agency=uptd, survivor=person)
    rep = services.report_create(actor=officer, agency_id=uptd.pk, subject=person,
                                 data={"channel": "hotline", "narrative": "Kabar baru."})
    c = client_for(officer)
    body = c.get(reverse("web:inbox_detail", args=[rep.pk])).content.decode()
    assert "Mungkin sudah ada kasus" in body and case.reference in body
    r = c.post(reverse("web:inbox_detail", args=[rep.pk]), {"action": "attach", "case_reference": "SNG-0000-000000"})
    assert r.status_code == 404 and "Tidak ada kasus dengan nomor ini" in r.content.decode()
    r = c.post(reverse("web:inbox_detail", args=[rep.pk]), {"action": "attach", "case_reference": case.reference})
    assert r.status_code == 302
    rep.refresh_from_db()
    assert rep.case_id == case.pk


def test_another_agencys_report_and_a_malformed_id_are_not_found(uptd, officer):
    theirs = public_report(AgencyFactory())
    c = client_for(officer)
    assert c.get(reverse("web:inbox_detail", args=[theirs.pk])).status_code == 404
    assert c.post(reverse("web:inbox_detail", args=[theirs.pk]), {"action": "close", "reason_kind": "safe"}).status_code == 404
    assert c.get(reverse("web:inbox_detail", args=["not-a-report"])).status_code == 404


def test_a_village_head_files_a_report_that_goes_to_the_regency_and_follows_it(uptd, officer):
    village = AgencyFactory(type=AgencyType.VILLAGE, level=Level.VILLAGE, region_id="53.01.04.2003",
                            name="Desa Uji")
    head = user_with_role(Role.INTAKE_OFFICER, village)
    c = client_for(head)
    form = c.get(reverse("web:intake")).content.decode()
    assert "dikirim ke dinas yang berwenang" in form and 'name="ilo_indicators"' not in form
    assert c.get(reverse("web:inbox")).status_code == 404
    r = c.post(reverse("web:intake"), {"channel": "village", "narrative": NARRATIVE, "full_name": "Maria Seran",
                                       "sex": "Feminine", "decision": "open"})
    assert r.status_code == 302 and r["Location"] == reverse("web:my_reports")
    rep = Report.objects.get()
    assert rep.agency == uptd and rep.filed_by_agency == village and not Case.objects.exists()
    mine = c.get(reverse("web:my_reports")).content.decode()
    assert "dinas layanan perlindungan korban di provinsi" in mine and "Sedang ditinjau" in mine
    assert "Laporan saya" in c.get(reverse("web:home")).content.decode()
    # The receiving service opens the case; the village reads that it did, and cannot open the case.
    client_for(officer).post(reverse("web:inbox_detail", args=[rep.pk]), {"action": "open", "key": "v"})
    case = Case.objects.get()
    assert case.lead_agency == uptd
    mine = c.get(reverse("web:my_reports")).content.decode()
    assert "membuka kasus" in mine and case.reference not in mine
    assert c.get(reverse("web:case_detail", args=[case.pk])).status_code == 404
    assert client_for(officer).get(reverse("web:my_reports")).status_code == 404


def test_inbox_pages_are_not_stored_by_the_browser(uptd, officer):
    rep = public_report(uptd)
    c = client_for(officer)
    for url in (reverse("web:inbox"), reverse("web:inbox_detail", args=[rep.pk])):
        assert "no-store" in c.get(url).get("Cache-Control", "")


def test_the_inbox_page_query_count_does_not_grow_with_the_reports(uptd, officer, django_assert_max_num_queries):
    for _ in range(20):
        public_report(uptd)
    c = client_for(officer)
    with django_assert_max_num_queries(40):
        r = c.get(reverse("web:inbox"))
    assert r.status_code == 200 and r.content.decode().count("inbox-item") == 20


def test_my_reports_query_count_does_not_grow_with_the_reports(uptd, django_assert_max_num_queries):
    from sinergi.intake import triage

    village = AgencyFactory(type=AgencyType.VILLAGE, level=Level.VILLAGE, region_id="53.01.04.2003")
    head = user_with_role(Role.INTAKE_OFFICER, village)
    user_with_role(Role.INTAKE_OFFICER, uptd)
    for _ in range(15):
        triage.report_file_onward(actor=head, office_id=village.pk, data={"narrative": NARRATIVE})
    c = client_for(head)
    with django_assert_max_num_queries(30):
        r = c.get(reverse("web:my_reports"))
    assert r.content.decode().count("inbox-item") == 15
