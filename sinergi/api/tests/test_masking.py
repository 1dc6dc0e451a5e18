"""Masking and reveal: sensitive fields come masked; revealing needs a role allowed by the masking rules and a
purpose, and writes a REVEAL audit row with that purpose. Every read of a person writes a READ row."""

from __future__ import annotations

from sinergi.access.masking import MASK
from sinergi.audit.models import AuditEvent

from .conftest import NIK, client_for


def person_url(scene):
    return f"/api/v1/persons/{scene.person.pk}/"


def audit_rows(action, object_id):
    return list(AuditEvent.objects.filter(action=action, object_id=str(object_id)).order_by("seq"))


def test_intake_officer_sees_masked_nik_and_contacts(scene):
    body = client_for(scene.user("intake_officer")).get(person_url(scene)).json()
    number = body["documents"][0]["number"]
    assert number != NIK and number.endswith(NIK[-3:]) and number.count(MASK) == len(NIK) - 3
    assert body["phone"].startswith(MASK) and "0812345" not in body["phone"]
    assert body["address"] == MASK * 6
    assert body["email"].startswith(MASK)
    family = body["family_contacts"][0]
    assert family["name"] == "Yohanes"
    assert family["phone"].startswith(MASK) and family["address"] == MASK * 6
    assert body["revealed"] == []


def test_every_person_read_is_audited(scene):
    user = scene.user("case_manager")
    client = client_for(user)
    for _ in range(2):
        assert client.get(person_url(scene), {"purpose": "tindak lanjut"}).status_code == 200
    reads = audit_rows("read", scene.person.pk)
    assert len(reads) == 2
    assert {r.username for r in reads} == {user.username}
    assert reads[0].object_type == "person" and reads[0].purpose == "tindak lanjut"
    assert str(reads[0].agency_id) == str(scene.agency.pk) and reads[0].role == "case_manager"


def test_intake_officer_may_not_reveal_identity(scene):
    client = client_for(scene.user("intake_officer"))
    response = client.get(person_url(scene), {"reveal": "identity", "purpose": "verifikasi"})
    assert response.status_code == 403
    assert NIK not in response.content.decode()
    assert audit_rows("reveal", scene.person.pk) == []
    assert audit_rows("read", scene.person.pk) == []


def test_intake_officer_may_reveal_contact_but_not_identity_in_one_request(scene):
    client = client_for(scene.user("intake_officer"))
    assert client.get(person_url(scene), {"reveal": "contact,identity", "purpose": "x"}).status_code == 403
    body = client.get(person_url(scene), {"reveal": "contact", "purpose": "menghubungi keluarga"}).json()
    assert body["phone"] == "081234567890"
    assert body["family_contacts"][0]["phone"] == "081300001111"
    assert body["documents"][0]["number"] != NIK  # identity stays masked
    assert body["address"] == MASK * 6  # address was not asked for
    assert body["revealed"] == ["contact"]


def test_reveal_writes_reveal_row_with_purpose(scene):
    user = scene.user("case_manager")
    body = client_for(user).get(person_url(scene), {"reveal": "identity,address", "purpose": "permohonan SPLP"}).json()
    assert body["documents"][0]["number"] == NIK
    assert body["address"] == "Jl. Merdeka 1"
    assert body["family_contacts"][0]["address"] == "Desa Oelnasi RT 02"
    assert body["phone"].startswith(MASK)
    (row,) = audit_rows("reveal", scene.person.pk)
    assert row.purpose == "permohonan SPLP"
    assert row.detail["fields"] == ["address", "identity"]
    assert row.username == user.username and row.object_type == "person"
    assert len(audit_rows("read", scene.person.pk)) == 1


def test_reveal_needs_a_purpose(scene):
    response = client_for(scene.user("supervisor")).get(person_url(scene), {"reveal": "identity"})
    assert response.status_code == 400
    assert "purpose" in response.json()["errors"]
    assert audit_rows("reveal", scene.person.pk) == []


def test_case_travel_document_number_masked_until_revealed(scene):
    client = client_for(scene.user("supervisor"))
    url = f"/api/v1/cases/{scene.case.pk}/"
    assert client.get(url).json()["travel_document_number"] == MASK * 5 + "567"
    revealed = client.get(url, {"reveal": "identity", "purpose": "pemulangan"}).json()
    assert revealed["travel_document_number"] == "X1234567"
    (row,) = audit_rows("reveal", scene.case.pk)
    assert row.object_type == "case" and row.purpose == "pemulangan"


def test_reporter_contact_is_masked_and_revealable(scene):
    url = f"/api/v1/reports/{scene.open_report.pk}/"
    client = client_for(scene.user("intake_officer"))
    assert client.get(url).json()["reporter_contact"].startswith(MASK)
    revealed = client.get(url, {"reveal": "contact", "purpose": "telepon balik"}).json()
    assert revealed["reporter_contact"] == "081299998888"
    assert [r.action for r in AuditEvent.objects.filter(object_id=str(scene.open_report.pk)).order_by("seq")] == [
        "read", "read", "reveal"]


def test_written_values_come_back_masked(scene):
    client = client_for(scene.user("intake_officer"))
    response = client.post(f"/api/v1/persons/{scene.person.pk}/documents/",
                           {"type": "passport", "number": "c7654321", "issuing_country": "IDN"}, format="json")
    assert response.status_code == 201
    assert response.json()["number"] == MASK * 5 + "321"
    assert response.json()["issuing_country"] == "ID"
