"""Attachments: checked by content (not by the name or the browser's word), size-limited, hashed, audited."""

from __future__ import annotations

import hashlib
import uuid
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_noop

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require_case, require_referral_receiver, require_section
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core.errors import NotFound
from sinergi.core.validation import field_error

from .enums import EventKind
from .models import Attachment, Case
from .services import case_event_add
from .timeline import msg
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "text/plain": "TXT",
}


def sniff(head: bytes, data_for_zip) -> str | None:
    """The real type of the content, or None when it is not an allowed type."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(data_for_zip) as zf:
                if "word/document.xml" in zf.namelist():
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        except zipfile.BadZipFile:
            return None
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a sequence cut at the edge of the probe is fine; anything else is binary
            return None
        text = head[: exc.start].decode("utf-8")
    if "\x00" in text:
        return None
    return "text/plain"


@transaction.atomic
def attachment_add(*, actor, case: Case, uploaded, description: str = "") -> Attachment:
    """Store ``uploaded`` (a Django UploadedFile or File) on ``case``."""
    principal = require_case(actor, case, Cap.CASE_EDIT)
    return _store(actor, principal, case, uploaded, description, agency_id=case.lead_agency_id)


@transaction.atomic
def referral_attachment_add(*, actor, referral, uploaded, description: str = "") -> Attachment:
    """A file the receiving agency adds to what it was given (the embassy's travel-document scan): the lead
    agency and that agency see it, no other receiver."""
    principal = require_referral_receiver(actor, referral)
    return _store(actor, principal, referral.case, uploaded, description, agency_id=referral.to_agency_id,
                  referral=referral)


def _store(actor, principal, case, uploaded, description, *, agency_id, referral=None) -> Attachment:
    limit = settings.SINERGI_ATTACHMENT_MAX_BYTES
    size = getattr(uploaded, "size", None)
    if size is None or size > limit:
        raise field_error("file", message(_("Berkas terlalu besar (maks. %(mb)s MB)."), mb=limit // (1024 * 1024)))
    if size == 0:
        raise field_error("file", _("Berkas kosong."))
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    content_type = sniff(head, uploaded)
    if content_type is None:
        raise field_error("file", _("Jenis berkas tidak diizinkan (PDF, JPEG, PNG, DOCX, TXT)."))
    description = (description or "").strip()
    if len(description) > 300:
        raise field_error("description", _("Terlalu panjang (maks. 300)."))
    uploaded.seek(0)
    digest = hashlib.sha256()
    data = bytearray()
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        digest.update(chunk)
        data.extend(chunk)
    name = (getattr(uploaded, "name", "") or "lampiran").split("/")[-1].split("\\")[-1][:200]
    attachment = Attachment(id=uuid.uuid4(), case=case, original_name=name, content_type=content_type,
                            size=len(data), sha256=digest.hexdigest(), description=description, uploaded_by=actor,
                            referral=referral)
    # The file is written before the row; if the transaction later rolls back, the orphan file is removed by
    # ``attachment_sweep`` (Django has no rollback hook).
    attachment.file.save(str(attachment.id), ContentFile(bytes(data)), save=False)
    attachment.save()
    case_event_add(case, EventKind.ATTACHMENT_ADDED, actor=actor, agency_id=agency_id,
                   summary=msg(gettext_noop("Lampiran: %(name)s"), name=name),
                   data={"attachment": str(attachment.pk)} | ({"referral": str(referral.pk)} if referral else {}))
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="attachment",
              object_id=attachment.pk, detail={"case": str(case.pk), "sha256": attachment.sha256,
                                               "size": attachment.size, "type": content_type}
              | ({"referral": str(referral.pk)} if referral else {}))
    return attachment


def attachment_open(*, actor, attachment: Attachment, purpose: str = ""):
    """Open the file for download, audited. NotFound unless the actor may see the case's attachments (its lead
    agency, or an agency it was referred to with the attachments section), or the attachment is one its agency
    added to a referral (``referral_attachment_add``), which it keeps seeing after the referral ended. Another
    receiver's addition is not shared with a receiver."""
    from sinergi.access.principal import Principal
    from sinergi.access.sections import ATTACHMENTS

    principal = Principal.of(actor)
    referral = attachment.referral
    if referral is not None and referral.to_agency_id in principal.casework_agency_ids:
        agency_id = referral.to_agency_id
    else:
        sight = require_section(actor, attachment.case, ATTACHMENTS)
        if referral is not None and not sight.full:
            raise NotFound("attachment")
        agency_id = sight.agency_id
    with transaction.atomic():
        audit_log(actor=principal.actor(agency_id), action=Action.DOWNLOAD,
                  object_type="attachment", object_id=attachment.pk, purpose=purpose,
                  detail={"case": str(attachment.case_id)})
    return attachment.file.open("rb")


def attachment_sweep() -> int:
    """Remove stored files that no attachment row points to (left by rolled-back uploads)."""
    import os

    from django.core.files.storage import default_storage

    removed = 0
    known = set(Attachment.objects.values_list("file", flat=True))
    root = "attachments"
    if not default_storage.exists(root):
        return 0
    dirs, _ = default_storage.listdir(root)
    for d in dirs:
        _, files = default_storage.listdir(os.path.join(root, d))
        for f in files:
            name = f"{root}/{d}/{f}"
            if name not in known:
                default_storage.delete(name)
                removed += 1
    return removed
