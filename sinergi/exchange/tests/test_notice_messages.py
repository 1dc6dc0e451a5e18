"""Notice messages in one process: what leaves for each peer, what fits in a message, and how arrivals are checked
(this instance peered with itself, its own keys as the peer's)."""

import base64
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.models import Agency
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.exchange import crypto, services
from sinergi.exchange.models import ExchangeLog, InboxMessage, OutboxMessage, Peer
from sinergi.notifications.models import Notification
from sinergi.referrals import notices
from sinergi.referrals.models import Notice, NoticeAnswer, NoticeRecipient

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def self_peer(settings):
    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    return Peer.objects.create(code="id", name="Self", base_url="http://127.0.0.1:9", jwks=crypto.jwks_public())


def token(peer, kind, body, message_id=None):
    return crypto.seal({"id": message_id or str(uuid.uuid4()), "kind": kind, "from": peer.code, "to": "id",
                        "sent_at": clock.now().isoformat(), "body": body}, peer)


def remote(code, peer, name=None):
    return AgencyFactory(code=f"{peer.code}-{code}", name=name or code, type=AgencyType.FOREIGN_POLICE,
                         country_id="KH", region=None, peer=peer, remote_code=code)


def test_one_message_per_peer_with_only_what_the_notice_needs():
    kh = Peer.objects.create(code="kh", name="Cambodia", base_url="https://kh.example")
    th = Peer.objects.create(code="th", name="Thailand", base_url="https://th.example")
    police = AgencyFactory(name="NCB Interpol Jakarta", code="ncb-jakarta", type=AgencyType.POLICE)
    local = AgencyFactory(code="kbri-pp")
    officer = user_with_role(Role.CASE_MANAGER, police)
    case = CaseFactory(lead_agency=police)
    notice = notices.notice_issue(
        actor=officer, agency_id=police.pk, kind="missing", description="Tahi lalat di pipi kiri",
        recipients=[remote("cnp", kh), remote("gdi", kh), remote("rtp", th), local], subject_name="Maria",
        last_known_place="Sihanoukville", last_known_country="KH", case=case,
        photo=SimpleUploadedFile("foto.png", PNG))
    sent = {m.peer.code: m for m in OutboxMessage.objects.select_related("peer")}
    assert set(sent) == {"kh", "th"} and {m.kind for m in sent.values()} == {"notice.create"}
    assert sent["kh"].body["to_agencies"] == ["cnp", "gdi"] and sent["th"].body["to_agencies"] == ["rtp"]
    body = sent["kh"].body
    assert set(body) == {"notice_id", "kind", "subject_name", "description", "last_known_place", "last_known_country",
                         "last_seen_on", "issued_by", "to_agencies", "photo"}
    assert body["notice_id"] == str(notice.pk) and base64.b64decode(body["photo"]) == PNG
    assert body["issued_by"] == {"code": "ncb-jakarta", "name": "NCB Interpol Jakarta", "type": "police",
                                 "country": "ID"}

    # A local answer to our own notice stays here; closing tells every peer that received it.
    notices.notice_answer(actor=user_with_role(Role.CASE_MANAGER, local), notice=notice, body="Belum ada kabar")
    assert OutboxMessage.objects.count() == 2
    notices.notice_close(actor=officer, notice=notice)
    notices.notice_close(actor=officer, notice=notice)  # closing twice tells them once
    closes = OutboxMessage.objects.filter(kind="notice.close").select_related("peer")
    assert sorted(m.peer.code for m in closes) == ["kh", "th"]
    assert all(m.body == {"notice_id": str(notice.pk)} for m in closes)


def test_notice_to_local_agencies_only_sends_nothing():
    police = AgencyFactory(type=AgencyType.POLICE)
    notices.notice_issue(actor=user_with_role(Role.CASE_MANAGER, police), agency_id=police.pk, kind="missing",
                         description="x", recipients=[AgencyFactory()])
    assert not OutboxMessage.objects.exists()


