from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sinergi.cases import worklist
from sinergi.core import htcds as htcds_vocab

register = template.Library()


@register.filter
def days_in_stage(case) -> int:
    return worklist.days_in_stage(case)


@register.filter
def cell(value):
    """A suppressed small count shows as "<5"."""
    return "<5" if value is None else value


@register.filter
def htcds(value):
    if isinstance(value, (list, tuple)):
        return ", ".join(str(htcds_vocab.label(v)) for v in value)
    return htcds_vocab.label(value) if value else ""


@register.filter
def age_years(born) -> int | None:
    """Whole years since ``born``, today."""
    from sinergi.core import clock

    if not born:
        return None
    today = clock.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@register.filter
def yesno_id(value):
    return _("Ya") if value else _("Tidak")


@register.filter
def country(value):
    """A country's name in the interface language (Indonesian names come from ISO 3166 translations)."""
    from django.utils.translation import get_language

    if not value:
        return ""
    if (get_language() or "id").startswith("id") and getattr(value, "name_id", ""):
        return value.name_id
    return value.name


# The language of agencies' local names by country (BCP 47), for the lang attribute.
LOCAL_LANGUAGE = {"KH": "km", "MY": "ms", "TH": "th", "MM": "my", "VN": "vi", "LA": "lo", "PH": "fil", "TL": "tet",
                  "SA": "ar", "AE": "ar", "TW": "zh-Hant", "HK": "zh-Hant", "CN": "zh", "JP": "ja", "KR": "ko"}


@register.filter
def agency(value):
    """An agency's name, with its name in the local language and script where one is kept (a Cambodian agency's
    Khmer name), marked with its language for screen readers and fonts."""
    if value is None:
        return ""
    local = getattr(value, "local_name", "")
    if not local:
        return str(value)
    lang = LOCAL_LANGUAGE.get(getattr(value, "country_id", "") or "", "")
    if lang:
        return format_html('{} <span lang="{}" class="local-name">({})</span>', str(value), lang, local)
    return format_html('{} <span class="local-name">({})</span>', str(value), local)


@register.filter
def event_text(event):
    """A timeline event's text in the reader's language."""
    from sinergi.cases.timeline import event_text as text

    return text(event)


@register.filter
def is_figure(value) -> bool:
    """A table cell holding a figure (a number, a hidden small count such as "<5", or "—"), right-aligned;
    any other cell is text and wraps."""
    if isinstance(value, bool):
        return False
    if value is None or isinstance(value, (int, float)):
        return True
    from decimal import Decimal

    if isinstance(value, Decimal):
        return True
    s = str(value).strip()
    return s in ("—", "-") or (s.startswith("<") and s[1:].isdigit()) or s.rstrip("%").replace(".", "", 1).isdigit()


@register.filter
def ilo_label(key):
    """An ILO forced-labour indicator's name in the reader's language."""
    from sinergi.intake.help import ILO_HELP

    return str(ILO_HELP[key][0]) if key in ILO_HELP else key


@register.filter
def delphi_label(key):
    from sinergi.intake import indicators

    item = indicators.delphi_by_key().get(key)
    return item.label if item is not None else key


@register.filter
def dimension_label(key):
    from sinergi.intake.help import DIMENSION_LABELS

    return str(DIMENSION_LABELS.get(key, key))


@register.filter
def victim_status_label(value):
    from sinergi.cases.enums import VictimStatus

    try:
        return VictimStatus(value).label if value else ""
    except ValueError:
        return value


@register.filter
def agency_type_label(value):
    from sinergi.agencies.enums import AgencyType

    try:
        return AgencyType(value).label
    except ValueError:
        return value


@register.filter
def consent_method_label(value):
    """A consent's method: its label when it is one of the methods, else as it was written."""
    from sinergi.people.enums import ConsentMethod

    try:
        return ConsentMethod(value).label if value else ""
    except ValueError:
        return value


@register.filter
def stage_label(value):
    from sinergi.cases.enums import Stage

    try:
        return Stage(value).label
    except ValueError:
        return value
