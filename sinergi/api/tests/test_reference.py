"""Reference data: agencies, regions (paginated, searchable), countries, indicators and vocabularies."""

from __future__ import annotations

import pytest

from sinergi.agencies.tests.factories import AgencyFactory, UserFactory

from .conftest import client_for


@pytest.fixture
def client(db):
    # Reference data needs a signed-in user but no role at all.
    return client_for(UserFactory())


def test_regions_filter_search_and_pages(client):
    provinces = client.get("/api/v1/regions/", {"level": 1, "page_size": 50}).json()
    assert len(provinces["results"]) == 38 and provinces["next"] is None
    regencies = client.get("/api/v1/regions/", {"parent": "53", "q": "kupang"}).json()["results"]
    assert {r["code"] for r in regencies} == {"53.01", "53.71"}
    first = client.get("/api/v1/regions/", {"parent": "53.01", "page_size": 10}).json()
    second = client.get(first["next"]).json()
    codes = [r["code"] for r in first["results"] + second["results"]]
    assert codes == sorted(codes) and len(set(codes)) == 20


def test_agencies_filters(client):
    AgencyFactory(code="knp-pnh", name="Cambodian National Police", type="foreign_police", country_id="KH",
                  level="national", region=None)
    AgencyFactory(code="kbri-pnh", name="KBRI Phnom Penh", type="foreign_ministry", country_id="KH",
                  level="national", region=None)
    assert [a["code"] for a in client.get("/api/v1/agencies/", {"country": "KHM"}).json()["results"]] == [
        "knp-pnh", "kbri-pnh"]
    assert [a["code"] for a in client.get("/api/v1/agencies/", {"type": "foreign_police"}).json()["results"]] == [
        "knp-pnh"]
    assert client.get("/api/v1/agencies/", {"type": "spies"}).status_code == 400
    agency = client.get("/api/v1/agencies/kbri-pnh/").json()
    assert agency["name"] == "KBRI Phnom Penh" and client.get(f"/api/v1/agencies/{agency['id']}/").status_code == 200


def test_countries(client):
    countries = client.get("/api/v1/countries/").json()
    by_code = {c["code"]: c for c in countries}
    assert by_code["KH"]["alpha3"] == "KHM" and len(countries) > 240


def test_indicators(client):
    body = client.get("/api/v1/indicators/").json()
    assert len(body["ilo"]) == 11
    assert {i["strength"] for i in body["delphi"]} == {"strong", "medium", "weak"}
    assert "deceptive_recruitment" in body["dimensions"]
    assert all(i["key"].startswith(i["dimension"] + ".") for i in body["delphi"])


def test_vocabularies(client):
    body = client.get("/api/v1/vocabularies/").json()
    assert "ForcedLabour" in [v["value"] for v in body["exploitation_types"]]
    assert "Facebook" in [v["value"] for v in body["recruitment_apps"]]
    assert [v["value"] for v in body["stage"]][0] == "reported"
    assert {"outcome", "victim_status", "decided_by", "service_type", "channel", "document_type"} <= set(body)


def test_reference_needs_sign_in(db):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/regions/").status_code == 401
