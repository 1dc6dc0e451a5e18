"""The web pages' permission matrix (the API's is ``api/tests/test_permissions.py``): every page, GET and the
POST actions, for every role of the lead agency, a supervisor of an unrelated agency, and a case manager of an
agency the case was referred to with one single section, for each section a referral can share. Each cell asserts
the status code and that nothing the role may not see is in the page: the survivor's identity, contacts,
documents, exploitation, location, services, notes, attachments and timeline, another case of the lead agency, a
notice and the answers of other recipients; and that full contacts and document numbers never appear unrevealed.

The world is built once for the module and every test runs in a transaction that is rolled back, so that the
matrix of several hundred cells stays fast."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.models import Membership
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.attachments import attachment_add, referral_attachment_add
from sinergi.cases.models import TimelineEvent
from sinergi.cases.services import note_add, referral_note_add, service_add
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.intake.models import Report, Screening
from sinergi.linkage.merging import pair_confirm
from sinergi.linkage.models import Merge
from sinergi.linkage.tests.factories import pair_of
from sinergi.people.models import FamilyContact, IdentityDocument, PersonAlias
from sinergi.people.tests.factories import PersonFactory
from sinergi.people.services import consent_record
from sinergi.referrals import notices
from sinergi.referrals.enums import Section
from sinergi.referrals.models import Referral
from sinergi.regions.models import Region
from sinergi.transfer import samples
from sinergi.transfer.enums import JobStatus
from sinergi.transfer.models import ImportJob

SECTIONS = [s.value for s in Section]
LEAD = ("intake_officer", "case_manager", "supervisor")
NO_CASEWORK = ("agency_admin", "analyst", "system_admin")
OTHER = "other_supervisor"
RECEIVERS = tuple(f"receiver_{s}" for s in SECTIONS)
ROLES = (*LEAD, *NO_CASEWORK, OTHER, *RECEIVERS)
DOB = dt.date(1998, 11, 27)
PHONE, FAMILY_PHONE, NIK, TRAVEL = "081299887766", "081311223344", "5301234567891234", "X7654321"
REPORTER_PHONE = "081255501986"


def png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _build(media) -> dict:
    now = clock.now()
    lead = AgencyFactory(code="m-uptd", name="UPTD PPA Matriks")
    other = AgencyFactory(code="m-bp3mi", name="BP3MI Matriks", type=AgencyType.MIGRANT_WORKER_PROTECTION,
                          region_id="35")
    receivers = {s: AgencyFactory(code=f"m-r-{s}", name=f"Penerima Bagian {s.title()}", region_id="31")
                 for s in SECTIONS}
    provider = AgencyFactory(code="m-shelter", name="Rumah Aman Lentera Kasih")
    person = PersonFactory(full_name="Yustina Leto Nahak", date_of_birth=DOB, estimated_age=None,
                           citizenship_id="TL", origin_village_id="53.01.04.2003", phone=PHONE,
                           email="yustina.leto@example.org", address="Jl. Rahasia Nomor 7")
    PersonAlias.objects.create(person=person, name="Tina Letosia")
    IdentityDocument.objects.create(person=person, type="nik", number=NIK, issuing_country_id="ID")
    FamilyContact.objects.create(person=person, name="Bernadus Nahakleto", relationship="parent",
                                 phone=FAMILY_PHONE, address="Dusun Rahasia Tujuh")
    case = CaseFactory(lead_agency=lead, survivor=person, summary="Disekap di kompleks Kaibo",
                       relation_to_trafficker="Unaquainted", country_of_exploitation_id="KH",
                       city_of_exploitation="Otres Zona Tujuh", travel_document_number=TRAVEL)
    owner = user_with_role(Role.SUPERVISOR, lead)
    service_add(actor=owner, case=case, data={"type": "shelter", "provider": provider.pk,
                                              "started_on": clock.today() - dt.timedelta(days=2)})
    provider.is_active = False  # not offered in any form: its name on a page is the service itself
    provider.save(update_fields=["is_active"])
    note_add(actor=owner, case=case, body="Catatan wawancara rahasia nomor 77")
    attachment_add(actor=owner, case=case, uploaded=ContentFile(b"%PDF-1.4 visum", name="visum-rahasia-77.pdf"),
                   description="Hasil pemeriksaan")
    # What intake recorded, and the survivor's consent.
    report = Report.objects.create(channel="family", received_at=now, agency=lead, received_by=owner,
                                   reporter_name="Kornelis Pelapor Rahasia", reporter_relation="Paman",
                                   reporter_contact=REPORTER_PHONE, narrative="Kisah rahasia pelapor 77",
                                   last_known_location="Lokasi terakhir rahasia 77", case=case, subject=person)
    Screening.objects.create(report=report, case=case, performed_by=owner, agency=lead, performed_at=now,
                             ilo_indicators=["7"], suggested_status="PossibleVictimOfTrafficking",
                             notes="Penapisan rahasia 77")
    consent_record(actor=owner, person=person, agency_id=lead.pk, purpose="phone_contact", given=True,
                   method="signed", note="Persetujuan rahasia 77")
    TimelineEvent.objects.create(case=case, kind="note_added", at=now, agency=lead,
                                 summary="Peristiwa riwayat rahasia 77", data={})
    referrals = {s: Referral.objects.create(case=case, type="investigate", from_agency=lead, to_agency=agency,
                                            sections=[s], sent_at=now, ack_due_at=now + dt.timedelta(days=1),
                                            complete_due_at=now + dt.timedelta(days=7))
                 for s, agency in receivers.items()}
    second = CaseFactory(lead_agency=lead, survivor=PersonFactory(full_name="Agustina Bria Seranita"))
    users = {r: user_with_role(r, lead) for r in (*LEAD, *NO_CASEWORK)}
    users[OTHER] = user_with_role(Role.SUPERVISOR, other)
    for s, agency in receivers.items():
        users[f"receiver_{s}"] = user_with_role(Role.CASE_MANAGER, agency)
    notice = notices.notice_issue(
        actor=owner, agency_id=lead.pk, kind="missing", subject_name="Maria Hilangsari",
        description="Tahi lalat rahasia di pipi", recipients=[receivers["identity"], receivers["location"]],
        case=second, photo=SimpleUploadedFile("foto.png", png(), content_type="image/png"))
    answers = {s: notices.notice_answer(actor=users[f"receiver_{s}"], notice=notice,
                                        body=f"Jawaban rahasia {s} 77") for s in ("identity", "location")}
    # What the identity receiver added to its referral: for the lead agency and itself, never another receiver.
    referral_note_add(actor=users["receiver_identity"], referral=referrals["identity"],
                      body="Tambahan rahasia identity 77")
    addition = referral_attachment_add(actor=users["receiver_identity"], referral=referrals["identity"],
                                       uploaded=ContentFile(b"%PDF-1.4 splp", name="tambahan-rahasia-77.pdf"))
    job = ImportJob.objects.create(created_by=owner, agency=lead, format="csv", status=JobStatus.COMPLETED,
                                   filename="kasus.csv", errors=[{"line": 2, "field": "sng_FullName",
                                                                  "message": "Wajib diisi"}])
    job.rejected_file.save("rejected.csv", ContentFile(b"line,field,reason\n2,sng_FullName,Wajib diisi\n"))
    from sinergi.intake.services import report_create_public

    report = report_create_public(agency_id=lead.pk, data={
        "narrative": "Laporan kotak masuk rahasia 77", "reporter_contact": "081377665544"})
    # A possible duplicate of the survivor held by the unrelated agency (the review queue), and a merge of the
    # second survivor with a registry record that nobody holds (its undo).
    duplicate = PersonFactory(full_name="Justina Leto", estimated_age=28, origin_village_id=None, origin_province_id=None,
                              origin_regency_id=None)
    CaseFactory(lead_agency=other, survivor=duplicate, summary="Kasus lembaga lain")
    pair = pair_of(person, duplicate, 0.82)
    orphan = PersonFactory(full_name="Agustina B. Seranita")
    pair_confirm(actor=users["case_manager"], pair=pair_of(second.survivor, orphan, 0.7))
    return {"lead": lead, "other": other, "receivers": receivers, "case": case, "second": second, "owner": owner,
            "referrals": referrals, "users": users, "notice": notice, "answers": answers, "job": job,
            "attachment": case.attachments.get(referral__isnull=True), "addition": addition, "media": media,
            "report": report, "pair": pair, "merge": Merge.objects.get()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build(media)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_media(_media_root, settings, world):
    settings.MEDIA_ROOT = str(world["media"])


def _dates(day) -> list[str]:
    out = []
    for lang in ("id", "en"):
        with translation.override(lang):
            out.append(formats.date_format(day, "SHORT_DATE_FORMAT"))
    return out


def secrets(w) -> dict[str, list[str]]:
    """What shows that a part of the world is on the page, by the part it belongs to."""
    # (Citizenship is not among them: country names are in every country picker.)
    return {
        "case": [w["case"].reference],
        "identity": ["Yustina Leto Nahak", "Tina Letosia", *_dates(DOB), Region.objects.get(code="53.01.04.2003").name],
        "contact": ["Bernadus Nahakleto", "•" * 9 + PHONE[-3:], "•" * 9 + FAMILY_PHONE[-3:],
                    "Kornelis Pelapor Rahasia", "•" * 9 + REPORTER_PHONE[-3:]],
        "documents": ["•" * 13 + NIK[-3:], "•" * 5 + TRAVEL[-3:]],
        "exploitation": ["Disekap di kompleks Kaibo", "Unaquainted", "Kisah rahasia pelapor 77",
                         "Penapisan rahasia 77"],
        "location": ["Otres Zona Tujuh", "Lokasi terakhir rahasia 77"],
        "consent": ["Persetujuan rahasia 77"],
        "services": ["Rumah Aman Lentera Kasih"],
        "notes": ["Catatan wawancara rahasia nomor 77"],
        "attachments": ["visum-rahasia-77.pdf", "Hasil pemeriksaan"],
        "timeline": ["Peristiwa riwayat rahasia 77"],
        "second": [w["second"].reference, "Agustina Bria Seranita"],
        "notice": ["Maria Hilangsari", "Tahi lalat rahasia di pipi"],
        "answer_identity": ["Jawaban rahasia identity 77"],
        "answer_location": ["Jawaban rahasia location 77"],
        "addition_identity": ["Tambahan rahasia identity 77", "tambahan-rahasia-77.pdf"],
        "report": ["Laporan kotak masuk rahasia 77"],
        # Never on a page unless revealed (nothing is revealed in the matrix).
        "unmasked": [PHONE, FAMILY_PHONE, NIK, TRAVEL, REPORTER_PHONE, "yustina.leto@example.org", "Jl. Rahasia Nomor 7",
                     "Dusun Rahasia Tujuh", "081377665544"],
    }


EVERYTHING = ("case", "identity", "contact", "documents", "exploitation", "location", "consent", "services", "notes",
              "attachments", "timeline", "second", "notice", "answer_identity", "answer_location", "addition_identity",
              "report")


def may_see(role: str) -> set[str]:
    if role in LEAD:
        return set(EVERYTHING)
    if role.startswith("receiver_"):
        section = role.removeprefix("receiver_")
        seen = {"case", section} | ({"consent"} if section == "contact" else set())
        if section in ("identity", "location"):  # the notice was sent to these two
            seen |= {"notice", f"answer_{section}"}
        if section == "identity":
            seen.add("addition_identity")
        return seen
    return set()


def expect(lead=(404, 404, 404), no_casework=404, other=404, receivers=404, **cells) -> dict[str, int]:
    """Status per role: the lead agency's intake officer, case manager and supervisor; its roles without casework;
    the unrelated supervisor; every receiver; then single cells by role name."""
    table = dict(zip(LEAD, lead))
    table.update({r: no_casework for r in NO_CASEWORK})
    table[OTHER] = other
    table.update({r: receivers for r in RECEIVERS})
    table.update(cells)
    return table


def own_agency(w, role):
    if role.startswith("receiver_"):
        return w["receivers"][role.removeprefix("receiver_")]
    return w["other"] if role == OTHER else w["lead"]


def own_referral(w, role):
    """The referral the role would answer: its own if it received one, else the identity receiver's."""
    if role.startswith("receiver_"):
        return w["referrals"][role.removeprefix("receiver_")]
    return w["referrals"]["identity"]


