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

from .models import Notice, NoticeAnswer, NoticeRecipient

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
            elif len(content) > REMOTE_PHOTO_MAX_BYTES and any(a.peer_id for a in agencies):
                errors.add("photo", "Foto terlalu besar untuk dikirim ke lembaga di instansi lain / photo too large "
                                    "to send to a partner on another instance (max 160 KB).")
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
        _send_remote_create(notice, agencies, content)
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
        raise field_error("notice", "Pemberitahuan sudah ditutup / the notice is closed.")
    body = (body or "").strip()
    if not body:
        raise field_error("body", "Wajib diisi / this field is required.")
    answer = NoticeAnswer.objects.create(notice=notice, agency_id=agency, author=actor, body=body[:10000])
    audit_log(actor=principal.actor(agency), action=Action.CREATE, object_type="notice_answer", object_id=answer.pk,
              detail={"notice": str(notice.pk)})
    if notice.remote_peer_id:  # a copy of a peer's notice: the answer goes back to the issuer over there
        _send_remote_answer(answer)
    return answer


@transaction.atomic
def notice_answer_refer(*, actor, answer: NoticeAnswer, type: str, consent_override_reason: str = "") -> Any:
    """The issuing agency opens a referral to the answering agency for the notice's case. When that agency is on
    another instance the referral crosses to it like any referral to a remote agency."""
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
        _send_remote_close(notice)
    return notice


def _notify_recipients(notice_id, agency_ids) -> None:
    from django.urls import reverse

    from sinergi.notifications.services import notify

    from .notify import WORKERS, _users

    notice = Notice.objects.select_related("issued_by").get(pk=notice_id)
    # No description in the body: notifications leave the application (e-mail, SMS); the notice is read inside it.
    notify(user_ids=_users(agency_ids, WORKERS), title=f"Pemberitahuan {notice.get_kind_display()} dari {notice.issued_by}",
           body="", url=reverse("web:notice_detail", args=[notice.pk]),
           key=f"notice:{notice.pk}")


# --- Across instances -------------------------------------------------------------------------------------
# The outbox row is written in the transaction of the change it reports and delivered after commit by the worker.
# Only what a partner needs to look for the person leaves: no case, no issuing officer, no other recipients.

def _agency_ref(agency) -> dict[str, str]:
    return {"code": agency.code, "name": agency.name, "type": agency.type, "country": agency.country_id}


def _send_remote_create(notice: Notice, agencies: list, photo: bytes | None) -> None:
    """One ``notice.create`` per peer, naming only that peer's recipient agencies (by their code over there)."""
    import base64

    from sinergi.exchange.services import outbox_enqueue

    by_peer: dict[Any, list] = {}
    for a in agencies:
        if a.peer_id:
            by_peer.setdefault(a.peer_id, []).append(a)
    for group in by_peer.values():
        body = {
            "notice_id": str(notice.pk), "kind": notice.kind, "subject_name": notice.subject_name,
            "description": notice.description[:DESCRIPTION_MAX_CHARS], "last_known_place": notice.last_known_place,
            "last_known_country": notice.last_known_country_id or "",
            "last_seen_on": notice.last_seen_on.isoformat() if notice.last_seen_on else "",
            "issued_by": _agency_ref(notice.issued_by), "to_agencies": sorted(a.remote_code for a in group),
        }
        if photo is not None:
            body["photo"] = base64.b64encode(photo).decode("ascii")
        outbox_enqueue(peer=group[0].peer, kind="notice.create", body=body)


def _send_remote_answer(answer: NoticeAnswer) -> None:
    from sinergi.exchange.services import outbox_enqueue

    notice = answer.notice
    outbox_enqueue(peer=notice.remote_peer, kind="notice.answer", body={
        "notice_id": str(notice.remote_id), "answer_id": str(answer.pk), "agency": answer.agency.code,
        "body": answer.body,
    })


def _send_remote_close(notice: Notice) -> None:
    from sinergi.exchange.models import Peer
    from sinergi.exchange.services import outbox_enqueue

    peer_ids = notice.recipients.filter(peer__isnull=False).values("peer_id")
    for peer in Peer.objects.filter(pk__in=peer_ids).order_by("code"):
        outbox_enqueue(peer=peer, kind="notice.close", body={"notice_id": str(notice.pk)})


