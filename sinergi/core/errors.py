"""Domain errors raised by services; the API and web layers turn them into 4xx answers with field errors."""

from django.core.exceptions import ValidationError  # re-exported: services raise it with field errors

__all__ = ["ValidationError", "NotFound", "PermissionDenied", "Conflict"]


class NotFound(Exception):
    """The object does not exist or the user may not know it exists (answered as 404)."""


class PermissionDenied(Exception):
    """The user can see the object but may not do this to it (answered as 403)."""


class Conflict(Exception):
    """The request clashes with the current state, e.g. a duplicate external id (answered as 409)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