def case_url(name, w, *args):
    return reverse(f"web:{name}", args=[w["case"].pk, *args])


def notice_url(name, w, *args):
    return reverse(f"web:{name}", args=[w["notice"].pk, *args])


CSV = samples.to_csv(samples.sample_rows(1, villages={"53": ["53.01.04.2003"]}))

PAGES = [
    # name, call(client, world, role), expected statuses, parts of the world the role typed in (not a leak)
    ("home", lambda c, w, r: c.get(reverse("web:home")), expect((200, 200, 200), 200, 200, 200), ()),
    ("case list", lambda c, w, r: c.get(reverse("web:case_list")), expect((200, 200, 200), 404, 200, 200), ()),
    ("case list search", lambda c, w, r: c.get(reverse("web:case_list"), {"q": "Yustina"}),
     expect((200, 200, 200), 404, 200, 200), ()),
    ("case list htmx", lambda c, w, r: c.get(reverse("web:case_list"), HTTP_HX_REQUEST="true"),
     expect((200, 200, 200), 404, 200, 200), ()),
    ("case page", lambda c, w, r: c.get(case_url("case_detail", w)), expect((200, 200, 200), receivers=200), ()),
    ("another case's page", lambda c, w, r: c.get(reverse("web:case_detail", args=[w["second"].pk])),
     expect((200, 200, 200)), ()),
    ("move stage", lambda c, w, r: c.post(case_url("case_transition", w), {"to_stage": "located"}),
     expect((400, 302, 302), receivers=400), ()),
    ("add note", lambda c, w, r: c.post(case_url("case_note", w), {"body": "Catatan baru"}),
     expect((400, 302, 302), receivers=400), ()),
    ("record service", lambda c, w, r: c.post(case_url("case_service", w), {
        "type": "medical", "provider": w["lead"].code, "started_on": clock.today().isoformat(),
        "outcome": "ongoing"}), expect((400, 302, 302), receivers=400), ()),
    ("upload attachment", lambda c, w, r: c.post(case_url("case_attachment", w), {
        "file": SimpleUploadedFile("catatan.txt", b"catatan", content_type="text/plain")}),
     expect((400, 302, 302), receivers=400), ()),
    ("download attachment", lambda c, w, r: c.get(case_url("case_attachment_download", w, w["attachment"].pk)),
     expect((200, 200, 200), receiver_attachments=200), ()),
    ("reveal contact", lambda c, w, r: c.post(case_url("case_reveal", w), {
        "what": "contact", "purpose": "Menghubungi keluarga"}), expect((302, 302, 302), receiver_contact=302), ()),
    ("reveal identity numbers", lambda c, w, r: c.post(case_url("case_reveal", w), {
        "what": "identity", "purpose": "Verifikasi kewarganegaraan"}),
     expect((404, 302, 302), receiver_documents=302), ()),
    ("send referral", lambda c, w, r: c.post(case_url("case_referral", w), {
        "type": "medical", "to_agency": w["other"].code, "sections": ["identity"],
        "consent_override_reason": "Penyintas belum dapat dihubungi"}), expect((400, 302, 302), receivers=400), ()),
    ("case summary to print", lambda c, w, r: c.get(case_url("case_summary", w)),
     expect((200, 200, 200), receivers=200), ()),
    ("case summary as PDF", lambda c, w, r: c.get(case_url("case_summary_pdf", w)),
     expect((200, 200, 200), receivers=200), ()),
    ("record consent", lambda c, w, r: c.post(case_url("case_consent", w), {
        "purpose": "statistics", "given": "yes", "method": "spoken"}), expect((302, 302, 302)), ()),
    ("acknowledge referral", lambda c, w, r: c.post(
        reverse("web:referral_answer", args=[own_referral(w, r).pk]), {"status": "acknowledged"}),
     expect(receivers=302), ()),
    ("referral record", lambda c, w, r: c.get(reverse("web:referral_detail", args=[own_referral(w, r).pk])),
     expect((200, 200, 200), receivers=200), ()),
    ("add a note to a referral", lambda c, w, r: c.post(
        reverse("web:referral_note", args=[own_referral(w, r).pk]), {"body": "Kami sudah menghubungi keluarga"}),
     expect(receivers=302), ()),
    ("add a file to a referral", lambda c, w, r: c.post(
        reverse("web:referral_attachment", args=[own_referral(w, r).pk]),
        {"file": SimpleUploadedFile("hasil.txt", b"hasil", content_type="text/plain")}), expect(receivers=302), ()),
    ("download a referral's file", lambda c, w, r: c.get(reverse(
        "web:referral_attachment_download", args=[w["referrals"]["identity"].pk, w["addition"].pk])),
     expect((200, 200, 200), receiver_identity=200), ()),
    ("withdraw referral", lambda c, w, r: c.post(
        reverse("web:referral_answer", args=[w["referrals"]["identity"].pk]),
        {"status": "withdrawn", "reason": "Sudah ditemukan"}), expect((404, 302, 302)), ()),
    ("intake page", lambda c, w, r: c.get(reverse("web:intake")), expect((200, 200, 200), 404, 200, 200), ()),
    ("intake linking the case", lambda c, w, r: c.post(reverse("web:intake"), {
        "channel": "family", "narrative": "Laporan kedua tentang orang yang sama.", "full_name": "Pelapor Baru",
        "sex": "Feminine", "decision": "link", "link_reference": w["case"].reference}),
     expect((302, 302, 302)), ("case",)),
    # The report inbox: every agency that takes reports has one (empty for the others); a report is its
    # agency's alone; the four moves are POSTs on the report's page.
    ("report inbox", lambda c, w, r: c.get(reverse("web:inbox")), expect((200, 200, 200), 404, 200, 200), ()),
    ("decided reports", lambda c, w, r: c.get(reverse("web:inbox"), {"state": "done", "channel": "public_form"}),
     expect((200, 200, 200), 404, 200, 200), ()),
    ("report in the inbox", lambda c, w, r: c.get(reverse("web:inbox_detail", args=[w["report"].pk])),
     expect((200, 200, 200)), ()),
    ("close a report", lambda c, w, r: c.post(reverse("web:inbox_detail", args=[w["report"].pk]), {
        "action": "close", "reason_kind": "duplicate", "key": f"matrix-{r}"}), expect((302, 302, 302)), ()),
    ("pass a report on", lambda c, w, r: c.post(reverse("web:inbox_detail", args=[w["report"].pk]), {
        "action": "forward", "to_agency": str(w["other"].pk), "reason": "Lebih tepat", "key": f"matrix-f-{r}"}),
     expect((302, 302, 302)), ()),
    ("attach a report", lambda c, w, r: c.post(reverse("web:inbox_detail", args=[w["report"].pk]), {
        "action": "attach", "case_reference": w["case"].reference}), expect((302, 302, 302)), ("case",)),
    ("my reports", lambda c, w, r: c.get(reverse("web:my_reports")), expect(), ()),
    ("hotlines", lambda c, w, r: c.get(reverse("web:hotlines")), expect((200, 200, 200), 200, 200, 200), ()),
    ("region options", lambda c, w, r: c.get(reverse("web:region_options"), {"level": "regency", "province": "53"}),
     expect((200, 200, 200), 200, 200, 200), ()),
    ("import page", lambda c, w, r: c.get(reverse("web:case_import")), expect((404, 200, 200), 404, 200, 200), ()),
    ("import template", lambda c, w, r: c.get(reverse("web:case_import_template")),
     expect((404, 200, 200), 404, 200, 200), ()),
    ("import upload", lambda c, w, r: c.post(reverse("web:case_import"), {
        "file": SimpleUploadedFile("kasus.csv", CSV, content_type="text/csv"), "agency": str(own_agency(w, r).pk)}),
     expect((404, 302, 302), 404, 302, 302), ()),
    ("import job", lambda c, w, r: c.get(reverse("web:case_import_job", args=[w["job"].pk])),
     expect((404, 200, 200)), ()),
    ("import rejected rows", lambda c, w, r: c.get(reverse("web:case_import_rejected", args=[w["job"].pk])),
     expect((404, 200, 200)), ()),
    ("notice list", lambda c, w, r: c.get(reverse("web:notice_list")), expect((200, 200, 200), 404, 200, 200), ()),
    ("notice page", lambda c, w, r: c.get(notice_url("notice_detail", w)),
     expect((200, 200, 200), receiver_identity=200, receiver_location=200), ()),
    ("notice photo", lambda c, w, r: c.get(notice_url("notice_photo", w)),
     expect((200, 200, 200), receiver_identity=200, receiver_location=200), ()),
    ("notice form", lambda c, w, r: c.get(reverse("web:notice_new")), expect((404, 200, 200), 404, 200, 200), ()),
    ("notice about the case", lambda c, w, r: c.post(reverse("web:notice_new"), {
        "agency": str(own_agency(w, r).pk), "kind": "missing", "description": "Perempuan 25 tahun",
        "recipients": [str((w["lead"] if r == OTHER else w["other"]).pk)], "case": w["case"].reference}),
     expect((404, 302, 302), 404, 404, 404), ("case",)),
    ("answer notice", lambda c, w, r: c.post(notice_url("notice_answer", w), {"body": "Kami periksa"}),
     expect(receiver_identity=302, receiver_location=302), ()),
    ("refer from an answer", lambda c, w, r: c.post(
        notice_url("notice_answer_refer", w, w["answers"]["location"].pk),
        {f"ref-{w['answers']['location'].pk}-type": "locate",
         f"ref-{w['answers']['location'].pk}-consent_override_reason": "Penyintas belum dapat dihubungi"}),
     expect((404, 302, 302)), ()),
    ("close notice", lambda c, w, r: c.post(notice_url("notice_close", w)), expect((404, 302, 302)), ()),
    ("users page", lambda c, w, r: c.get(reverse("web:users")), expect(agency_admin=200, system_admin=200), ()),
    ("invite user", lambda c, w, r: c.post(reverse("web:users"), {
        "username": "baru77", "email": "baru77@example.org", "role": "intake_officer"}),
     expect(agency_admin=201, system_admin=201), ()),
    ("change a role", lambda c, w, r: c.post(reverse("web:membership_update", args=[
        Membership.objects.get(user=w["users"]["intake_officer"]).pk]), {"role": "case_manager"}),
     expect(agency_admin=302, system_admin=302), ()),
    ("exchange page", lambda c, w, r: c.get(reverse("web:exchange")),
     expect((404, 404, 200), 200, 200, analyst=404), ()),
    ("performance page", lambda c, w, r: c.get(reverse("web:performance")), expect((404, 404, 200), 200, 200), ()),
    ("recruitment oversight", lambda c, w, r: c.get(reverse("web:recruitment")), expect(other=200), ()),
    ("registry import page", lambda c, w, r: c.get(reverse("web:registry_import")), expect(other=200), ()),
    ("password change", lambda c, w, r: c.get(reverse("web:password_change")),
     expect((200, 200, 200), 200, 200, 200), ()),
    ("account security", lambda c, w, r: c.get(reverse("web:account_security")),
     expect((200, 200, 200), 200, 200, 200), ()),
    # The measuring half: aggregates for the supervisor, the analyst and the task force's reader; an agency's own
    # figures for its staff; the record-level release for the analyst alone. No page shows a person.
    ("analytics dashboard", lambda c, w, r: c.get(reverse("web:analytics")),
     expect((404, 404, 200), 404, 200, analyst=200), ()),
    ("analytics section", lambda c, w, r: c.get(reverse("web:analytics_section", args=["referrals"])),
     expect((404, 404, 200), 404, 200, analyst=200), ()),
    ("analytics section as CSV", lambda c, w, r: c.get(reverse("web:analytics_csv", args=["pathway"])),
     expect((404, 404, 200), 404, 200, analyst=200), ()),
    ("agency figures list", lambda c, w, r: c.get(reverse("web:analytics_agencies")),
     expect((200, 200, 200), 404, 200, 200, analyst=200), ()),
    ("the lead agency's figures", lambda c, w, r: c.get(reverse("web:analytics_agency", args=[w["lead"].pk])),
     expect((200, 200, 200), 404, 200, analyst=200), ()),
    ("annual report page", lambda c, w, r: c.get(reverse("web:analytics_report")),
     expect((404, 404, 200), 404, 200, analyst=200), ()),
    ("record-level release page", lambda c, w, r: c.get(reverse("web:analytics_release")),
     expect(analyst=200), ()),
    # The review queue of possible duplicates: case managers and supervisors of an agency holding one of the two.
    # The unrelated supervisor holds the duplicate and sees the survivor only as "held by" the lead agency.
    ("duplicates list", lambda c, w, r: c.get(reverse("web:linkage_pairs")),
     expect((404, 200, 200), 404, 200, 200), ()),
    ("a possible duplicate", lambda c, w, r: c.get(reverse("web:linkage_pair", args=[w["pair"].pk])),
     expect((404, 200, 200), 404, 200), ()),
    ("decide on a possible duplicate", lambda c, w, r: c.post(
        reverse("web:linkage_pair_decide", args=[w["pair"].pk]), {"decision": "reject"}),
     expect((404, 302, 302), 404, 302), ()),
    ("undo a merge", lambda c, w, r: c.post(reverse("web:linkage_merge_undo", args=[w["merge"].pk])),
     expect((404, 302, 302)), ()),
    ("ask a partner page", lambda c, w, r: c.get(reverse("web:linkage_partners")),
     expect((404, 200, 200), 404, 200, 200), ()),
    ("ask a partner (no partner with a key)", lambda c, w, r: c.post(reverse("web:linkage_partners"), {
        "case": w["case"].reference, "peer": "kh"}), expect((404, 400, 400), 404, 400, 400), ("case",)),
    ("hidden-victims estimate", lambda c, w, r: c.get(reverse("web:analytics_estimate")),
     expect((404, 404, 200), 404, 200, analyst=200), ()),
    ("two-factor policy", lambda c, w, r: c.get(reverse("web:agency_mfa_policy")), expect(system_admin=200), ()),
    ("reset a member's second factor", lambda c, w, r: c.post(reverse("web:member_mfa_reset", args=[
        Membership.objects.get(user=w["users"]["intake_officer"]).pk])),
     expect(agency_admin=302, system_admin=302), ()),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("call", "expected", "typed"), [pytest.param(*p[1:], id=p[0]) for p in PAGES])
