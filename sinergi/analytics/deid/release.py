"""The de-identified release: one row per case in the shape of the CTDC global dataset, k-anonymous over the
quasi-identifiers.

k-anonymity: every combination of quasi-identifier values that appears in the release is shared by at least k
records, so a person known to be in the data (their year, sex, age, citizenship, where they were exploited
and how) matches at least k rows. It is reached by global recoding first (a whole column is generalised one
level, e.g. age bands 18-20 and 21-23 into 18-29, the country into its region, a value into "*"), choosing at
each step the column whose generalisation leaves the fewest records in classes under k, until no more than
``max_suppressed`` of the records remain in such classes; those are suppressed last (left out), and their
share is reported.

Streaming and bounded memory: the cases are read once in chunks and written, at full detail, to a temporary
file while only the counts of quasi-identifier combinations are kept (their number is bounded by the
vocabulary, not by the cases); the plan is chosen from those counts; the temporary file is then read and
written out generalised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, TextIO

STAR = "*"
QUASI_IDENTIFIERS = ("yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
                     "typeOfExploitation")
MEANS = ("DebtBondage", "TakesEarnings", "RestrictsFinancialAccess", "Threats", "PsychologicalAbuse",
         "PhysicalAbuse", "SexualAbuse", "FalsePromises", "PsychoactiveSubstances", "RestrictsMovement",
         "RestrictsMedicalCare", "ExcessiveWorkingHours", "UsesChildren", "ThreatOfLawEnforcement",
         "WithholdsNecessities", "WithholdsDocuments", "Other", "NotSpecified")
# HTCDS means of control -> the CTDC column they are counted in.
HTCDS_MEANS = {"PhysicalThreats": "Threats", "ThreatensChildrenFamily": "Threats",
               "ThreatsLawEnforcement": "ThreatOfLawEnforcement", "PsychoactiveSubstance": "PsychoactiveSubstances",
               "RestrictsMovement": "RestrictsMovement"}
COLUMNS = QUASI_IDENTIFIERS + ("traffickMonths",) + tuple(f"meansOfControl{m}" for m in MEANS) + \
    ("recruiterRelation",)

GENDER = {"Feminine": "Female", "Masculine": "Male", "TransgenderFeminine": "Transgender/NonConforming",
          "TransgenderMasculine": "Transgender/NonConforming", "NonConforming": "Transgender/NonConforming"}
RELATION = {"Familial": "Family/Relative", "Acquainted": "Friend/Acquaintance", "Unaquainted": "Other",
            "IntimatePartner": "IntimatePartner"}
AGE_WIDE = {"0-8": "0-17", "9-17": "0-17", "18-20": "18-29", "21-23": "18-29", "24-26": "18-29",
            "27-29": "18-29", "30-38": "30-47", "39-47": "30-47", "48+": "48+"}
# UN M49 sub-regions of the countries Indonesia's caseload sees most; any other country is "Other".
SUBREGION = {**{c: "South-eastern Asia" for c in ("KHM", "MYS", "MMR", "LAO", "THA", "VNM", "PHL", "SGP", "BRN",
                                                  "IDN", "TLS")},
             **{c: "Eastern Asia" for c in ("TWN", "HKG", "CHN", "JPN", "KOR", "MAC", "MNG")},
             **{c: "Western Asia" for c in ("SAU", "ARE", "QAT", "KWT", "OMN", "BHR", "JOR", "TUR", "IRQ", "SYR",
                                            "LBN", "YEM", "ISR")}}


def _year(v: str, level: int) -> str:
    if not v or level == 0:
        return v
    if level == 1:
        y = int(v)
        start = y - y % 2
        return f"{start}-{start + 1}"
    return STAR


def _age(v: str, level: int) -> str:
    if not v or level == 0:
        return v
    if level == 1:
        return AGE_WIDE.get(v, v)
    if level == 2:
        return "0-17" if v in ("0-8", "9-17") else "18+"
    return STAR


def _country(v: str, level: int) -> str:
    if not v or level == 0:
        return v
    if level == 1:
        return SUBREGION.get(v, "Other")
    return STAR


def _two(v: str, level: int) -> str:
    return v if not v or level == 0 else STAR


# Each quasi-identifier's generalisation: (function(value, level), highest level).
HIERARCHY: dict[str, tuple[Callable[[str, int], str], int]] = {
    "yearOfRegistration": (_year, 2), "gender": (_two, 1), "ageBroad": (_age, 3), "citizenship": (_two, 1),
    "CountryOfExploitation": (_country, 2), "typeOfExploitation": (_two, 1),
    "traffickMonths": (_two, 1), "recruiterRelation": (_two, 1),
}


@dataclass
class Plan:
    k: int
    quasi: tuple[str, ...]
    levels: dict[str, int]
    suppressed_classes: set = field(default_factory=set)
    records: int = 0
    suppressed: int = 0

    @property
    def suppressed_share(self) -> float:
        return self.suppressed / self.records if self.records else 0.0

    def generalise(self, combo: tuple) -> tuple:
        return tuple(HIERARCHY[q][0](v, self.levels[q]) for q, v in zip(self.quasi, combo))

    def summary(self) -> dict:
        return {"k": self.k, "quasi_identifiers": list(self.quasi), "generalisation": dict(self.levels),
                "records": self.records, "released": self.records - self.suppressed, "suppressed": self.suppressed,
                "suppressed_share": round(self.suppressed_share, 4)}


def _small(counts: Counter, plan: Plan) -> tuple[int, Counter]:
    classes: Counter = Counter()
    for combo, n in counts.items():
        classes[plan.generalise(combo)] += n
    return sum(n for n in classes.values() if n < plan.k), classes


def plan_for(counts: Counter, *, k: int, quasi: tuple[str, ...] = QUASI_IDENTIFIERS,
             max_suppressed: float = 0.05) -> Plan:
    """The least generalisation (greedy, one column one level at a time) after which at most
    ``max_suppressed`` of the records sit in classes smaller than ``k``; those classes are then suppressed."""
    plan = Plan(k=k, quasi=quasi, levels={q: 0 for q in quasi}, records=sum(counts.values()))
    small, classes = _small(counts, plan)
    while small > max_suppressed * plan.records:
        best = None
        for q in quasi:
            if plan.levels[q] >= HIERARCHY[q][1]:
                continue
            trial = Plan(k=k, quasi=quasi, levels={**plan.levels, q: plan.levels[q] + 1}, records=plan.records)
            s, cl = _small(counts, trial)
            # Fewest records left in small classes; on a tie, the column that keeps more distinct classes.
            score = (s, -len(cl))
            if best is None or score < best[0]:
                best = (score, trial, s, cl)
        if best is None:
            break
        _, plan, small, classes = best
    plan.suppressed_classes = {c for c, n in classes.items() if n < k}
    plan.suppressed = sum(classes[c] for c in plan.suppressed_classes)
    return plan


# -- the records -----------------------------------------------------------------------------------------

def _months(start: dt.date | None, end: dt.date | None) -> str:
    if start is None or end is None or end < start:
        return ""
    months = (end.year - start.year) * 12 + end.month - start.month
    return "0--12 (0-1 yr)" if months <= 12 else ("13--24 (1-2 yrs)" if months <= 24 else "25+ (2+ yrs)")


def _type(types: list[str]) -> str:
    labour = any(t in ("ForcedLabour", "Servitude", "ChildLabour", "ForcedCriminality") for t in types)
    sexual = "SexualExploitation" in types
    if labour and sexual:
        return "ForcedLabourAndSexualExploitation"
    return "ForcedLabour" if labour else ("SexualExploitation" if sexual else ("Other" if types else ""))


def record(row: dict) -> dict:
    """One release record from a case's fields (see ``source_rows``), at full detail."""
    from ..refresh import age_at, age_band

    age = age_band(age_at(row["reported_on"], row["dob"], row["estimated_age"]))
    means = {HTCDS_MEANS.get(m, m) for m in row["means_of_control"] or []}
    out = {"yearOfRegistration": str(row["reported_on"].year), "gender": GENDER.get(row["sex"], ""),
           "ageBroad": "" if age == "?" else age, "citizenship": row["citizenship"] or "",
           "CountryOfExploitation": row["country"] or "", "typeOfExploitation": _type(row["types"] or []),
           "traffickMonths": _months(row["started"], row["ended"] or row["reported_on"]),
           "recruiterRelation": RELATION.get(row["relation"], "Unknown" if not row["relation"] else "Other")}
    for m in MEANS:
        out[f"meansOfControl{m}"] = "1" if m in means else "0"
    if not means:
        out["meansOfControlNotSpecified"] = "1"
    elif means - set(MEANS):
        out["meansOfControlOther"] = "1"
    return out


