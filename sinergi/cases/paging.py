"""Keyset positions of the case list, for the pages' "next" and "previous" links (the API has its own cursor):
each page is the rows strictly after the edge row of the one before, so every page costs the same at any depth."""

from __future__ import annotations

import datetime as dt
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q

from .models import Case


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def position_of(case: Case, ordering: tuple[str, ...]) -> str:
    values = []
    for field in ordering:
        value = getattr(case, field.lstrip("-"))
        values.append(value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value))
    return urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def parse_position(raw: str, ordering: tuple[str, ...]) -> tuple | None:
    """The ordering values a ``position_of`` string holds, or None if it is not one (then the caller starts over)."""
    try:
        values = json.loads(urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
        if not isinstance(values, list) or len(values) != len(ordering):
            return None
        parsed = []
        for field, value in zip(ordering, values, strict=True):
            name = field.lstrip("-")
            model_field = Case._meta.pk if name in ("id", "pk") else Case._meta.get_field(name)
            parsed.append(model_field.to_python(value))
        return None if any(v is None for v in parsed) else tuple(parsed)
    except (ValueError, TypeError, UnicodeError, FieldDoesNotExist, DjangoValidationError):
        return None


def after(ordering: tuple[str, ...], edge: tuple) -> Q:
    """Rows strictly after ``edge`` in ``ordering``."""
    from .selectors import _after

    return _after(ordering, edge)


def reversed_ordering(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_flip(f) for f in ordering)
