"""One case from report to reintegration, in a real Chromium, as the different people involved.

Needs Debian's chromium at /usr/bin/chromium (``.ci/run`` installs it). Screenshots go to test-artifacts/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role

CHROMIUM = os.environ.get("SINERGI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists(),
                       reason="Chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def reference_data(transactional_db):
    from sinergi.regions.services import countries_load, regions_load

    countries_load()
    regions_load(levels=(1, 2, 3, 4))


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        ])
        yield b
        b.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def follow(page, locator):
    """Click what leads to another page and wait until that page has loaded: reading the page straight after the
    click can read the old one, or a document that is not there yet."""
    with page.expect_navigation():
        locator.click()


def sign_in(browser, live_server, user, *, mobile=False):
    context = browser.new_context(viewport={"width": 360, "height": 780} if mobile else {"width": 1280, "height": 900},
                                  locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_case_from_report_to_reintegration(reference_data, live_server, browser, tmp_path):
    from sinergi.cases.models import Case

    agency = AgencyFactory(name="UPTD PPA Provinsi NTT", code="uptd-ppa-ntt")
    officer = user_with_role(Role.INTAKE_OFFICER, agency, username="petugas")
    manager = user_with_role(Role.CASE_MANAGER, agency, username="manajer")
    supervisor = user_with_role(Role.SUPERVISOR, agency, username="supervisor")
    outsider = user_with_role(Role.SUPERVISOR, AgencyFactory(name="Lembaga Lain"), username="luar")

    # 1. The intake officer takes the family's report on a phone-sized screen.
    page = sign_in(browser, live_server, officer, mobile=True)
    shot(page, "01-home-intake-officer-360px")
    page.get_by_role("link", name="Laporan baru").click()
    page.get_by_label("Saluran laporan").select_option("family")
    page.get_by_label("Apa yang terjadi?").fill(
        "Anak kami direkrut lewat Facebook untuk kerja customer service di Kamboja, paspornya diambil.")
    page.get_by_label("Negara tempat korban berada").select_option("KH")
    page.get_by_label("Nama lengkap korban").fill("Maria Goreti Seran")
    page.get_by_label("Jenis kelamin").select_option("Feminine")
    page.get_by_label("Perkiraan umur").fill("22")
    page.get_by_label("Provinsi asal").select_option("53")
    page.locator("#id_regency option[value='53.01']").wait_for(state="attached")
    page.get_by_label("Kabupaten/kota asal").select_option("53.01")
    page.locator("#id_district option[value='53.01.04']").wait_for(state="attached")
    page.get_by_label("Kecamatan asal").select_option("53.01.04")
    page.locator("#id_village option[value='53.01.04.2003']").wait_for(state="attached")
    page.get_by_label("Desa/kelurahan asal").select_option("53.01.04.2003")
    page.locator("#ilo-2").check()
    page.locator("#ilo-7").check()
    page.get_by_label("Status korban").select_option("PossibleVictimOfTrafficking")
    page.get_by_label("Diputuskan oleh").select_option("NGO")
    shot(page, "02-intake-form-360px")
    page.get_by_role("button", name="Simpan laporan").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    case_url = page.url
    assert "Maria Goreti Seran" in page.content()
    page.context.close()

    # 2. The case manager works the case through the pathway.
    page = sign_in(browser, live_server, manager)
    page.goto(case_url)
    moves = [("located", {}), ("identified", {}), ("protected", {}),
             ("documented", {"travel_document_number": "B1234567"}),
             ("repatriated", {"port_of_entry": "Bandara El Tari, Kupang"}), ("received", {}), ("recovering", {})]
    for stage, extra in moves:
        page.locator("#id_to_stage").select_option(stage)
        for name, value in extra.items():
            page.locator(f"#id_{name}").fill(value)
        follow(page, page.get_by_role("button", name="Simpan perpindahan"))
        assert page.locator("ol.stagebar li.current").inner_text().strip()
    # A move that needs data shows the error next to the field and keeps the page.
    upload = tmp_path / "surat-kbri.pdf"
    upload.write_bytes(b"%PDF-1.4\n% Surat keterangan KBRI Phnom Penh\n")
    page.locator("#id_file").set_input_files(str(upload))
    follow(page, page.get_by_role("button", name="Unggah"))
    assert "surat-kbri.pdf" in page.content()
    page.locator("#id_to_stage").select_option("reintegrated")
    follow(page, page.get_by_role("button", name="Simpan perpindahan"))
    shot(page, "03-case-page-reintegrated")
    page.context.close()

    case = Case.objects.get(survivor__full_name="Maria Goreti Seran")
    assert case.stage == "reintegrated"
    assert case.stage_entries.count() == 9

    # 3. The supervisor switches to English and sees the case list.
    page = sign_in(browser, live_server, supervisor)
    follow(page, page.get_by_role("button", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{live_server.url}/cases/?q=Seran")
    assert "Maria Goreti Seran" in page.content()
    shot(page, "04-case-list-english")
    page.context.close()

    # 4. Someone from another agency gets "not found".
    page = sign_in(browser, live_server, outsider)
    response = page.goto(case_url)
    assert response.status == 404
    page.context.close()

    # 5. The migrant-worker protection officer reviews a risk flag on the oversight page, without JavaScript help.
    import datetime as dt

    from sinergi.agencies.enums import AgencyType
    from sinergi.recruitment.models import JobOrder, Placement, PlacementAgency, RiskFlag, RiskRule

    bp3mi = user_with_role(Role.SUPERVISOR, AgencyFactory(name="BP3MI NTT", type=AgencyType.MIGRANT_WORKER_PROTECTION),
                           username="bp3mi")
    p3mi = PlacementAgency.objects.create(name="PT Cahaya Timur", licence_number="KEP-9/2020", name_key="cahaya timur")
    jo = JobOrder.objects.create(agency=p3mi, reference="JO-KH-1", employer="Golden Resort", destination_id="KH",
                                 position="customer service", quota=5, approved=True)
    placed = Placement.objects.create(job_order=jo, worker_reference="W-1", departure_date=dt.date(2025, 3, 1),
                                      visa_type="tourist")
    # Transactional tests flush the seeded rules, so make sure this one exists.
    rule, _ = RiskRule.objects.get_or_create(code="tourist-visa", defaults={
        "kind": "tourist_visa", "name": "Berangkat dengan visa turis", "explanation": "Visa turis.", "weight": 3})
    flag = RiskFlag.objects.create(rule=rule, subject_type="placement", subject_id=placed.pk,
                                   reason_msgid="Berangkat bekerja dengan visa turis/kunjungan, bukan visa kerja.",
                                   evidence={"visa": "tourist"})
    page = sign_in(browser, live_server, bp3mi)
    page.get_by_role("link", name="Perekrutan").click()
    item = page.locator(f"#flag-{flag.pk}")
    item.get_by_text("Tinjau", exact=True).click()
    follow(page, item.get_by_role("button", name="Simpan tinjauan"))
    assert page.locator(f"#id_flag_{flag.pk}_reason_error").is_visible()  # a reason is required
    item = page.locator(f"#flag-{flag.pk}")
    item.get_by_label("Tolak: positif palsu").check()
    item.get_by_label("Alasan").fill("Visa kerja sudah terbit; data SISKOP2MI lama.")
    follow(page, item.get_by_role("button", name="Simpan tinjauan"))
    assert "Tinjauan tanda risiko disimpan." in page.content()
    shot(page, "05-recruitment-flag-dismissed")
    flag.refresh_from_db()
    assert flag.resolution == "dismissed" and flag.resolved_by == bp3mi
    page.context.close()


def test_import_file_with_one_bad_row_in_partial_mode(reference_data, live_server, browser, tmp_path):
    from sinergi.transfer import samples
    from sinergi.transfer.models import ImportJob

    agency = AgencyFactory(name="UPTD PPA Provinsi NTT", code="uptd-ppa-ntt")
    manager = user_with_role(Role.CASE_MANAGER, agency, username="manajer")
    rows = samples.sample_rows(5, villages={"53": ["53.01.04.2003", "53.10.01.2001"]})
    rows[2]["prs_Birthdate"] = "2099-01-01"
    upload = tmp_path / "kasus-ntt.csv"
    upload.write_bytes(samples.to_csv(rows))

    page = sign_in(browser, live_server, manager, mobile=True)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.get_by_role("link", name="Impor kasus", exact=True).click()
    page.get_by_label("Berkas CSV atau JSON").set_input_files(str(upload))
    page.get_by_label("Impor hanya baris yang benar dan daftar baris yang salah").check()
    shot(page, "05-import-upload-360px")
    page.get_by_role("button", name="Unggah dan impor").click()
    page.wait_for_url(re.compile(r"/cases/import/[0-9a-f-]+/$"))
    page.get_by_text("Selesai", exact=True).first.wait_for()
    assert "1 baris ditolak" in page.content()
    assert page.locator("#import-job td", has_text="prs_Birthdate").count() == 1
    assert page.locator("#import-progress").get_attribute("value") == "5"
    link = page.get_by_role("link", name="Unduh semua baris yang ditolak (CSV)")
    shot(page, "06-import-job-done-360px")
    with page.expect_download() as info:
        link.click()
    content = Path(info.value.path()).read_text(encoding="utf-8")
    assert "prs_Birthdate" in content and rows[2]["sng_ExternalId"] in content
    assert not violations
    job = ImportJob.objects.get()
    assert (job.created_count, job.rejected_count) == (4, 1)

    # A long import: the page polls its status part (htmx, allowed by the CSP) and shows the end by itself.
    running = ImportJob.objects.create(created_by=manager, agency=agency, format="csv", status="running",
                                       phase="validate", total_rows=100_000, processed_rows=25_000,
                                       filename="besar.csv")
    page.goto(f"{live_server.url}/cases/import/{running.pk}/")
    assert page.locator("#import-progress").get_attribute("value") == "25000"
    shot(page, "07-import-job-running-360px")
    ImportJob.objects.filter(pk=running.pk).update(status="completed", processed_rows=100_000, created_count=100_000,
                                                   progress=100)
    page.get_by_text("Impor selesai.").wait_for(timeout=6000)
    assert page.locator("#import-progress").get_attribute("value") == "100000"
    assert not violations
    page.context.close()


def test_notice_issued_answered_and_referred(reference_data, live_server, browser, tmp_path):
    from sinergi.agencies.enums import AgencyType
    from sinergi.cases.tests.factories import CaseFactory
    from sinergi.referrals.models import Notice, Referral

    from .test_notice_pages import png

    police = AgencyFactory(name="NCB Interpol Jakarta", code="ncb-jakarta", type=AgencyType.POLICE)
    kh_police = AgencyFactory(name="Cambodian National Police", code="cnp", type=AgencyType.FOREIGN_POLICE,
                              country_id="KH", region=None)
    AgencyFactory(name="KBRI Phnom Penh", code="kbri-pp", type=AgencyType.FOREIGN_MINISTRY)
    case = CaseFactory(lead_agency=police)
    liaison = user_with_role(Role.CASE_MANAGER, police, username="liaison", first_name="Rina", last_name="Wulandari")
    kh_officer = user_with_role(Role.CASE_MANAGER, kh_police, username="sokha", first_name="Sokha", last_name="Chan")
    photo = tmp_path / "foto-maria.png"
    photo.write_bytes(png(120, 160, (90, 110, 140)))

    # 1. The police liaison in Jakarta issues a missing-person notice to the Cambodian police.
    page = sign_in(browser, live_server, liaison)
    page.get_by_role("link", name="Pemberitahuan").click()
    page.get_by_role("link", name="Terbitkan pemberitahuan").click()
    page.get_by_label("Orang hilang").check()
    page.get_by_label("Nama (bila diketahui)").fill("Maria Goreti Seran")
    page.get_by_label("Ciri-ciri").fill("Perempuan 22 tahun, tinggi 155 cm, tahi lalat di pipi kiri, berbahasa "
                                        "Indonesia dan sedikit Inggris.")
    page.get_by_label("Tempat terakhir diketahui", exact=True).fill("Kompleks Jinbei 4, Sihanoukville")
    page.get_by_label("Negara tempat terakhir diketahui").select_option("KH")
    page.locator("#id_photo").set_input_files(str(photo))
    page.get_by_label("Cambodian National Police").check()
    page.get_by_label("Nomor kasus terkait (bila ada)").fill(case.reference)
    shot(page, "05-notice-form")
    page.get_by_role("button", name="Terbitkan", exact=True).click()
    page.wait_for_url(re.compile(r"/notices/[0-9a-f-]+/$"))
    notice_url = page.url
    assert page.locator("figure.notice-photo img").evaluate("img => img.naturalWidth") == 120
    page.context.close()

    # 2. The Cambodian officer sees it among received notices and answers, on a phone.
    page = sign_in(browser, live_server, kh_officer, mobile=True)
    page.get_by_role("link", name="Pemberitahuan").click()
    page.get_by_role("link", name="Maria Goreti Seran").click()
    page.get_by_label("Jawaban lembaga Anda").fill("Seorang perempuan dengan ciri ini terlihat di Jinbei 4 pada "
                                                   "12 November. Tim kami dapat memeriksa.")
    follow(page, page.get_by_role("button", name="Kirim jawaban"))
    assert "Jawaban dikirim" in page.content()
    shot(page, "06-notice-answered-360px")
    page.context.close()

    # 3. The liaison opens a rescue referral to the Cambodian police from that answer.
    page = sign_in(browser, live_server, liaison)
    page.goto(notice_url)
    page.get_by_text("Buka rujukan ke Cambodian National Police").click()
    page.get_by_label("Minta lembaga itu untuk").select_option("rescue")
    follow(page, page.get_by_role("button", name="Kirim rujukan"))
    assert page.locator(".errorlist").count() == 1  # no recorded consent: the reason is asked for, next to the field
    page.get_by_label("Alasan berbagi tanpa persetujuan penyintas").fill(
        "Korban hilang dan tidak dapat dimintai persetujuan; keluarga meminta pencarian.")
    follow(page, page.get_by_role("button", name="Kirim rujukan"))
    assert "Rujukan dikirim ke Cambodian National Police" in page.content()
    shot(page, "07-notice-page-referral-opened")
    page.context.close()

    referral = Referral.objects.get()
    assert referral.to_agency == kh_police and referral.case == case and referral.type == "rescue"
    assert Notice.objects.get().answers.get().referral == referral
