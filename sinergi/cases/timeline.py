"""Timeline texts in the reader's language.

A timeline event keeps its text twice: ``summary``, written once in Bahasa Indonesia (what exports, the audit
trail and older clients read), and ``data["msg"]``: the untranslated message and its arguments, so that each
reader sees the text in their own language. Arguments that are choices (a stage, a referral type) are kept as
their value and labelled when shown; names and numbers are kept as they are. Events written before messages
were kept show their ``summary``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext

# Vocabularies a message may name, by class name, registered from each app's ``AppConfig.ready()`` (the case's own
# and those of the apps that write to the timeline), so that this module imports none of those apps.
_CHOICES: dict[str, type[TextChoices]] = {}


def register_choices(*enums: type[TextChoices]) -> None:
    for enum in enums:
        _CHOICES[enum.__name__] = enum


def _choices() -> dict[str, type[TextChoices]]:
    return _CHOICES


@dataclass(frozen=True)
class Msg:
    """A message for the timeline: ``text`` marked with ``gettext_noop`` at the call site, ``args`` for its
    ``%(name)s`` placeholders (choices given as their enum members, or a list of members of one enum, are
    translated when shown)."""

    text: str
    args: dict[str, Any] = field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        args = {}
        for name, value in self.args.items():
            if isinstance(value, TextChoices):
                args[name] = {"choice": type(value).__name__, "value": value.value}
            elif isinstance(value, (list, tuple)) and value and all(isinstance(v, TextChoices) for v in value):
                args[name] = {"choice": type(value[0]).__name__, "values": [v.value for v in value]}
            else:
                args[name] = "" if value is None else str(value)
        return {"id": self.text, "args": args}

    def in_indonesian(self) -> str:
        with translation.override("id"):
            return render(self.stored())


def msg(text: str, **args) -> Msg:
    return Msg(text, args)


def _label(enum, raw: str) -> str:
    try:
        return str(enum(raw).label) if enum else raw
    except ValueError:
        return raw


def render(stored: dict[str, Any]) -> str:
    """The message in the active language; a malformed one as its untranslated text, never an error."""
    choices = _choices()
    args = {}
    for name, value in (stored.get("args") or {}).items():
        if isinstance(value, dict) and isinstance(value.get("values"), list):
            enum = choices.get(str(value.get("choice")))
            args[name] = ", ".join(_label(enum, str(v)) for v in value["values"])
        elif isinstance(value, dict):
            args[name] = _label(choices.get(str(value.get("choice"))), str(value.get("value", "")))
        else:
            args[name] = str(value)
    text = str(stored.get("id") or "")
    try:
        return gettext(text) % args if args else gettext(text)
    except (KeyError, ValueError, TypeError):
        return text


def event_text(event) -> str:
    """What a timeline event says, in the reader's language."""
    stored = (event.data or {}).get("msg") if isinstance(event.data, dict) else None
    if isinstance(stored, dict) and stored.get("id"):
        return render(stored)
    return event.summary
