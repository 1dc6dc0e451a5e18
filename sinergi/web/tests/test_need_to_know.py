"""Finding 1 of the trust review: the pages showed a referral receiver what the sender never shared.

The supervisor refers a case with ``sections=["location"]`` only; signed in at the receiving agency, the case
page and the case list must show the place and nothing of the survivor's identity or the exploitation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, translation

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory
from sinergi.referrals.services import referral_send, referral_withdraw
from sinergi.regions.models import Region

pytestmark = pytest.mark.django_db

DOB = dt.date(1999, 7, 23)


@pytest.fixture
def referred():
    """A case of UPTD PPA referred to NCB Jakarta with the location section only."""
    lead = AgencyFactory(code="uptd-ppa", name="UPTD PPA NTT")
    ncb = AgencyFactory(code="ncb-jakarta", name="NCB Interpol Jakarta", type=AgencyType.POLICE, region_id="31")
    person = PersonFactory(full_name="Yuliana Kolo Bani", date_of_birth=DOB, estimated_age=None,
                           citizenship_id="TL", origin_village_id="53.01.04.2003")
    case = CaseFactory(
        lead_agency=lead, survivor=person, victim_status="ActualVictimOfTrafficking",
        victim_status_decided_by="NGO", exploitation_types=["ForcedLabour"], primary_exploitation="ForcedLabour",
        recruitment_methods=["ThroughOnlineSocialNetworks"], means_of_control=["DebtBondage"],
        relation_to_trafficker="Acquainted", country_of_exploitation_id="KH", city_of_exploitation="Sihanoukville",
        summary="Disekap di kompleks penipuan daring",
    )
    supervisor = user_with_role(Role.SUPERVISOR, lead)
    referral = referral_send(actor=supervisor, case=case, type="locate", to_agency=ncb, sections=["location"],
                             consent_override_reason="Penyintas belum dapat dihubungi keluarga")
    receiver = user_with_role(Role.CASE_MANAGER, ncb)
    return {"case": case, "person": person, "lead": lead, "ncb": ncb, "supervisor": supervisor,
            "receiver": receiver, "referral": referral}


def _dob_texts() -> list[str]:
    texts = []
    for lang in ("id", "en"):
        with translation.override(lang):
            texts.append(formats.date_format(DOB, "SHORT_DATE_FORMAT"))
    return texts


def _identity_and_exploitation(s) -> list[str]:
    village = Region.objects.get(code="53.01.04.2003").name
    return [s["person"].full_name, *_dob_texts(), "Timor", village, "Disekap", "Korban TPPO",
            "Debt bondage", "Through online social networks", "Acquainted"]


def test_case_page_shows_a_location_only_receiver_the_location_only(client, referred):
    client.login(username=referred["receiver"].username, password=PASSWORD)
    response = client.get(reverse("web:case_detail", args=[referred["case"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sihanoukville" in body  # the shared section
    for secret in _identity_and_exploitation(referred):
        assert secret not in body, secret


def test_case_list_row_hides_the_name_from_a_receiver_without_identity(client, referred):
    client.login(username=referred["receiver"].username, password=PASSWORD)
    body = client.get(reverse("web:case_list")).content.decode()
    assert referred["case"].reference in body
    assert referred["person"].full_name not in body
    # The page's htmx fragment is the same rows.
    fragment = client.get(reverse("web:case_list"), HTTP_HX_REQUEST="true").content.decode()
    assert referred["case"].reference in fragment and referred["person"].full_name not in fragment


def test_home_page_hides_the_name_and_the_timeline_from_a_receiver(client, referred):
    client.login(username=referred["receiver"].username, password=PASSWORD)
    body = client.get(reverse("web:home")).content.decode()
    assert referred["case"].reference in body  # waiting for the NCB
    assert referred["person"].full_name not in body
    assert "dibuka" not in body  # the lead agency's timeline ("Kasus ... dibuka") is not the receiver's


def test_lead_agency_still_sees_everything(client, referred):
    client.login(username=referred["supervisor"].username, password=PASSWORD)
    body = client.get(reverse("web:case_detail", args=[referred["case"].pk])).content.decode()
    for shown in (referred["person"].full_name, "Sihanoukville", "Disekap", "Timor"):
        assert shown in body, shown


def test_withdrawn_referral_leaves_nothing(client, referred):
    referral_withdraw(actor=referred["supervisor"], referral=referred["referral"], reason="Sudah ditemukan")
    client.login(username=referred["receiver"].username, password=PASSWORD)
    assert client.get(reverse("web:case_detail", args=[referred["case"].pk])).status_code == 404
    assert referred["case"].reference not in client.get(reverse("web:case_list")).content.decode()


def test_api_hides_origin_from_a_receiver_without_identity(referred):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(referred["receiver"])
    detail = api.get(f"/api/v1/cases/{referred['case'].pk}/").json()
    assert detail["survivor"] is None
    assert detail["origin_province"] is None and detail["origin_regency"] is None
    assert detail["country_of_exploitation"] == "KH" and detail["city_of_exploitation"] == "Sihanoukville"
    row = api.get("/api/v1/cases/").json()["results"][0]
    assert row["survivor"] is None and row["origin_province"] is None and row["origin_regency"] is None
    assert row["country_of_exploitation"] == "KH"


@pytest.mark.parametrize(("params", "found"), [
    ({"q": "Yuliana"}, False),             # a name search reads the identity, which was not shared
    ({"q": "Kolo Bani"}, False),
    ({"origin_province": "53"}, False),    # so do the origin filters
    ({"exploitation_type": "ForcedLabour"}, False),
    ({"country_of_exploitation": "KH"}, True),  # the location was shared
    ({}, True),
])
def test_search_and_filters_do_not_find_a_receiver_what_was_not_shared(client, referred, params, found):
    """A match is an answer: finding the case by the survivor's name would tell the name."""
    client.login(username=referred["receiver"].username, password=PASSWORD)
    body = client.get(reverse("web:case_list"), params).content.decode()
    assert (referred["case"].reference in body) is found
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(referred["receiver"])
    rows = api.get("/api/v1/cases/", params).json()["results"]
    assert ([r["reference"] for r in rows] == [referred["case"].reference]) is found


