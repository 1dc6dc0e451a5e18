"""De-identified figures: counts only, with small cells suppressed so no person can be singled out."""

from __future__ import annotations

from django.db.models import Count

from sinergi.access.capabilities import Cap
from sinergi.access.principal import Principal
from sinergi.core.errors import PermissionDenied

# Counts below this are shown as "<5": the usual small-cell rule for statistics about victims.
MIN_CELL = 5


def _suppress(rows: list[dict], key: str) -> list[dict]:
    out = []
    for row in rows:
        n = row["n"]
        out.append({"key": row[key], "n": n if n >= MIN_CELL else None})
    return out


def overview(user) -> dict:
    """Counts by stage, country of exploitation, origin province and exploitation type, over all cases."""
    from sinergi.cases.models import Case, CaseExploitationType

    if not Principal.of(user).can(Cap.AGGREGATES):
        raise PermissionDenied("aggregates")
    total = Case.objects.count()
    by_stage = list(Case.objects.values("stage").annotate(n=Count("pk")).order_by("-n"))
    by_country = list(Case.objects.exclude(country_of_exploitation=None)
                      .values("country_of_exploitation__name").annotate(n=Count("pk")).order_by("-n")[:10])
    by_province = list(Case.objects.exclude(origin_province=None)
                       .values("origin_province__name").annotate(n=Count("pk")).order_by("-n")[:10])
    by_type = list(CaseExploitationType.objects.values("type").annotate(n=Count("case_id")).order_by("-n"))
    return {
        "total": total if total >= MIN_CELL else None,
        "by_stage": _suppress(by_stage, "stage"),
        "by_country": _suppress(by_country, "country_of_exploitation__name"),
        "by_province": _suppress(by_province, "origin_province__name"),
        "by_type": _suppress(by_type, "type"),
    }