SOURCE_FIELDS = {"reported_on": "reported_on", "dob": "survivor__date_of_birth",
                 "estimated_age": "survivor__estimated_age", "sex": "survivor__sex",
                 "citizenship": "survivor__citizenship__alpha3", "country": "country_of_exploitation__alpha3",
                 "types": "exploitation_types", "started": "exploitation_started_on", "ended": "exploitation_ended_on",
                 "relation": "relation_to_trafficker", "means_of_control": "means_of_control"}


def source_rows(chunk: int = 5000) -> Iterator[dict]:
    """Every case that is a victim or possible victim of trafficking (not those decided "not a victim"), in
    chunks from a server-side cursor."""
    from sinergi.cases.enums import VictimStatus
    from sinergi.cases.models import Case

    names = list(SOURCE_FIELDS)
    qs = Case.objects.exclude(victim_status=VictimStatus.NOT_A_VICTIM).values_list(*SOURCE_FIELDS.values())
    for values in qs.iterator(chunk_size=chunk):
        yield dict(zip(names, values))


@dataclass
class Release:
    plan: Plan
    columns: tuple[str, ...]


def write_release(out: TextIO, *, k: int = 5, fmt: str = "csv", quasi: tuple[str, ...] = QUASI_IDENTIFIERS,
                  max_suppressed: float = 0.05, rows: Iterable[dict] | None = None) -> Plan:
    """Write the k-anonymous release of ``rows`` (default: every case) to ``out`` as CSV or JSON; return the
    plan with the share suppressed."""
    if k < 2:
        raise ValueError("k must be at least 2")
    unknown = [q for q in quasi if q not in HIERARCHY]
    if unknown:
        raise ValueError(f"unknown quasi-identifiers: {unknown}")
    counts: Counter = Counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as tmp:
        writer = csv.writer(tmp)
        for row in (source_rows() if rows is None else rows):
            rec = record(row)
            counts[tuple(rec[q] for q in quasi)] += 1
            writer.writerow([rec[c] for c in COLUMNS])
        plan = plan_for(counts, k=k, quasi=quasi, max_suppressed=max_suppressed)
        tmp.seek(0)
        _emit(out, csv.reader(tmp), plan, fmt)
    return plan


def _emit(out: TextIO, reader, plan: Plan, fmt: str) -> None:
    index = {c: i for i, c in enumerate(COLUMNS)}
    qi_at = [index[q] for q in plan.quasi]
    if fmt == "json":
        out.write('{"release": ' + json.dumps(plan.summary()) + ', "records": [')
    else:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
    first = True
    for values in reader:
        combo = plan.generalise(tuple(values[i] for i in qi_at))
        if combo in plan.suppressed_classes:
            continue
        for i, v in zip(qi_at, combo):
            values[i] = v
        if fmt == "json":
            out.write(("\n" if first else ",\n") + json.dumps(dict(zip(COLUMNS, values))))
            first = False
        else:
            writer.writerow(values)
    if fmt == "json":
        out.write("\n]}\n")


def release_text(**kwargs) -> tuple[str, Plan]:
    """The release in memory (for small data and tests)."""
    buf = io.StringIO()
    plan = write_release(buf, **kwargs)
    return buf.getvalue(), plan
