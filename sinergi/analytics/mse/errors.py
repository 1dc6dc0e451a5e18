"""The errors of hidden-victim estimation: Django ``ValidationError``s with a code and parameters, so that the
command, the page and the API each show the message in their reader's language."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class CaptureTableError(ValidationError):
    """The capture-history table cannot be used as it is (bad file, bad values, lists that cannot inform)."""


class NoEstimate(ValidationError):
    """The table is well formed but no finite estimate exists for it (the lists overlap too little)."""


def messages_of(error: ValidationError) -> list[str]:
    """The error's messages in the active language, with their parameters filled in, one per problem."""
    return [str(m) for m in error.messages]
