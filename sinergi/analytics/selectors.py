"""De-identified figures: counts only, with small cells suppressed so no person can be singled out."""

from __future__ import annotations

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.core.errors import PermissionDenied

# Counts below this are shown as "<5": the usual small-cell rule for statistics about victims.
MIN_CELL = 5


def _suppress(rows: list[tuple[str, int]]) -> list[dict]:
    return [{"key": key, "n": n if n >= MIN_CELL else None} for key, n in rows]


def overview(user) -> dict:
    """Counts by stage, country of exploitation, origin province and exploitation type, over all cases: the
    nationwide rows of the read models (a few dozen rows, whatever the number of cases)."""
    from sinergi.regions.models import Country, Region

    from .figures import Filters, tally
    from .models import UNKNOWN

    if not Principal.of(user).can(Cap.AGGREGATES):
        raise PermissionDenied("aggregates")
    everything = Filters()
    total = sum(tally("cases", everything, "value").values())

    def ranked(counts, names=None, top=None):
        rows = sorted(((k, n) for k, n in counts.items() if k != UNKNOWN and n), key=lambda kv: (-kv[1], kv[0]))
        rows = rows[:top] if top else rows
        return [((names or {}).get(k, k), n) for k, n in rows]

    countries = tally("country", everything, "value")
    country_names = dict(Country.objects.filter(alpha3__in=list(countries)).values_list("alpha3", "name"))
    provinces = tally("cases", everything, "province")
    province_names = dict(Region.objects.filter(code__in=list(provinces)).values_list("code", "name"))
    return {
        "total": total if total >= MIN_CELL else None,
        "by_stage": _suppress(ranked(tally("stage", everything, "value"))),
        "by_country": _suppress(ranked(countries, country_names, top=10)),
        "by_province": _suppress(ranked(provinces, province_names, top=10)),
        "by_type": _suppress(ranked(tally("type", everything, "value"))),
    }
