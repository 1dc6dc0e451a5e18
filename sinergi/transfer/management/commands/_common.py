"""What the import and export commands share: finding the user and turning domain errors into exit codes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from sinergi.core.errors import Conflict, NotFound, PermissionDenied
from django.utils.translation import gettext as _
from sinergi.core.i18n import message


def user_named(username: str):
    from sinergi.agencies.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(message(_("Pengguna tidak dikenal: %(username)s"), username=username))
    return user


def as_command_error(exc: Exception) -> CommandError:
    if isinstance(exc, PermissionDenied):
        return CommandError(message(_("Tidak diizinkan: %(exc)s"), exc=exc))
    if isinstance(exc, NotFound):
        return CommandError(message(_("Tidak ditemukan: %(exc)s"), exc=exc))
    if isinstance(exc, Conflict):
        return CommandError(exc.message)
    if isinstance(exc, ValidationError):
        lines = [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
        return CommandError("\n".join(lines))
    return CommandError(str(exc))
