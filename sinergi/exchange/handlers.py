"""Applying arrived messages. Each runs inside the inbox transaction, as the system, under this instance's own
rules: what arrives is stored as a local record of the receiving agency and audited like any other write.

Message kinds:
    referral.create   a referral to one of our agencies (a local case with the shared sections)
    referral.status   the answer to a referral we sent, or the sender's withdrawal of one we received
    notice.create     a notice to some of our agencies (a local copy issued by the stand-in for the peer's agency)
    notice.answer     one of the peer's agencies answered a notice we issued
    notice.close      the peer's issuer closed a notice we hold a copy of
"""

from __future__ import annotations

from sinergi.agencies.models import Agency
from sinergi.audit.enums import Action
from sinergi.audit.services import Actor, audit_log

from .crypto import Rejected


class UnknownAgency(Exception):
    pass


def _local_agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code, peer__isnull=True, is_active=True).first()
    if agency is None:
        raise UnknownAgency(f"unknown agency {code!r}")
    return agency


def _mirror_agency(peer, data: dict) -> Agency:
    """The local stand-in for an agency that lives on the peer's instance."""
    from sinergi.agencies.enums import AgencyType, Level
    from sinergi.regions.models import Country

    code = str(data.get("code", ""))[:40]
    if not code:
        raise Rejected("sender agency has no code")
    country = str(data.get("country", "")).upper()[:2]
    if not Country.objects.filter(code=country).exists():
        raise Rejected(f"unknown country {country!r}")
    agency_type = data.get("type") if data.get("type") in AgencyType.values else AgencyType.FOREIGN_POLICE
    agency, _ = Agency.objects.get_or_create(
        peer=peer, remote_code=code,
        defaults={"code": f"{peer.code}-{code}"[:64], "name": str(data.get("name", code))[:200],
                  "type": agency_type, "country_id": country, "level": Level.NATIONAL},
    )
    return agency


def referral_create(peer, body: dict) -> None:
    from sinergi.referrals.services import referral_receive

    to_agency = _local_agency(str(body.get("to_agency", "")))
    from_agency = _mirror_agency(peer, body.get("from_agency") or {})
    referral = referral_receive(peer=peer, from_agency=from_agency, to_agency=to_agency, body=body)
    audit_log(actor=Actor(user_id=None, username=f"peer:{peer.code}", agency_id=from_agency.pk),
              action=Action.CREATE, object_type="referral", object_id=referral.pk,
              detail={"peer": peer.code, "remote_id": body.get("referral_id"), "sections": body.get("sections")})


def referral_status(peer, body: dict) -> None:
    from sinergi.referrals.services import referral_apply_remote_status

    referral = referral_apply_remote_status(peer=peer, body=body)
    audit_log(actor=Actor(user_id=None, username=f"peer:{peer.code}", agency_id=referral.to_agency_id),
              action=Action.UPDATE, object_type="referral", object_id=referral.pk,
              detail={"peer": peer.code, "status": body.get("status")})


def _peer_actor(peer, agency_id) -> Actor:
    return Actor(user_id=None, username=f"peer:{peer.code}", agency_id=agency_id)


def notice_create(peer, body: dict) -> None:
    from sinergi.referrals.notices import notice_receive

    codes = body.get("to_agencies")
    if not isinstance(codes, list) or not codes:
        raise Rejected("notice names no recipient")
    recipients = list({a.pk: a for a in (_local_agency(str(c)) for c in codes)}.values())
    issued_by = _mirror_agency(peer, body.get("issued_by") or {})
    notice, created = notice_receive(peer=peer, issued_by=issued_by, recipients=recipients, body=body)
    if created:
        audit_log(actor=_peer_actor(peer, issued_by.pk), action=Action.CREATE, object_type="notice",
                  object_id=notice.pk, detail={"peer": peer.code, "remote_id": body.get("notice_id"),
                                               "recipients": [str(a.pk) for a in recipients],
                                               "photo": bool(notice.photo)})


def notice_answer(peer, body: dict) -> None:
    from sinergi.referrals.notices import notice_apply_remote_answer

    answer = notice_apply_remote_answer(peer=peer, body=body)
    audit_log(actor=_peer_actor(peer, answer.agency_id), action=Action.CREATE, object_type="notice_answer",
              object_id=answer.pk, detail={"peer": peer.code, "notice": str(answer.notice_id),
                                           "remote_id": body.get("answer_id")})


def notice_close(peer, body: dict) -> None:
    from sinergi.referrals.notices import notice_apply_remote_close

    notice, changed = notice_apply_remote_close(peer=peer, body=body)
    if changed:
        audit_log(actor=_peer_actor(peer, notice.issued_by_id), action=Action.UPDATE, object_type="notice",
                  object_id=notice.pk, detail={"peer": peer.code, "status": "closed"})


HANDLERS = {"referral.create": referral_create, "referral.status": referral_status, "notice.create": notice_create,
            "notice.answer": notice_answer, "notice.close": notice_close}


def referral_create_delivered(peer, body: dict, at) -> None:
    from sinergi.referrals.services import referral_delivered

    referral_delivered(referral_id=body.get("referral_id"), at=at)


# What to do here when the peer's receipt for a message of this kind arrives (``services.outbox_deliver``).
DELIVERED = {"referral.create": referral_create_delivered}


def register(kind: str, handler) -> None:
    """Add a message kind from an app's ``AppConfig.ready()`` (an app that exchange must not import)."""
    HANDLERS.setdefault(kind, handler)
