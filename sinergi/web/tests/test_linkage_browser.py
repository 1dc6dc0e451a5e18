"""The linkage pages in a real Chromium, on a 360 px phone and on a desktop: the review queue, one pair side by
side (the reviewer's record masked by role, the other agency's only "held by"), the decision, and the
hidden-victims estimate. Nothing is wider than the screen; screenshots go to test-artifacts/."""

import datetime as dt

import pytest

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role

from .test_browser import browser, follow, pytestmark, reference_data, shot, sign_in  # noqa: F401 - fixtures, marks

pytestmark = pytestmark  # noqa: PLW0127 - browser-marked, skipped without Chromium

PHONE, PASSPORT = "081377665544", "C7654321"


@pytest.fixture
def world(reference_data):
    from sinergi.cases.tests.factories import CaseFactory
    from sinergi.core import clock
    from sinergi.linkage.tests.factories import pair_of
    from sinergi.people.models import IdentityDocument
    from sinergi.people.tests.factories import PersonFactory

    shelter = AgencyFactory(code="b-shelter", name="UPTD Perlindungan Perempuan dan Anak Provinsi Nusa Tenggara Timur")
    police = AgencyFactory(code="b-police", name="Direktorat Reserse Kriminal Umum Polda Kalimantan Utara",
                           type=AgencyType.POLICE)
    ngo = AgencyFactory(code="b-ngo", name="LSM Sahabat Migran", type=AgencyType.NGO)
    ours = PersonFactory(full_name="Wulan Sarimanah Kusumawardhani Putri", phone=PHONE,
                         date_of_birth=dt.date(1999, 3, 4))
    IdentityDocument.objects.create(person=ours, type="passport", number=PASSPORT, issuing_country_id="ID")
    theirs = PersonFactory(full_name="WULANSARIMANAHKUSUMAWARDHANIPUTRI BINTI ALI", date_of_birth=dt.date(1999, 4, 3))
    CaseFactory(lead_agency=shelter, survivor=ours)
    CaseFactory(lead_agency=police, survivor=theirs)
    pair = pair_of(ours, theirs, 0.83)
    for i in range(3):
        other = PersonFactory(full_name=f"Wulan Sari {i}")
        CaseFactory(lead_agency=shelter, survivor=other)
        pair_of(ours, other, 0.6 + i / 100)
    # Three overlapping lists for the estimate.
    for i in range(50):
        p = PersonFactory(full_name=f"Orang Uji {i}")
        for agency, on in ((shelter, i < 30), (police, 14 <= i < 38), (ngo, i % 2 == 0 and i < 40)):
            if on:
                CaseFactory(lead_agency=agency, survivor=p, reported_on=clock.today() - dt.timedelta(days=5))
    return {"shelter": shelter, "police": police, "pair": pair,
            "cm": user_with_role(Role.CASE_MANAGER, shelter, username="manajer"),
            "police_cm": user_with_role(Role.CASE_MANAGER, police, username="polisi"),
            "analyst": user_with_role(Role.ANALYST, AgencyFactory(code="b-tf", type=AgencyType.TASK_FORCE),
                                      username="analis")}


def fits(page):
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"
    # No text is cut off by its box (a value in a facts list, a name in the table).
    clipped = page.evaluate("""() => [...document.querySelectorAll('main dd, main td, main th, main h1, main p')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
        .map(e => e.textContent.trim().slice(0, 40))""")
    assert clipped == [], clipped


@pytest.mark.slow
@pytest.mark.parametrize("mobile", [True, False], ids=["phone", "desktop"])
def test_review_compare_decide_and_estimate(world, live_server, browser, mobile):  # noqa: F811
    from sinergi.linkage.models import MatchPair, Merge

    size = "360px" if mobile else "desktop"
    page = sign_in(browser, live_server, world["cm"], mobile=mobile)
    page.goto(f"{live_server.url}/duplicates/")
    body = page.content()
    assert "Wulan Sarimanah" in body and "WULANSARIMANAH" not in body
    assert "Direktorat Reserse Kriminal Umum Polda Kalimantan Utara" in body  # the other record: held by
    fits(page)
    shot(page, f"60-linkage-queue-{size}")

    page.get_by_role("link", name="83%").click()
    page.wait_for_url(f"{live_server.url}/duplicates/{world['pair'].pk}/")
    body = page.content()
    assert PHONE not in body and PASSPORT not in body and PASSPORT[-3:] in body  # masked by role
    assert "WULANSARIMANAH" not in body and "1999-04-03" not in body
    assert "hari dan bulan tertukar" in page.content()
    # Side by side on a desktop, one above the other on a phone.
    first, second = (page.locator(f"#{h}").bounding_box() for h in ("h-left", "h-right"))
    assert (second["y"] > first["y"] + first["height"]) if mobile else (abs(second["y"] - first["y"]) < 2)
    fits(page)
    shot(page, f"61-linkage-pair-{size}")

    follow(page, page.get_by_role("button", name="Orang yang sama"))  # the same address before and after
    page.wait_for_url(f"{live_server.url}/duplicates/{world['pair'].pk}/")
    assert "menunggu konfirmasi lembaga lain" in page.content()
    assert not Merge.objects.exists()
    fits(page)
    shot(page, f"62-linkage-confirmed-one-side-{size}")

    police = sign_in(browser, live_server, world["police_cm"], mobile=mobile)
    police.goto(f"{live_server.url}/duplicates/{world['pair'].pk}/")
    assert "Wulan Sarimanah Kusumawardhani Putri" not in police.content()
    follow(police, police.get_by_role("button", name="Orang yang sama"))
    police.wait_for_url(f"{live_server.url}/duplicates/{world['pair'].pk}/")
    assert Merge.objects.count() == 1 and MatchPair.objects.get(pk=world["pair"].pk).status == "confirmed"
    assert police.get_by_role("button", name="Batalkan penggabungan").is_visible()
    fits(police)
    shot(police, f"63-linkage-merged-{size}")

    page.goto(f"{live_server.url}/duplicates/?status=rejected")
    fits(page)

    analyst = sign_in(browser, live_server, world["analyst"], mobile=mobile)
    analyst.goto(f"{live_server.url}/analytics/estimate/")
    fits(analyst)
    shot(analyst, f"64-estimate-form-{size}")
    analyst.get_by_label("Dari tanggal").fill((dt.date.today() - dt.timedelta(days=30)).isoformat())
    analyst.get_by_label("Sampai tanggal").fill(dt.date.today().isoformat())
    for label in ("Dinas/UPTD provinsi", "Kepolisian", "LSM"):
        analyst.get_by_label(label, exact=True).check()
    analyst.get_by_role("button", name="Hitung perkiraan").click()
    analyst.wait_for_url("**/analytics/estimate/?*")
    assert "Perkiraan jumlah seluruhnya" in analyst.content()
    assert "Orang Uji" not in analyst.content()
    fits(analyst)
    shot(analyst, f"65-estimate-result-{size}")
