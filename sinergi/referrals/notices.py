"""Notices: broadcast a missing or unidentified person to chosen partner agencies; answers come back to the
notice and can open a referral. Visible to the issuing agency and the recipients only."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import BooleanField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce

from sinergi.access.audit_reads import audit_list
from sinergi.access.capabilities import Cap
from sinergi.access.policy import require
from sinergi.access.principal import Principal
from sinergi.access.visibility import notice_agency_for
from sinergi.access.visibility import notices_visible_to as access_notices_visible_to
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.core.validation import Errors, field_error

from . import remote
from .models import Notice, NoticeAnswer, NoticeRecipient
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# A photo crosses to another instance base64-encoded inside the signed (base64) and encrypted (base64 again) message,
# which a peer's inbox accepts up to ``exchange.services.MAX_BODY_BYTES`` (512 KiB): about 2.4 bytes on the wire per
# byte of photo, plus the longest description and place. A larger photo is refused when a recipient is remote.
REMOTE_PHOTO_MAX_BYTES = 160 * 1024
DESCRIPTION_MAX_CHARS = 10000


def notices_visible_to(user) -> QuerySet:
    """Notices the user may see (``access.visibility.notices_visible_to``)."""
    return access_notices_visible_to(user)


def notices_open_received(user, limit: int = 10) -> list[Notice]:
    """Open notices sent to the user's agencies that none of them has answered yet, newest first."""
    ids = Principal.of(user).casework_agency_ids
    if not ids:
        return []
    received = NoticeRecipient.objects.filter(agency_id__in=ids).values("notice_id")
    answered = NoticeAnswer.objects.filter(agency_id__in=ids).values("notice_id")
    return list(Notice.objects.filter(pk__in=received, status=Notice.Status.OPEN).exclude(pk__in=answered)
                .select_related("issued_by", "issued_by_user", "last_known_country").order_by("-created_at")[:limit])


