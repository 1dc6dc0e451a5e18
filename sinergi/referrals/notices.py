"""Notices: broadcast a missing or unidentified person to chosen partner agencies; answers come back to the
notice and can open a referral. Visible to the issuing agency and the recipients only."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require
from sinergi.access.principal import Principal
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.core.validation import Errors, field_error

from .models import Notice, NoticeAnswer, NoticeRecipient

PHOTO_MAX_BYTES = 5 * 1024 * 1024


def notices_visible_to(user) -> QuerySet:
    ids = Principal.of(user).casework_agency_ids
    if not ids:
        return Notice.objects.none()
    return Notice.objects.filter(Q(issued_by_id__in=ids) | Q(noticerecipient__agency_id__in=ids)).distinct()


@transaction.atomic
def notice_issue(*, actor, agency_id, kind: str, description: str, recipients: list, subject_name: str = "",
                 last_known_place: str = "", last_known_country=None, last_seen_on=None, case=None,
                 photo=None) -> Notice:
    from sinergi.agencies.models import Agency
    from sinergi.cases.attachments import sniff

    principal = require(actor, Cap.REFER, agency_id)
    errors = Errors()
    errors.in_choices("kind", kind, Notice.Kind.values)
    description = (description or "").strip()
    errors.required("description", description)
    errors.not_future("last_seen_on", last_seen_on)
    agencies = list(Agency.objects.filter(pk__in=[a.pk if hasattr(a, "pk") else a for a in recipients], is_active=True)
                    .exclude(pk=agency_id))
    if not agencies:
        errors.add("recipients", "Pilih minimal satu lembaga mitra / choose at least one partner agency.")
    content = None
    if photo is not None:
        if photo.size > PHOTO_MAX_BYTES:
            errors.add("photo", "Foto terlalu besar / photo too large (max 5 MB).")
        else:
            photo.seek(0)
            content = photo.read()
            if sniff(content[:8192], None) not in ("image/jpeg", "image/png"):
                errors.add("photo", "Foto harus JPEG atau PNG / the photo must be JPEG or PNG.")
    if case is not None and case.lead_agency_id != agency_id:
        errors.add("case", "Kasus bukan milik lembaga ini / the case is not led by this agency.")
    errors.raise_if_any()
    notice = Notice(kind=kind, issued_by_id=agency_id, issued_by_user=actor, case=case,
                    subject_name=(subject_name or "").strip()[:200], description=description,
                    last_known_place=(last_known_place or "").strip()[:300], last_known_country_id=last_known_country or None,
                    last_seen_on=last_seen_on)
    if content is not None:
        notice.photo.save(uuid.uuid4().hex, ContentFile(content), save=False)
    notice.save()
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, agency=a) for a in agencies])
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="notice", object_id=notice.pk,
              detail={"recipients": [str(a.pk) for a in agencies], "photo": content is not None})
    notice_id, ids = notice.pk, [a.pk for a in agencies]
    transaction.on_commit(lambda: _notify_recipients(notice_id, ids))
    return notice


def notice_get(user, notice_id) -> Notice:
    try:
        notice = notices_visible_to(user).get(pk=notice_id)
    except (Notice.DoesNotExist, ValueError):
        raise NotFound("notice") from None
    ids = Principal.of(user).casework_agency_ids
    agency = notice.issued_by_id if notice.issued_by_id in ids else next(
        (a for a in notice.recipients.values_list("pk", flat=True) if a in ids), None)
    with transaction.atomic():
        NoticeRecipient.objects.filter(notice=notice, agency_id=agency, seen_at__isnull=True).update(seen_at=clock.now())
        audit_log(actor=Principal.of(user).actor(agency), action=Action.READ, object_type="notice", object_id=notice.pk)
    return notice


@transaction.atomic
def notice_answer(*, actor, notice: Notice, body: str, open_referral: dict[str, Any] | None = None) -> NoticeAnswer:
    """A recipient answers ("we may have found her"). The issuer may turn an answer into a referral."""
    principal = Principal.of(actor)
    ids = principal.casework_agency_ids
    agency = next((a for a in notice.recipients.values_list("pk", flat=True) if a in ids), None)
    if agency is None and notice.issued_by_id not in ids:
        raise NotFound("notice")
    agency = agency or notice.issued_by_id
    if notice.status != Notice.Status.OPEN:
        raise field_error("notice", "Pemberitahuan sudah ditutup / the notice is closed.")
    body = (body or "").strip()
    if not body:
        raise field_error("body", "Wajib diisi / this field is required.")
    answer = NoticeAnswer.objects.create(notice=notice, agency_id=agency, author=actor, body=body[:10000])
    audit_log(actor=principal.actor(agency), action=Action.CREATE, object_type="notice_answer", object_id=answer.pk,
              detail={"notice": str(notice.pk)})
    return answer


@transaction.atomic
def notice_answer_refer(*, actor, answer: NoticeAnswer, type: str, consent_override_reason: str = "") -> Any:
    """The issuing agency opens a referral to the answering agency for the notice's case."""
    from .services import referral_send

    notice = answer.notice
    if notice.case is None:
        raise field_error("case", "Pemberitahuan tanpa kasus / the notice has no case to refer.")
    referral = referral_send(actor=actor, case=notice.case, type=type, to_agency=answer.agency,
                             message=f"Tindak lanjut jawaban atas pemberitahuan: {answer.body[:500]}",
                             consent_override_reason=consent_override_reason)
    answer.referral = referral
    answer.save(update_fields=["referral", "updated_at"])
    return referral


@transaction.atomic
def notice_close(*, actor, notice: Notice) -> Notice:
    principal = require(actor, Cap.REFER, notice.issued_by_id)
    if notice.status != Notice.Status.CLOSED:
        notice.status = Notice.Status.CLOSED
        notice.save(update_fields=["status", "updated_at"])
        audit_log(actor=principal.actor(notice.issued_by_id), action=Action.UPDATE, object_type="notice",
                  object_id=notice.pk, detail={"status": "closed"})
    return notice


def _notify_recipients(notice_id, agency_ids) -> None:
    from sinergi.notifications.services import notify

    from .notify import WORKERS, _users

    notice = Notice.objects.select_related("issued_by").get(pk=notice_id)
    notify(user_ids=_users(agency_ids, WORKERS), title=f"Pemberitahuan {notice.get_kind_display()} dari {notice.issued_by}",
           body=notice.description[:300], url="", key=f"notice:{notice.pk}")
