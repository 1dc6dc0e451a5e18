"""Form widgets rendered in Python where Django's templates cost too much.

Django renders a ``<select>`` by including a template for every option: a list of the world's countries takes
about 2 ms per select, and the case list's filter form (six selects, rendered on every page) spent more time on
its options than on its query. ``QuickSelect`` writes the same HTML straight from the choices in Python; a test
holds it to Django's own output.
"""

from __future__ import annotations

import functools

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them: in order, True as a bare name, False left out."""
    return "".join(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
                   for name, value in attrs.items() if value is not False)


class QuickSelect(forms.Select):
    """A single ``<select>`` written straight from its choices (no option dictionaries, no templates). The options
    of a list of choices are written once and kept (``_options``: the same countries on every page); only the
    chosen one is marked on each render."""

    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        options = _options(_choices_key(self.choices))
        # A single select marks its first matching option only, as Django does.
        at = min((i for i in (options.find(f'<option value="{escape(v)}">') for v in values) if i >= 0),
                 default=-1)
        if at >= 0:
            end = options.index(">", at)
            options = f"{options[:end]} selected{options[end:]}"
        return mark_safe(f'<select name="{escape(name)}"{_attrs(attrs)}>{options}</select>')  # noqa: S308 - escaped


def _choices_key(choices) -> tuple:
    """The choices as a hashable key: labels as the reader reads them (a lazy label in the active language)."""
    return tuple((v, tuple((sv, str(sl)) for sv, sl in label) if isinstance(label, (list, tuple)) else
                  label if isinstance(label, SafeString) else str(label)) for v, label in choices)


@functools.lru_cache(maxsize=256)
def _options(choices: tuple) -> str:
    """The ``<option>`` (and ``<optgroup>``) elements of ``choices``, none marked; every value and label escaped."""
    def option(option_value, label) -> str:
        option_value = "" if option_value is None else option_value
        return f'<option value="{escape(option_value)}">{conditional_escape(label)}</option>'

    parts = []
    for option_value, label in choices:
        if isinstance(label, tuple):
            parts.append(f'<optgroup label="{escape(option_value)}">')
            parts.extend(option(v, sub) for v, sub in label)
            parts.append("</optgroup>")
        else:
            parts.append(option(option_value, label))
    return "".join(parts)
