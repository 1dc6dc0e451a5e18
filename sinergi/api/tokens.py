"""API tokens that expire and are revoked when their user loses access.

Revocation does not depend on each path remembering to call it: at authentication a token is refused (401,
``code: token_revoked``, and deleted) unless the account's access now is what it was when the token was issued
(``access_fingerprint``: the account active, its password, its active memberships in active agencies and those
agencies' two-factor rule), and refused while the username is locked out (``code: account_locked``). So a
membership removed in the Django admin's inline, an account deactivated in a shell, or a lockout all end the
token at its next use. The deletions below make it immediate and leave an audit row.

A token lives ``SINERGI_API_TOKEN_HOURS`` (a working day by default) from the sign-in that issued it; after that
it answers 401 with ``code: token_expired`` and is deleted, and the client signs in again. Tokens are revoked
(deleted, with an audit row naming the reason) when the user is locked out for failed sign-ins, or when the
account, a membership or the agency is deactivated, or the agency starts requiring a second factor (the agencies'
services call ``revocation.access_revoked``; ``ApiConfig.ready`` registers ``tokens_revoke`` there).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, Actor, Entry, audit_log_many
from sinergi.core import clock

from .models import TokenAccess


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.SINERGI_API_TOKEN_HOURS))


def expires_at(token: Token) -> dt.datetime:
    return token.created + lifetime()


def is_expired(token: Token) -> bool:
    return expires_at(token) <= clock.now()


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = _("Token API sudah kedaluwarsa; minta token baru dengan masuk lagi.")
    default_code = "token_expired"


class TokenRevoked(exceptions.AuthenticationFailed):
    default_detail = _("Akses akun ini berubah sejak token diterbitkan; masuk lagi untuk token baru.")
    default_code = "token_revoked"


class AccountLocked(exceptions.AuthenticationFailed):
    default_detail = _("Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal.")
    default_code = "account_locked"


def access_fingerprint(user) -> str:
    """What the account may do, in one digest: whether it is active, its password (a changed password ends its
    tokens, as it ends its sessions), and its active memberships in active agencies with their roles and the
    agencies' two-factor rule. Read through ``Principal`` (one query, reused by the rest of the request)."""
    from sinergi.access.principal import Principal

    principal = Principal.of(user)
    parts = [f"active={bool(user.is_active)}", f"password={user.get_session_auth_hash()}"]
    parts += sorted(f"{agency}:{role}:{agency in principal.mfa_agency_ids}" for agency, role in principal.memberships)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (and deleting) tokens older than their lifetime, tokens whose user's
    access changed since they were issued, and the tokens of a locked-out username."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            from sinergi.access.lockout import username_locked

            user = result[0]
            if username_locked(getattr(request, "_request", request), user.get_username()):
                tokens_revoke(user_ids=[user.pk], reason="lockout", actor=Actor(user_id=user.pk,
                                                                                 username=user.get_username()))
                raise AccountLocked()
        return result

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "access").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Token tidak sah.")) from None
        user = token.user
        if not user.is_active:
            _revoke(token, "user_inactive")
            raise TokenRevoked()
        if is_expired(token):
            token.delete()
            raise TokenExpired()
        granted = getattr(token, "access", None)  # none: issued before tokens carried their access
        if granted is None or granted.fingerprint != access_fingerprint(user):
            _revoke(token, "access_changed")
            raise TokenRevoked()
        return user, token


def _revoke(token: Token, reason: str) -> None:
    tokens_revoke(user_ids=[token.user_id], reason=reason,
                  actor=Actor(user_id=token.user_id, username=token.user.get_username()))


@transaction.atomic
def token_issue(user) -> Token:
    """The user's token: the one they hold while it is valid, else a new one."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    fingerprint = access_fingerprint(user)
    if token is not None and getattr(getattr(token, "access", None), "fingerprint", None) != fingerprint:
        token.delete()  # issued for another access than the account has now
        token = None
    if token is None:
        token = Token.objects.create(user=user)
        TokenAccess.objects.create(token=token, fingerprint=fingerprint)
    return token


def tokens_revoke(*, user_ids, reason: str, actor=None) -> int:
    """Delete the API tokens of ``user_ids``, one audit row per user who held one. Returns how many."""
    held = list(Token.objects.filter(user_id__in=list(user_ids)).values_list("user_id", flat=True))
    if not held:
        return 0
    with transaction.atomic():
        Token.objects.filter(user_id__in=held).delete()
        audit_log_many(actor=actor or SYSTEM, entries=[
            Entry(Action.DELETE, "api_token", str(user_id), "", {"reason": reason}) for user_id in held])
    return len(held)


def revoke_on_lockout(sender, request=None, username=None, **kwargs) -> None:
    """django-axes' ``user_locked_out``: revoke the tokens of a username that is itself locked. An address locked
    for guesses over many names does not sign those names out (anyone could otherwise revoke anyone's token)."""
    from sinergi.access.lockout import username_locked

    if not username or request is None or not username_locked(request, username):
        return
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        tokens_revoke(user_ids=[user.pk], reason="lockout", actor=Actor(user_id=None, username=username[:150]))
