"""Sign-in for systems (a token for username and password, and the current two-factor code where it applies;
throttled, locked out after repeated failures, audited) and who am I."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from sinergi.access import lockout, mfa
from sinergi.access.capabilities import ROLE_CAPS
from sinergi.access.principal import Principal
from sinergi.agencies.models import Membership
from sinergi.audit.enums import Action
from sinergi.audit.services import Actor, audit_log
from sinergi.core.net import client_address

from .common import AgencyRefSerializer, StrictSerializer, agency_ref
from .errors import ErrorDetailSerializer, FieldErrorsSerializer
from .tokens import expires_at, token_issue

BAD_CREDENTIALS = _("Nama pengguna atau kata sandi salah.")
LOCKED = _("Terlalu banyak percobaan gagal; akun dikunci sementara.")


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(max_length=16, required=False, allow_blank=True,
                                help_text="The current six-digit code of the user's authenticator app; required "
                                          "when two-factor authentication applies to the user")

OTP_REQUIRED = _("Wajib diisi: kode 6 angka dari aplikasi autentikator Anda.")
OTP_NOT_ENROLLED = _("Akun ini wajib memakai autentikasi dua faktor. Masuk lewat halaman web sekali untuk "
                     "mendaftarkan aplikasi autentikator, lalu minta token lagi dengan kodenya.")


class MembershipSerializer(serializers.Serializer):
    agency = AgencyRefSerializer()
    role = serializers.CharField()
    capabilities = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    preferred_language = serializers.CharField()
    memberships = MembershipSerializer(many=True)
    capabilities = serializers.ListField(child=serializers.CharField(), help_text="Held in at least one agency")


def me_data(user) -> dict:
    principal = Principal.of(user)
    active = set(principal.memberships)
    memberships = [
        {"agency": agency_ref(m.agency), "role": m.role, "capabilities": sorted(ROLE_CAPS.get(m.role, ()))}
        for m in Membership.objects.filter(user=user).select_related("agency").order_by("created_at")
        if (m.agency_id, m.role) in active
    ]
    caps = sorted({c for m in memberships for c in m["capabilities"]})
    return {"id": user.pk, "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "preferred_language": user.preferred_language, "memberships": memberships,
            "capabilities": caps}


def _audit(request, user, ok: bool, username: str, **detail) -> None:
    actor = Principal.of(user).actor() if ok else Actor(user_id=None, username=(username or "")[:150])
    with transaction.atomic():
        audit_log(actor=actor, action=Action.LOGIN if ok else Action.LOGIN_FAILED, object_type="session",
                  detail={"channel": "api", "ip": client_address(request), **detail})


def _locked() -> Response:
    return Response({"detail": LOCKED}, status=status.HTTP_429_TOO_MANY_REQUESTS)


class SignInRateThrottle(ScopedRateThrottle):
    """Counted by the client's address as the rest of the app sees it. DRF's own identification believes any
    ``X-Forwarded-For``, so a client could start a fresh count with every request by sending a new one."""

    def get_ident(self, request):
        return client_address(request)


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [SignInRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_token_create", tags=["auth"], request=TokenRequestSerializer, auth=[],
        responses={200: inline_serializer("TokenResponse", {
            "token": serializers.CharField(), "expires_at": serializers.DateTimeField(), "user": MeSerializer()}),
                   400: FieldErrorsSerializer, 429: ErrorDetailSerializer},
        summary="Exchange a username and password (and the current two-factor code where it applies) for an API "
                "token that expires; send it as `Authorization: Token <key>`")
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        username, password = body.validated_data["username"], body.validated_data["password"]
        django_request = request._request
        user = authenticate(django_request, username=username, password=password)
        if getattr(django_request, "axes_locked_out", False):
            # The lockout middleware would answer with the sign-in page's HTML; an API client wants JSON.
            django_request.axes_locked_out = False
            _audit(request, None, False, username)
            return _locked()
        if user is None or not user.is_active:
            _audit(request, None, False, username)
            return Response({"errors": {"non_field_errors": [BAD_CREDENTIALS]}}, status=status.HTTP_400_BAD_REQUEST)
        second_factor = {}
        if mfa.mfa_applies(user):
            code = body.validated_data.get("otp", "")
            if not mfa.mfa_enrolled(user):
                _audit(request, None, False, username, reason="mfa_not_enrolled")
                return Response({"errors": {"otp": [str(OTP_NOT_ENROLLED)]}}, status=status.HTTP_400_BAD_REQUEST)
            if not code:
                return Response({"errors": {"otp": [str(OTP_REQUIRED)]}}, status=status.HTTP_400_BAD_REQUEST)
            # Only the authenticator: recovery codes are for signing in to the pages when the phone is lost.
            verified = mfa.code_verify(user, code, allow_recovery=False)
            if not verified.ok:
                _audit(request, None, False, username, reason=f"otp_{verified.kind}")
                if lockout.record_failure(django_request, username):
                    django_request.axes_locked_out = False
                    return _locked()
                return Response({"errors": {"otp": [str(mfa.reason_message(verified, allow_recovery=False))]}},
                                status=status.HTTP_400_BAD_REQUEST)
            second_factor = {"mfa": verified.kind}
        token = token_issue(user)
        _audit(request, user, True, username, **second_factor)
        return Response({"token": token.key, "expires_at": expires_at(token), "user": me_data(user)})


class MeView(APIView):
    @extend_schema(operation_id="me_retrieve", tags=["auth"], responses={200: MeSerializer},
                   summary="You: your memberships (agency and role) and what they let you do")
    def get(self, request):
        return Response(me_data(request.user))
