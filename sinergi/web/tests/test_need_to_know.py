"""Finding 1 of the trust review: the pages showed a referral receiver what the sender never shared.

The supervisor refers a case with ``sections=["location"]`` only; signed in at the receiving agency, the case
page and the case list must show the place and nothing of the survivor's identity or the exploitation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, translation

from sinergi.agencies.enums import AgencyType, Role
from sinergi.core.testing import PASSWORD, AgencyFactory, CaseFactory, PersonFactory, user_with_role
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
