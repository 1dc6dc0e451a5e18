"""The linkage API: the review queue masked by role exactly as the page masks it (another agency's record is only
"held by <agency>"), 404 for pairs and merges the user may not see, decisions and unmerge idempotent by key, bad
input answered 400 with field errors and nothing written, one audit row per page or answer, and partner queries
that return only what the page shows."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from rest_framework.test import APIClient

from sinergi.access.masking import MASK
from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.cases.tests.factories import CaseFactory
from sinergi.exchange.models import OutboxMessage, Peer
from sinergi.linkage.enums import PairStatus
from sinergi.linkage.merging import pair_confirm
from sinergi.linkage.models import ClkQuery, MatchPair, Merge, RequestKey
from sinergi.linkage.tests.factories import pair_of
from sinergi.people.models import IdentityDocument
from sinergi.people.tests.factories import PersonFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

PHONE, PASSPORT = "081377665544", "C7654321"
KEY = "kunci-bersama-indonesia-kamboja-2026"
OTHER, POLICE = "other_supervisor", "police_case_manager"
ROLES = ["intake_officer", "case_manager", "supervisor", "agency_admin", "analyst", "system_admin", OTHER, POLICE]
NO_CASEWORK = ("agency_admin", "analyst", "system_admin")


class World:
    def __init__(self, settings):
        settings.SINERGI_CLK_KEYS = {"kh": KEY}
        self.peer = Peer.objects.create(code="kh", name="Kamboja Uji", base_url="https://kh.example.org")
        self.shelter = AgencyFactory(code="q-shelter", name="Rumah Aman Kenanga")
        self.police = AgencyFactory(code="q-police", name="Polres Nunukan Uji", type=AgencyType.POLICE)
        self.other = AgencyFactory(code="q-other", name="Lembaga Lain Uji")
        self.ours = PersonFactory(full_name="Wulan Sarimanah", phone=PHONE)
        IdentityDocument.objects.create(person=self.ours, type="passport", number=PASSPORT, issuing_country_id="ID")
        self.theirs = PersonFactory(full_name="WULANSARIMANAH BINTI ALI", date_of_birth=dt.date(1999, 4, 3),
                                    phone="081299990000")
        self.ours_case = CaseFactory(lead_agency=self.shelter, survivor=self.ours)
        self.theirs_case = CaseFactory(lead_agency=self.police, survivor=self.theirs)
        self.pair = pair_of(self.ours, self.theirs, 0.83)
        # A second pair, already merged: a registry worker nobody holds, confirmed by the shelter alone.
        self.kept = PersonFactory(full_name="Ratna Dewi Lestari")
        CaseFactory(lead_agency=self.shelter, survivor=self.kept)
        worker = PersonFactory(full_name="RATNA DEWI LESTARI")
        merged_pair = pair_of(self.kept, worker, 0.7)
        pair_confirm(actor=user_with_role(Role.CASE_MANAGER, self.shelter), pair=merged_pair)
        self.merge = Merge.objects.get()
        self.users = {}

    def user(self, role: str):
        if role not in self.users:
            if role == OTHER:
                self.users[role] = user_with_role(Role.SUPERVISOR, self.other)
            elif role == POLICE:
                self.users[role] = user_with_role(Role.CASE_MANAGER, self.police)
            else:
                self.users[role] = user_with_role(role, self.shelter)
        return self.users[role]

    def client(self, role: str) -> APIClient:
        return client_for(self.user(role))


@pytest.fixture
def world(settings) -> World:
    return World(settings)


def pair_url(w, tail=""):
    return f"/api/v1/linkage/pairs/{w.pair.pk}/{tail}"


def row(name, call, intake, manager, supervisor, *, no_casework=404, other=404, police=None):
    expected = {"intake_officer": intake, "case_manager": manager, "supervisor": supervisor, OTHER: other,
                POLICE: manager if police is None else police, **{r: no_casework for r in NO_CASEWORK}}
    return pytest.param(call, expected, id=name)


MATRIX = [
    row("pairs-list", lambda a, w: a.get("/api/v1/linkage/pairs/"), 403, 200, 200, no_casework=403, other=200),
    row("pairs-retrieve", lambda a, w: a.get(pair_url(w)), 404, 200, 200),
    row("pairs-confirm", lambda a, w: a.post(pair_url(w, "decision/"), {"decision": "confirm"}, format="json"),
        404, 200, 200),
    row("pairs-reject", lambda a, w: a.post(pair_url(w, "decision/"), {"decision": "reject", "reason": "beda"},
                                            format="json"), 404, 200, 200),
    # The merge's survivor is the shelter's: the police holds neither of its persons.
    row("merges-undo", lambda a, w: a.post(f"/api/v1/linkage/merges/{w.merge.pk}/undo/", {}, format="json"),
        404, 200, 200, police=404),
    row("partners-list", lambda a, w: a.get("/api/v1/linkage/partners/"), 403, 200, 200, no_casework=403,
        other=200),
    row("partner-queries-list", lambda a, w: a.get("/api/v1/linkage/partner-queries/"), 403, 200, 200,
        no_casework=403, other=200),
    # Another agency's case is answered as a case that does not exist: a field error, nothing sent.
    row("partner-queries-create", lambda a, w: a.post("/api/v1/linkage/partner-queries/", {
        "case": w.ours_case.reference, "peer": "kh"}, format="json"), 403, 201, 201, no_casework=403, other=400,
        police=400),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("call", "expected"), MATRIX)
def test_permission_matrix(world, role, call, expected):
    response = call(world.client(role), world)
    assert response.status_code == expected[role], getattr(response, "data", response)
    if response.status_code == 404:
        assert response.json() == {"detail": "Tidak ditemukan."}
    if response.status_code == 403:
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(("call", "expected"), MATRIX)
def test_anonymous_is_refused(world, call, expected):
    assert call(APIClient(), world).status_code == 401


def test_each_side_is_masked_by_role_and_the_other_agencys_record_is_only_held_by(world):
    body = world.client("intake_officer").get("/api/v1/linkage/pairs/")
    assert body.status_code == 403  # intake officers do not review duplicates
    data = world.client("case_manager").get(pair_url(world)).json()
    sides = {("ours" if s["held"] else "theirs"): s for s in (data["left"], data["right"])}
    ours, theirs = sides["ours"], sides["theirs"]
    assert ours["person"]["full_name"] == "Wulan Sarimanah" and ours["held_by"] == []
    assert ours["person"]["phone"] == MASK * (len(PHONE) - 3) + PHONE[-3:]
    assert ours["person"]["documents"] == [{"type": "passport", "type_label": "Paspor",
                                            "number": MASK * (len(PASSPORT) - 3) + PASSPORT[-3:]}]
    assert ours["person"]["origin_village"] == "53.01.04.2003" and ours["person"]["origin_village_name"]
    assert theirs == {"held": False, "person": None, "held_by": ["Polres Nunukan Uji"]}
    text = json.dumps(data)
    for secret in (PHONE, PASSPORT, "WULANSARIMANAH", "1999", "081299990000", str(world.theirs.pk)):
        assert secret not in text, secret
    # Which fields agreed and how much each weighed: levels, never values.
    assert data["explanation"][0] == {"field": "name", "label": "Nama", "level": "nama sama (urutan apa pun)",
                                      "weight": 9.5, "agreement": 4}
    assert data["status"] == "pending" and data["merge"] is None
    # The police sees the mirror image.
    data = world.client(POLICE).get(pair_url(world)).json()
    text = json.dumps(data)
    assert "WULANSARIMANAH BINTI ALI" in text and "Rumah Aman Kenanga" in text
    for secret in ("Wulan Sarimanah", PHONE[-3:] + '"', PASSPORT[-3:] + '"', str(world.ours.pk)):
        assert secret not in text, secret


def test_the_list_is_the_pages_queue_one_audit_row_per_page(world):
    client = world.client("case_manager")
    before = AuditEvent.objects.count()
    body = client.get("/api/v1/linkage/pairs/").json()
    assert [p["id"] for p in body["results"]] == [str(world.pair.pk)]
    assert AuditEvent.objects.count() == before + 1
    read = AuditEvent.objects.order_by("-seq").first()
    assert read.action == "read" and read.object_type == "person_pair" and read.detail["ids"] == [str(world.pair.pk)]
    assert read.detail["persons"] == [str(world.ours.pk)]  # only the side shown in full
    assert read.agency_id == world.shelter.pk
    confirmed = client.get("/api/v1/linkage/pairs/", {"status": "confirmed"}).json()["results"]
    assert [p["merge"] for p in confirmed] == [str(world.merge.pk)]
    client.get(pair_url(world))
    detail = AuditEvent.objects.order_by("-seq").first()
    assert (detail.object_type, detail.object_id) == ("person_pair", str(world.pair.pk))
    assert AuditEvent.objects.count() == before + 3


def test_keyset_pages_walk_the_queue_most_likely_first(world):
    more = []
    for i in range(4):
        p = PersonFactory(full_name=f"Wulan Sari {i}")
        CaseFactory(lead_agency=world.shelter, survivor=p)
        more.append(pair_of(world.ours, p, 0.6 + i / 100))
    client = world.client("case_manager")
    seen, url = [], "/api/v1/linkage/pairs/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [p["probability"] for p in body["results"]]
        url = body["next"]
    assert seen == sorted(seen, reverse=True) and len(seen) == 5
    assert client.get("/api/v1/linkage/pairs/", {"cursor": "nonsense"}).status_code == 400


def test_pairs_and_merges_the_user_may_not_see_are_not_found(world):
    counts = AuditEvent.objects.count(), MatchPair.objects.filter(status=PairStatus.PENDING).count()
    for role in (OTHER, "intake_officer", "analyst"):
        client = world.client(role)
        for url in (pair_url(world), f"/api/v1/linkage/pairs/{uuid.uuid4()}/", "/api/v1/linkage/pairs/abc/"):
            assert client.get(url).status_code == 404
            assert client.post(url + "decision/", {"decision": "confirm"}, format="json").status_code == 404
        for merge in (world.merge.pk, uuid.uuid4(), "abc"):
            assert client.post(f"/api/v1/linkage/merges/{merge}/undo/", {}, format="json").status_code == 404
    assert (AuditEvent.objects.count(), MatchPair.objects.filter(status=PairStatus.PENDING).count()) == counts


def test_both_holders_confirm_merge_and_undo_through_the_api(world):
    url = pair_url(world, "decision/")
    first = world.client("case_manager").post(url, {"decision": "confirm", "idempotency_key": "k-1"}, format="json")
    assert first.status_code == 200 and first.json()["status"] == "pending"
    assert first.json()["confirmed_by_agencies"] == ["Rumah Aman Kenanga"]
    again = world.client("case_manager")
    assert Merge.objects.count() == 1
    done = world.client(POLICE).post(url, {"decision": "confirm"}, format="json").json()
    assert done["status"] == "confirmed" and done["merge"]
    merge = Merge.objects.get(pk=done["merge"])
    assert set(Case.objects.filter(survivor=merge.survivor)) == {world.ours_case, world.theirs_case}
    # The same request again (a lost answer retried) changes nothing; without its key it is a conflict.
    audit = AuditEvent.objects.count()
    replay = again.post(url, {"decision": "confirm", "idempotency_key": "k-1"}, format="json")
    assert replay.status_code == 200 and replay.json()["status"] == "confirmed"
    assert AuditEvent.objects.count() == audit
    conflict = world.client(POLICE).post(url, {"decision": "reject"}, format="json")
    assert conflict.status_code == 409 and conflict.json()["errors"]["non_field_errors"]
    undo_url = f"/api/v1/linkage/merges/{merge.pk}/undo/"
    undone = again.post(undo_url, {"idempotency_key": "u-1"}, format="json")
    assert undone.status_code == 200 and undone.json()["unmerged_at"]
    assert again.post(undo_url, {"idempotency_key": "u-1"}, format="json").json() == undone.json()
    assert again.post(undo_url, {}, format="json").status_code == 409
    # The police holds neither person of the survivor's record any more: the merge is not found for it.
    assert world.client(POLICE).post(undo_url, {}, format="json").status_code == 404
    assert Case.objects.get(pk=world.theirs_case.pk).survivor_id == world.theirs.pk
    assert world.client("case_manager").get(pair_url(world)).json()["status"] == "unmerged"


def test_a_key_used_for_another_action_is_refused(world):
    client = world.client("case_manager")
    assert client.post(f"/api/v1/linkage/merges/{world.merge.pk}/undo/", {"idempotency_key": "same"},
                       format="json").status_code == 200
    response = client.post(pair_url(world, "decision/"), {"decision": "reject", "idempotency_key": "same"},
                           format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"idempotency_key"}
    assert MatchPair.objects.get(pk=world.pair.pk).status == PairStatus.PENDING


def _written():
    return (AuditEvent.objects.count(), ClkQuery.objects.count(), OutboxMessage.objects.count(),
            RequestKey.objects.count(), list(MatchPair.objects.order_by("pk").values_list("status", flat=True)))


BAD = [
    ("decision missing", lambda a, w: a.post(pair_url(w, "decision/"), {}, format="json"), "decision"),
    ("decision unknown", lambda a, w: a.post(pair_url(w, "decision/"), {"decision": "maybe"}, format="json"),
     "decision"),
    ("decision unknown field", lambda a, w: a.post(pair_url(w, "decision/"), {"decision": "confirm", "why": 1},
                                                   format="json"), "why"),
    ("reason too long", lambda a, w: a.post(pair_url(w, "decision/"), {"decision": "reject", "reason": "x" * 301},
                                            format="json"), "reason"),
    ("key too long", lambda a, w: a.post(pair_url(w, "decision/"), {"decision": "reject",
                                                                    "idempotency_key": "k" * 65}, format="json"),
     "idempotency_key"),
    ("body not an object", lambda a, w: a.post(pair_url(w, "decision/"), [1, 2], format="json"), "non_field_errors"),
    ("status unknown", lambda a, w: a.get("/api/v1/linkage/pairs/", {"status": "maybe"}), "status"),
    ("undo unknown field", lambda a, w: a.post(f"/api/v1/linkage/merges/{w.merge.pk}/undo/", {"force": True},
                                               format="json"), "force"),
    ("query without case", lambda a, w: a.post("/api/v1/linkage/partner-queries/", {"peer": "kh"}, format="json"),
     "case"),
    ("query unknown peer", lambda a, w: a.post("/api/v1/linkage/partner-queries/", {
        "case": w.ours_case.reference, "peer": "zz"}, format="json"), "peer"),
    ("query another agency's case", lambda a, w: a.post("/api/v1/linkage/partner-queries/", {
        "case": w.theirs_case.reference, "peer": "kh"}, format="json"), "case"),
    ("query unknown case", lambda a, w: a.post("/api/v1/linkage/partner-queries/", {
        "case": "TIDAK-ADA", "peer": "kh"}, format="json"), "case"),
]


@pytest.mark.parametrize(("call", "field"), [pytest.param(c, f, id=n) for n, c, f in BAD])
def test_bad_input_is_a_field_error_and_writes_nothing(world, call, field):
    before = _written()
    response = call(world.client("case_manager"), world)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert _written() == before


def test_errors_and_labels_come_in_the_readers_language(world):
    user = world.user("case_manager")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client = APIClient()
    client.force_login(user)
    data = client.get(pair_url(world)).json()
    assert data["explanation"][1]["level"] == "day and month swapped" and data["explanation"][0]["label"] == "Name"
    assert data["status_label"] == "Waiting for review"
    assert client.get(f"/api/v1/linkage/pairs/{uuid.uuid4()}/").json() == {"detail": "Not found."}
    bad = client.post("/api/v1/linkage/partner-queries/", {"case": "TIDAK-ADA", "peer": "zz"}, format="json").json()
    assert bad["errors"]["case"] == ["There is no case with this number led by your agency."]
    assert bad["errors"]["peer"] == ["No linkage key has been agreed with this partner yet."]
    assert client.post(pair_url(world, "decision/"), {}, format="json").json()["errors"]["decision"] == \
        ["This field is required."]


def test_a_partner_query_sends_encodings_only_and_returns_only_what_the_page_shows(world):
    client = world.client("case_manager")
    assert client.get("/api/v1/linkage/partners/").json() == [{"code": "kh", "name": "Kamboja Uji"}]
    body = {"case": world.ours_case.reference, "peer": "kh", "idempotency_key": "q-1"}
    first = client.post("/api/v1/linkage/partner-queries/", body, format="json")
    assert first.status_code == 201
    again = client.post("/api/v1/linkage/partner-queries/", body, format="json")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert ClkQuery.objects.count() == 1 and OutboxMessage.objects.filter(kind="linkage.query").count() == 1
    sent = OutboxMessage.objects.get()
    assert "wulan" not in json.dumps(sent.body).lower()
    query = first.json()
    assert set(query) == {"id", "asked_at", "peer", "answered_at", "matches"}
    assert query["peer"] == {"code": "kh", "name": "Kamboja Uji"} and query["answered_at"] is None
    ClkQuery.objects.update(answered_at=dt.datetime.now(dt.UTC), matches=[
        {"score": 0.91, "agency": "cnp-ahtj", "agency_name": "Cambodian National Police"}])
    before = AuditEvent.objects.count()
    listed = client.get("/api/v1/linkage/partner-queries/").json()["results"]
    assert listed[0]["matches"] == [{"agency": "cnp-ahtj", "agency_name": "Cambodian National Police",
                                     "score": 0.91}]
    text = json.dumps(listed)
    assert "Wulan" not in text and world.ours_case.reference not in text and str(world.ours.pk) not in text
    assert AuditEvent.objects.count() == before + 1
    # Another agency's reviewer sees none of the shelter's questions.
    assert world.client(POLICE).get("/api/v1/linkage/partner-queries/").json()["results"] == []
