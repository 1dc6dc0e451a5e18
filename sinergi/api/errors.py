"""One shape for every API error, whatever raised it.

* field errors (services' django ``ValidationError``, serializers' DRF ``ValidationError``) -> 400
  ``{"errors": {field: [messages]}}``; errors that belong to no field go under ``non_field_errors``;
* ``NotFound``/``Http404`` -> 404 ``{"detail": "Tidak ditemukan."}`` (in the reader's language), with the same words whether the
  object does not exist or the user may not know it exists;
* ``PermissionDenied`` -> 403; ``Conflict`` -> 409 with the field error.
"""

from __future__ import annotations

from typing import Any

from django.core import exceptions as django_exceptions
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from sinergi.core import errors as core
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

NON_FIELD = "non_field_errors"
NOT_FOUND = _("Tidak ditemukan.")
FORBIDDEN = _("Peran Anda tidak boleh melakukan ini.")

# DRF's own messages come in the request's language only; these codes get both, like the services' messages.
BILINGUAL = {
    "required": _("Wajib diisi."),
    "null": _("Wajib diisi."),
    "blank": _("Wajib diisi."),
    "not_a_list": _("Harus berupa daftar."),
    "not_a_dict": _("Harus berupa objek."),
    "empty": _("Tidak boleh kosong."),
    "no_name": _("Nama berkas tidak ada."),
    "invalid_image": _("Gambar tidak valid."),
}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF error details (nested dicts and lists) as ``{"a.b": [messages]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD if key in ("__all__", NON_FIELD) and not prefix else str(key)
            for k, v in _flatten(value, f"{prefix}.{name}" if prefix else name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list) and any(isinstance(d, (dict, list)) for d in detail):
        for i, value in enumerate(detail):
            if value:
                for k, v in _flatten(value, f"{prefix}.{i}" if prefix else str(i)).items():
                    out.setdefault(k, []).extend(v)
    else:
        items = detail if isinstance(detail, list) else [detail]
        key = prefix or NON_FIELD
        for d in items:
            code = getattr(d, "code", None)
            out.setdefault(key, []).append(BILINGUAL.get(code, str(d)))
    return out


def errors_response(errors: dict[str, list[str]], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"errors": errors}, status=code)


def _django_errors(exc: django_exceptions.ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {(NON_FIELD if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    return {NON_FIELD: list(exc.messages)}


def exception_handler(exc, context):
    if isinstance(exc, django_exceptions.ValidationError):
        set_rollback()
        return errors_response(_django_errors(exc))
    if isinstance(exc, drf.ValidationError):
        set_rollback()
        return errors_response(_flatten(exc.detail))
    if isinstance(exc, core.Conflict):
        set_rollback()
        return errors_response({exc.field or NON_FIELD: [str(exc.message)]}, status.HTTP_409_CONFLICT)
    if isinstance(exc, (core.NotFound, Http404, drf.NotFound)):
        set_rollback()
        return Response({"detail": NOT_FOUND}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, (core.PermissionDenied, django_exceptions.PermissionDenied)):
        set_rollback()
        return Response({"detail": FORBIDDEN}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, drf.ParseError):
        set_rollback()
        text = message(_("Isi permintaan tidak dapat dibaca: %(detail)s"), detail=exc.detail)
        return errors_response({NON_FIELD: [text]})
    if isinstance(exc, django_exceptions.RequestDataTooBig):
        set_rollback()
        return errors_response({NON_FIELD: [_("Permintaan terlalu besar.")]},
                               status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, (drf.AuthenticationFailed, drf.NotAuthenticated)) and response is not None:
        # Say why, so a client tells an expired token (sign in again) from a wrong one.
        response.data = {"detail": str(exc.detail), "code": exc.get_codes()}
    return response


# Shapes for the OpenAPI document.
class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class FieldErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="Field name -> messages; `non_field_errors` for the request as a whole.")
