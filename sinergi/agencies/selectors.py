"""Reads of agencies."""

from __future__ import annotations

from .models import Agency


def agency_local(code: str) -> Agency | None:
    """The active agency of this instance with ``code`` (not the stand-in for an agency served by a peer)."""
    return Agency.objects.filter(code=code, peer__isnull=True, is_active=True).first()
