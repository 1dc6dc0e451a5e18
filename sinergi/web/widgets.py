"""Form widgets rendered in Python where Django's templates cost too much.

Django renders a ``<select>`` by including a template for every option: a list of the world's countries takes
about 2 ms per select, and the case list's filter form (six selects, rendered on every page) spent more time on
its options than on its query. ``QuickSelect`` writes the same HTML from the same context in Python; a test holds
it to Django's own output.
"""

from __future__ import annotations

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them: in order, True as a bare name, False left out."""
    return "".join(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
                   for name, value in attrs.items() if value is not False)


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # Safe: every name and value is escaped, here by format_html and in _attrs.
        parts = [format_html('<select name="{}"{}>', widget["name"], mark_safe(_attrs(widget["attrs"])))]  # noqa: S308
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(format_html('<option value="{}"{}>{}</option>', option["value"],
                                     mark_safe(_attrs(option["attrs"])), option["label"])  # noqa: S308
                         for option in options)
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308
