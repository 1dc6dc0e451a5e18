"""Referrals and notices across instances, in one place: what leaves for a peer (written to the exchange outbox in
the transaction of the change it reports, delivered after commit by the worker) and what arrives from one (the
exchange's message handlers, registered from ``ReferralsConfig.ready()``). An arriving record is stored as a local
record of the receiving agency through the same services as a local one, and each receiving service writes its own
audit row, naming the peer.

Message kinds:
    referral.create   a referral to one of our agencies (a local case with the shared sections)
    referral.status   the answer to a referral we sent, or the sender's withdrawal of one we received
    notice.create     a notice to some of our agencies (a local copy issued by the stand-in for the peer's agency)
    notice.answer     one of the peer's agencies answered a notice we issued
    notice.close      the peer's issuer closed a notice we hold a copy of

Only what a partner needs leaves: the fields of the shared sections of a referral; for a notice, what is needed to
look for the person (no case, no issuing officer, no other recipients).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.cases.enums import EventKind
from sinergi.cases.services import case_event_add
from sinergi.cases.timeline import msg
from sinergi.core import clock
from sinergi.core.ids import is_uuid
from sinergi.core.validation import Errors
from sinergi.exchange import handlers
from sinergi.exchange.crypto import NotYetKnown, Rejected

from . import notices, services
from .enums import ACTIVE, RECEIVER_MOVES, SENDER_MOVES, SYSTEM_MOVES, ReferralStatus, ReferralType, Section
from .models import Notice, NoticeAnswer, NoticeRecipient, Referral

S = ReferralStatus


# --- Referrals ----------------------------------------------------------------------------------------------

def _subject_for(case, sections: list[str], agency_id=None) -> dict[str, Any]:
    """Only the minimum leaves the country: the fields of the shared sections (``access.projection.project_shared``)."""
    from sinergi.access.projection import project_shared

    view = project_shared(case, sections, agency_id=agency_id)
    out: dict[str, Any] = {"case_reference": view.reference}
    if view.identity is not None:
        p = view.identity
        age = p.estimated_age
        if p.date_of_birth:
            today = clock.today()
            age = today.year - p.date_of_birth.year - ((today.month, today.day) < (p.date_of_birth.month, p.date_of_birth.day))
        out["identity"] = {"full_name": p.full_name, "sex": p.sex, "age": age, "citizenship": p.citizenship_code or ""}
    if view.location is not None:
        out["location"] = {"country": view.location.country_code or "", "city": view.location.city}
    if view.exploitation is not None:
        x = view.exploitation
        out["exploitation"] = {"types": list(x.exploitation_types), "means_of_control": list(x.means_of_control),
                               "recruitment_apps": list(x.recruitment_apps)}
    if view.documents is not None:
        out["documents"] = [{"type": d.type, "number": d.number, "country": d.issuing_country_code}
                            for d in view.documents.documents]
    return out


def referral_send_remote(referral: Referral) -> None:
    """``referral.create`` to the peer that serves the receiving agency, in the transaction of the send."""
    from sinergi.exchange.services import outbox_enqueue

    target = referral.to_agency
    referral.remote_peer = target.peer
    referral.save(update_fields=["remote_peer", "updated_at"])
    lead = referral.from_agency
    outbox_enqueue(peer=target.peer, kind="referral.create", body={
        "referral_id": str(referral.pk), "type": referral.type, "to_agency": target.remote_code,
        "from_agency": {"code": lead.code, "name": lead.name, "type": lead.type, "country": lead.country_id},
        "sections": referral.sections, "message": referral.message,
        "ack_due_at": referral.ack_due_at.isoformat(), "complete_due_at": referral.complete_due_at.isoformat(),
        "subject": _subject_for(referral.case, referral.sections, agency_id=target.pk),
    })


def referral_status_send_remote(referral: Referral, reason: str, outcome: str) -> None:
    from sinergi.exchange.services import outbox_enqueue

    outbox_enqueue(peer=referral.remote_peer, kind="referral.status", body={
        "referral_id": str(referral.remote_id) if referral.remote_id else "", "remote_referral_id": str(referral.pk),
        "origin_referral_id": str(referral.pk), "status": referral.status, "reason": reason[:1000],
        "outcome": outcome[:2000],
    })


def referral_receive(*, peer, from_agency, to_agency, body: dict) -> Referral:
    """A referral that arrived from a peer: a local case of the receiving agency with what was shared."""
    from sinergi.cases.services import case_open_system
    from sinergi.people.services import person_create_system

    errors = Errors()
    errors.in_choices("type", body.get("type"), ReferralType.values)
    sections = body.get("sections") or []
    errors.in_choices("sections", sections, Section.values)
    errors.raise_if_any()
    subject = body.get("subject") or {}
    identity = subject.get("identity") or {}
    location = subject.get("location") or {}
    actor = handlers.peer_actor(peer, to_agency.pk)
    person = person_create_system(actor=actor, data={
        "full_name": identity.get("full_name") or str(_("(tidak dibagikan)")),
        "sex": identity.get("sex") or "NonSpecifiedUnknown", "estimated_age": identity.get("age"),
        "citizenship": identity.get("citizenship") or None,
    })
    case = case_open_system(actor=actor, survivor=person, lead_agency=to_agency, details={
        "country_of_exploitation": location.get("country") or None, "city_of_exploitation": location.get("city") or "",
        "exploitation_types": (subject.get("exploitation") or {}).get("types") or [],
        "summary": f"Rujukan dari {from_agency.name} ({peer.name}), kasus {subject.get('case_reference', '')}.\n"
                   f"{body.get('message', '')}",
    }, external_id=f"{peer.code}:{body.get('referral_id')}")
    now = clock.now()
    referral = Referral.objects.create(
        case=case, type=body["type"], from_agency=from_agency, to_agency=to_agency, status=S.SENT,
        sections=sections, message=str(body.get("message", ""))[:5000], sent_by=None, sent_at=now,
        ack_due_at=_parse_dt(body.get("ack_due_at"), now), complete_due_at=_parse_dt(body.get("complete_due_at"), now),
        remote_peer=peer, remote_id=body.get("referral_id"),
    )
    case_event_add(case, EventKind.REFERRAL, actor=None, agency_id=to_agency.pk,
                   summary=msg(gettext_noop("Rujukan %(type)s diterima dari %(agency)s (%(peer)s)"),
                               type=ReferralType(referral.type),
                               agency=from_agency, peer=peer.name),
                   data={"referral": str(referral.pk), "status": S.SENT, "peer": peer.code})
    audit_log(actor=handlers.peer_actor(peer, from_agency.pk), action=Action.CREATE, object_type="referral",
              object_id=referral.pk,
              detail={"peer": peer.code, "remote_id": body.get("referral_id"), "sections": body.get("sections")})
    services._notify(referral, "sent")
    return referral


def referral_apply_remote_status(*, peer, body: dict) -> Referral:
    """The peer's agency answered a referral we sent (or the sender withdrew one we received)."""
    referral = None
    for key in ("referral_id",):
        value = body.get(key)
        if value and is_uuid(value):
            referral = Referral.objects.select_for_update().filter(pk=value, remote_peer=peer).first()
    if referral is None and is_uuid(body.get("origin_referral_id")):
        referral = Referral.objects.select_for_update().filter(remote_id=body["origin_referral_id"],
                                                              remote_peer=peer).first()
    if referral is None:
        raise NotYetKnown("unknown referral")
    status = body.get("status")
    if status not in S.values:
        raise Rejected(f"unknown status {status!r}")
    if referral.remote_id is None and is_uuid(body.get("remote_referral_id")):
        referral.remote_id = body["remote_referral_id"]
        referral.save(update_fields=["remote_id", "updated_at"])
    if referral.status == status or referral.status not in ACTIVE:
        return referral
    # The peer moves a referral as the side it is on, by the same tables as a local user: the receiver works a
    # referral we sent it, the sender may only withdraw one it sent us, and either instance may expire one.
    peer_is_receiver = referral.to_agency.peer_id == peer.pk
    moves = RECEIVER_MOVES if peer_is_receiver else SENDER_MOVES
    allowed = moves.get(referral.status, frozenset()) | SYSTEM_MOVES.get(referral.status, frozenset())
    if status not in allowed:
        if _reachable(referral.status, status, moves):
            # Ahead of a move still on its way (messages to one peer may arrive out of order): tried again later.
            raise NotYetKnown(f"a move from {referral.status} to {status} waits for the moves before it")
        side = "receiver" if peer_is_receiver else "sender"
        raise Rejected(f"the {side} may not move a referral from {referral.status} to {status}")
    services._move(referral, status, actor=None, agency_id=referral.to_agency_id, principal=None,
                   reason=str(body.get("reason", "")), outcome=str(body.get("outcome", "")), remote=True)
    audit_log(actor=handlers.peer_actor(peer, referral.to_agency_id), action=Action.UPDATE, object_type="referral",
              object_id=referral.pk, detail={"peer": peer.code, "status": body.get("status")})
    return referral


