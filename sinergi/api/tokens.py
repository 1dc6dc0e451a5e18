"""API tokens that expire and are revoked when their user loses access.

A token lives ``SINERGI_API_TOKEN_HOURS`` (a working day by default) from the sign-in that issued it; after that
it answers 401 with ``code: token_expired`` and is deleted, and the client signs in again. Tokens are revoked
(deleted, with an audit row naming the reason) when the user is locked out for failed sign-ins, or when the
account, a membership or the agency is deactivated, or the agency starts requiring a second factor (the agencies'
services call ``revocation.access_revoked``; ``ApiConfig.ready`` registers ``tokens_revoke`` there).
"""

from __future__ import annotations

import datetime as dt

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
from sinergi.core.middleware import activate_user_language


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.SINERGI_API_TOKEN_HOURS))


def expires_at(token: Token) -> dt.datetime:
    return token.created + lifetime()


def is_expired(token: Token) -> bool:
    return expires_at(token) <= clock.now()


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = _("Token API sudah kedaluwarsa; minta token baru dengan masuk lagi.")
    default_code = "token_expired"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (and deleting) tokens older than their lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            token.delete()
            raise TokenExpired()
        activate_user_language(user)  # a token's user reads their own language, like on the pages
        return user, token


@transaction.atomic
def token_issue(user) -> Token:
    """The user's token: the one they hold while it is valid, else a new one."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and is_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
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
