"""The OpenAPI 3.1 document and the interactive docs, served from this server only."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

KEY_PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/me/": {"get"},
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{case_id}/": {"get", "patch"},
    "/api/v1/cases/{case_id}/transition/": {"post"},
    "/api/v1/cases/{case_id}/victim-status/": {"post"},
    "/api/v1/cases/{case_id}/services/": {"get", "post"},
    "/api/v1/cases/{case_id}/services/{service_id}/": {"patch"},
    "/api/v1/cases/{case_id}/notes/": {"get", "post"},
    "/api/v1/cases/{case_id}/attachments/": {"get", "post"},
    "/api/v1/cases/{case_id}/attachments/{attachment_id}/download/": {"get"},
    "/api/v1/cases/{case_id}/timeline/": {"get"},
    "/api/v1/persons/{person_id}/": {"get", "patch"},
    "/api/v1/persons/{person_id}/documents/": {"post"},
    "/api/v1/persons/{person_id}/family-contacts/": {"post"},
    "/api/v1/persons/{person_id}/consents/": {"get", "post"},
    "/api/v1/reports/": {"get", "post"},
    "/api/v1/reports/{report_id}/": {"get"},
    "/api/v1/reports/{report_id}/screen/": {"post"},
    "/api/v1/reports/{report_id}/open-case/": {"post"},
    "/api/v1/reports/{report_id}/link-case/": {"post"},
    "/api/v1/inbox/": {"get"},
    "/api/v1/inbox/{report_id}/": {"get"},
    "/api/v1/inbox/{report_id}/open-case/": {"post"},
    "/api/v1/inbox/{report_id}/attach/": {"post"},
    "/api/v1/inbox/{report_id}/forward/": {"post"},
    "/api/v1/inbox/{report_id}/close/": {"post"},
    "/api/v1/agencies/": {"get"},
    "/api/v1/regions/": {"get"},
    "/api/v1/countries/": {"get"},
    "/api/v1/indicators/": {"get"},
    "/api/v1/vocabularies/": {"get"},
    "/api/v1/linkage/pairs/": {"get"},
    "/api/v1/linkage/pairs/{pair_id}/": {"get"},
    "/api/v1/linkage/pairs/{pair_id}/decision/": {"post"},
    "/api/v1/linkage/merges/{merge_id}/undo/": {"post"},
    "/api/v1/linkage/partners/": {"get"},
    "/api/v1/linkage/partner-queries/": {"get", "post"},
    "/api/v1/analytics/estimate/": {"get"},
}


@pytest.fixture
def document(db):
    response = APIClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/")
    return response.json()


def test_openapi_31_document_has_the_key_paths(document):
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    for path, methods in KEY_PATHS.items():
        assert path in document["paths"], path
        assert methods <= set(document["paths"][path]), (path, set(document["paths"][path]))


def test_case_list_documents_its_filters_and_cursor(document):
    params = {p["name"] for p in document["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert {"stage", "lead_agency", "origin_province", "origin_regency", "country_of_exploitation",
            "exploitation_type", "victim_status", "reported_from", "reported_to", "stage_entered_from",
            "stage_entered_to", "q", "cursor", "page_size"} <= params


def test_security_schemes_are_token_and_session(document):
    assert {"tokenAuth", "cookieAuth"} <= set(document["components"]["securitySchemes"])


def test_schema_generates_without_warnings_from_these_views(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    mine = [m for m in list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
            if "sinergi/api/" in m or "sinergi.api" in m]
    errors = list(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert mine == [] and errors == []


def test_interactive_docs_are_served_locally(db):
    client = APIClient()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources), sources
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in s for s in sources)
    assert "'unsafe-inline'" not in page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    script = next(s for s in sources if "script=" in s)
    init = client.get(script.replace("&amp;", "&"))
    assert init.status_code == 200 and b"/api/v1/openapi.json" in init.content
    bundle = next(s for s in sources if s.endswith("swagger-ui-bundle.js"))
    assert client.get(bundle).status_code == 200


def test_linkage_endpoints_document_their_shapes(document):
    paths = document["paths"]
    pairs = paths["/api/v1/linkage/pairs/"]["get"]
    assert {"status", "cursor", "page_size"} <= {p["name"] for p in pairs["parameters"]}
    assert {"200", "400", "403"} <= set(pairs["responses"])
    decision = paths["/api/v1/linkage/pairs/{pair_id}/decision/"]["post"]
    assert {"200", "400", "404", "409"} <= set(decision["responses"])
    schemas = document["components"]["schemas"]
    assert {"decision", "reason", "idempotency_key"} <= set(schemas["DecisionRequest"]["properties"])
    assert {"left", "right", "explanation", "merge"} <= set(schemas["Pair"]["properties"])
    assert set(schemas["ClkQuery"]["properties"]) == {"id", "asked_at", "peer", "answered_at", "matches"}
    estimate = paths["/api/v1/analytics/estimate/"]["get"]
    assert {"date_from", "date_to", "region", "lists"} <= {p["name"] for p in estimate["parameters"]}
    assert {"total", "unseen", "interval", "model", "linkage", "caveats"} <= set(schemas["Estimate"]["properties"])
