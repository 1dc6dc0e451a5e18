"""The dashboards in a real Chromium at a phone's width (360 px) and on a desktop: charts and the map are drawn,
fit the screen, and their tables are there. Screenshots go to test-artifacts/."""

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.models import Agency
from sinergi.agencies.tests.factories import user_with_role
from sinergi.analytics.tests.world import generated_world

from .test_browser import browser, pytestmark, shot, sign_in  # noqa: F401 - the shared Chromium fixture


@pytest.fixture
def figures(transactional_db):
    from sinergi.regions.models import Region
    from sinergi.regions.services import countries_load, regions_load

    if not Region.objects.filter(level=4).exists():
        countries_load()
        regions_load(levels=(1, 2))
    generated_world(cases=200, seed=41)


@pytest.mark.parametrize("mobile", [True, False], ids=["phone", "desktop"])
def test_dashboards_fit_the_screen(figures, browser, live_server, mobile):  # noqa: F811
    analyst = user_with_role(Role.ANALYST, Agency.objects.get(code="gugus-tugas-ntt"))
    page = sign_in(browser, live_server, analyst, mobile=mobile)
    width = page.viewport_size["width"]
    lead = Agency.objects.get(code="ncb-jakarta")
    pages = [(s, f"/analytics/{s}/") for s in ("pathway", "stages", "referrals", "places", "recruitment", "border")]
    pages.append(("agency", f"/analytics/agencies/{lead.pk}/"))
    for section, path in pages:
        page.goto(f"{live_server.url}{path}")
        charts = page.locator("svg.chart")
        assert charts.count() >= 1
        for i in range(charts.count()):
            chart = charts.nth(i)
            # The map may be wider than a phone: it then scrolls inside its own box, which fits the screen.
            is_map = "map" in (chart.get_attribute("class") or "")
            box = (chart.locator("xpath=..") if is_map else chart).bounding_box()
            assert box and box["width"] > 100 and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, section
            if is_map and mobile:
                assert chart.bounding_box()["width"] >= 1.9 * box["width"]  # drawn large enough to read
        assert page.locator("table.numbers").count() >= 1
        # Nothing but the tables' own scroll areas may be wider than the screen.
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width + 1, (section, overflow)
        shot(page, f"analytics-{section}-{'phone' if mobile else 'desktop'}")
    page.goto(f"{live_server.url}/analytics/places/")
    assert page.locator("svg.map path[data-code]").count() > 400


def test_on_a_phone_every_number_is_on_the_screen_beside_its_label(figures, browser, live_server):  # noqa: F811
    """The tables' label columns wrap: the figures of the agency page and of the dashboards' tables are
    within the 360 px screen without scrolling the table sideways."""
    analyst = user_with_role(Role.ANALYST, Agency.objects.get(code="gugus-tugas-ntt"))
    page = sign_in(browser, live_server, analyst, mobile=True)
    lead = Agency.objects.get(code="ncb-jakarta")
    for path in (f"/analytics/agencies/{lead.pk}/", "/analytics/stages/", "/analytics/referrals/"):
        page.goto(f"{live_server.url}{path}")
        tables = page.locator("table.numbers")
        first = tables.nth(0)
        for row in range(min(first.locator("tbody tr").count(), 12)):  # every row, also one with a badge
            cells = first.locator(f"tbody tr:nth-child({row + 1}) td")
            for i in range(min(cells.count(), 3)):
                box = cells.nth(i).bounding_box()
                assert box and box["x"] + box["width"] <= 360 + 1, (path, row, i, box)