def test_page_permission_matrix(world, role, call, expected, typed):
    client = Client()
    client.force_login(world["users"][role])
    response = call(client, world, role)
    assert response.status_code == expected[role], (role, response.status_code)
    if response.get("Content-Type", "").startswith(("text/html", "text/csv")) and not response.streaming:
        body = response.content.decode()
        seen = may_see(role) | set(typed)
        for part, texts in secrets(world).items():
            if part in seen:
                continue
            for text in texts:
                assert text not in body, (role, part, text)


@pytest.mark.django_db
@pytest.mark.parametrize(("call", "expected", "typed"), [pytest.param(*p[1:], id=p[0]) for p in PAGES[1:6]])
def test_signed_out_visitors_are_sent_to_sign_in(world, call, expected, typed):
    response = call(Client(), world, "intake_officer")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_a_signed_out_visitor_starts_at_the_public_door_with_the_sign_in_one_link_away():
    client = Client()
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == reverse("public_home")
    body = client.get(reverse("public_home")).content.decode()
    for page in ("public_check", "public_report", "public_track"):
        assert reverse(page) in body
    assert f'href="{reverse("web:login")}"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ("case_manager", *RECEIVERS))
def test_each_role_sees_what_it_was_given(world, role):
    """The other half of the matrix: what a role may see is on its case page (the shared section is there)."""
    client = Client()
    client.force_login(world["users"][role])
    body = client.get(case_url("case_detail", world)).content.decode()
    parts = secrets(world)
    for part in may_see(role) & {"case", *SECTIONS}:
        assert any(text in body for text in parts[part]), (role, part)
    if role == "case_manager":
        assert parts["timeline"][0] in body


