"""De-identification: small cells with complementary suppression that resists recovery from the margins, and
the k-anonymous release, attacked with the published tables."""

from __future__ import annotations

import csv
import io
import itertools
import json
import random
from collections import Counter
from fractions import Fraction

import pytest

from sinergi.analytics.deid import protect_series, protect_table, protect_tree
from sinergi.analytics.deid.cells import TOTAL
from sinergi.analytics.deid.release import COLUMNS, QUASI_IDENTIFIERS, plan_for, release_text


# -- attacks on suppressed tables ------------------------------------------------------------------------

def _line_attack(values: dict, hidden: set, lines: list[list]) -> dict:
    """What an attacker recovers by repeatedly solving any line with one unknown (its total minus the rest)."""
    known = {k: v for k, v in values.items() if k not in hidden}
    solved = {}
    changed = True
    while changed:
        changed = False
        for line in lines:
            unknown = [k for k in line if k not in known]
            if len(unknown) == 1:
                u = unknown[0]
                total, cells = line[-1], line[:-1]
                if u == total:
                    known[u] = sum(known[c] for c in cells)
                else:
                    known[u] = known[total] - sum(known[c] for c in cells if c != u)
                solved[u] = known[u]
                changed = True
    return solved


def _determined(values: dict, hidden: set, lines: list[list]) -> set:
    """Hidden cells whose value follows uniquely from all the margin equations (linear algebra: the unit vector
    of the cell lies in the row space of the equations restricted to the hidden cells)."""
    unknowns = sorted(hidden, key=str)
    index = {u: i for i, u in enumerate(unknowns)}
    rows = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        for j, key in enumerate(line):
            if key in index:
                row[index[key]] += -1 if j == len(line) - 1 else 1
        if any(row):
            rows.append(row)
    # Row-reduce; a cell is determined iff its unit vector is in the span of the rows.
    m, pivots, r = [list(x) for x in rows], [], 0
    for c in range(len(unknowns)):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        m[r] = [x / m[r][c] for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                m[i] = [a - m[i][c] * b for a, b in zip(m[i], m[r])]
        pivots.append(c)
        r += 1
    out = set()
    for i, c in enumerate(pivots):
        if all(m[i][j] == 0 for j in range(len(unknowns)) if j != c):
            out.add(unknowns[c])
    return out


def _grid(counts, rows, cols):
    grid = {(r, c): counts.get((r, c), 0) for r in rows for c in cols}
    for r in rows:
        grid[(r, TOTAL)] = sum(grid[(r, c)] for c in cols)
    for c in cols:
        grid[(TOTAL, c)] = sum(grid[(r, c)] for r in rows)
    grid[(TOTAL, TOTAL)] = sum(grid[(r, TOTAL)] for r in rows)
    lines = [[(r, c) for c in cols + [TOTAL]] for r in rows + [TOTAL]] + \
            [[(r, c) for r in rows + [TOTAL]] for c in cols + [TOTAL]]
    return grid, lines


def test_small_cells_are_hidden_and_a_lone_hidden_cell_gets_a_partner():
    p = protect_series({"a": 40, "b": 3, "c": 12, "d": 9}, k=5)
    assert p.cells["b"] is None
    # b alone hidden would be total - (a + c + d): the smallest other cell is hidden with it.
    assert p.cells["d"] is None and p.cells["a"] == 40 and p.cells["c"] == 12 and p.total == 64


def test_zero_is_shown_and_large_tables_keep_their_values():
    p = protect_series({"a": 40, "b": 0, "c": 12}, k=5)
    assert p.cells == {"a": 40, "b": 0, "c": 12} and p.total == 52


def test_a_small_total_is_hidden_with_its_cells():
    p = protect_table({("x", "m"): 2, ("x", "f"): 1, ("y", "m"): 30, ("y", "f"): 25}, k=5)
    assert p.rows["x"] is None and p.cells[("x", "m")] is None and p.cells[("x", "f")] is None


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_cell_of_a_random_table_can_be_recovered_from_its_margins(seed):
    rng = random.Random(seed)
    rows = [f"r{i}" for i in range(rng.randint(1, 6))]
    cols = [f"c{j}" for j in range(rng.randint(1, 5))]
    counts = {(r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 30, 80]) for r in rows for c in cols}
    k = rng.choice([3, 5, 11])
    p = protect_table(counts, rows=rows, cols=cols, k=k)
    grid, lines = _grid(counts, rows, cols)
    shown = {**{key: v for key, v in p.cells.items()}, **{(r, TOTAL): v for r, v in p.rows.items()},
             **{(TOTAL, c): v for c, v in p.cols.items()}, (TOTAL, TOTAL): p.total}
    hidden = {key for key, v in shown.items() if v is None}
    for key, v in shown.items():
        assert v is None or v == grid[key]
        if 0 < grid[key] < k:
            assert key in hidden, (key, grid[key])
    if len(cols) == 1:  # a one-way table publishes no row totals beside its cells
        lines = [[(r, cols[0]) for r in rows] + [(TOTAL, cols[0])]]
        hidden -= {(r, TOTAL) for r in rows}
    assert not _line_attack(grid, hidden, lines)
    assert not _determined(grid, hidden, lines)


