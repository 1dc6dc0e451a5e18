"""The review queue's pages and the hidden-victims page: masking by role through the projection, another
agency's person shown only as "held by <agency>", 404 for pairs the user may not see, the decision and the undo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.core import clock
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory
from sinergi.linkage.models import Merge
from sinergi.linkage.tests.factories import pair_of
from sinergi.people.models import IdentityDocument

pytestmark = pytest.mark.django_db

PHONE, PASSPORT = "081377665544", "C7654321"


@pytest.fixture
def world():
    shelter = AgencyFactory(code="q-shelter", name="Rumah Aman Kenanga")
    police = AgencyFactory(code="q-police", name="Polres Nunukan Uji", type=AgencyType.POLICE)
    ours = PersonFactory(full_name="Wulan Sarimanah", phone=PHONE)
    IdentityDocument.objects.create(person=ours, type="passport", number=PASSPORT, issuing_country_id="ID")
    theirs = PersonFactory(full_name="WULANSARIMANAH BINTI ALI", date_of_birth=dt.date(1999, 4, 3))
    CaseFactory(lead_agency=shelter, survivor=ours)
    CaseFactory(lead_agency=police, survivor=theirs)
    pair = pair_of(ours, theirs, 0.83)
    return {"shelter": shelter, "police": police, "ours": ours, "theirs": theirs, "pair": pair,
            "cm": user_with_role(Role.CASE_MANAGER, shelter), "police_cm": user_with_role(Role.CASE_MANAGER, police)}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_reviewer_sees_their_side_masked_and_the_other_side_only_as_held_by(world):
    for url in (reverse("web:linkage_pairs"), reverse("web:linkage_pair", args=[world["pair"].pk])):
        body = _client(world["cm"]).get(url).content.decode()
        assert "Wulan Sarimanah" in body
        assert "WULANSARIMANAH BINTI ALI" not in body and "1999" not in body
        assert "Polres Nunukan Uji" in body  # the other record is "held by" the police; ask them
        assert PHONE not in body and PASSPORT not in body  # masked by role
    body = _client(world["cm"]).get(reverse("web:linkage_pair", args=[world["pair"].pk])).content.decode()
    assert PHONE[-3:] in body and PASSPORT[-3:] in body  # masked, not left out
    assert "hari dan bulan tertukar" in body and "9,5" in body  # which fields agreed and how much each weighed
    assert AuditEvent.objects.filter(action="read", object_type="person_pair", object_id=str(world["pair"].pk)).exists()


def test_pairs_the_user_may_not_see_are_not_found(world):
    stranger = user_with_role(Role.CASE_MANAGER, AgencyFactory(code="q-other"))
    intake = user_with_role(Role.INTAKE_OFFICER, world["shelter"])
    analyst = user_with_role(Role.ANALYST, world["shelter"])
    pair = world["pair"]
    for user in (stranger,):
        assert _client(user).get(reverse("web:linkage_pairs")).status_code == 200
        assert "Wulan" not in _client(user).get(reverse("web:linkage_pairs")).content.decode()
    for user in (stranger, intake, analyst):
        c = _client(user)
        assert c.get(reverse("web:linkage_pair", args=[pair.pk])).status_code == 404
        assert c.post(reverse("web:linkage_pair_decide", args=[pair.pk]), {"decision": "confirm"}).status_code == 404
    for user in (intake, analyst):
        assert _client(user).get(reverse("web:linkage_pairs")).status_code == 404
    import uuid

    assert _client(world["cm"]).get(reverse("web:linkage_pair", args=[uuid.uuid4()])).status_code == 404


def test_confirm_by_both_holders_merges_and_the_undo_separates(world):
    pair = world["pair"]
    url = reverse("web:linkage_pair_decide", args=[pair.pk])
    assert _client(world["cm"]).post(url, {"decision": "maybe"}).status_code == 400
    assert _client(world["cm"]).post(url, {"decision": "confirm"}).status_code == 302
    assert not Merge.objects.exists()
    body = _client(world["police_cm"]).get(reverse("web:linkage_pair", args=[pair.pk])).content.decode()
    assert "Sudah dikonfirmasi sebagai orang yang sama oleh: Rumah Aman Kenanga" in body
    assert _client(world["police_cm"]).post(url, {"decision": "confirm"}).status_code == 302
    merge = Merge.objects.get()
    assert Case.objects.filter(survivor=merge.survivor).count() == 2
    # After the merge both agencies hold the one person: the police now sees the record in full.
    body = _client(world["police_cm"]).get(reverse("web:linkage_pair", args=[pair.pk])).content.decode()
    assert "Batalkan penggabungan" in body
    assert _client(world["police_cm"]).post(url, {"decision": "reject"}).status_code == 409
    assert _client(world["cm"]).post(reverse("web:linkage_merge_undo", args=[merge.pk])).status_code == 302
    assert Case.objects.filter(survivor=world["theirs"]).count() == 1
    assert Case.objects.filter(survivor=world["ours"]).count() == 1


def test_estimate_page_shows_the_estimate_interval_model_and_caveats(world):
    shelter, police = world["shelter"], world["police"]
    ngo = AgencyFactory(code="q-ngo", name="LSM Uji", type=AgencyType.NGO)
    # Three overlapping lists of 30, 24 and 20 persons, with known overlaps.
    persons = [PersonFactory(full_name=f"Orang Uji {i}") for i in range(50)]
    for i, p in enumerate(persons):
        for agency, on in ((shelter, i < 30), (police, 14 <= i < 38), (ngo, i % 2 == 0 and i < 40)):
            if on:
                CaseFactory(lead_agency=agency, survivor=p, reported_on=clock.today() - dt.timedelta(days=5))
    analyst = user_with_role(Role.ANALYST, AgencyFactory(code="q-tf", type=AgencyType.TASK_FORCE))
    c = _client(analyst)
    assert c.get(reverse("web:analytics_estimate")).status_code == 200
    params = {"date_from": (clock.today() - dt.timedelta(days=30)).isoformat(), "date_to": clock.today().isoformat(),
              "lists": [shelter.type, police.type, ngo.type]}
    response = c.get(reverse("web:analytics_estimate"), params)
    body = response.content.decode()
    assert response.status_code == 200, body
    assert "Perkiraan jumlah seluruhnya" in body and "Anggapan model" in body and "Interval" in body
    assert "Orang Uji" not in body  # aggregates only
    assert c.get(reverse("web:analytics_estimate"), {**params, "lists": [ngo.type]}).status_code == 400
    assert c.get(reverse("web:analytics_estimate"), {**params, "date_from": "kemarin"}).status_code == 400
    assert _client(world["cm"]).get(reverse("web:analytics_estimate")).status_code == 404


def test_asking_a_partner_sends_encodings_only_for_a_case_of_the_agency(world, settings):
    from sinergi.exchange.models import OutboxMessage, Peer

    settings.SINERGI_CLK_KEYS = {"kh": "kunci-bersama-indonesia-kamboja-2026"}
    Peer.objects.create(code="kh", name="Kamboja Uji", base_url="https://kh.example.org")
    ours = Case.objects.get(survivor=world["ours"])
    theirs = Case.objects.get(survivor=world["theirs"])
    c = _client(world["cm"])
    assert c.get(reverse("web:linkage_partners")).status_code == 200
    response = c.post(reverse("web:linkage_partners"), {"case": theirs.reference, "peer": "kh"})
    assert response.status_code == 400 and not OutboxMessage.objects.exists()  # another agency's case
    assert c.post(reverse("web:linkage_partners"), {"case": ours.reference, "peer": "xx"}).status_code == 400
    response = c.post(reverse("web:linkage_partners"), {"case": ours.reference, "peer": "kh"})
    assert response.status_code == 302
    sent = OutboxMessage.objects.get()
    assert sent.kind == "linkage.query" and "wulan" not in str(sent.body).lower()
    assert "Kamboja Uji" in c.get(reverse("web:linkage_partners")).content.decode()


def test_the_queue_page_is_one_audit_row_and_a_decision_sent_twice_is_taken_once(world):
    c = _client(world["cm"])
    before = AuditEvent.objects.count()
    assert c.get(reverse("web:linkage_pairs")).status_code == 200
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.order_by("-seq").first()
    assert row.detail["ids"] == [str(world["pair"].pk)] and row.detail["persons"] == [str(world["ours"].pk)]
    page = c.get(reverse("web:linkage_pair", args=[world["pair"].pk])).content.decode()
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    url = reverse("web:linkage_pair_decide", args=[world["pair"].pk])
    assert c.post(url, {"decision": "reject", "idempotency_key": key}).status_code == 302
    decided = AuditEvent.objects.filter(object_type="person_pair", detail__decision="reject").count()
    assert c.post(url, {"decision": "reject", "idempotency_key": key}).status_code == 302  # not 409: a retry
    assert AuditEvent.objects.filter(object_type="person_pair", detail__decision="reject").count() == decided == 1
    assert c.post(url, {"decision": "reject"}).status_code == 409
