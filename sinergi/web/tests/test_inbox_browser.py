"""The report inbox on a 360 px phone, in a real Chromium: a village head files a report, the province's intake
officer finds it on the home page, reads it and opens a case; the village head reads what happened."""

import pytest

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role

from .test_browser import browser, follow, pytestmark, reference_data, shot, sign_in  # noqa: F401 - fixtures

pytestmark = pytestmark  # noqa: PLW0127 - browser-marked, skipped without Chromium

WIDTH = 360


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"page is {width}px wide"


@pytest.mark.slow
def test_a_village_report_reaches_the_inbox_and_is_triaged_on_a_phone(reference_data, live_server, browser):
    from sinergi.cases.models import Case
    from sinergi.intake.models import Report

    uptd = AgencyFactory(name="UPTD PPA Provinsi NTT", code="uptd-ppa-ntt", type=AgencyType.PROVINCIAL_SERVICE,
                         region_id="53")
    officer = user_with_role(Role.INTAKE_OFFICER, uptd, username="petugas")
    village = AgencyFactory(name="Pemerintah Desa Noelbaki", code="desa-noelbaki", type=AgencyType.VILLAGE,
                            level=Level.VILLAGE, region_id="53.01.04.2003")
    head = user_with_role(Role.INTAKE_OFFICER, village, username="desa")

    page = sign_in(browser, live_server, head, mobile=True)
    page.get_by_role("link", name="Kirim laporan").first.click()
    page.get_by_label("Apa yang terjadi?").fill(
        "Warga kami Maria berangkat lewat calo ke Malaysia bulan Maret; sejak Juni tidak ada kabar, "
        "majikannya menahan paspor. Ibunya minta dihubungi di https://contoh.example/sebuah-alamat-yang-sangat-panjang-sekali-tanpa-spasi-untuk-menguji-lebar-layar")
    page.get_by_label("Nama lengkap korban").fill("Maria Seran")
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_url(f"{live_server.url}/my-reports/")
    assert "Sedang ditinjau" in page.content()
    no_sideways_scroll(page)
    shot(page, "40-my-reports-village-360px")
    report = Report.objects.get()
    assert report.agency == uptd and report.filed_by_agency == village

    page = sign_in(browser, live_server, officer, mobile=True)
    count = page.get_by_role("link", name="1 laporan menunggu keputusan")
    shot(page, "41-home-inbox-count-360px")
    follow(page, count)
    no_sideways_scroll(page)
    shot(page, "42-inbox-list-360px")
    follow(page, page.locator("ul.inbox a").first)
    no_sideways_scroll(page)
    shot(page, "43-inbox-report-360px")
    page.locator("summary", has_text="Buka kasus").click()
    follow(page, page.get_by_role("button", name="Buka kasus"))
    case = Case.objects.get()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    assert case.lead_agency == uptd

    page = sign_in(browser, live_server, head, mobile=True)
    page.goto(f"{live_server.url}/my-reports/")
    assert "membuka kasus" in page.content() and case.reference not in page.content()
    shot(page, "44-my-reports-decided-360px")