@pytest.mark.parametrize("seed", range(30))
def test_regencies_within_provinces_resist_differencing_with_province_totals(seed):
    rng = random.Random(seed)
    counts = {}
    for p in range(rng.randint(1, 5)):
        for r in range(rng.randint(1, 6)):
            counts[(f"p{p}", f"p{p}.r{r}")] = rng.choice([1, 2, 3, 4, 6, 9, 15, 40, 100])
    children, parents, total = protect_tree(counts, k=5)
    values = {("c",) + key: n for key, n in counts.items()}
    lines = []
    for p in {p for p, _ in counts}:
        kids = [("c", p, c) for pp, c in counts if pp == p]
        values[("p", p)] = sum(values[k] for k in kids)
        lines.append(kids + [("p", p)])
    values[("t",)] = sum(v for k, v in values.items() if k[0] == "p")
    lines.append([k for k in values if k[0] == "p"] + [("t",)])
    hidden = {("c",) + k for k, v in children.items() if v is None} | \
             {("p", p) for p, v in parents.items() if v is None} | ({("t",)} if total is None else set())
    for (p, c), n in counts.items():
        if n < 5:
            assert children[(p, c)] is None
    assert not _line_attack(values, hidden, lines)
    assert not _determined(values, hidden, lines)


# -- the release ---------------------------------------------------------------------------------------

def _rows(n: int, seed: int = 0):
    import datetime as dt

    rng = random.Random(seed)
    for _ in range(n):
        reported = dt.date(rng.choice([2022, 2023, 2024, 2025]), rng.randint(1, 12), rng.randint(1, 28))
        yield {"reported_on": reported, "dob": None, "estimated_age": rng.choice([7, 15, 19, 22, 25, 28, 33, 41, 55]),
               "sex": rng.choice(["Feminine", "Masculine", "Masculine", "TransgenderFeminine"]),
               "citizenship": rng.choice(["IDN"] * 20 + ["TLS"]),
               "country": rng.choice(["KHM", "MYS", "MYS", "SAU", "TWN", "IDN", "MMR", "NZL"]),
               "types": rng.choice([["ForcedLabour"], ["SexualExploitation"], ["ForcedLabour", "ChildLabour"]]),
               "started": reported - dt.timedelta(days=rng.randint(10, 900)), "ended": None,
               "relation": rng.choice(["Familial", "Acquainted", "Unaquainted", ""]),
               "means_of_control": rng.sample(["DebtBondage", "WithholdsDocuments", "PhysicalThreats", "Odd"], 2)}


def _classes(text: str, quasi=QUASI_IDENTIFIERS) -> Counter:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == COLUMNS
    return Counter(tuple(r[q] for q in quasi) for r in reader)


