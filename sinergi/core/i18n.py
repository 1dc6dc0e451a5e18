"""Messages for people: an Indonesian msgid through gettext, with parameters, translated when it is read.

Services raise errors and write notifications with these; the page, the API answer or the e-mail renders them in
its reader's language (the user's saved language, ``User.preferred_language``), not the language of whoever
happened to cause them.
"""

from __future__ import annotations

from django.utils.functional import lazy


def _render(msgid, params) -> str:
    return str(msgid) % {k: (str(v) if v is not None else "") for k, v in params.items()}


_lazy_render = lazy(_render, str)


def message(msgid, **params):
    """``msgid`` (from ``gettext_lazy``, with ``%(name)s`` placeholders) filled with ``params`` when it is read."""
    if not params:
        return msgid
    if isinstance(msgid, str):  # already translated (``gettext``): fill it now
        return _render(msgid, params)
    return _lazy_render(msgid, params)
