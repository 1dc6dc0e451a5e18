"""Small helpers for services: collect field errors, then raise one ValidationError with all of them.

Messages are Indonesian msgids through gettext (lazy), translated when they are read: each reader gets them in
their own language.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.core.exceptions import ValidationError

from . import clock
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message


class Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)

    def not_future(self, field: str, value: dt.date | dt.datetime | None) -> None:
        if value is None:
            return
        if isinstance(value, dt.datetime):
            if value > clock.now() + dt.timedelta(minutes=5):
                self.add(field, _("Tanggal tidak boleh di masa depan."))
        elif value > clock.today():
            self.add(field, _("Tanggal tidak boleh di masa depan."))

    def in_choices(self, field: str, values: Iterable[str] | str | None, allowed: Iterable[str]) -> None:
        if values in (None, ""):
            return
        allowed = set(allowed)
        items = [values] if isinstance(values, str) else list(values)
        bad = [str(v) for v in items if v not in allowed]
        if bad:
            self.add(field, message(_("Nilai tidak dikenal: %(values)s"), values=', '.join(bad)))

    def required(self, field: str, value) -> None:
        if value in (None, "", [], ()):
            self.add(field, _("Wajib diisi."))

    def order(self, first_field: str, first, second_field: str, second, *, label) -> None:
        """``second`` may not come before ``first``; ``label`` names the first date as the reader knows it
        ("tanggal mulai"), never by its field's code."""
        if first and second and second < first:
            self.add(second_field, message(_("Tidak boleh sebelum %(label)s."), label=label))


def field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})
