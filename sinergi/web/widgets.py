"""Form widgets rendered in Python where Django's templates cost too much.

Django renders a ``<select>`` by including a template for every option: a list of the world's countries takes
about 2 ms per select, and the case list's filter form (six selects, rendered on every page) spent more time on
its options than on its query. ``QuickSelect`` writes the same HTML straight from the choices in Python; a test
holds it to Django's own output.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them: in order, True as a bare name, False left out."""
    return "".join(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
                   for name, value in attrs.items() if value is not False)


class QuickSelect(forms.Select):
    """A single ``<select>`` written straight from its choices (no option dictionaries, no templates)."""

    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        parts = [f'<select name="{escape(name)}"{_attrs(attrs)}>']
        chosen = False  # a single select marks its first matching option only, as Django does

        def option(option_value, label) -> str:
            nonlocal chosen
            option_value = "" if option_value is None else option_value
            selected = not chosen and str(option_value) in values
            chosen |= selected
            return (f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(label)}</option>")

        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(option_value)}">')
                parts.extend(option(v, sub) for v, sub in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every name, value and label is escaped above
