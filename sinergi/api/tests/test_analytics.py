"""The analytics API: every endpoint for every role, the schema, bad input, and no personal data in any answer."""

from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient

from sinergi.agencies.models import Agency
from sinergi.agencies.tests.factories import user_with_role
from sinergi.analytics.tests.world import generated_world
from sinergi.cases.models import Case
from sinergi.people.models import Person

pytestmark = pytest.mark.django_db

ROLES = ["intake_officer", "case_manager", "supervisor", "agency_admin", "analyst", "system_admin"]
AGG = {"supervisor", "analyst"}
STAFF = {"intake_officer", "case_manager", "supervisor"}


@pytest.fixture
def world(db):
    generated_world(cases=200, seed=31)


@pytest.fixture
def agencies(db):
    from sinergi.agencies.tests.factories import AgencyFactory
    from sinergi.analytics.refresh import analytics_refresh

    AgencyFactory(code="uptd-ppa-ntt", region_id="53")
    AgencyFactory(code="kp2mi", region_id="31")
    AgencyFactory(code="gugus-tugas-ntt", region_id="53", type="task_force")
    analytics_refresh(force=True)


def _client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


ENDPOINTS = {
    **{f"section-{s}": (f"/api/v1/analytics/{s}/", AGG, 403)
       for s in ("pathway", "stages", "referrals", "places", "recruitment", "border")},
    "status": ("/api/v1/analytics/status/", AGG, 403),
    "report": ("/api/v1/analytics/report/?year=2025&lang=en", AGG, 403),
    "release": ("/api/v1/analytics/release/?k=5", {"analyst"}, 403),
    "release-json": ("/api/v1/analytics/release/?k=11&format=json", {"analyst"}, 403),
    "own-agency": ("/api/v1/analytics/agencies/uptd-ppa-ntt/", AGG | STAFF, 404),
    "other-agency": ("/api/v1/analytics/agencies/kp2mi/", AGG, 404),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_permission_matrix(agencies, role, name):
    url, allowed, refused = ENDPOINTS[name]
    user = user_with_role(role, Agency.objects.get(code="uptd-ppa-ntt"))
    response = _client(user).get(url)
    assert response.status_code == (200 if role in allowed else refused), (name, role)


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_anonymous_is_refused(agencies, name):
    assert APIClient().get(ENDPOINTS[name][0]).status_code == 401


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_no_personal_data_in_any_answer(world):
    analyst = user_with_role("analyst", Agency.objects.get(code="gugus-tugas-ntt"))
    # Full names (two words at least): a one-word name such as "Eko" is also part of place names.
    names = {n for n in Person.objects.values_list("full_name", flat=True) if " " in n.strip()}
    refs = set(Case.objects.values_list("reference", flat=True))
    ids = {str(pk) for pk in Case.objects.values_list("id", flat=True)} | \
        {str(pk) for pk in Person.objects.values_list("id", flat=True)}
    for name, (url, allowed, _r) in ENDPOINTS.items():
        if "analyst" not in allowed:
            continue
        body = _text(_client(analyst).get(url))
        assert not [x for x in names | refs | ids if x in body], name


def test_section_answers_tables_with_null_for_hidden_cells(world):
    analyst = user_with_role("analyst", Agency.objects.get(code="gugus-tugas-ntt"))
    data = _client(analyst).get("/api/v1/analytics/pathway/", {"province": "53", "lang": "en"}).json()
    assert data["k"] == 5 and data["as_of"]
    funnel = data["tables"][0]
    assert funnel["key"] == "funnel" and funnel["title"] == "Cases reaching each stage"
    for row in funnel["rows"]:
        assert row["cases"] is None or isinstance(row["cases"], int)


def test_release_streams_csv_with_the_suppressed_share(world):
    analyst = user_with_role("analyst", Agency.objects.get(code="gugus-tugas-ntt"))
    response = _client(analyst).get("/api/v1/analytics/release/", {"k": "5"})
    rows = list(csv.DictReader(io.StringIO(_text(response))))
    assert float(response["X-Suppressed-Share"]) <= 0.05
    assert int(response["X-Records-Released"]) == len(rows)


def test_bad_input_is_400_with_field_errors(world):
    analyst = user_with_role("analyst", Agency.objects.get(code="gugus-tugas-ntt"))
    c = _client(analyst)
    r = c.get("/api/v1/analytics/pathway/", {"year_from": "x", "regency": "bad"})
    assert r.status_code == 400 and {"year_from", "regency"} <= set(r.json()["errors"])
    assert c.get("/api/v1/analytics/report/").status_code == 400
    assert c.get("/api/v1/analytics/release/", {"k": "1"}).status_code == 400
    assert c.get("/api/v1/analytics/nothing/").status_code == 404


def test_schema_lists_the_analytics_endpoints(db):
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/analytics/{section}/", "/api/v1/analytics/agencies/{agency}/", "/api/v1/analytics/release/",
              "/api/v1/analytics/report/", "/api/v1/analytics/status/"):
        assert p in paths