def _reachable(start: str, goal: str, moves: dict) -> bool:
    """Whether ``goal`` can follow ``start`` through moves of the table (one or more steps)."""
    seen, todo = set(), [start]
    while todo:
        for nxt in moves.get(todo.pop(), frozenset()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _parse_dt(value, default):
    try:
        parsed = dt.datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else default
    except ValueError:
        return default

# --- Notices ------------------------------------------------------------------------------------------------

def _agency_ref(agency) -> dict[str, str]:
    return {"code": agency.code, "name": agency.name, "type": agency.type, "country": agency.country_id}


def notice_send_remote(notice: Notice, agencies: list, photo: bytes | None) -> None:
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
            "description": notice.description[:notices.DESCRIPTION_MAX_CHARS], "last_known_place": notice.last_known_place,
            "last_known_country": notice.last_known_country_id or "",
            "last_seen_on": notice.last_seen_on.isoformat() if notice.last_seen_on else "",
            "issued_by": _agency_ref(notice.issued_by), "to_agencies": sorted(a.remote_code for a in group),
        }
        if photo is not None:
            body["photo"] = base64.b64encode(photo).decode("ascii")
        outbox_enqueue(peer=group[0].peer, kind="notice.create", body=body)


def notice_answer_send_remote(answer: NoticeAnswer) -> None:
    from sinergi.exchange.services import outbox_enqueue

    notice = answer.notice
    outbox_enqueue(peer=notice.remote_peer, kind="notice.answer", body={
        "notice_id": str(notice.remote_id), "answer_id": str(answer.pk), "agency": answer.agency.code,
        "body": answer.body,
    })


