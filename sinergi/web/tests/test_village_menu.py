"""A village or district office files reports onward and follows them; it leads no case. Its menu offers what
it does (its reports and what happened to them, a new report, the hotlines), not an empty case list."""

import re

import pytest
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.intake import triage
from sinergi.intake.models import ReportRoute

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    uptd = AgencyFactory(name="UPTD PPA Provinsi NTT", type=AgencyType.PROVINCIAL_SERVICE, level=Level.PROVINCE,
                         region_id="53")
    village = AgencyFactory(name="Pemerintah Desa Noelbaki", type=AgencyType.VILLAGE, level=Level.VILLAGE,
                            region_id="53.01.08.2008")
    ReportRoute.objects.create(region_id="53.01", agency=uptd)
    head = user_with_role(Role.INTAKE_OFFICER, village, username="kades")
    officer = user_with_role(Role.INTAKE_OFFICER, uptd, username="petugas-uptd")
    return {"uptd": uptd, "village": village, "head": head, "officer": officer}


def menu(body: str) -> set[str]:
    nav = re.search(r'<nav class="main".*?</nav>', body, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', nav))


def file_report(scene, text="Warga kami Maria berangkat lewat calo ke Malaysia; sejak Juni tidak ada kabar."):
    return triage.report_file_onward(actor=scene["head"], office_id=scene["village"].pk,
                                     data={"narrative": text, "reporter_name": "Kepala desa"})


def test_the_village_menu_has_its_reports_a_new_report_and_the_hotlines_but_no_cases(client, scene):
    client.force_login(scene["head"])
    body = client.get(reverse("web:home")).content.decode()
    links = menu(body)
    assert {reverse("web:my_reports"), reverse("web:intake"), reverse("web:hotlines")} <= links
    for empty in ("web:case_list", "web:notice_list", "web:analytics_agencies", "web:inbox"):
        assert reverse(empty) not in links, empty
    assert "Peran Anda tidak bekerja dengan data kasus" not in body


def test_the_village_home_says_what_happened_to_its_reports(client, scene):
    report = file_report(scene)
    client.force_login(scene["head"])
    body = client.get(reverse("web:home")).content.decode()
    assert "Laporan Anda sudah diterima oleh dinas layanan perlindungan korban di provinsi" in body
    assert "sejak Juni tidak ada kabar" in body and reverse("web:hotlines") in body
    triage.report_triage_open_case(actor=scene["officer"], report=report, idempotency_key="k1",
                                   person={"full_name": "Maria Seran"})
    body = client.get(reverse("web:home")).content.decode()
    assert "membuka kasus dari laporan ini" in body and "Maria Seran" not in body


def test_the_case_list_address_leads_a_village_office_to_its_reports(client, scene):
    client.force_login(scene["head"])
    response = client.get(reverse("web:case_list"))
    assert response.status_code == 302 and response["Location"] == reverse("web:my_reports")
    assert client.get(reverse("web:case_list"), {"q": "Maria"})["Location"] == reverse("web:my_reports")


def test_a_village_office_that_does_have_a_case_keeps_the_case_list(client, scene):
    """A case referred to the village office (for example for reintegration), or one it led before village reports
    went onward, is still listed: the menu follows what the office has, not its kind alone."""
    from sinergi.cases.tests.factories import CaseFactory

    CaseFactory(lead_agency=scene["village"])
    client.force_login(scene["head"])
    body = client.get(reverse("web:home")).content.decode()
    assert reverse("web:case_list") in menu(body)
    assert client.get(reverse("web:case_list")).status_code == 200


def test_a_notice_to_the_village_keeps_its_notice_list(client, scene):
    from sinergi.referrals import notices

    sender = user_with_role(Role.SUPERVISOR, scene["uptd"])
    notices.notice_issue(actor=sender, agency_id=scene["uptd"].pk, kind="missing", description="Hilang sejak Juni",
                         recipients=[scene["village"]], subject_name="Maria")
    client.force_login(scene["head"])
    links = menu(client.get(reverse("web:home")).content.decode())
    assert reverse("web:notice_list") in links and reverse("web:case_list") not in links


def test_other_offices_keep_their_case_list(client, scene):
    client.force_login(scene["officer"])
    links = menu(client.get(reverse("web:home")).content.decode())
    assert reverse("web:case_list") in links and reverse("web:inbox") in links
    assert reverse("web:my_reports") not in links
    assert client.get(reverse("web:case_list")).status_code == 200
    # Someone who works both at the village and at a regency service keeps the regency's cases.
    both = scene["head"]
    from sinergi.agencies.models import Membership

    Membership.objects.create(user=both, agency=scene["uptd"], role=Role.CASE_MANAGER)
    client.force_login(both)
    links = menu(client.get(reverse("web:home")).content.decode())
    assert reverse("web:case_list") in links and reverse("web:my_reports") in links


def test_an_unrelated_role_without_casework_still_gets_404_on_the_case_list(client):
    analyst = user_with_role(Role.ANALYST)
    client.force_login(analyst)
    assert client.get(reverse("web:case_list")).status_code == 404
