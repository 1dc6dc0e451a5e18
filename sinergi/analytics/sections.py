"""More dashboard sections from the read models: recruitment, the border area, one agency against its region,
and the comparable annual tables. Same rules as ``figures``: read models only, small cells suppressed."""

from __future__ import annotations

import statistics
from collections import Counter

from .deid import min_cell, protect_series, protect_table
from .figures import AGE_ORDER, STAGES, Filters, _days, _series, durations, histograms, summary, tally
from .models import UNKNOWN
from .refresh import BORDER_REGENCIES


def recruitment(f: Filters) -> dict:
    """Cases per placement agency (licensed companies, named) and per recruiter (persons: never named here,
    only how many recruiters are linked to how many cases), risk flags raised and confirmed per rule, and
    cases whose survivor was placed through the one door against those outside it."""
    from sinergi.recruitment.models import PlacementAgency

    per_pa = tally("placement_agency", f, "value")
    names = dict(PlacementAgency.objects.filter(pk__in=list(per_pa)).values_list("pk", "name"))
    pa = _series(dict(per_pa), labels={k: names.get(_uuid(k), k) for k in per_pa})
    per_rec = tally("recruiter", f, "value")
    spread = Counter()
    for n in per_rec.values():
        spread["1" if n == 1 else "2-4" if n < 5 else "5-9" if n < 10 else "10+"] += 1
    recruiters = _series(dict(spread), order=["1", "2-4", "5-9", "10+"])
    year_only = Filters(year_from=f.year_from, year_to=f.year_to)
    # Flags follow every filter (the period, the place, the agency, the type: a flag on a survivor's placement
    # counts with the survivor's case); without a place, agency or type filter every flag counts.
    raised = tally("flag_raised", f, "value")
    confirmed = tally("flag_confirmed", f, "value")
    rules = sorted(raised, key=lambda r: -raised[r])
    flags = protect_table({**{(r, "raised"): raised[r] for r in rules},
                           **{(r, "confirmed"): confirmed.get(r, 0) for r in rules}},
                          rows=rules, cols=["raised", "confirmed"]) if rules else None
    door = _series(dict(tally("one_door", f, "value")), order=["through", "outside"])
    placements = _series(dict(tally("placements", year_only, "value", ignore_agency=True)))
    return {"placement_agencies": pa, "recruiters": recruiters, "recruiters_total": len(per_rec),
            "flags": [{"rule": r, "raised": flags.cells[(r, "raised")], "confirmed": flags.cells[(r, "confirmed")]}
                      for r in rules] if flags else [], "one_door": door, "placements": placements}


def _uuid(value):
    from sinergi.core.ids import as_uuid

    return as_uuid(value) or value


def border(f: Filters) -> dict:
    """Survivors arriving through each port of entry; cases that agencies in the border regencies (Nunukan,
    Tarakan, ...) acted on, per regency and per agency; and ports against those agencies."""
    from sinergi.agencies.models import Agency

    ports = _series(dict(tally("repatriated", f, "value")))
    regencies = _series(dict(tally("border_regency", f, "value")), labels=BORDER_REGENCIES)
    per_agency = tally("border_agency", f, "value")
    names = {str(pk): str(a) for pk, a in ((a.pk, a) for a in Agency.objects.filter(pk__in=[_uuid(k) for k in per_agency]))}
    agencies = _series(dict(per_agency), labels=names)
    pairs = Counter()
    for key, n in tally("border_port_agency", f, "value").items():
        port, _, agency = key.rpartition("|")
        pairs[(port, agency)] += n
    port_rows = sorted({p for p, _ in pairs})
    agency_cols = sorted({a for _, a in pairs}, key=lambda a: names.get(a, a))
    cross = protect_table(dict(pairs), rows=port_rows, cols=agency_cols) if pairs else None
    return {"ports": ports, "regencies": regencies, "agencies": agencies,
            "cross": {"rows": port_rows, "cols": [{"key": a, "label": names.get(a, a)} for a in agency_cols],
                      "cells": [[cross.cells[(p, a)] for a in agency_cols] for p in port_rows],
                      "row_totals": [cross.rows[p] for p in port_rows]} if cross else None}


# -- one agency against its region --------------------------------------------------------------------------

