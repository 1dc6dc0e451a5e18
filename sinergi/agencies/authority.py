"""Who may change agencies and accounts is decided by ``access``, one layer up (its roles-to-capabilities table reads
this app's memberships). ``AccessConfig.ready()`` installs that decision here, so that the agencies' services ask
it without importing ``access``; until it is installed every check refuses."""

from __future__ import annotations

from collections.abc import Callable

from sinergi.core.errors import PermissionDenied

# The capabilities these services check, by their names in ``access.capabilities.Cap`` (a test keeps them equal).
AGENCY_USERS = "agency.users"
REFERENCE_ADMIN = "reference.admin"

_principal_of: Callable | None = None


def install(principal_of: Callable) -> None:
    """``principal_of(user)``: the acting principal (``access.principal.Principal.of``)."""
    global _principal_of
    _principal_of = principal_of


def principal(actor):
    if _principal_of is None:
        raise PermissionDenied("no authorisation installed")
    return _principal_of(actor)


def require(actor, capability: str, agency_id):
    """The actor must hold ``capability`` in ``agency_id`` (as ``access.policy.require``); returns the principal."""
    p = principal(actor)
    if not p.can(capability, agency_id):
        raise PermissionDenied(f"missing capability {capability} in agency")
    return p
