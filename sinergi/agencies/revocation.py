"""Who lost access: a registry the agencies' services call when an account, a membership or an agency is
deactivated (or a user is locked out, or must now sign in with a second factor), so that credentials held
elsewhere stop working at once.

The agencies app sits below the apps that issue such credentials (the API's tokens), so those register what to
revoke from their ``AppConfig.ready()``; a revoker runs inside the caller's transaction and writes its own audit
row with the actor and the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Revoker = Callable[..., None]
_revokers: list[Revoker] = []


def register(revoker: Revoker) -> Revoker:
    """``revoker(*, user_ids: list[int], reason: str, actor)``; registering the same function again is a no-op."""
    if revoker not in _revokers:
        _revokers.append(revoker)
    return revoker


def access_revoked(*, user_ids: Iterable[int], reason: str, actor=None) -> None:
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return
    for revoker in _revokers:
        revoker(user_ids=ids, reason=reason, actor=actor)
