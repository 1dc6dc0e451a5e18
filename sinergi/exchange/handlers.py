"""Applying arrived messages: one handler per message kind, registered by the app that owns the records a kind
creates (from its ``AppConfig.ready()``, e.g. ``referrals.remote``); the exchange, a transport, knows no domain app.

A handler ``(peer, body) -> None`` runs inside the inbox transaction, as the system, under this instance's own
rules: what arrives is stored as a local record of the receiving agency, through that app's services, and audited
like any other write. It raises ``crypto.Rejected`` (or ``UnknownAgency``) for a message that can never apply and
``crypto.NotYetKnown`` for one overtaken by a message still on its way.
"""

from __future__ import annotations

from collections.abc import Callable

Handler = Callable[[object, dict], None]

HANDLERS: dict[str, Handler] = {}


class UnknownAgency(Exception):
    pass


def register(kind: str, handler: Handler) -> None:
    """Handle messages of ``kind`` with ``handler``; registering the same handler again changes nothing."""
    if HANDLERS.get(kind, handler) is not handler:
        raise ValueError(f"message kind {kind!r} already has a handler")
    HANDLERS[kind] = handler


# What to do when the peer's receipt for a message of a kind arrives (``services.outbox_deliver``): filled by the
# app that sent it, as the handlers are.
DELIVERED: dict[str, object] = {}


def register_delivered(kind: str, on_receipt) -> None:
    """Call ``on_receipt(peer, body, at)`` when the peer's receipt for a message of ``kind`` arrives."""
    if DELIVERED.get(kind, on_receipt) is not on_receipt:
        raise ValueError(f"message kind {kind!r} already has a receipt handler")
    DELIVERED[kind] = on_receipt


# --- What every handler needs of the sender and the receiver ----------------------------------------------------

def peer_actor(peer, agency_id):
    """Who a write on behalf of ``peer`` is audited as: the partner instance, for the agency it concerns."""
    from sinergi.audit.services import Actor

    return Actor(user_id=None, username=f"peer:{peer.code}", agency_id=agency_id)


def local_agency(code):
    """The agency of this instance a message names by its code; ``UnknownAgency`` if there is none."""
    from sinergi.agencies.selectors import agency_local

    agency = agency_local(str(code))
    if agency is None:
        raise UnknownAgency(f"unknown agency {code!r}")
    return agency


def mirror_agency(peer, data):
    """The local stand-in for the agency of the peer's instance a message says it comes from
    (``agencies.services.agency_mirror``), made or updated; ``Rejected`` for a sender without a code or country."""
    from sinergi.agencies.enums import AgencyType
    from sinergi.agencies.services import agency_mirror
    from sinergi.regions.selectors import country_by_code

    from .crypto import Rejected

    data = data if isinstance(data, dict) else {}
    code = str(data.get("code", ""))[:40]
    if not code:
        raise Rejected("sender agency has no code")
    written = str(data.get("country", ""))[:3]
    country = country_by_code(written)
    if country is None:
        raise Rejected(f"unknown country {written!r}")
    agency_type = data.get("type") if data.get("type") in AgencyType.values else AgencyType.FOREIGN_POLICE
    return agency_mirror(peer=peer, remote_code=code, name=str(data.get("name", code))[:200], type=agency_type,
                         country=country.code)
