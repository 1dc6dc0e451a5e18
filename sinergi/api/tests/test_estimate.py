"""The hidden-victims estimate through the API: aggregates only, for the roles that read aggregates; the same
figures as the page (the same call), with the interval, the model, the caveats and the spread from pairs still
waiting for review; bad input is a field error in the reader's language."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rest_framework.test import APIClient

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.analytics import mse
from sinergi.analytics.hidden import HiddenQuery, hidden_estimate
from sinergi.audit.models import AuditEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.linkage.tests.factories import pair_of
from sinergi.people.tests.factories import PersonFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/analytics/estimate/"
LISTS = [AgencyType.PROVINCIAL_SERVICE, AgencyType.POLICE, AgencyType.NGO]


@pytest.fixture
def lists():
    """Three overlapping lists of 30, 24 and 20 persons (the page's test world), reported five days ago."""
    shelter = AgencyFactory(code="e-shelter", type=AgencyType.PROVINCIAL_SERVICE)
    police = AgencyFactory(code="e-police", type=AgencyType.POLICE)
    ngo = AgencyFactory(code="e-ngo", type=AgencyType.NGO)
    persons = [PersonFactory(full_name=f"Orang Uji {i}") for i in range(50)]
    for i, p in enumerate(persons):
        for agency, on in ((shelter, i < 30), (police, 14 <= i < 38), (ngo, i % 2 == 0 and i < 40)):
            if on:
                CaseFactory(lead_agency=agency, survivor=p, reported_on=clock.today() - dt.timedelta(days=5))
    return {"shelter": shelter, "persons": persons}


def params(**extra):
    return {"date_from": (clock.today() - dt.timedelta(days=30)).isoformat(), "date_to": clock.today().isoformat(),
            "lists": ",".join(LISTS), **extra}


@pytest.mark.parametrize(("role", "expected"), [
    ("intake_officer", 403), ("case_manager", 403), ("supervisor", 200), ("agency_admin", 403), ("analyst", 200),
    ("system_admin", 403)])
def test_only_readers_of_aggregates_get_the_estimate(lists, role, expected):
    response = client_for(user_with_role(role, lists["shelter"])).get(URL, params())
    assert response.status_code == expected, response.content
    if expected == 403:
        assert set(response.json()) == {"detail"}


def test_the_estimate_is_the_pages_with_interval_model_and_caveats(lists):
    analyst = user_with_role(Role.ANALYST, AgencyFactory(code="e-tf", type=AgencyType.TASK_FORCE))
    before = AuditEvent.objects.count()
    response = client_for(analyst).get(URL, {**params(), "lists": [LISTS[0], f"{LISTS[1]},{LISTS[2]}"]})
    assert response.status_code == 200, response.content
    data = response.json()
    assert AuditEvent.objects.filter(object_type="hidden_estimate").count() == 1
    assert AuditEvent.objects.count() == before + 1
    assert [(x["type"], x["persons"]) for x in data["lists"]] == sorted(
        [("provincial_service", 30), ("police", 24), ("ngo", 20)])
    assert data["observed"] == 39 and data["unseen"] == pytest.approx(data["total"] - 39)
    assert data["interval"]["level"] == 0.95 and data["interval"]["total"][0] <= data["total"]
    assert data["model"]["method"] == "stepwise" and isinstance(data["model"]["interactions"], list)
    assert [c["code"] for c in data["caveats"]] == [c["code"] for c in mse.caveats()] and data["caveats"][0]["text"]
    assert data["linkage"] is None  # no pair waits for review
    page = hidden_estimate(actor=analyst, query=HiddenQuery(
        dt.date.fromisoformat(params()["date_from"]), clock.today(), "", tuple(LISTS)))
    assert data["total"] == pytest.approx(page.estimate["estimate"]["total"])
    assert "Orang Uji" not in json.dumps(data)  # aggregates only


def test_pairs_waiting_for_review_give_the_linkage_spread(lists):
    persons = lists["persons"]
    for a, b in ((persons[40], persons[2]), (persons[41], persons[20]), (persons[42], persons[31])):
        pair_of(a, b, 0.7)
    CaseFactory(lead_agency=lists["shelter"], survivor=persons[40], reported_on=clock.today())
    CaseFactory(lead_agency=lists["shelter"], survivor=persons[42], reported_on=clock.today())
    analyst = user_with_role(Role.ANALYST, lists["shelter"])
    data = client_for(analyst).get(URL, params()).json()
    spread = data["linkage"]
    assert spread["uncertain_pairs"] >= 1 and spread["draws"] == 40
    assert spread["total"]["lower"] <= spread["total"]["median"] <= spread["total"]["upper"]
    assert len(spread["combined_interval"]["total"]) == 2


BAD = [
    ("no dates", {"lists": "police,ngo"}, {"date_from", "date_to"}),
    ("not a date", params(date_from="kemarin"), {"date_from"}),
    ("end before start", params(date_to=(clock.today() - dt.timedelta(days=40)).isoformat()), {"date_to"}),
    ("end in the future", params(date_to=(clock.today() + dt.timedelta(days=9)).isoformat()), {"date_to"}),
    ("one list", params(lists="police"), {"lists"}),
    ("no list", {k: v for k, v in params().items() if k != "lists"}, {"lists"}),
    ("unknown list", params(lists="police,wizards"), {"lists.1"}),
    ("unknown region", params(region="99.99"), {"region"}),
    ("a village as region", params(region="53.01.04.2003"), {"region"}),
]


@pytest.mark.parametrize(("query", "fields"), [pytest.param(q, f, id=n) for n, q, f in BAD])
def test_bad_input_is_a_field_error(lists, query, fields):
    before = AuditEvent.objects.count()
    response = client_for(user_with_role(Role.ANALYST, lists["shelter"])).get(URL, query)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == fields
    assert AuditEvent.objects.count() == before


def test_lists_that_never_overlap_are_explained_not_a_traceback(db):
    police = AgencyFactory(type=AgencyType.POLICE)
    ngo = AgencyFactory(type=AgencyType.NGO)
    for i in range(6):
        CaseFactory(lead_agency=police if i % 2 else ngo, survivor=PersonFactory(),
                    reported_on=clock.today() - dt.timedelta(days=2))
    analyst = user_with_role(Role.ANALYST, police)
    user = analyst
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client = APIClient()
    client.force_login(user)
    response = client.get(URL, params(lists="police,ngo"))
    assert response.status_code == 400
    messages = [m for ms in response.json()["errors"].values() for m in ms]
    assert messages and all(m.isascii() for m in messages), messages
    one = client.get(URL, params(lists="police")).json()
    assert one["errors"]["lists"] == ["Choose at least two lists (agency types)."]