def agency_performance(agency, f: Filters) -> dict:
    """The agency's own figures beside the median of the agencies of its region (its province; the whole
    country when it has no province or is alone there): cases led, days per stage, hours to acknowledge and
    days to complete referrals, share acknowledged in time."""
    from sinergi.agencies.models import Agency

    everyone = Filters(year_from=f.year_from, year_to=f.year_to, exploitation=f.exploitation)
    province = (agency.region_id or "")[:2]
    peers = [a.pk for a in Agency.objects.filter(region__code__startswith=province, is_active=True)] if province else []
    if len(peers) < 2:
        peers = list(Agency.objects.filter(is_active=True).values_list("pk", flat=True))
    stage = durations("stage", everyone, "agency")
    # Each referral histogram is read once: per agency and type, and summed over the types per agency.
    per_type = {kind: histograms(kind, everyone, "agency") for kind in ("ack", "done")}
    ack, done = (_over_types(per_type[kind]) for kind in ("ack", "done"))
    led = tally("cases", everyone, "agency")
    sent = tally("ref_sent", everyone, "agency")
    on_time = tally("ref_ack_on_time", everyone, "agency")
    k = min_cell()

    def share(a):
        n = sent.get(a, 0)
        return round(on_time.get(a, 0) / n, 2) if n >= k else None

    def median_of(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if len(values) >= 2 else None

    rows = []
    for s in STAGES[:-1]:
        own = (stage.get((agency.pk, s)) or {}).get("median")
        peer = median_of((stage.get((a, s)) or {}).get("median") for a in peers)
        rows.append({"key": f"stage:{s}", "stage": s, "own": _days(own), "region": _days(peer), "unit": "days"})
    own_ack, own_done = ack.get(agency.pk) or {}, done.get(agency.pk) or {}
    rows.append({"key": "ack", "own": own_ack.get("median"),
                 "region": median_of((ack.get(a) or {}).get("median") for a in peers), "unit": "hours"})
    rows.append({"key": "done", "own": _days(own_done.get("median")),
                 "region": _days(median_of((done.get(a) or {}).get("median") for a in peers)), "unit": "days"})
    rows.append({"key": "on_time", "own": share(agency.pk), "region": median_of(share(a) for a in peers),
                 "unit": "share"})
    n_led = led.get(agency.pk, 0)
    n_sent = sent.get(agency.pk, 0)
    return {"agency": agency, "rows": rows, "cases_led": None if 0 < n_led < k else n_led,
            "referrals_received": None if 0 < n_sent < k else n_sent, "peers": len(peers),
            "region": province, "referral_types": referral_types_against_region(agency.pk, peers, everyone, per_type)}


def _over_types(hists: dict) -> dict:
    """{agency: summary} of the histograms {(agency, type): hist} summed over the types."""
    merged: dict = {}
    for (a, _t), h in hists.items():
        merged.setdefault(a, Counter()).update(h)
    return {a: summary(h) for a, h in merged.items()}


def referral_types_against_region(agency_id, peers: list, f: Filters, per_type: dict | None = None) -> list[dict]:
    """Per referral type the agency received: its median hours to acknowledge and days to complete, beside the
    median of the same medians over the agencies of its region (each agency's median needs k answers)."""
    per_type = per_type or {kind: histograms(kind, f, "agency") for kind in ("ack", "done")}
    ack, done = ({k: summary(h) for k, h in per_type[kind].items()} for kind in ("ack", "done"))
    sent = tally("ref_sent", f, "agency", "value")
    k = min_cell()

    def median_of(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if len(values) >= 2 else None

    def med(table, a, t):
        return (table.get((a, t)) or {}).get("median")

    rows = []
    for t in sorted({t for (a, t) in sent if a == agency_id}):
        n = sent.get((agency_id, t), 0)
        own_ack, own_done = med(ack, agency_id, t), med(done, agency_id, t)
        region_ack = median_of(med(ack, a, t) for a in peers)
        region_done = median_of(med(done, a, t) for a in peers)
        rows.append({"type": t, "received": None if 0 < n < k else n,
                     "ack_hours": own_ack, "ack_region_hours": region_ack,
                     "done_days": _days(own_done), "done_region_days": _days(region_done),
                     "ack_slower": own_ack is not None and region_ack is not None and own_ack > region_ack * 1.2,
                     "done_slower": own_done is not None and region_done is not None
                     and own_done > region_done * 1.2})
    return rows


# -- the comparable annual report ---------------------------------------------------------------------------

def annual_tables(year: int, province: str = "") -> dict:
    """The tables regional bodies compare, for one year (and one province): victims identified by sex, age
    band, citizenship, form and country of exploitation; referrals by type; repatriations by port; services
    delivered; time to repatriation."""
    f = Filters(year_from=year, year_to=year, province=province)
    victims = _series(dict(tally("victim_sex", f, "value")))
    tables = {
        "victims_sex": victims,
        "victims_age": _series(dict(tally("victim_age", f, "value")), order=[a for a in AGE_ORDER
                                                                           if a in tally("victim_age", f, "value")]),
        "victims_citizenship": _series(dict(tally("victim_citizenship", f, "value"))),
        "victims_type": _series(dict(tally("victim_type", f, "value"))),
        "victims_country": _series(dict(tally("victim_country", f, "value"))),
        "referrals": _series(dict(tally("ref_sent", f, "value", ignore_agency=True))),
        "repatriations": _series(dict(tally("repatriated", f, "value"))),
        "services": _series(dict(tally("service", f, "value"))),
    }
    rep = durations("repatriation", f, None).get((None, "")) or {}
    tables["repatriation_days"] = {"n": rep.get("n"), "median": _days(rep.get("median")),
                                   "p90": _days(rep.get("p90"))}
    return tables


__all__ = ["recruitment", "border", "agency_performance", "annual_tables", "UNKNOWN", "protect_series"]
