import pytest
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.enums import Stage
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_login_required_redirects_back():
    from django.test import Client

    c = Client()
    r = c.get(reverse("web:case_list"))
    assert r.status_code == 302 and "/login/?next=/cases/" in r["Location"]


def test_lockout_after_repeated_failures(client):
    user = user_with_role(Role.CASE_MANAGER)
    for _ in range(5):
        r = client.post(reverse("web:login"), {"username": user.username, "password": "wrong-password"})
    r = client.post(reverse("web:login"), {"username": user.username, "password": PASSWORD})
    assert r.status_code == 429
    assert AuditEvent.objects.filter(action="login_failed", username=user.username).count() >= 5


def test_case_list_and_search(client):
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    CaseFactory(lead_agency=agency, survivor=PersonFactory(full_name="Siti Soekarno"))
    CaseFactory(lead_agency=agency, survivor=PersonFactory(full_name="Budi Santoso"))
    CaseFactory(survivor=PersonFactory(full_name="Siti Sukarno Tetangga"))  # other agency: never listed
    login(client, user)
    r = client.get(reverse("web:case_list"), {"q": "sukarno"})
    body = r.content.decode()
    assert r.status_code == 200
    assert "Siti Soekarno" in body and "Budi Santoso" not in body and "Tetangga" not in body


def test_case_list_query_count_is_constant(client, django_assert_max_num_queries):
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    for _ in range(30):
        CaseFactory(lead_agency=agency)
    login(client, user)
    # 20: the ids of the agency's own cases and of the cases referred to it are fetched apart (each walks its
    # index), then the page's rows with their survivors.
    with django_assert_max_num_queries(20):
        r = client.get(reverse("web:case_list"))
    assert r.status_code == 200
    assert r.content.decode().count("badge stage") == 25