@pytest.mark.parametrize("k", [2, 5, 11, 25])
def test_every_quasi_identifier_combination_is_shared_by_k_records(k):
    text, plan = release_text(k=k, rows=list(_rows(3000, seed=k)))
    classes = _classes(text)
    assert classes and min(classes.values()) >= k
    assert sum(classes.values()) == plan.records - plan.suppressed == 3000 - plan.suppressed
    assert plan.suppressed_share <= 0.05
    # Every marginal over any subset of the quasi-identifiers is a union of classes: never 1..k-1.
    for size in (1, 2, 3):
        for subset in itertools.combinations(range(len(QUASI_IDENTIFIERS)), size):
            marg = Counter()
            for combo, n in classes.items():
                marg[tuple(combo[i] for i in subset)] += n
            assert min(marg.values()) >= k


def test_generalisation_comes_before_suppression_and_the_share_is_reported():
    rows = list(_rows(600, seed=3))
    strict_text, strict = release_text(k=5, rows=rows, max_suppressed=0.0)
    assert strict.suppressed == 0 and any(strict.levels.values())
    loose_text, loose = release_text(k=5, rows=rows, max_suppressed=0.5)
    # Allowed to suppress more, it generalises less and says how much it left out.
    assert sum(loose.levels.values()) <= sum(strict.levels.values())
    assert loose.suppressed == 600 - sum(_classes(loose_text).values())
    assert loose.summary()["suppressed_share"] == round(loose.suppressed / 600, 4)


def test_the_json_release_carries_its_summary_and_the_same_records():
    rows = list(_rows(400, seed=5))
    text, plan = release_text(k=5, rows=rows, fmt="json")
    data = json.loads(text)
    assert data["release"]["k"] == 5 and data["release"]["suppressed"] == plan.suppressed
    assert len(data["records"]) == 400 - plan.suppressed
    combos = Counter(tuple(r[q] for q in QUASI_IDENTIFIERS) for r in data["records"])
    assert min(combos.values()) >= 5


def test_a_rare_person_is_not_singled_out_by_combining_the_release_with_a_published_table():
    """The attacker knows one victim is the only Timorese (TLS) woman of 2024 in the caseload and has the
    dashboard's table of victims by citizenship and year (where that cell is hidden). The release must not
    show a group of fewer than k matching her, nor a count that would confirm the hidden cell."""
    import datetime as dt

    rows = list(_rows(1500, seed=9))
    rows.append({**rows[0], "reported_on": dt.date(2024, 5, 5), "sex": "Feminine", "citizenship": "TLS",
                 "country": "NZL", "estimated_age": 55})
    true = Counter((str(r["reported_on"].year), r["citizenship"]) for r in rows)
    table = protect_table({key: n for key, n in true.items()}, k=5)
    text, plan = release_text(k=5, rows=rows)
    released = list(csv.DictReader(io.StringIO(text)))
    for (year, cit), n in true.items():
        if table.cells[(year, cit)] is None:
            # The release's count of the hidden cell is 0 or at least k, never the small true count.
            seen = sum(1 for r in released if r["yearOfRegistration"] == year and r["citizenship"] == cit)
            assert seen == 0 or seen >= 5
            assert seen != n or n >= 5
    match = [r for r in released if r["citizenship"] == "TLS" and r["gender"] == "Female"
             and r["CountryOfExploitation"] == "NZL"]
    assert len(match) == 0 or len(match) >= 5


def test_plan_on_a_single_record_suppresses_it():
    plan = plan_for(Counter({("2024", "Female", "18-20", "IDN", "KHM", "ForcedLabour"): 1}), k=5)
    assert plan.suppressed == 1 and plan.suppressed_share == 1.0


@pytest.mark.django_db
@pytest.mark.parametrize("k", [2, 5, 11])
def test_the_release_of_generated_cases_is_k_anonymous(world, k):
    from sinergi.cases.models import Case

    text, plan = release_text(k=k)
    classes = _classes(text)
    assert plan.records == Case.objects.exclude(victim_status="NotAVictimOfTrafficking").count()
    assert not classes or min(classes.values()) >= k
    assert sum(classes.values()) == plan.records - plan.suppressed
