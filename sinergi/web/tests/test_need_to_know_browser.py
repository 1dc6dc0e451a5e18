"""A referral receiver's case page in a real Chromium, on a phone and on a desktop: the shared section only."""

import pytest

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory
from sinergi.referrals.services import referral_send

from .test_browser import browser, follow, pytestmark, reference_data, shot, sign_in  # noqa: F401 (fixtures)


@pytest.mark.parametrize("mobile", [True, False], ids=["360px", "desktop"])
def test_a_location_only_receiver_reads_the_place_and_not_the_person(reference_data, live_server, browser, mobile):
    lead = AgencyFactory(code="uptd-ppa", name="UPTD PPA NTT")
    ncb = AgencyFactory(code="ncb-jakarta", name="NCB Interpol Jakarta", type=AgencyType.POLICE, region_id="31")
    case = CaseFactory(lead_agency=lead, survivor=PersonFactory(full_name="Yuliana Kolo Bani"),
                       city_of_exploitation="Sihanoukville", summary="Disekap di kompleks penipuan daring")
    referral_send(actor=user_with_role(Role.SUPERVISOR, lead), case=case, type="locate", to_agency=ncb,
                  sections=["location"], consent_override_reason="Penyintas belum dapat dihubungi keluarga")
    page = sign_in(browser, live_server, user_with_role(Role.CASE_MANAGER, ncb), mobile=mobile)
    page.goto(f"{live_server.url}/cases/")
    assert page.get_by_text(case.reference).is_visible()
    assert page.get_by_text("Yuliana").count() == 0
    shot(page, f"need-to-know-list-{'360' if mobile else 'desktop'}")
    follow(page, page.get_by_role("link", name=case.reference))
    assert page.get_by_text("Sihanoukville").is_visible()
    assert page.get_by_text("Identitas penyintas tidak dibagikan kepada lembaga Anda.").is_visible()
    assert page.get_by_text("Yuliana").count() == 0 and page.get_by_text("Disekap").count() == 0
    # Nothing wider than the screen on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, f"need-to-know-case-{'360' if mobile else 'desktop'}")