def notice_list(user, *, status: str | None = None) -> QuerySet:
    """Notices the user's agencies issued or received, open first, newest first; each with ``answer_count`` (the
    answers the user may see),
    ``issued_here`` (issued by one of the user's agencies) and ``via_agency`` (the agency the user sees it through,
    for the audit row)."""
    ids = Principal.of(user).casework_agency_ids
    # The answers the reader may see: all of them for the issuer, their own agencies' for a recipient.
    answers = (NoticeAnswer.objects.filter(notice=OuterRef("pk"))
               .filter(Q(notice__issued_by_id__in=ids) | Q(agency_id__in=ids)).order_by().values("notice")
               .annotate(n=Count("pk")).values("n"))
    via = (NoticeRecipient.objects.filter(notice=OuterRef("pk"), agency_id__in=ids).order_by("agency_id")
           .values("agency_id"))
    qs = notices_visible_to(user).select_related("issued_by", "issued_by_user", "last_known_country", "case").annotate(
        answer_count=Coalesce(Subquery(answers, output_field=IntegerField()), Value(0)),
        issued_here=CaseWhen(When(issued_by_id__in=ids, then=Value(True)), default=Value(False),
                             output_field=BooleanField()),
        via_agency=Subquery(via[:1]),
        open_rank=CaseWhen(When(status=Notice.Status.OPEN, then=Value(0)), default=Value(1),
                           output_field=IntegerField()),
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("open_rank", "-created_at", "-id")


def notices_audit_list_read(user, rows: list[Notice], *, via: str = "list", filters: dict | None = None) -> None:
    """ONE audit row for the notices shown on a list page (subject names and descriptions are personal data).
    ``rows`` come from ``notice_list``."""
    groups: dict[Any, list] = {}
    for n in rows:
        groups.setdefault(n.issued_by_id if n.issued_here else n.via_agency, []).append(n.pk)
    audit_list(user, object_type="notice", groups=groups, via=via, filters=filters, structured={"status"})


@transaction.atomic
def notice_issue(*, actor, agency_id, kind: str, description: str, recipients: list, subject_name: str = "",
                 last_known_place: str = "", last_known_country=None, last_seen_on=None, case=None,
                 photo=None) -> Notice:
    from sinergi.agencies.models import Agency
    from sinergi.cases.attachments import sniff

    principal = require(actor, Cap.REFER, agency_id)
    if case is not None and case.lead_agency_id != agency_id:
        # A notice about a case names its survivor: only the agency leading the case issues one.
        raise NotFound("case")
    errors = Errors()
    errors.in_choices("kind", kind, Notice.Kind.values)
    description = (description or "").strip()
    errors.required("description", description)
    errors.not_future("last_seen_on", last_seen_on)
    agencies = list(Agency.objects.filter(pk__in=[a.pk if hasattr(a, "pk") else a for a in recipients], is_active=True)
                    .exclude(pk=agency_id).select_related("peer"))
    if not agencies:
        errors.add("recipients", _("Pilih minimal satu lembaga mitra."))
    content = None
    if photo is not None:
        if photo.size > PHOTO_MAX_BYTES:
            errors.add("photo", _("Foto terlalu besar (maks. 5 MB)."))
        else:
            photo.seek(0)
            content = photo.read()
            if sniff(content[:8192], None) not in ("image/jpeg", "image/png"):
                errors.add("photo", _("Foto harus JPEG atau PNG."))
            elif len(content) > REMOTE_PHOTO_MAX_BYTES and any(a.peer_id for a in agencies):
                errors.add("photo", _("Foto terlalu besar untuk dikirim ke lembaga di instansi lain (maks. 160 KB)."))
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
    if any(a.peer_id for a in agencies):
        remote.notice_send_remote(notice, agencies, content)
    notice_id, ids = notice.pk, [a.pk for a in agencies]
    transaction.on_commit(lambda: _notify_recipients(notice_id, ids))
    return notice


def _visible(user, notice_id) -> Notice:
    try:
        return notices_visible_to(user).select_related(
            "issued_by", "issued_by_user", "last_known_country", "case").get(pk=notice_id)
    except (Notice.DoesNotExist, ValueError):
        raise NotFound("notice") from None
    except Exception as exc:  # malformed UUIDs raise ValidationError from the field
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound("notice") from None
        raise


def _agency_for(user, notice: Notice):
    """The agency through which the user sees the notice (``access.visibility.notice_agency_for``)."""
    return notice_agency_for(user, notice)


def notice_get(user, notice_id) -> Notice:
    notice = _visible(user, notice_id)
    agency = _agency_for(user, notice)
    with transaction.atomic():
        NoticeRecipient.objects.filter(notice=notice, agency_id=agency, seen_at__isnull=True).update(seen_at=clock.now())
        audit_log(actor=Principal.of(user).actor(agency), action=Action.READ, object_type="notice", object_id=notice.pk)
    return notice


def notice_photo_open(user, notice_id) -> tuple[Any, str]:
    """The notice's photo and its content type, for a user who may see the notice; the read is audited.
    NotFound when the notice is not visible or has no photo."""
    from sinergi.cases.attachments import sniff

    notice = _visible(user, notice_id)
    if not notice.photo:
        raise NotFound("photo")
    fh = notice.photo.open("rb")
    content_type = sniff(fh.read(16), None) or "application/octet-stream"
    fh.seek(0)
    with transaction.atomic():
        audit_log(actor=Principal.of(user).actor(_agency_for(user, notice)), action=Action.DOWNLOAD,
                  object_type="notice", object_id=notice.pk, detail={"file": "photo"})
    return fh, content_type


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
        raise field_error("notice", _("Pemberitahuan sudah ditutup."))
    body = (body or "").strip()
    if not body:
        raise field_error("body", _("Wajib diisi."))
    answer = NoticeAnswer.objects.create(notice=notice, agency_id=agency, author=actor, body=body[:10000])
    audit_log(actor=principal.actor(agency), action=Action.CREATE, object_type="notice_answer", object_id=answer.pk,
              detail={"notice": str(notice.pk)})
    if notice.remote_peer_id:  # a copy of a peer's notice: the answer goes back to the issuer over there
        remote.notice_answer_send_remote(answer)
    return answer


@transaction.atomic
def notice_answer_refer(*, actor, answer: NoticeAnswer, type: str, consent_override_reason: str = "") -> Any:
    """The issuing agency opens a referral to the answering agency for the notice's case. When that agency is on
    another instance the referral crosses to it like any referral to a remote agency."""
    from .services import referral_send

    notice = answer.notice
    if notice.case is None:
        raise field_error("case", _("Pemberitahuan tanpa kasus."))
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
        remote.notice_close_send_remote(notice)
    return notice


def _notify_recipients(notice_id, agency_ids) -> None:
    from django.urls import reverse

    from sinergi.notifications.services import notify

    from .notify import WORKERS, _users

    notice = Notice.objects.select_related("issued_by").get(pk=notice_id)
    # No description in the body: notifications leave the application (e-mail, SMS); the notice is read inside it.
    kinds = dict(Notice._meta.get_field("kind").flatchoices)  # lazy labels: each recipient's own language
    notify(user_ids=_users(agency_ids, WORKERS),
           title=message(_("Pemberitahuan %(kind)s dari %(agency)s"), kind=kinds.get(notice.kind, notice.kind),
                         agency=notice.issued_by),
           body="", url=reverse("web:notice_detail", args=[notice.pk]),
           key=f"notice:{notice.pk}")
