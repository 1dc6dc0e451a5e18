import pytest
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.models import IdentityDocument
from sinergi.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_send_referral_and_receiver_sees_only_shared_sections(client):
    lead = AgencyFactory(code="uptd")
    embassy = AgencyFactory(code="kbri-pp", name="KBRI Phnom Penh", type=AgencyType.FOREIGN_MINISTRY)
    case = CaseFactory(lead_agency=lead, summary="Disekap di kompleks penipuan daring")
    IdentityDocument.objects.create(person=case.survivor, type="passport", number="C7654321", issuing_country_id="ID")
    manager = user_with_role(Role.CASE_MANAGER, lead)
    receiver = user_with_role(Role.CASE_MANAGER, embassy)
    client.login(username=manager.username, password=PASSWORD)
    url = reverse("web:case_referral", args=[case.pk])
    r = client.post(url, {"type": "verify_citizenship", "to_agency": "kbri-pp", "sections": ["identity"]})
    assert r.status_code == 400 and "id_consent_override_reason_error" in r.content.decode()
    r = client.post(url, {"type": "verify_citizenship", "to_agency": "kbri-pp", "sections": ["identity"],
                          "consent_override_reason": "Keluarga meminta, penyintas belum bisa dihubungi"})
    assert r.status_code == 302
    referral = Referral.objects.get()
    client.logout()
    client.login(username=receiver.username, password=PASSWORD)
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert case.survivor.full_name in body
    assert "Disekap" not in body  # exploitation not shared
    assert "Riwayat" not in body  # timeline is the lead agency's
    client.post(reverse("web:referral_answer", args=[referral.pk]), {"status": "acknowledged"})
    referral.refresh_from_db()
    assert referral.status == "acknowledged"
    client.post(reverse("web:referral_answer", args=[referral.pk]), {"status": "declined", "reason": "Bukan wilayah kami"})
    referral.refresh_from_db()
    assert referral.status == "declined"
    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 404  # no longer active


def test_exchange_and_performance_pages_by_role(client):
    agency = AgencyFactory()
    supervisor = user_with_role(Role.SUPERVISOR, agency)
    intake = user_with_role(Role.INTAKE_OFFICER, agency)
    analyst = user_with_role(Role.ANALYST, agency)
    client.login(username=supervisor.username, password=PASSWORD)
    assert client.get(reverse("web:exchange")).status_code == 200
    assert client.get(reverse("web:performance")).status_code == 200
    client.logout()
    client.login(username=intake.username, password=PASSWORD)
    assert client.get(reverse("web:exchange")).status_code == 404
    assert client.get(reverse("web:performance")).status_code == 404
    client.logout()
    client.login(username=analyst.username, password=PASSWORD)
    assert client.get(reverse("web:performance")).status_code == 200
    assert client.get(reverse("web:exchange")).status_code == 404


def test_withdrawing_a_referral_asks_for_a_reason_first(client):
    from sinergi.referrals.services import referral_send

    lead = AgencyFactory()
    embassy = AgencyFactory(type=AgencyType.FOREIGN_MINISTRY)
    case = CaseFactory(lead_agency=lead)
    manager = user_with_role(Role.CASE_MANAGER, lead)
    referral = referral_send(actor=manager, case=case, type="verify_citizenship", to_agency=embassy,
                             consent_override_reason="Penyintas belum dapat dihubungi")
    client.login(username=manager.username, password=PASSWORD)
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    fold = body[body.index("<details class=\"confirm"):]
    fold = fold[:fold.index("</details>")]
    assert 'value="withdrawn"' in fold and "required" in fold and 'name="reason"' in fold  # a second step
    r = client.post(reverse("web:referral_answer", args=[referral.pk]), {"status": "withdrawn"}, follow=True)
    referral.refresh_from_db()
    assert referral.status != "withdrawn" and "alasan" in r.content.decode().lower()
    client.post(reverse("web:referral_answer", args=[referral.pk]), {"status": "withdrawn", "reason": "Sudah pulang"})
    referral.refresh_from_db()
    assert referral.status == "withdrawn"


def test_an_embassy_is_not_told_of_notes_it_may_not_read(client):
    from sinergi.cases.services import note_add
    from sinergi.referrals.services import referral_send

    lead = AgencyFactory()
    embassy = AgencyFactory(type=AgencyType.FOREIGN_MINISTRY)
    case = CaseFactory(lead_agency=lead)
    manager = user_with_role(Role.CASE_MANAGER, lead)
    consul = user_with_role(Role.CASE_MANAGER, embassy)
    referral_send(actor=manager, case=case, type="verify_citizenship", to_agency=embassy,
                  consent_override_reason="Penyintas belum dapat dihubungi")
    for i in range(3):
        note_add(actor=manager, case=case, body=f"Catatan internal {i}")
    client.login(username=consul.username, password=PASSWORD)
    body = client.get(reverse("web:home")).content.decode()
    assert "Catatan ditambahkan" not in body and "Catatan internal" not in body
    client.logout()
    client.login(username=manager.username, password=PASSWORD)
    assert "Catatan ditambahkan" in client.get(reverse("web:home")).content.decode()


def test_the_performance_page_reads_the_read_models_not_the_referrals(client):
    """At 1,000,000 cases the page read a year of referrals per request (35 s); it answers from the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sinergi.analytics.refresh import analytics_refresh

    agency = AgencyFactory()
    analyst = user_with_role(Role.ANALYST, agency)
    analytics_refresh()
    client.login(username=analyst.username, password=PASSWORD)
    with CaptureQueriesContext(connection) as seen:
        r = client.get(reverse("web:performance"))
    assert r.status_code == 200
    from_referrals = [q["sql"] for q in seen.captured_queries if 'FROM "referrals_referral"' in q["sql"]]
    assert not from_referrals, from_referrals
