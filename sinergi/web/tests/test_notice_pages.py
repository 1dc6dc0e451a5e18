import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.audit.models import AuditEvent
from sinergi.audit.selectors import audit_reads_of
from sinergi.core.testing import ALL_ROLES, PASSWORD, AgencyFactory, CaseFactory, user_with_role
from sinergi.exchange.models import OutboxMessage, Peer
from sinergi.referrals import notices
from sinergi.referrals.models import Notice, NoticeAnswer, Referral

pytestmark = pytest.mark.django_db


def png(width=8, height=8, rgb=(200, 120, 40)) -> bytes:
    """A small valid PNG (one colour), so pages and browsers can show it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def scene():
    police = AgencyFactory(name="NCB Interpol Jakarta", code="ncb-jakarta", type=AgencyType.POLICE)
    kh_police = AgencyFactory(name="Cambodian National Police", code="cnp", type=AgencyType.FOREIGN_POLICE,
                              country_id="KH", region=None)
    embassy = AgencyFactory(name="KBRI Phnom Penh", code="kbri-pp", type=AgencyType.FOREIGN_MINISTRY)
    bystander = AgencyFactory(name="Dinas lain", code="dinas-lain")
    return {
        "police": police, "kh_police": kh_police, "embassy": embassy,
        "case": CaseFactory(lead_agency=police),
        "officer": user_with_role(Role.CASE_MANAGER, police),
        "intake": user_with_role(Role.INTAKE_OFFICER, police),
        "admin": user_with_role(Role.AGENCY_ADMIN, police),
        "kh_officer": user_with_role(Role.CASE_MANAGER, kh_police),
        "outsider": user_with_role(Role.SUPERVISOR, bystander),
    }


def issue(s, **kwargs):
    data = {"actor": s["officer"], "agency_id": s["police"].pk, "kind": "missing",
            "description": "Perempuan 22 tahun, tahi lalat di pipi kiri", "recipients": [s["kh_police"].pk],
            "subject_name": "Maria Goreti Seran", "last_known_place": "Sihanoukville", "last_known_country": "KH",
            "case": s["case"]}
    data.update(kwargs)
    return notices.notice_issue(**data)


def test_menu_and_list_issued_and_received_open_first(client, scene):
    s = scene
    closed = issue(s, subject_name="Sudah Ditemukan")
    notices.notice_close(actor=s["officer"], notice=closed)
    mine = issue(s, subject_name="Maria Goreti Seran")
    notices.notice_answer(actor=s["kh_officer"], notice=mine, body="Mungkin di kompleks Jinbei 4")
    notices.notice_answer(actor=s["kh_officer"], notice=mine, body="Sudah kami cek, belum pasti")
    kh_officer2 = user_with_role(Role.SUPERVISOR, s["kh_police"])
    received = notices.notice_issue(actor=kh_officer2, agency_id=s["kh_police"].pk, kind="unidentified",
                                    description="Laki-laki, sekitar 30 tahun, berbahasa Indonesia",
                                    recipients=[s["police"].pk], last_known_place="Poipet")
    issue(s, recipients=[s["embassy"].pk], subject_name="Bukan Untuk Kamboja")

    login(client, s["kh_officer"])
    r = client.get(reverse("web:notice_list"))
    body = r.content.decode()
    assert r.status_code == 200
    assert 'href="/notices/"' in body and "Pemberitahuan" in body  # menu entry
    assert "Maria Goreti Seran" in body and "Poipet" in body and "Sihanoukville" in body
    assert "NCB Interpol Jakarta" in body
    assert "Bukan Untuk Kamboja" not in body  # sent to another agency only
    assert body.index("Maria Goreti Seran") < body.index("Sudah Ditemukan")  # open first
    assert f'href="{reverse("web:notice_detail", args=[received.pk])}"' in body
    assert any(r.user_id == s["kh_officer"].pk and r.detail["via"] == "list"
               for r in audit_reads_of("notice", mine.pk))

    closed_only = client.get(reverse("web:notice_list"), {"status": "closed"}).content.decode()
    assert "Sudah Ditemukan" in closed_only and "Maria Goreti Seran" not in closed_only
    open_only = client.get(reverse("web:notice_list"), {"status": "open"}).content.decode()
    assert "Sudah Ditemukan" not in open_only and "Maria Goreti Seran" in open_only
    assert client.get(reverse("web:notice_list"), {"status": "bogus", "page": "x"}).status_code == 200
    assert "Terbitkan pemberitahuan" in body  # a case manager may issue

    client.logout()
    login(client, s["intake"])
    body = client.get(reverse("web:notice_list")).content.decode()
    assert "Maria Goreti Seran" in body and "Terbitkan pemberitahuan" not in body
    client.logout()
    login(client, s["admin"])
    assert 'href="/notices/"' not in client.get(reverse("web:home")).content.decode()
    assert client.get(reverse("web:notice_list")).status_code == 404


def test_list_shows_answer_counts_and_query_count_is_constant(client, scene, django_assert_max_num_queries):
    s = scene
    for i in range(30):
        n = issue(s, subject_name=f"Orang {i}")
        notices.notice_answer(actor=s["kh_officer"], notice=n, body="Ada kabar")
    login(client, s["officer"])
    with django_assert_max_num_queries(16):
        r = client.get(reverse("web:notice_list"))
    assert r.status_code == 200
    assert r.content.decode().count('data-label="Jawaban">1<') == 25  # one page of 25, each with its one answer
    assert r.content.decode().count("badge open") == 25


def test_issue_form_only_for_roles_that_may_issue(client, scene):
    s = scene
    login(client, s["intake"])
    assert client.get(reverse("web:notice_new")).status_code == 404
    r = client.post(reverse("web:notice_new"), {"agency": str(s["police"].pk), "kind": "missing",
                                                "description": "x", "recipients": [str(s["kh_police"].pk)]})
    assert r.status_code == 404 and not Notice.objects.exists()
    client.logout()
    login(client, s["admin"])
    assert client.get(reverse("web:notice_new")).status_code == 404
    client.logout()
    login(client, s["officer"])
    r = client.get(reverse("web:notice_new"), {"case": s["case"].reference})
    body = r.content.decode()
    assert r.status_code == 200
    assert "Cambodian National Police" in body and "Kamboja" in body  # grouped by country
    assert "NCB Interpol Jakarta" not in body.split("id_recipients")[1]  # not to itself
    assert f'value="{s["case"].reference}"' in body
    assert 'type="hidden" name="agency"' in body  # one issuing agency: no choice to make


def test_issue_bad_input_shows_field_errors_and_keeps_input(client, scene, monkeypatch):
    s = scene
    login(client, s["officer"])
    url = reverse("web:notice_new")
    base = {"agency": str(s["police"].pk), "kind": "missing", "description": "Tahi lalat di pipi kiri",
            "last_known_place": "Sihanoukville", "recipients": [str(s["kh_police"].pk)]}

    r = client.post(url, {**base, "recipients": []})
    body = r.content.decode()
    assert r.status_code == 400 and 'id="id_recipients_error"' in body
    assert "Tahi lalat di pipi kiri" in body and 'value="Sihanoukville"' in body

    r = client.post(url, {**base, "photo": SimpleUploadedFile("foto.png", b"MZ\x90\x00 not an image at all")})
    assert r.status_code == 400 and 'id="id_photo_error"' in r.content.decode()
    assert "JPEG atau PNG" in r.content.decode()

    monkeypatch.setattr(notices, "PHOTO_MAX_BYTES", 1024)
    r = client.post(url, {**base, "photo": SimpleUploadedFile("besar.png", png(64, 64, (1, 2, 3)) + b"\x00" * 2048)})
    assert r.status_code == 400 and 'id="id_photo_error"' in r.content.decode()
    assert "terlalu besar" in r.content.decode()

    # A case the issuing agency does not lead is "not found" (a notice names its survivor), the form kept.
    r = client.post(url, {**base, "case": "SNG-0000-404"})
    assert r.status_code == 404 and 'id="id_case_error"' in r.content.decode()
    other_case = CaseFactory(lead_agency=s["kh_police"])
    r = client.post(url, {**base, "case": other_case.reference})
    assert r.status_code == 404 and 'id="id_case_error"' in r.content.decode()
    assert "Tahi lalat di pipi kiri" in r.content.decode()

    r = client.post(url, {**base, "description": "   ", "kind": "alien", "last_seen_on": "2999-01-01",
                          "recipients": ["not-a-uuid"]})
    body = r.content.decode()
    assert r.status_code == 400
    assert 'id="id_kind_error"' in body and 'id="id_recipients_error"' in body and 'id="id_description_error"' in body

    r = client.post(url, {**base, "agency": str(s["kh_police"].pk)})  # not the user's agency
    assert r.status_code == 400 and "Atas nama lembaga:" in r.content.decode()
    assert not Notice.objects.exists()


def test_issue_with_photo_and_case_then_detail(client, scene):
    s = scene
    remote = AgencyFactory(name="Royal Thai Police", code="rtp", country_id="TH", region=None,
                           peer=Peer.objects.create(code="th", name="Sinergi Thailand", base_url="https://th.example"),
                           remote_code="rtp")
    login(client, s["officer"])
    r = client.post(reverse("web:notice_new"), {
        "agency": str(s["police"].pk), "kind": "missing", "subject_name": "Maria Goreti Seran",
        "description": "Perempuan 22 tahun, tahi lalat di pipi kiri", "last_known_place": "Sihanoukville",
        "last_known_country": "KH", "last_seen_on": "2025-11-02", "case": s["case"].reference.lower(),
        "recipients": [str(s["kh_police"].pk), str(s["embassy"].pk), str(remote.pk)],
        "photo": SimpleUploadedFile("foto.png", png()),
    })
    assert r.status_code == 302
    notice = Notice.objects.get()
    assert r["Location"] == reverse("web:notice_detail", args=[notice.pk])
    assert notice.case == s["case"] and notice.photo and notice.last_known_country_id == "KH"
    assert set(notice.recipients.values_list("code", flat=True)) == {"cnp", "kbri-pp", "rtp"}
    assert not notice.photo.url.startswith("/static/")
    body = client.get(r["Location"]).content.decode()
    # The remote partner is reached through the exchange: one message for its instance, no warning to the officer.
    assert "instansi lain" not in body
    out = OutboxMessage.objects.get()
    assert out.peer.code == "th" and out.kind == "notice.create" and out.body["to_agencies"] == ["rtp"]
    assert out.body["notice_id"] == str(notice.pk) and out.body["photo"]
    assert s["case"].reference not in str(out.body)  # the case stays home
    assert "Maria Goreti Seran" in body and "tahi lalat" in body and "Sihanoukville" in body and "Kamboja" in body
    assert reverse("web:notice_photo", args=[notice.pk]) in body
    assert s["case"].reference in body
    assert "belum dilihat" in body  # the issuer sees who has read it
    assert "Tutup pemberitahuan" in body


def test_answer_refer_and_close(client, scene):
    s = scene
    notice = issue(s)
    detail = reverse("web:notice_detail", args=[notice.pk])

    login(client, s["kh_officer"])
    body = client.get(detail).content.decode()
    assert "Kirim jawaban" in body and "Tutup pemberitahuan" not in body and s["case"].reference not in body
    r = client.post(reverse("web:notice_answer", args=[notice.pk]), {"body": "  "})
    assert r.status_code == 400 and 'id="id_body_error"' in r.content.decode()
    r = client.post(reverse("web:notice_answer", args=[notice.pk]), {"body": "Mungkin di kompleks Jinbei 4"})
    assert r.status_code == 302
    answer = NoticeAnswer.objects.get()
    assert answer.agency == s["kh_police"]
    # A recipient may neither open a referral from an answer nor close the notice.
    assert client.post(reverse("web:notice_answer_refer", args=[notice.pk, answer.pk]),
                       {f"ref-{answer.pk}-type": "rescue"}).status_code == 404
    assert client.post(reverse("web:notice_close", args=[notice.pk])).status_code == 404
    client.logout()

    login(client, s["officer"])
    body = client.get(detail).content.decode()
    assert "Mungkin di kompleks Jinbei 4" in body and "Cambodian National Police" in body
    assert "Buka rujukan ke Cambodian National Police" in body and "Kirim jawaban" not in body
    assert "dilihat" in body
    url = reverse("web:notice_answer_refer", args=[notice.pk, answer.pk])
    r = client.post(url, {f"ref-{answer.pk}-type": "rescue"})  # no recorded consent, no reason
    body = r.content.decode()
    assert r.status_code == 400 and f'id="id_ref-{answer.pk}-consent_override_reason_error"' in body
    assert "<details open>" in body and not Referral.objects.exists()
    r = client.post(url, {f"ref-{answer.pk}-type": "teleport"})
    assert r.status_code == 400 and f'id="id_ref-{answer.pk}-type_error"' in r.content.decode()
    r = client.post(url, {f"ref-{answer.pk}-type": "rescue",
                          f"ref-{answer.pk}-consent_override_reason": "Korban hilang, tidak dapat dimintai persetujuan"})
    assert r.status_code == 302
    referral = Referral.objects.get()
    assert referral.to_agency == s["kh_police"] and referral.case == s["case"] and referral.type == "rescue"
    answer.refresh_from_db()
    assert answer.referral == referral
    r = client.post(url, {f"ref-{answer.pk}-type": "locate"}, follow=True)  # a second submit opens nothing new
    assert Referral.objects.count() == 1 and "sudah dibuka" in r.content.decode()
    body = client.get(detail).content.decode()
    assert "Penyelamatan" in body and "Buka rujukan ke" not in body

    r = client.post(reverse("web:notice_close", args=[notice.pk]))
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "closed"
    assert "Tutup pemberitahuan" not in client.get(detail).content.decode()
    client.logout()

    login(client, s["kh_officer"])
    assert "Kirim jawaban" not in client.get(detail).content.decode()
    r = client.post(reverse("web:notice_answer", args=[notice.pk]), {"body": "Terlambat"})
    assert r.status_code == 400 and "ditutup" in r.content.decode() and "Terlambat" in r.content.decode()
    assert NoticeAnswer.objects.count() == 1


def test_refer_needs_a_case(client, scene):
    s = scene
    notice = issue(s, case=None)
    answer = notices.notice_answer(actor=s["kh_officer"], notice=notice, body="Ada kabar")
    login(client, s["officer"])
    body = client.get(reverse("web:notice_detail", args=[notice.pk])).content.decode()
    assert "Buka rujukan ke" not in body and "harus terkait dengan kasus" in body
    r = client.post(reverse("web:notice_answer_refer", args=[notice.pk, answer.pk]),
                    {f"ref-{answer.pk}-type": "rescue"})
    assert r.status_code == 404 and not Referral.objects.exists()


def test_other_agency_gets_404_everywhere(client, scene):
    s = scene
    notice = issue(s, photo=SimpleUploadedFile("foto.png", png()))
    answer = notices.notice_answer(actor=s["kh_officer"], notice=notice, body="Ada kabar")
    login(client, s["outsider"])
    assert client.get(reverse("web:notice_detail", args=[notice.pk])).status_code == 404
    assert client.get(reverse("web:notice_photo", args=[notice.pk])).status_code == 404
    assert client.post(reverse("web:notice_answer", args=[notice.pk]), {"body": "hai"}).status_code == 404
    assert client.post(reverse("web:notice_close", args=[notice.pk])).status_code == 404
    assert client.post(reverse("web:notice_answer_refer", args=[notice.pk, answer.pk]),
                       {f"ref-{answer.pk}-type": "rescue"}).status_code == 404
    assert client.get("/notices/not-a-uuid/").status_code == 404
    assert "Maria Goreti Seran" not in client.get(reverse("web:notice_list")).content.decode()
    notice.refresh_from_db()
    assert notice.status == "open" and NoticeAnswer.objects.count() == 1
    assert not AuditEvent.objects.filter(user_id=s["outsider"].pk, object_type="notice").exists()


def test_photo_download_is_audited(client, scene):
    s = scene
    data = png()
    notice = issue(s, photo=SimpleUploadedFile("foto.png", data))
    login(client, s["kh_officer"])
    r = client.get(reverse("web:notice_photo", args=[notice.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "image/png" and "no-store" in r["Cache-Control"]
    assert b"".join(r.streaming_content) == data
    event = AuditEvent.objects.get(action="download", object_type="notice", object_id=str(notice.pk))
    assert event.user_id == s["kh_officer"].pk and event.agency_id == s["kh_police"].pk
    without = issue(s)
    assert client.get(reverse("web:notice_photo", args=[without.pk])).status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_permission_matrix(client, scene, role):
    from sinergi.access.capabilities import CASEWORK_ROLES, ROLE_CAPS, Cap

    s = scene
    notice = issue(s)
    user = user_with_role(role, s["kh_police"])
    casework, issuer = role in CASEWORK_ROLES, Cap.REFER in ROLE_CAPS[role]
    login(client, user)
    assert client.get(reverse("web:notice_list")).status_code == (200 if casework else 404)
    assert client.get(reverse("web:notice_detail", args=[notice.pk])).status_code == (200 if casework else 404)
    assert client.get(reverse("web:notice_new")).status_code == (200 if issuer else 404)
    r = client.post(reverse("web:notice_answer", args=[notice.pk]), {"body": "Kabar dari Phnom Penh"})
    assert r.status_code == (302 if casework else 404)
    assert client.post(reverse("web:notice_close", args=[notice.pk])).status_code == 404  # not the issuer


def test_answer_from_another_instance_shows_and_offers_a_referral(client, scene):
    """An answer that came through the exchange has no local author; the issuer may still refer from it."""
    s = scene
    peer = Peer.objects.create(code="th", name="Sinergi Thailand", base_url="https://th.example")
    remote = AgencyFactory(name="Royal Thai Police", code="th-rtp", country_id="TH", region=None, peer=peer,
                           remote_code="rtp")
    notice = issue(s, recipients=[remote.pk])
    NoticeAnswer.objects.create(notice=notice, agency=remote, author=None, body="Terlihat di Mae Sot")
    login(client, s["officer"])
    r = client.get(reverse("web:notice_detail", args=[notice.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "Terlihat di Mae Sot" in body and "Buka rujukan ke Royal Thai Police" in body