def notice_close_send_remote(notice: Notice) -> None:
    from sinergi.exchange.models import Peer
    from sinergi.exchange.services import outbox_enqueue

    peer_ids = notice.recipients.filter(peer__isnull=False).values("peer_id")
    for peer in Peer.objects.filter(pk__in=peer_ids).order_by("code"):
        outbox_enqueue(peer=peer, kind="notice.close", body={"notice_id": str(notice.pk)})


def _remote_photo(value) -> bytes | None:
    import base64
    import binascii

    from sinergi.cases.attachments import sniff

    if not value:
        return None
    try:
        content = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise Rejected("photo is not base64") from None
    if len(content) > notices.REMOTE_PHOTO_MAX_BYTES:
        raise Rejected("photo too large")
    if sniff(content[:8192], None) not in ("image/jpeg", "image/png"):
        raise Rejected("photo is not JPEG or PNG")
    return content


def _parse_date(value):

    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def notice_receive(*, peer, issued_by, recipients: list, body: dict) -> tuple[Notice, bool]:
    """A notice that arrived from a peer, issued by ``issued_by`` (the local stand-in for the peer's agency) to our
    ``recipients``. Once per (peer, sender's notice id): a second copy returns the first. Returns (notice, created).
    Recipients are told after commit, as for a local notice."""
    from sinergi.regions.selectors import country_by_code

    remote_id = str(body.get("notice_id", ""))
    if not is_uuid(remote_id):
        raise Rejected("notice has no id")
    existing = Notice.objects.filter(remote_peer=peer, remote_id=remote_id).first()
    if existing is not None:
        return existing, False
    kind = body.get("kind")
    if kind not in Notice.Kind.values:
        raise Rejected(f"unknown notice kind {kind!r}")
    description = str(body.get("description") or "").strip()[:notices.DESCRIPTION_MAX_CHARS]
    if not description:
        raise Rejected("notice has no description")
    if not recipients:
        raise Rejected("notice has no recipient here")
    photo = _remote_photo(body.get("photo"))
    country = country_by_code(str(body.get("last_known_country") or "")[:3])
    notice = Notice(kind=kind, issued_by=issued_by, issued_by_user=None, description=description,
                    subject_name=str(body.get("subject_name") or "").strip()[:200],
                    last_known_place=str(body.get("last_known_place") or "").strip()[:300],
                    last_known_country_id=country.code if country else None,
                    last_seen_on=_parse_date(body.get("last_seen_on")), remote_peer=peer, remote_id=remote_id)
    if photo is not None:
        notice.photo.save(uuid.uuid4().hex, ContentFile(photo), save=False)
    notice.save()
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, agency=a) for a in recipients])
    audit_log(actor=handlers.peer_actor(peer, issued_by.pk), action=Action.CREATE, object_type="notice", object_id=notice.pk,
              detail={"peer": peer.code, "remote_id": remote_id, "recipients": [str(a.pk) for a in recipients],
                      "photo": bool(notice.photo)})
    notice_id, ids = notice.pk, [a.pk for a in recipients]
    transaction.on_commit(lambda: notices._notify_recipients(notice_id, ids))
    return notice, True