def test_largest_notice_fits_in_one_message(self_peer, monkeypatch):
    """The largest photo a remote recipient accepts, with the longest texts (non-ASCII, escaped in JSON), sealed,
    stays under what a peer's inbox reads."""
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * (notices.REMOTE_PHOTO_MAX_BYTES // 256)
    photo = photo[:notices.REMOTE_PHOTO_MAX_BYTES]
    body = {"notice_id": str(uuid.uuid4()), "kind": "unidentified", "subject_name": "ស" * 200,
            "description": "ស" * notices.DESCRIPTION_MAX_CHARS, "last_known_place": "ស" * 300,
            "last_known_country": "KH", "last_seen_on": "2025-11-02",
            "issued_by": {"code": "c" * 40, "name": "n" * 200, "type": "foreign_police", "country": "KH"},
            "to_agencies": ["a" * 40] * 10, "photo": base64.b64encode(photo).decode()}
    assert len(token(self_peer, "notice.create", body).encode()) < services.MAX_BODY_BYTES


def test_photo_too_large_for_a_remote_recipient_is_refused():
    kh = Peer.objects.create(code="kh", name="Cambodia", base_url="https://kh.example")
    police = AgencyFactory(type=AgencyType.POLICE)
    officer = user_with_role(Role.CASE_MANAGER, police)
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * notices.REMOTE_PHOTO_MAX_BYTES
    with pytest.raises(ValidationError) as exc:
        notices.notice_issue(actor=officer, agency_id=police.pk, kind="missing", description="x",
                             recipients=[remote("cnp", kh)], photo=SimpleUploadedFile("foto.png", big))
    assert "instansi lain" in str(exc.value.message_dict["photo"])
    assert not Notice.objects.exists() and not OutboxMessage.objects.exists()
    # The same photo to a partner on this instance is fine (up to the 5 MB of a local notice).
    notices.notice_issue(actor=officer, agency_id=police.pk, kind="missing", description="x",
                         recipients=[AgencyFactory()], photo=SimpleUploadedFile("foto.png", big))


def arriving(notice_id=None, to=("cnp",), **extra):
    return {"notice_id": notice_id or str(uuid.uuid4()), "kind": "missing", "subject_name": "Maria Goreti Seran",
            "description": "Perempuan 22 tahun", "last_known_place": "Sihanoukville", "last_known_country": "KH",
            "last_seen_on": "2025-11-02", "to_agencies": list(to),
            "issued_by": {"code": "ncb-jakarta", "name": "NCB Interpol Jakarta", "type": "police", "country": "ID"},
            "photo": base64.b64encode(PNG).decode(), **extra}


@pytest.fixture
def cnp():
    agency = AgencyFactory(code="cnp", name="Cambodian National Police", type=AgencyType.FOREIGN_POLICE,
                           country_id="KH", region=None)
    return agency, user_with_role(Role.CASE_MANAGER, agency)


def test_arrival_creates_notice_once_per_sender_notice(self_peer, cnp, django_capture_on_commit_callbacks):
    agency, officer = cnp
    other = AgencyFactory(code="gdi")
    body = arriving()
    with django_capture_on_commit_callbacks(execute=True):
        status, _ = services.inbox_receive(token(self_peer, "notice.create", body))
    assert status == 200
    notice = Notice.objects.get()
    assert notice.remote_peer == self_peer and str(notice.remote_id) == body["notice_id"]
    assert notice.issued_by.peer == self_peer and notice.issued_by.remote_code == "ncb-jakarta"
    assert list(notice.recipients.all()) == [agency] and notice.photo.read() == PNG
    assert Notification.objects.filter(recipient=officer, key=f"notice:{notice.pk}").exists()
    assert notices.notices_visible_to(officer).count() == 1
    assert not notices.notices_visible_to(user_with_role(Role.CASE_MANAGER, other)).exists()
    assert AuditEvent.objects.filter(object_type="notice", object_id=str(notice.pk), action="create",
                                     username="peer:id").exists()
    # The same notice in a new message (the sender queued it again): still one notice here.
    status, _ = services.inbox_receive(token(self_peer, "notice.create", body))
    assert status == 200 and Notice.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="notice", action="create").count() == 1


@pytest.mark.parametrize("change", [
    {"to_agencies": ["cnp", "no-such-agency"]}, {"to_agencies": []}, {"kind": "wanted"}, {"description": " "},
    {"photo": base64.b64encode(b"MZ not an image").decode()}, {"photo": "***"}, {"notice_id": "x"},
    {"issued_by": {"code": "ncb", "country": "XX"}},
])
def test_bad_arrival_rejected_without_side_effect(self_peer, cnp, change):
    agencies = Agency.objects.count()
    status, body = services.inbox_receive(token(self_peer, "notice.create", arriving(**change)))
    assert status == 422
    assert not Notice.objects.exists() and not InboxMessage.objects.exists() and Agency.objects.count() == agencies
    assert ExchangeLog.objects.filter(kind="notice.create", outcome="rejected").exists()


def test_answers_and_close_only_for_the_right_notice_and_agency(self_peer, cnp):
    """Here the peer is ourselves: a notice we issue to our stand-in for the peer's agency, answered "from there"."""
    police = AgencyFactory(type=AgencyType.POLICE)
    officer = user_with_role(Role.CASE_MANAGER, police)
    stand_in = remote("cnp", self_peer)
    notice = notices.notice_issue(actor=officer, agency_id=police.pk, kind="missing", description="x",
                                  recipients=[stand_in])
    answer = {"notice_id": str(notice.pk), "answer_id": str(uuid.uuid4()), "agency": "cnp", "body": "Ada kabar"}
    for bad in ({"agency": "gdi"}, {"notice_id": str(uuid.uuid4())}, {"body": ""}):
        assert services.inbox_receive(token(self_peer, "notice.answer", {**answer, **bad}))[0] == 422
    assert not NoticeAnswer.objects.exists()
    assert services.inbox_receive(token(self_peer, "notice.answer", answer))[0] == 200
    got = NoticeAnswer.objects.get()
    assert got.agency == stand_in and got.author is None and got.body == "Ada kabar"
    assert NoticeRecipient.objects.get(notice=notice, agency=stand_in).seen_at is not None  # answering is seeing
    # A close for a notice we did not receive from that peer changes nothing.
    # (425: it may be a close that overtook its notice; the sender tries again later.)
    assert services.inbox_receive(token(self_peer, "notice.close", {"notice_id": str(notice.pk)}))[0] == 425
    notice.refresh_from_db()
    assert notice.status == "open"
