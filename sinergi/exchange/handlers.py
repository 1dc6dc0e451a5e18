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
