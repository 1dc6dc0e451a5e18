"""Analytics pages: every page for every role (the permission matrix), CSV downloads, bad filters, and no
personal data for analysts anywhere (dashboards, CSV, report, release)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.models import Agency
from sinergi.agencies.tests.factories import PASSWORD, user_with_role
from sinergi.analytics.tests.world import generated_world
from sinergi.cases.models import Case
from sinergi.people.models import Person

pytestmark = pytest.mark.django_db

ROLES = [Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.ANALYST, Role.SYSTEM_ADMIN]
SECTIONS = ["pathway", "stages", "referrals", "places", "recruitment", "border"]
AGG = {Role.SUPERVISOR, Role.ANALYST}
STAFF = {Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR}


@pytest.fixture
def world(db):
    generated_world(cases=250, seed=21)


@pytest.fixture
def agencies(db):
    """The agencies the matrix needs, and (empty) read models: permissions do not depend on the figures."""
    from sinergi.agencies.tests.factories import AgencyFactory
    from sinergi.analytics.refresh import analytics_refresh

    AgencyFactory(code="uptd-ppa-ntt", region_id="53")
    AgencyFactory(code="kp2mi", region_id="31")
    AgencyFactory(code="gugus-tugas-ntt", region_id="53", type="task_force")
    analytics_refresh(force=True)


def _own():
    return Agency.objects.get(code="uptd-ppa-ntt")


def _other():
    return Agency.objects.get(code="kp2mi")


PAGES = {
    # name: (url, roles that get 200; everyone else 404)
    "dashboard": (lambda: reverse("web:analytics"), AGG),
    **{f"section-{s}": ((lambda s=s: reverse("web:analytics_section", args=[s])), AGG) for s in SECTIONS},
    **{f"csv-{s}": ((lambda s=s: reverse("web:analytics_csv", args=[s])), AGG) for s in SECTIONS},
    "agencies": (lambda: reverse("web:analytics_agencies"), AGG | STAFF),
    "own-agency": (lambda: reverse("web:analytics_agency", args=[_own().pk]), AGG | STAFF),
    "other-agency": (lambda: reverse("web:analytics_agency", args=[_other().pk]), AGG),
    "own-agency-csv": (lambda: reverse("web:analytics_agency", args=[_own().pk]) + "?format=csv", AGG | STAFF),
    "report": (lambda: reverse("web:analytics_report"), AGG),
    "report-view": (lambda: reverse("web:analytics_report") + "?year=2025", AGG),
    "report-xlsx": (lambda: reverse("web:analytics_report") + "?year=2025&download=xlsx&language=en", AGG),
    "release-page": (lambda: reverse("web:analytics_release"), {Role.ANALYST}),
    "release-csv": (lambda: reverse("web:analytics_release") + "?k=5&format=csv", {Role.ANALYST}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(PAGES))
def test_permission_matrix(agencies, client, role, name):
    url, allowed = PAGES[name]
    user = user_with_role(role, _own())
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(url())
    assert response.status_code == (200 if role in allowed else 404), (name, role)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("web:analytics"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode(errors="replace")


def test_analysts_get_no_personal_data_from_any_page_csv_report_or_release(world, client):
    analyst = user_with_role(Role.ANALYST, Agency.objects.get(code="gugus-tugas-ntt"))
    assert client.login(username=analyst.username, password=PASSWORD)
    # Full names (two words at least): a one-word name such as "Eko" is also part of place names.
    names = {n for n in Person.objects.values_list("full_name", flat=True) if " " in n.strip()}
    phones = {p for p in Person.objects.values_list("phone", flat=True) if p}
    refs = set(Case.objects.values_list("reference", flat=True))
    assert names and refs
    pages = [url() for name, (url, allowed) in PAGES.items() if Role.ANALYST in allowed and "xlsx" not in name]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        leaked = [n for n in names if n in body] + [p for p in phones if p in body] + [r for r in refs if r in body]
        assert not leaked, (url, leaked[:3])
        assert not re.search(r"\b\d{16}\b", body), url  # no NIK


def test_dashboard_shows_charts_tables_and_freshness(world, client):
    user = user_with_role(Role.ANALYST, _own())
    client.login(username=user.username, password=PASSWORD)
    body = client.get(reverse("web:analytics")).content.decode()
    assert "<svg" in body and "<table" in body and "Angka per" in body
    assert "Tanpa pemulihan maupun reintegrasi sesudahnya" in body
    places = client.get(reverse("web:analytics_section", args=["places"])).content.decode()
    assert 'data-code="53.03"' in places  # the map, keyed by Kemendagri codes
    csv_body = client.get(reverse("web:analytics_csv", args=["places"]) + "?table=regencies").content.decode()
    assert csv_body.startswith("Kasus per kabupaten/kota asal")


def test_bad_filters_answer_400_with_field_errors_in_the_readers_language(world, client):
    user = user_with_role(Role.ANALYST, _own())
    client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("web:analytics"), {"year_from": "2025", "year_to": "2023", "province": "53",
                                                     "regency": "32.01"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tahun akhir sebelum tahun awal." in body
    client.post(reverse("set_language"), {"language": "en"})
    response = client.get(reverse("web:analytics"), {"year_from": "2025", "year_to": "2023"})
    assert response.status_code == 400 and "The end year is before the start year." in response.content.decode()
    response = client.get(reverse("web:analytics_csv", args=["pathway"]), {"year_from": "abc"})
    assert response.status_code == 400


def test_filters_change_the_figures(world, client):
    user = user_with_role(Role.ANALYST, _own())
    client.login(username=user.username, password=PASSWORD)
    everyone = client.get(reverse("web:analytics_csv", args=["pathway"]) + "?table=stopped").content.decode()
    ntt = client.get(reverse("web:analytics_csv", args=["pathway"]) + "?table=stopped&province=53").content.decode()
    total = Case.objects.count()
    assert f",{total}" in everyone
    assert f",{Case.objects.filter(origin_province_id='53').count()}" in ntt