def test_the_lead_agency_finds_its_case_by_name(client, referred):
    client.login(username=referred["supervisor"].username, password=PASSWORD)
    body = client.get(reverse("web:case_list"), {"q": "Yuliana", "origin_province": "53"}).content.decode()
    assert referred["case"].reference in body


def _referred_cases(referred, n):
    from sinergi.referrals.models import Referral

    now = referred["referral"].sent_at
    for i in range(n):
        case = CaseFactory(lead_agency=referred["lead"], city_of_exploitation=f"Kota {i}")
        Referral.objects.create(case=case, type="locate", from_agency=referred["lead"], to_agency=referred["ncb"],
                                sections=[["identity"], ["location"], ["exploitation", "identity"]][i % 3],
                                sent_at=now, ack_due_at=now, complete_due_at=now)


def test_a_receivers_list_page_is_projected_in_a_bounded_number_of_queries(client, referred):
    """The shared sections of a whole page are read in one query: 25 rows cost what 3 rows cost (one query more
    than the lead agency's own list, ``test_pages.test_case_list_query_count_is_constant``: the sections)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.login(username=referred["receiver"].username, password=PASSWORD)
    _referred_cases(referred, 2)
    # A first page after signing in refreshes the session, and the filter form's choices are written once per
    # process: both are paid before the two pages compared here, so that only the rows differ between them.
    assert client.get(reverse("web:case_list")).status_code == 200
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("web:case_list")).status_code == 200
    _referred_cases(referred, 28)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("web:case_list")).content.decode()
    assert body.count("badge stage") == 25
    assert len(many) == len(few) <= 21
    shown_names = sum(1 for line in body.splitlines() if "Siti Nurhaliza" in line)
    assert 0 < shown_names < 25  # only the rows whose referral shared the identity show a name


def test_a_receivers_api_list_is_projected_in_a_bounded_number_of_queries(referred):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(referred["receiver"])
    _referred_cases(referred, 27)  # a full page and a next one
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/v1/cases/", {"page_size": 25}).json()["results"]) == 25
    _referred_cases(referred, 30)
    with CaptureQueriesContext(connection) as many:
        rows = api.get("/api/v1/cases/", {"page_size": 25}).json()["results"]
    # (The second request finds the user's memberships already loaded on the user object: one query fewer.)
    assert len(rows) == 25 and len(many) <= len(few) <= 12
    by_identity = {r["survivor"] is not None for r in rows}
    assert by_identity == {True, False}