def notice_apply_remote_answer(*, peer, body: dict) -> NoticeAnswer:
    """A recipient on the peer's instance answered one of our notices: stored as an answer from the local stand-in
    for that agency, which must be one of the notice's recipients. Kept even if the notice was closed meanwhile:
    it was written while their copy was still open."""

    notice_id = body.get("notice_id")
    notice = (Notice.objects.filter(pk=notice_id, remote_peer__isnull=True).first()
              if is_uuid(notice_id) else None)
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
    answer = NoticeAnswer.objects.create(notice=notice, agency=agency, author=None, body=text[:10000])
    audit_log(actor=handlers.peer_actor(peer, answer.agency_id), action=Action.CREATE, object_type="notice_answer",
              object_id=answer.pk, detail={"peer": peer.code, "notice": str(answer.notice_id),
                                           "remote_id": body.get("answer_id")})
    return answer


def notice_apply_remote_close(*, peer, body: dict) -> tuple[Notice, bool]:
    """The issuer on the peer's instance closed the notice: close our copy. Returns (notice, changed)."""

    notice_id = body.get("notice_id")
    notice = (Notice.objects.select_for_update().filter(remote_peer=peer, remote_id=notice_id).first()
              if is_uuid(notice_id) else None)
    if notice is None:
        raise NotYetKnown("unknown notice")
    if notice.status == Notice.Status.CLOSED:
        return notice, False
    notice.status = Notice.Status.CLOSED
    notice.save(update_fields=["status", "updated_at"])
    audit_log(actor=handlers.peer_actor(peer, notice.issued_by_id), action=Action.UPDATE, object_type="notice",
              object_id=notice.pk, detail={"peer": peer.code, "status": "closed"})
    return notice, True

# --- Arriving messages (the exchange's handlers) -------------------------------------------------------------

def on_referral_create(peer, body: dict) -> None:
    to_agency = handlers.local_agency(str(body.get("to_agency", "")))
    from_agency = handlers.mirror_agency(peer, body.get("from_agency") or {})
    referral_receive(peer=peer, from_agency=from_agency, to_agency=to_agency, body=body)


def on_referral_status(peer, body: dict) -> None:
    referral_apply_remote_status(peer=peer, body=body)


def on_notice_create(peer, body: dict) -> None:
    codes = body.get("to_agencies")
    if not isinstance(codes, list) or not codes:
        raise Rejected("notice names no recipient")
    recipients = list({a.pk: a for a in (handlers.local_agency(str(c)) for c in codes)}.values())
    issued_by = handlers.mirror_agency(peer, body.get("issued_by") or {})
    notice_receive(peer=peer, issued_by=issued_by, recipients=recipients, body=body)


def on_notice_answer(peer, body: dict) -> None:
    notice_apply_remote_answer(peer=peer, body=body)


def on_notice_close(peer, body: dict) -> None:
    notice_apply_remote_close(peer=peer, body=body)


HANDLERS = {"referral.create": on_referral_create, "referral.status": on_referral_status,
            "notice.create": on_notice_create, "notice.answer": on_notice_answer, "notice.close": on_notice_close}


def on_referral_create_delivered(peer, body: dict, at) -> None:
    """The partner's receipt for a referral we sent: from now it has reached the partner (and its clock runs)."""
    services.referral_delivered(referral_id=body.get("referral_id"), at=at)


def register() -> None:
    """Called from ``ReferralsConfig.ready()``."""
    for kind, handler in HANDLERS.items():
        handlers.register(kind, handler)
    handlers.register_delivered("referral.create", on_referral_create_delivered)
