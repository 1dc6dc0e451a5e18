"""At 360 px a long URL or unbroken text does not widen the page; the case list's filters are folded."""

import pytest

from sinergi.agencies.enums import Role
from sinergi.cases.models import Note
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory

from .test_browser import browser, pytestmark, reference_data, sign_in  # noqa: F401 - shared fixtures

LONG_URL = "https://www.facebook.com/groups/lowongan.kerja.kamboja.gaji.besar/permalink/" + "9" * 120 + "?ref=share"


@pytest.mark.slow
def test_long_urls_and_unbroken_text_keep_the_phone_page_360_px_wide(reference_data, live_server, browser):
    agency = AgencyFactory()
    manager = user_with_role(Role.CASE_MANAGER, agency)
    case = CaseFactory(lead_agency=agency, summary="x" * 3000, city_of_exploitation="Sihanoukville" + "-" * 100)
    Note.objects.create(case=case, author=manager, agency=agency, body=f"Iklan: {LONG_URL} " + "a" * 30000)
    page = sign_in(browser, live_server, manager, mobile=True)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    page.goto(f"{live_server.url}/cases/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not page.locator("details.more-filters").evaluate("d => d.open")
    assert page.get_by_label("Tahap").is_hidden()  # folded: results come first
    page.locator("details.more-filters summary").click()
    assert page.get_by_label("Tahap").is_visible()
