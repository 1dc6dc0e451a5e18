"""In a real Chromium, at 360 px and on a desktop: error pages in both languages with the site's layout, and the
printable case summary (print media: no menu, no forms, one page)."""

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory

from .test_browser import browser, follow, pytestmark, reference_data, shot, sign_in  # noqa: F401 - fixtures, marks


@pytest.mark.parametrize("mobile", [True, False], ids=["360px", "desktop"])
def test_error_pages_in_both_languages_with_the_menu(reference_data, live_server, browser, mobile):
    user = user_with_role(Role.CASE_MANAGER, username="manajer-err")
    page = sign_in(browser, live_server, user, mobile=mobile)
    suffix = "360px" if mobile else "desktop"
    page.goto(f"{live_server.url}/kasus-yang-tidak-ada/")
    assert page.locator("h1").inner_text() == "Halaman tidak ditemukan"
    assert page.locator("header.top").is_visible()
    assert page.locator("nav.main").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shot(page, f"error-404-id-{suffix}")
    follow(page, page.get_by_role("button", name="English"))  # saved before the next page is asked for
    page.goto(f"{live_server.url}/kasus-yang-tidak-ada/")
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, f"error-404-en-{suffix}")
    page.context.close()


@pytest.mark.parametrize("mobile", [True, False], ids=["360px", "desktop"])
def test_case_summary_prints_on_one_page_without_menu(reference_data, live_server, browser, mobile):
    case = CaseFactory(survivor=PersonFactory(full_name="Maria Cetak Satu", phone="081200011122"),
                       summary="Direkrut lewat Facebook, disekap di kompleks penipuan daring. " * 6)
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency, username="manajer-cetak")
    page = sign_in(browser, live_server, user, mobile=mobile)
    suffix = "360px" if mobile else "desktop"
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    follow(page, page.get_by_role("link", name="Ringkasan untuk dicetak"))
    assert "Maria Cetak Satu" in page.content() and "081200011122" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shot(page, f"case-summary-screen-{suffix}")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator(".no-print").first.is_visible()
    shot(page, f"case-summary-print-{suffix}")
    if not mobile:
        from pathlib import Path

        from .test_browser import ARTIFACTS

        pdf = page.pdf(format="A4")
        ARTIFACTS.mkdir(exist_ok=True)
        Path(ARTIFACTS / "case-summary-printed.pdf").write_bytes(pdf)
        import io

        from pypdf import PdfReader

        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    page.context.close()
