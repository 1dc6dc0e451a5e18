"""Attachments: type by content, size limit, empty files, sha256, audited upload and download."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.attachments import attachment_add, attachment_open, attachment_sweep
from sinergi.cases.models import Attachment, TimelineEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
TXT = "Surat keterangan: Siti sudah tiba di Kupang — terima kasih.\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode"


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("payload.exe", EXE)
    return buf.getvalue()


@pytest.fixture
def case():
    return CaseFactory()


@pytest.fixture
def manager(case):
    return user_with_role(Role.CASE_MANAGER, case.lead_agency)


@pytest.mark.parametrize("name, content, content_type", [
    ("laporan.pdf", PDF, "application/pdf"),
    ("foto.png", PNG, "image/png"),
    ("foto.jpg", JPEG, "image/jpeg"),
    ("surat.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("catatan.txt", TXT, "text/plain"),
])
def test_allowed_types_are_recognised_by_content(case, manager, name, content, content_type):
    content = docx() if content is None else content
    att = attachment_add(actor=manager, case=case, uploaded=SimpleUploadedFile(name, content, "application/octet-stream"),
                         description="bukti")
    assert att.content_type == content_type
    assert att.size == len(content)
    assert att.sha256 == hashlib.sha256(content).hexdigest()
    assert att.original_name == name
    # Stored under its id, not the uploaded name (which may itself be personal data).
    assert name not in att.file.name
    with att.file.open("rb") as fh:
        assert fh.read() == content
    assert TimelineEvent.objects.filter(case=case, kind="attachment_added").count() == 1
    row = AuditEvent.objects.get(object_type="attachment", action="create")
    assert row.detail["sha256"] == att.sha256 and row.detail["type"] == content_type


@pytest.mark.parametrize("name, content", [
    ("laporan.pdf", EXE),          # an executable dressed as a PDF
    ("foto.png", b"\x00\x01\x02\x03binary"),
    ("arsip.docx", plain_zip()),    # a zip that is not a Word document
    ("rusak.docx", b"PK\x03\x04not really a zip"),
])
def test_disallowed_content_is_refused_whatever_the_name(case, manager, name, content):
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=manager, case=case, uploaded=SimpleUploadedFile(name, content, "application/pdf"))
    assert "file" in exc.value.message_dict
    assert not Attachment.objects.exists() and not AuditEvent.objects.exists()
    assert not TimelineEvent.objects.filter(kind="attachment_added").exists()


def test_oversized_file_is_refused(case, manager, settings):
    settings.SINERGI_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=manager, case=case, uploaded=SimpleUploadedFile("big.txt", b"a" * 1025))
    assert "file" in exc.value.message_dict
    # Exactly at the limit is fine.
    attachment_add(actor=manager, case=case, uploaded=SimpleUploadedFile("ok.txt", b"a" * 1024))
    assert Attachment.objects.count() == 1


def test_empty_file_is_refused(case, manager):
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=manager, case=case, uploaded=SimpleUploadedFile("empty.pdf", b""))
    assert "kosong" in exc.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


def test_description_too_long(case, manager):
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=manager, case=case, uploaded=SimpleUploadedFile("a.txt", TXT), description="d" * 301)
    assert "description" in exc.value.message_dict


def test_upload_needs_case_edit_and_visibility(case):
    with pytest.raises(PermissionDenied):
        attachment_add(actor=user_with_role(Role.INTAKE_OFFICER, case.lead_agency), case=case,
                       uploaded=SimpleUploadedFile("a.txt", TXT))
    with pytest.raises(NotFound):
        attachment_add(actor=user_with_role(Role.SUPERVISOR), case=case, uploaded=SimpleUploadedFile("a.txt", TXT))
    assert not Attachment.objects.exists()


def test_download_is_audited_and_limited_to_the_case_agency(case, manager):
    att = attachment_add(actor=manager, case=case, uploaded=SimpleUploadedFile("laporan.pdf", PDF))
    officer = user_with_role(Role.INTAKE_OFFICER, case.lead_agency)
    with attachment_open(actor=officer, attachment=att, purpose="verifikasi") as fh:
        assert fh.read() == PDF
    row = AuditEvent.objects.get(action="download")
    assert row.object_type == "attachment" and row.object_id == str(att.pk)
    assert row.user_id == officer.pk and row.purpose == "verifikasi" and row.detail["case"] == str(case.pk)
    for user in (user_with_role(Role.SUPERVISOR), user_with_role(Role.ANALYST, case.lead_agency)):
        with pytest.raises(NotFound):
            attachment_open(actor=user, attachment=att)
    assert AuditEvent.objects.filter(action="download").count() == 1


def test_sweep_removes_files_without_rows(case, manager):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    att = attachment_add(actor=manager, case=case, uploaded=SimpleUploadedFile("a.txt", TXT))
    orphan = default_storage.save(f"attachments/{case.pk}/orphan", ContentFile(b"left behind"))
    assert attachment_sweep() == 1
    assert not default_storage.exists(orphan)
    assert default_storage.exists(att.file.name)
