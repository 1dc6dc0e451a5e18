"""Record keys given as text (a URL part, a form or message field): one way to read them everywhere."""

from __future__ import annotations

import uuid


def as_uuid(value) -> uuid.UUID | None:
    """``value`` as a UUID, or None when it is not one (nothing, or text that is not a UUID)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def is_uuid(value) -> bool:
    return as_uuid(value) is not None
