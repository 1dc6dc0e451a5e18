"""Reads of reference data."""

from __future__ import annotations

from .models import Country


def country_by_code(value) -> Country | None:
    """The country named by ``value``: a ``Country``, or its ISO 3166-1 alpha-2 or alpha-3 code in any case (CTDC
    files and older forms use alpha-3). None when nothing or an unknown code is given."""
    if isinstance(value, Country):
        return value
    code = str(value or "").strip().upper()
    if len(code) == 2:
        return Country.objects.filter(code=code).first()
    if len(code) == 3:
        return Country.objects.filter(alpha3=code).first()
    return None
