"""The figures every dashboard, report and API answer shows, read from the read models only (``Tally``,
``Spread``), with small cells suppressed by ``deid``. Nothing here touches a case, a person or a user.

Each question reads the one grain of the read models that keeps exactly the columns it filters or groups by
(``grain_for``), so a nationwide figure is one row, a figure per agency one row per agency, and a median or
90th percentile one histogram row per group (and per year of a range): a few hundred rows at most, however
many cases there are.

Each function takes ``Filters`` (years, province or regency, agency, exploitation type) and returns plain
dicts and lists: the web pages, the report and the API render the same numbers.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergi.cases.enums import STAGE_ORDER
from sinergi.core.ids import as_uuid

from .deid import min_cell, protect_series, protect_table, protect_tree
from .models import UNKNOWN, Grain, Spread, Tally

STAGES = [s.value for s in STAGE_ORDER]
AGE_ORDER = ["0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+", UNKNOWN]


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    province: str = ""
    regency: str = ""
    agency: uuid.UUID | None = None
    exploitation: str = ""

    def as_query(self) -> dict:
        out = {}
        for name in ("year_from", "year_to", "province", "regency", "agency", "exploitation"):
            v = getattr(self, name)
            if v not in (None, ""):
                out[name] = str(v)
        return out


def filters_from(data) -> Filters:
    """Filters from a query string or form data; ValidationError (by field, in the reader's language) for
    values that are not a year, a region code, an agency id or an exploitation type name."""
    errors: dict[str, list] = {}

    def year(name):
        raw = (data.get(name) or "").strip()
        if not raw:
            return None
        if not raw.isdigit() or not 1990 <= int(raw) <= 2100:
            errors[name] = [ValidationError(_("Tahun tidak sah: %(value)s"), params={"value": raw[:10]})]
            return None
        return int(raw)

    y1, y2 = year("year_from"), year("year_to")
    if y1 and y2 and y1 > y2:
        errors["year_to"] = [ValidationError(_("Tahun akhir sebelum tahun awal."))]
    province = (data.get("province") or "").strip()
    regency = (data.get("regency") or "").strip()
    if province and not (len(province) == 2 and province.isdigit()):
        errors["province"] = [ValidationError(_("Kode provinsi tidak sah."))]
    if regency and not (len(regency) == 5 and regency[:2].isdigit() and regency[2] == "." and regency[3:].isdigit()):
        errors["regency"] = [ValidationError(_("Kode kabupaten/kota tidak sah."))]
    elif regency and province and not regency.startswith(province):
        errors["regency"] = [ValidationError(_("Kabupaten/kota tidak berada di provinsi yang dipilih."))]
    agency = None
    raw = (data.get("agency") or "").strip()
    if raw:
        agency = as_uuid(raw)
        if agency is None:
            errors["agency"] = [ValidationError(_("Lembaga tidak dikenal."))]
    expl = (data.get("exploitation") or "").strip()
    if expl and not (expl.isalnum() and len(expl) <= 40):
        errors["exploitation"] = [ValidationError(_("Jenis eksploitasi tidak dikenal."))]
    if errors:
        raise ValidationError(errors)
    return Filters(y1, y2, province if not regency else regency[:2], regency, agency, expl)


def grain_for(f: Filters, group=(), *, ignore_agency: bool = False) -> tuple[int, dict]:
    """The grain that answers ``f`` grouped by ``group`` (``Tally``/``Spread`` columns) with the fewest rows:
    the columns filtered or grouped by are kept, every other one summed away; and the filter on its rows."""
    g, q = 0, {}
    group = set(group)
    if f.regency or "regency" in group:
        if f.regency:
            q["regency"] = f.regency
        elif f.province:
            q["province"] = f.province
    elif f.province or "province" in group:
        g |= Grain.REGENCY
        if f.province:
            q["province"] = f.province
    else:
        g |= Grain.REGENCY | Grain.PROVINCE
    agency = f.agency if not ignore_agency else None
    if agency or "agency" in group:
        if agency:
            q["agency"] = agency
    else:
        g |= Grain.AGENCY
    if f.exploitation or "exploitation" in group:
        if f.exploitation:
            q["exploitation"] = f.exploitation
    else:
        g |= Grain.EXPLOITATION
    if f.year_from or f.year_to or "year" in group:
        if f.year_from:
            q["year__gte"] = f.year_from
        if f.year_to:
            q["year__lte"] = f.year_to
    else:
        g |= Grain.YEARS
    q["grain"] = g
    return g, q


def tally(dim: str | list[str], f: Filters, *group: str, by_regency: bool = False, ignore_agency: bool = False) -> Counter:
    """Counts of ``dim`` under ``f``, grouped by ``group`` (columns of ``Tally``), from the one grain that has
    exactly those columns: one row per group and value (and per year of a range)."""
    cells = set(group) | ({"regency"} if by_regency else set())
    _g, where = grain_for(f, cells, ignore_agency=ignore_agency)
    qs = Tally.objects.filter(**where)
    qs = qs.filter(dim__in=dim) if isinstance(dim, list) else qs.filter(dim=dim)
    out: Counter = Counter()
    for row in qs.values_list(*group, "n"):
        key = row[:-1]
        out[key[0] if len(key) == 1 else key] += row[-1]
    return out


def _series(counts: dict, order: list | None = None, labels: dict | None = None) -> dict:
    p = protect_series(counts, order=order or sorted(counts, key=lambda k: -counts[k]))
    labels = labels or {}
    return {"rows": [{"key": key, "label": labels.get(key, key), "n": p.cells[key]} for key in p.cells],
            "total": p.total, "k": p.k}


# -- quantiles from the histograms --------------------------------------------------------------------------

def quantile(hist: dict[int, int], p: float) -> int | None:
    """Nearest-rank ``p`` quantile of the rounded durations in ``hist`` ({bucket hours: n})."""
    n = sum(hist.values())
    if not n:
        return None
    rank = max(1, math.ceil(p * n))
    seen = 0
    for b in sorted(hist):
        seen += hist[b]
        if seen >= rank:
            return b
    return None


def parse_hist(text: str, into: Counter | None = None) -> Counter:
    """``Spread.hist`` ("bucket:n,bucket:n") as {bucket: n}, added to ``into``."""
    out = into if into is not None else Counter()
    for pair in text.split(","):
        if pair:
            b, _, n = pair.partition(":")
            out[int(b)] += int(n)
    return out


def histograms(kind: str, f: Filters, by: str | None = None, *, over_keys: bool = False) -> dict:
    """{(group, key): {bucket: n}} of ``kind`` under ``f`` grouped by ``by`` (agency, province, year or None),
    from ``Spread``: one row per group and key (and per year of a range). ``over_keys``: {group: {bucket: n}}
    summed over the keys (all referral types together)."""
    _g, where = grain_for(f, (by,) if by else ())
    qs = Spread.objects.filter(kind=kind, **where)
    fields = ([by] if by else []) + ["key", "hist"]
    hists: dict = defaultdict(Counter)
    for row in qs.values_list(*fields):
        group = row[0] if by else None
        key = group if over_keys else (group, row[-2])
        parse_hist(row[-1], hists[key])
    return hists


def summary(hist: dict[int, int]) -> dict:
    """n, median and 90th percentile of a histogram; none of them for fewer than k stays: a median of three
    stays tells about three people."""
    n = sum(hist.values())
    if n < min_cell():
        return {"n": None, "median": None, "p90": None}
    return {"n": n, "median": quantile(hist, 0.5), "p90": quantile(hist, 0.9)}


def durations(kind: str, f: Filters, by: str | None = None) -> dict:
    """{(group, key): {"n", "median", "p90"}} in hours, for ``kind`` grouped by ``by`` (agency, province, year
    or None)."""
    return {key: summary(hist) for key, hist in histograms(kind, f, by).items()}


# -- the dashboards' sections -------------------------------------------------------------------------------

def funnel(f: Filters) -> dict:
    """Cases reaching each stage, and those that stopped at "received" (handed over at home) without recovery
    or reintegration. Each count is its own published figure (a case reaches several stages)."""
    reached = tally("reached", f, "value")
    total = sum(tally("cases", f, "value").values())
    stopped = sum(tally("stopped_received", f, "value").values())
    k = min_cell()
    hide = lambda n: None if 0 < n < k else n  # noqa: E731 - each figure stands alone: no total to subtract from
    return {"stages": [{"key": s, "n": hide(reached.get(s, 0))} for s in STAGES], "cases": hide(total),
            "stopped_received": hide(stopped), "received": hide(reached.get("received", 0))}


def stage_times(f: Filters, by: str) -> list[dict]:
    """Median and 90th percentile of the days in each stage, per ``by`` (agency, province, year)."""
    table = durations("stage", f, by)
    groups = sorted({g for g, _ in table}, key=lambda g: (g is None, str(g)))
    rows = []
    for g in groups:
        cells = {s: table.get((g, s)) for s in STAGES if s != "closed"}
        rows.append({"group": g, "stages": [{"key": s, **(cells[s] or {"n": 0, "median": None, "p90": None})}
                                            for s in cells]})
    return rows


def referral_figures(f: Filters) -> dict:
    """Per receiving agency and per referral type: sent, acknowledged in time and late, completed in time and
    late, expired, escalated; hours to acknowledge and days to complete (median, 90th percentile)."""
    dims = ["ref_sent", "ref_ack_on_time", "ref_ack_late", "ref_done_on_time", "ref_done_late", "ref_expired",
            "ref_escalated", "ref_ack_overdue", "ref_done_overdue", "ref_declined"]
    c = tally(dims, f, "dim", "agency", "value")
    out = {}
    for by, pos in (("agency", 1), ("type", 2)):
        per: dict = defaultdict(Counter)
        for (dim, agency, type_), n in c.items():
            per[dim][(agency, type_)[pos - 1]] += n
        keys = sorted(set(per["ref_sent"]), key=lambda x: str(x))
        ack = {}
        for key in keys:
            ack[(key, "on_time")] = per["ref_ack_on_time"][key]
            ack[(key, "late")] = per["ref_ack_late"][key]
            ack[(key, "not_yet")] = per["ref_sent"][key] - per["ref_ack_on_time"][key] - per["ref_ack_late"][key]
        done = {}
        for key in keys:
            done[(key, "on_time")] = per["ref_done_on_time"][key]
            done[(key, "late")] = per["ref_done_late"][key]
        ack_p = protect_table(ack, rows=keys, cols=["on_time", "late", "not_yet"])
        done_p = protect_table(done, rows=keys, cols=["on_time", "late"])
        singles = {d: protect_series({key: per[d][key] for key in keys}, order=keys)
                   for d in ("ref_expired", "ref_escalated", "ref_ack_overdue", "ref_done_overdue")}
        if by == "agency":
            ack_t, done_t = referral_times_by_agency(f, "ack"), referral_times_by_agency(f, "done")
        else:
            ack_t = {t: v for (_g, t), v in durations("ack", f, None).items()}
            done_t = {t: v for (_g, t), v in durations("done", f, None).items()}
        rows = []
        for key in keys:
            at, dt_ = ack_t.get(key), done_t.get(key)
            rows.append({
                "key": key, "sent": ack_p.rows[key], "ack_on_time": ack_p.cells[(key, "on_time")],
                "ack_late": ack_p.cells[(key, "late")], "not_acknowledged": ack_p.cells[(key, "not_yet")],
                "completed": done_p.rows[key], "done_on_time": done_p.cells[(key, "on_time")],
                "done_late": done_p.cells[(key, "late")],
                "expired": singles["ref_expired"].cells[key], "escalated": singles["ref_escalated"].cells[key],
                "ack_overdue": singles["ref_ack_overdue"].cells[key],
                "done_overdue": singles["ref_done_overdue"].cells[key],
                "ack_median_hours": (at or {}).get("median"), "ack_p90_hours": (at or {}).get("p90"),
                "done_median_days": _days((dt_ or {}).get("median")), "done_p90_days": _days((dt_ or {}).get("p90")),
            })
        out[by] = {"rows": rows, "sent": ack_p.total, "late": ack_p.cols["late"], "completed": done_p.total,
                   "done_late": done_p.cols["late"], "expired": singles["ref_expired"].total,
                   "escalated": singles["ref_escalated"].total}
    return out


def _days(hours: int | None) -> float | None:
    return None if hours is None else round(hours / 24, 1)


def referral_times_by_agency(f: Filters, kind: str) -> dict:
    """{agency: {"n", "median", "p90"}} over all types (hours)."""
    return {a: summary(h) for a, h in histograms(kind, f, "agency", over_keys=True).items()}


def regency_map(f: Filters) -> dict:
    """Cases by home regency (for the map) with province totals, protected as a two-level table."""
    counts = tally("cases", f, "province", "regency", by_regency=True)
    regencies, provinces, total = protect_tree({(p, r): n for (p, r), n in counts.items()})
    return {"regencies": {r: n for (_p, r), n in regencies.items()}, "provinces": provinces, "total": total}


def countries(f: Filters) -> dict:
    """Cases by country of exploitation, and by city within each country."""
    by_city = tally("city", f, "value")
    by_country = tally("country", f, "value")
    pairs = Counter()
    for key, n in by_city.items():
        country, _, city = key.partition("|")
        pairs[(country, city)] += n
    # Cases with no city recorded are a child of their country too, so the children add up to the country.
    for country, n in by_country.items():
        pairs[(country, "")] += n - sum(v for (c, _), v in pairs.items() if c == country)
    cities, totals, total = protect_tree({k: v for k, v in pairs.items() if v > 0})
    return {"countries": sorted(((c, n) for c, n in totals.items()), key=lambda x: -(x[1] or 0)),
            "cities": sorted(((c, city, n) for (c, city), n in cities.items() if city), key=lambda x: (x[0], x[1])),
            "total": total}