def test_case_page_other_agency_404_and_query_count(client, django_assert_max_num_queries):
    case = CaseFactory()
    outsider = user_with_role(Role.SUPERVISOR)
    login(client, outsider)
    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("web:case_detail", args=["not-a-uuid"])).status_code == 404
    client.logout()
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    login(client, manager)
    # 33: one query for each part of the page, among them the intake reports, their screenings and the consents.
    with django_assert_max_num_queries(33):
        r = client.get(reverse("web:case_detail", args=[case.pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert case.reference in body
    assert case.survivor.phone not in body  # masked until revealed


def test_transition_errors_shown_next_to_field(client):
    case = CaseFactory(stage=Stage.PROTECTED)
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    login(client, manager)
    r = client.post(reverse("web:case_transition", args=[case.pk]), {"to_stage": "documented", "note": "kept text"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "Wajib untuk tahap ini" in body and "kept text" in body
    case.refresh_from_db()
    assert case.stage == Stage.PROTECTED
    r = client.post(reverse("web:case_transition", args=[case.pk]),
                    {"to_stage": "documented", "travel_document_number": "X1234567"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.DOCUMENTED


def test_reveal_requires_purpose_and_is_audited(client):
    case = CaseFactory()
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    login(client, manager)
    url = reverse("web:case_reveal", args=[case.pk])
    assert client.post(url, {"what": "contact", "purpose": ""}).status_code == 400
    r = client.post(url, {"what": "contact", "purpose": "Menghubungi penyintas untuk jadwal"})
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="reveal", object_id=str(case.survivor_id),
                                     purpose="Menghubungi penyintas untuk jadwal").exists()
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert case.survivor.phone in body


def test_intake_officer_cannot_reveal_identity(client):
    case = CaseFactory()
    officer = user_with_role(Role.INTAKE_OFFICER, case.lead_agency)
    login(client, officer)
    r = client.post(reverse("web:case_reveal", args=[case.pk]), {"what": "identity", "purpose": "ingin tahu saja"})
    assert r.status_code == 404


def test_analyst_home_shows_only_aggregates(client):
    agency = AgencyFactory()
    for _ in range(6):
        CaseFactory(lead_agency=agency, survivor=PersonFactory(full_name="Rahasia Sekali"))
    analyst = user_with_role(Role.ANALYST, agency)
    login(client, analyst)
    body = client.get(reverse("web:home")).content.decode()
    assert "Rahasia" not in body
    assert "Jumlah kasus" in body
    assert client.get(reverse("web:case_list")).status_code == 404


def test_language_switch_to_english(client):
    user = user_with_role(Role.CASE_MANAGER)
    login(client, user)
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert r.status_code == 200
    assert '<html lang="en">' in r.content.decode()


def _intake_post(**overrides):
    data = {
        "channel": "family", "narrative": "Anak kami direkrut lewat Facebook untuk kerja customer service di Kamboja.",
        "country_of_exploitation": "KH", "full_name": "Maria Goreti Seran", "sex": "Feminine", "estimated_age": "22",
        "citizenship": "ID", "province": "53", "regency": "53.01", "district": "53.01.04", "village": "53.01.04.2003",
        "exploitation_types": ["ForcedLabour"], "recruitment_apps": ["Facebook"], "ilo_indicators": ["2", "7"],
        "victim_status": "PossibleVictimOfTrafficking", "decided_by_org": "NGO", "decision": "open",
    }
    data.update(overrides)
    return data


def test_intake_opens_case(client):
    from sinergi.cases.models import Case

    agency = AgencyFactory()
    officer = user_with_role(Role.INTAKE_OFFICER, agency)
    login(client, officer)
    assert client.get(reverse("web:intake")).status_code == 200
    r = client.post(reverse("web:intake"), _intake_post())
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get(survivor__full_name="Maria Goreti Seran")
    assert case.lead_agency == agency and case.origin_regency_id == "53.01"
    assert case.victim_status == "PossibleVictimOfTrafficking" and case.country_of_exploitation_id == "KH"


def test_intake_errors_keep_input_and_write_nothing(client):
    from sinergi.intake.models import Report
    from sinergi.people.models import Person

    officer = user_with_role(Role.INTAKE_OFFICER)
    login(client, officer)
    r = client.post(reverse("web:intake"), _intake_post(village="53.02.01.2001", date_of_birth="2999-01-01"))
    assert r.status_code == 400
    body = r.content.decode()
    assert "Maria Goreti Seran" in body
    assert "id_village_error" in body
    assert not Person.objects.filter(full_name="Maria Goreti Seran").exists()
    assert not Report.objects.exists()


def test_region_options_cascade(client):
    officer = user_with_role(Role.INTAKE_OFFICER)
    login(client, officer)
    r = client.get(reverse("web:region_options"), {"level": "regency", "province": "53"})
    assert r.status_code == 200 and 'value="53.01"' in r.content.decode()
    assert client.get(reverse("web:region_options"), {"level": "nope"}).status_code == 400


def test_upload_and_download_attachment(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = CaseFactory()
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    login(client, manager)
    url = reverse("web:case_attachment", args=[case.pk])
    bad = SimpleUploadedFile("surat.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary", content_type="application/pdf")
    r = client.post(url, {"file": bad})
    assert r.status_code == 400 and "Jenis berkas tidak diizinkan" in r.content.decode()
    good = SimpleUploadedFile("surat.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    assert client.post(url, {"file": good, "description": "Surat KBRI"}).status_code == 302
    attachment = case.attachments.get()
    r = client.get(reverse("web:case_attachment_download", args=[case.pk, attachment.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="download", object_id=str(attachment.pk)).exists()
    client.logout()
    login(client, user_with_role(Role.SUPERVISOR))
    assert client.get(reverse("web:case_attachment_download", args=[case.pk, attachment.pk])).status_code == 404


def test_service_add_validates_dates(client):
    case = CaseFactory()
    manager = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    login(client, manager)
    url = reverse("web:case_service", args=[case.pk])
    r = client.post(url, {"type": "shelter", "provider": case.lead_agency.code, "started_on": "2026-03-10",
                          "ended_on": "2026-03-01", "outcome": "completed"})
    assert r.status_code == 400 and "id_ended_on_error" in r.content.decode()
    r = client.post(url, {"type": "shelter", "provider": case.lead_agency.code, "started_on": "2026-03-01",
                          "ended_on": "2026-03-10", "outcome": "completed"})
    assert r.status_code == 302 and case.services.count() == 1


def test_home_lists_referrals_and_notices_waiting_for_the_agency(client):
    import datetime as dt

    from sinergi.core import clock
    from sinergi.referrals.models import Notice, NoticeAnswer, NoticeRecipient, Referral

    shelter, police = AgencyFactory(name="Rumah Aman NTT"), AgencyFactory(name="Polda NTT")
    user = user_with_role(Role.CASE_MANAGER, shelter)
    late = CaseFactory(lead_agency=police)
    Referral.objects.create(case=late, type="shelter", from_agency=police, to_agency=shelter, sections=["identity"],
                            sent_at=clock.now() - dt.timedelta(days=3), ack_due_at=clock.now() - dt.timedelta(days=1),
                            complete_due_at=clock.now() + dt.timedelta(days=9))
    done = CaseFactory(lead_agency=police)
    Referral.objects.create(case=done, type="shelter", from_agency=police, to_agency=shelter, status="completed",
                            sections=["identity"], sent_at=clock.now(), ack_due_at=clock.now(),
                            complete_due_at=clock.now())
    outgoing = CaseFactory(lead_agency=shelter)
    Referral.objects.create(case=outgoing, type="medical", from_agency=shelter, to_agency=police,
                            sections=["identity"], sent_at=clock.now(), ack_due_at=clock.now(),
                            complete_due_at=clock.now())
    waiting = Notice.objects.create(kind="missing", issued_by=police, description="x", subject_name="Maria Seran")
    answered = Notice.objects.create(kind="missing", issued_by=police, description="y", subject_name="Yosef Bria")
    for n in (waiting, answered):
        NoticeRecipient.objects.create(notice=n, agency=shelter)
    NoticeAnswer.objects.create(notice=answered, agency=shelter, author=user, body="Tidak ada di sini")
    login(client, user)
    body = client.get(reverse("web:home")).content.decode()
    referrals = body.split('id="h-referrals"')[1].split('id="h-notices"')[0]
    notices = body.split('id="h-notices"')[1].split("</section>")[0]
    assert late.reference in referrals and "badge late" in referrals  # the acknowledgement is overdue
    assert done.reference not in referrals and outgoing.reference not in referrals
    assert "Maria Seran" in notices and "Yosef Bria" not in notices


def test_agency_local_names_shown_with_their_language(client):
    from sinergi.core import clock
    from sinergi.referrals.models import Referral

    home = AgencyFactory()
    mosvy = AgencyFactory(name="MoSVY", local_name="ក្រសួងសង្គមកិច្ច", country_id="KH", region=None)
    case = CaseFactory(lead_agency=home)
    Referral.objects.create(case=case, type="shelter", from_agency=home, to_agency=mosvy, sections=["identity"],
                            sent_at=clock.now(), ack_due_at=clock.now(), complete_due_at=clock.now())
    login(client, user_with_role(Role.CASE_MANAGER, home))
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert '<span lang="km" class="local-name">(ក្រសួងសង្គមកិច្ច)</span>' in body
    assert "MoSVY · ក្រសួងសង្គមកិច្ច</option>" in body  # the referral form's choice of agency


def test_timeline_speaks_the_readers_language(client):
    from sinergi.cases.models import TimelineEvent
    from sinergi.cases.services import case_transition

    agency = AgencyFactory()
    manager = user_with_role(Role.CASE_MANAGER, agency)
    case = CaseFactory(lead_agency=agency)
    case_transition(actor=manager, case=case, to_stage=Stage.LOCATED)
    event = TimelineEvent.objects.get(case=case, kind="stage_changed")
    assert event.summary == "Dilaporkan → Ditemukan"  # written once in Indonesian for exports and the audit trail
    login(client, manager)
    url = reverse("web:case_detail", args=[case.pk])
    assert "Dilaporkan → Ditemukan" in client.get(url).content.decode()
    manager.preferred_language = "en"
    manager.save(update_fields=["preferred_language"])
    english = client.get(url).content.decode()
    assert "Reported → Located" in english and "Dilaporkan → Ditemukan" not in english


def test_the_hotline_page_puts_the_user_s_own_province_first(client):
    from sinergi.recruitment.hotlines import hotlines_load

    hotlines_load()
    village = AgencyFactory(type=AgencyType.VILLAGE, level=Level.VILLAGE, region_id="52.01.01.1001")
    user = user_with_role(Role.INTAKE_OFFICER, village)
    client.force_login(user)
    body = client.get(reverse("web:hotlines")).content.decode()
    assert body.index("Nusa Tenggara Barat") < body.index("Nusa Tenggara Timur")
    assert "0800-1000" in body and "KBRI Phnom Penh" in body
