"""The inbox page passes a report on to an agency of a linked partner instance: the partners' agencies are offered,
the consent rule is explained on the form, and the report then shows it is queued for the partner."""

import pytest

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.exchange.models import OutboxMessage, Peer
from sinergi.intake import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _indonesian(settings):
    settings.LANGUAGE_CODE = "id"


@pytest.fixture
def uptd():
    return AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, region_id="53", name="UPTD PPA Uji")


@pytest.fixture
def manager(uptd):
    return user_with_role(Role.CASE_MANAGER, uptd)


@pytest.fixture
def partner():
    peer = Peer.objects.create(code="kh", name="Kamboja", base_url="https://kh.example")
    stand_in = AgencyFactory(code="kh-cnp", name="Cambodian National Police", type=AgencyType.FOREIGN_POLICE,
                             country_id="KH", region=None, peer=peer, remote_code="cnp")
    return None, None, stand_in


def family_report(agency):
    return services.report_create_public(agency_id=agency.pk, data={
        "narrative": "Adik saya ditahan di kompleks penipuan daring di Sihanoukville.", "country_of_exploitation": "KH"})


def test_the_page_lists_the_partners_agencies_and_passes_a_report_on(uptd, manager, partner, client):
    _cnp, _staff, stand_in = partner
    rep = family_report(uptd)
    client.force_login(manager)
    page = client.get(f"/inbox/{rep.pk}/")
    assert page.status_code == 200 and str(stand_in.pk) in page.content.decode()
    refused = client.post(f"/inbox/{rep.pk}/", {"action": "forward", "to_agency": str(stand_in.pk),
                                                "reason": "Polisi Kamboja yang dapat menolong.", "key": "w1"})
    assert refused.status_code == 400 and "persetujuan" in refused.content.decode()
    done = client.post(f"/inbox/{rep.pk}/", {"action": "forward", "to_agency": str(stand_in.pk),
                                             "reason": "Polisi Kamboja yang dapat menolong.", "key": "w1",
                                             "consent_override_reason": "Keluarga melapor; korban tak terhubungi"})
    assert done.status_code == 302
    rep.refresh_from_db()
    assert rep.status == "passed_on" and OutboxMessage.objects.count() == 1
    page = client.get(f"/inbox/{rep.pk}/").content.decode()
    assert "Diteruskan ke lembaga mitra" in page and "sedang dikirim" in page
    assert stand_in.name in page
