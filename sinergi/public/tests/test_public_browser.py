"""The public door in a real Chromium: check an offer, report, follow the tracking code (no JavaScript needed)."""

import os
import shutil
from pathlib import Path

import pytest

from sinergi.agencies.enums import AgencyType
from sinergi.agencies.tests.factories import AgencyFactory

CHROMIUM = os.environ.get("SINERGI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@pytest.fixture
def reference_data(transactional_db):
    from sinergi.regions.services import countries_load, regions_load

    countries_load()
    regions_load(levels=(1,))
    from django.core.management import call_command

    call_command("migrate", "recruitment", "0001", verbosity=0)
    call_command("migrate", "recruitment", verbosity=0)  # re-seed the default rules flushed by the live server


@pytest.mark.parametrize("javascript", [True, False])
def test_check_report_and_track(reference_data, live_server, javascript):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    AgencyFactory(name="UPTD PPA NTT", type=AgencyType.PROVINCIAL_SERVICE, region_id="53")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=javascript,
                                       locale="id-ID").new_page()
        page.goto(f"{live_server.url}/publik/")
        page.get_by_role("link", name="Cek lowongan").click()
        page.get_by_label("Negara tujuan").select_option("KH")
        page.get_by_label("Pekerjaan yang ditawarkan").fill("Customer service")
        page.get_by_label("Gaji per bulan yang dijanjikan").fill("1100")
        page.get_by_label("Apakah perlu keahlian atau ijazah khusus?").select_option("no")
        page.get_by_label("Telegram").check()
        page.get_by_label("Visa yang dijanjikan").select_option("tourist")
        with page.expect_navigation():  # the answer is another page: read it once it has loaded
            page.get_by_role("button", name="Periksa").click()
        expect(page.locator("body")).to_contain_text("Risiko tinggi")
        suffix = "js" if javascript else "nojs"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"10-public-check-{suffix}.png"), full_page=True)

        response = page.goto(f"{live_server.url}/publik/lapor/")
        assert response.status == 200, page.content()[:3000]
        page.get_by_label("Nama orang yang hilang atau dalam bahaya").fill("Yohana Tefa")
        page.get_by_label("Provinsi asal orang tersebut").select_option("53")
        page.get_by_label("Apa yang terjadi?").fill("Berangkat lewat calo ke Kamboja bulan lalu, sejak itu tidak bisa dihubungi.")
        page.wait_for_timeout(3200)  # people take longer than the spam check's minimum
        page.get_by_role("button", name="Kirim laporan").click()
        code = page.locator("#tracking-code").inner_text().strip()
        page.screenshot(path=str(ARTIFACTS / f"11-public-report-done-{suffix}.png"), full_page=True)

        page.goto(f"{live_server.url}/publik/lacak/")
        page.get_by_label("Kode pelacakan").fill(code)
        page.get_by_role("button", name="Lihat status").click()
        status = page.locator("#report-status").inner_text()
        assert "diterima" in status and "Yohana" not in page.content()
        browser.close()
