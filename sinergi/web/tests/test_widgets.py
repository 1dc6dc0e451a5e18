"""QuickSelect writes exactly what Django's Select writes, from the same context."""

from __future__ import annotations

import re

import pytest
from django import forms

from sinergi.web.widgets import QuickSelect


def _normal(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


CHOICES = [("", "Semua"), ("KH", "Kamboja"), ("MY", 'Malaysia & "Sabah" <Borneo>'), (3, "tiga"),
           ("Asia", [("TH", "Thailand"), ("VN", "Vietnam")])]


@pytest.mark.parametrize("value", [None, "", "KH", "MY", "3", "VN", "XX"])
@pytest.mark.parametrize("attrs", [None, {"hx-get": "/regions/options/", "hx-vals": '{"level": "regency"}',
                                          "required": True, "disabled": False, "data-x": "a&b"}])
def test_quick_select_renders_what_django_renders(value, attrs):
    django_html = forms.Select(attrs=attrs, choices=CHOICES).render("country", value, attrs={"id": "id_country"})
    quick_html = QuickSelect(attrs=attrs, choices=CHOICES).render("country", value, attrs={"id": "id_country"})
    assert _normal(quick_html) == _normal(django_html)


@pytest.mark.django_db
def test_the_case_filter_form_renders_its_selects_in_python():
    from sinergi.web.forms import CaseFilterForm

    form = CaseFilterForm({"stage": "identified"})
    selects = [name for name, field in form.fields.items() if isinstance(field, forms.ChoiceField)]
    assert selects and all(isinstance(form.fields[name].widget, QuickSelect) for name in selects)


def test_quick_select_marks_one_option_and_keeps_a_safe_label():
    from django.utils.safestring import mark_safe

    choices = [("a", "A"), ("a", "A again"), (None, "none"), ("b", mark_safe("<b>B</b>"))]
    django_html = forms.Select(choices=choices).render("x", "a")
    quick_html = QuickSelect(choices=choices).render("x", "a")
    assert _normal(quick_html) == _normal(django_html)
    assert quick_html.count(" selected") == 1