def test_the_matrix_covers_every_page():
    from django.urls import get_resolver

    named = {p.name for p in get_resolver("sinergi.web.urls").url_patterns if getattr(p, "name", None)}
    covered = {"home", "case_list", "case_detail", "case_transition", "case_note", "case_service", "case_attachment",
               "case_attachment_download", "case_reveal", "case_consent", "case_summary", "case_summary_pdf", "case_referral", "referral_answer",
               "referral_detail", "referral_note", "referral_attachment", "referral_attachment_download", "intake", "region_options",
               "case_import", "case_import_template", "case_import_job", "case_import_rejected", "notice_list", "notice_detail", "notice_photo",
               "notice_new", "notice_answer", "notice_answer_refer", "notice_close", "users", "membership_update",
               "exchange", "performance", "recruitment", "registry_import", "password_change", "account_security",
               "agency_mfa_policy", "member_mfa_reset", "analytics", "analytics_section", "analytics_csv",
               "analytics_agencies", "analytics_agency", "analytics_report", "analytics_release",
               "inbox", "inbox_detail", "my_reports", "hotlines",
               "linkage_pairs", "linkage_pair", "linkage_pair_decide", "linkage_merge_undo", "linkage_partners",
               "analytics_estimate"}
    # Sign-in pages (test_pages, test_mfa_pages), and the recruitment pages for one record
    # (test_recruitment_pages).
    elsewhere = {"login", "logout", "password_set", "mfa_verify", "mfa_enrol", "recruitment_agency",
                 "recruitment_recruiter", "recruitment_flag_review"}
    assert named - covered - elsewhere == set()
    assert len(PAGES) >= len(covered)