def _remote_photo(value) -> bytes | None:
    import base64
    import binascii

    from sinergi.cases.attachments import sniff
    from sinergi.exchange.crypto import Rejected

    if not value:
        return None
    try:
        content = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise Rejected("photo is not base64") from None
    if len(content) > REMOTE_PHOTO_MAX_BYTES:
        raise Rejected("photo too large")
    if sniff(content[:8192], None) not in ("image/jpeg", "image/png"):
        raise Rejected("photo is not JPEG or PNG")
    return content


def _parse_date(value):
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def notice_receive(*, peer, issued_by, recipients: list, body: dict) -> tuple[Notice, bool]:
    """A notice that arrived from a peer, issued by ``issued_by`` (the local stand-in for the peer's agency) to our
    ``recipients``. Once per (peer, sender's notice id): a second copy returns the first. Returns (notice, created).
    Recipients are told after commit, as for a local notice."""
    from sinergi.exchange.crypto import Rejected
    from sinergi.regions.models import Country

    remote_id = str(body.get("notice_id", ""))
    if not _is_uuid(remote_id):
        raise Rejected("notice has no id")
    existing = Notice.objects.filter(remote_peer=peer, remote_id=remote_id).first()
    if existing is not None:
        return existing, False
    kind = body.get("kind")
    if kind not in Notice.Kind.values:
        raise Rejected(f"unknown notice kind {kind!r}")
    description = str(body.get("description") or "").strip()[:DESCRIPTION_MAX_CHARS]
    if not description:
        raise Rejected("notice has no description")
    if not recipients:
        raise Rejected("notice has no recipient here")
    photo = _remote_photo(body.get("photo"))
    country = str(body.get("last_known_country") or "").upper()[:2]
    notice = Notice(kind=kind, issued_by=issued_by, issued_by_user=None, description=description,
                    subject_name=str(body.get("subject_name") or "").strip()[:200],
                    last_known_place=str(body.get("last_known_place") or "").strip()[:300],
                    last_known_country_id=country if Country.objects.filter(code=country).exists() else None,
                    last_seen_on=_parse_date(body.get("last_seen_on")), remote_peer=peer, remote_id=remote_id)
    if photo is not None:
        notice.photo.save(uuid.uuid4().hex, ContentFile(photo), save=False)
    notice.save()
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, agency=a) for a in recipients])
    notice_id, ids = notice.pk, [a.pk for a in recipients]
    transaction.on_commit(lambda: _notify_recipients(notice_id, ids))
    return notice, True


def notice_apply_remote_answer(*, peer, body: dict) -> NoticeAnswer:
    """A recipient on the peer's instance answered one of our notices: stored as an answer from the local stand-in
    for that agency, which must be one of the notice's recipients. Kept even if the notice was closed meanwhile:
    it was written while their copy was still open."""
    from sinergi.exchange.crypto import Rejected

    notice_id = body.get("notice_id")
    notice = (Notice.objects.filter(pk=notice_id, remote_peer__isnull=True).first()
              if _is_uuid(notice_id) else None)
    if notice is None:
        raise Rejected("unknown notice")
    agency = notice.recipients.filter(peer=peer, remote_code=str(body.get("agency", ""))).first()
    if agency is None:
        raise Rejected("the answering agency is not a recipient of the notice")
    text = str(body.get("body") or "").strip()
    if not text:
        raise Rejected("empty answer")
    # An answer means the agency over there has read the notice (its "seen" does not travel on its own).
    NoticeRecipient.objects.filter(notice=notice, agency=agency, seen_at__isnull=True).update(seen_at=clock.now())
    return NoticeAnswer.objects.create(notice=notice, agency=agency, author=None, body=text[:10000])


def notice_apply_remote_close(*, peer, body: dict) -> tuple[Notice, bool]:
    """The issuer on the peer's instance closed the notice: close our copy. Returns (notice, changed)."""
    from sinergi.exchange.crypto import NotYetKnown

    notice_id = body.get("notice_id")
    notice = (Notice.objects.select_for_update().filter(remote_peer=peer, remote_id=notice_id).first()
              if _is_uuid(notice_id) else None)
    if notice is None:
        raise NotYetKnown("unknown notice")
    if notice.status == Notice.Status.CLOSED:
        return notice, False
    notice.status = Notice.Status.CLOSED
    notice.save(update_fields=["status", "updated_at"])
    return notice, True


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False
