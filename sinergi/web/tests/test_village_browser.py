"""The demo's village head (Desa Noelbaki), on a 360 px phone and on a desktop, in a real Chromium: a menu of what
a village office does (its reports and what happened to them, a new report, the hotlines), no empty case list."""

import pytest

from .test_browser import ARTIFACTS, browser, pytestmark, reference_data, shot  # noqa: F401 - fixtures

pytestmark = pytestmark  # noqa: PLW0127 - browser-marked, skipped without Chromium


def sign_in_as_demo(browser, live_server, username, *, width):
    from sinergi.demo.agencies import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": width, "height": 800 if width < 600 else 900}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def menu_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("nav.main a").all_inner_texts()]


def fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"page is {scroll}px wide"


@pytest.mark.slow
@pytest.mark.parametrize("width", [360, 1280], ids=["phone-360px", "desktop"])
def test_the_demo_village_head_has_a_menu_that_fits(reference_data, live_server, browser, width):
    from sinergi.demo.agencies import demo_agencies_ensure, demo_users_ensure
    from sinergi.demo.services import directory_ensure
    from sinergi.intake import triage
    from sinergi.intake.models import Report

    agencies = demo_agencies_ensure()
    users = demo_users_ensure(agencies)
    directory_ensure(agencies)
    tag = "360px" if width == 360 else "desktop"

    page = sign_in_as_demo(browser, live_server, "desa", width=width)
    assert menu_labels(page) == ["Beranda", "Laporan saya", "Laporan baru", "Nomor bantuan"]
    assert "Kantor Anda belum mengirim laporan." in page.content()
    assert "Peran Anda tidak bekerja dengan data kasus" not in page.content()
    fits(page, width)
    shot(page, f"50-village-home-empty-{tag}")

    page.get_by_role("link", name="Laporan baru").click()
    page.get_by_label("Apa yang terjadi?").fill(
        "Warga kami Maria berangkat lewat calo ke Malaysia bulan Maret; sejak Juni tidak ada kabar, majikannya "
        "menahan paspor.")
    page.get_by_label("Nama lengkap korban").fill("Maria Seran")
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_url(f"{live_server.url}/my-reports/")
    mine = page.locator("ul.inbox").inner_text()
    assert "Sedang ditinjau" in mine and "dinas layanan perlindungan korban di provinsi" in mine
    assert agencies["uptd-ppa-ntt"].name not in mine  # the kind of office, in plain words, not its name
    fits(page, width)
    shot(page, f"51-village-my-reports-{tag}")

    report = Report.objects.get(filed_by_agency=agencies["desa-noelbaki"])
    assert report.agency == agencies["uptd-ppa-ntt"]
    triage.report_triage_open_case(actor=users["petugas"], report=report, idempotency_key=f"open-{tag}")

    page.goto(f"{live_server.url}/")
    home = page.content()
    assert "Petugas dinas layanan perlindungan korban di provinsi" in home and "membuka kasus" in home
    assert "Sudah ditindaklanjuti" in home and "Maria Seran" not in home  # what happened, not the case itself
    assert "0800-1000" in home
    fits(page, width)
    shot(page, f"52-village-home-followed-{tag}")

    # The case list's address shows the office's reports, not an empty table.
    page.goto(f"{live_server.url}/cases/")
    page.wait_for_url(f"{live_server.url}/my-reports/")
    assert page.locator("nav.main a[aria-current=page]").inner_text().strip() == "Laporan saya"

    page.get_by_role("link", name="Nomor bantuan").first.click()
    page.wait_for_url(f"{live_server.url}/hotlines/")
    body = page.content()
    assert body.index("Nusa Tenggara Timur") < body.index("Jawa Barat")  # the village's own province first
    assert "KJRI Kota Kinabalu" in body and "<h3>Taiwan</h3>" in body
    fits(page, width)
    shot(page, f"53-village-hotlines-{tag}")
