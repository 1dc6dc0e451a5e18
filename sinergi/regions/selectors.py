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


def country_codes() -> dict[str, str]:
    """Every accepted spelling of a country code (alpha-2 and alpha-3, upper case) -> its alpha-2 code: one read for
    checking many rows (imports), with the same codes ``country_by_code`` accepts."""
    codes: dict[str, str] = {}
    for code, alpha3 in Country.objects.values_list("code", "alpha3"):
        codes[code] = code
        if alpha3:
            codes[alpha3] = code
    return codes


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country, by name in the active language (Indonesian ISO 3166 names where known), for a
    form's choices; the form adds its own empty choice."""
    from django.utils.translation import get_language

    rows = Country.objects.values_list("code", "name", "name_id")
    use_id = (get_language() or "id").startswith("id")
    named = [(code, (name_id if use_id and name_id else name)) for code, name, name_id in rows]
    return sorted(named, key=lambda c: c[1])
