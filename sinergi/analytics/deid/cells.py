"""Small cells: a count of 1 to k-1 people could single someone out, so it is shown as "<k".

Hiding the small cells alone is not enough when totals are published: a hidden cell that is the only hidden
one in its row (or column) is its total minus the visible cells. Complementary suppression therefore hides
more cells, the smallest visible ones first, until every row and column (the totals counted as cells of their
line) that has a hidden cell has at least two, and a hidden cell cannot be solved from the equations the
margins give. Zero stays visible (it singles no one out) unless it is the only cell left to hide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable

from django.conf import settings

TOTAL = "__total__"


def min_cell() -> int:
    """k for tables: counts from 1 to k-1 are hidden. ``SINERGI_MIN_CELL`` (default 5)."""
    return int(getattr(settings, "SINERGI_MIN_CELL", 5))


@dataclass
class Protected:
    """A table after suppression: ``cells[(row, col)]``, ``rows[row]`` (row totals), ``cols[col]`` (column
    totals) and ``total``; a hidden value is None."""

    cells: dict[tuple, int | None]
    rows: dict[Hashable, int | None] = field(default_factory=dict)
    cols: dict[Hashable, int | None] = field(default_factory=dict)
    total: int | None = None
    k: int = 5

    @property
    def hidden(self) -> int:
        return sum(v is None for v in self.cells.values())


def _small(n: int, k: int) -> bool:
    return 0 < n < k


def suppress(values: dict[Hashable, int], lines: list[list[Hashable]], *, k: int, totals: set | None = None) -> set:
    """The keys to hide, given the published ``values`` and the ``lines`` (each a list of keys whose cells add up
    to its last key, the line's total). Small counts first, then complementary cells until no line has exactly
    one hidden key. Prefers an inner cell over a total, a non-zero count over a zero, the smallest count."""
    totals = totals if totals is not None else {line[-1] for line in lines}
    hidden = {key for key, n in values.items() if _small(n, k)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [key for key in line if key in hidden]
            if len(inside) != 1:
                continue
            candidates = sorted((key for key in line if key not in hidden),
                                key=lambda key: (key in totals, values[key] == 0, values[key]))
            if candidates:
                hidden.add(candidates[0])
                changed = True
    return hidden


def protect_table(counts: dict[tuple, int], *, rows: list | None = None, cols: list | None = None,
                  k: int | None = None) -> Protected:
    """Suppress a two-way table of counts ``{(row, col): n}`` that is published with its row totals, column
    totals and grand total. Missing cells count as 0."""
    k = min_cell() if k is None else k
    rows = list(dict.fromkeys(rows if rows is not None else [r for r, _ in counts]))
    cols = list(dict.fromkeys(cols if cols is not None else [c for _, c in counts]))
    grid: dict[tuple, int] = {}
    for r in rows:
        for c in cols:
            grid[(r, c)] = int(counts.get((r, c), 0))
    for r in rows:
        grid[(r, TOTAL)] = sum(grid[(r, c)] for c in cols)
    for c in cols:
        grid[(TOTAL, c)] = sum(grid[(r, c)] for r in rows)
    grid[(TOTAL, TOTAL)] = sum(grid[(r, TOTAL)] for r in rows)
    lines = [[(r, c) for c in cols + [TOTAL]] for r in rows + [TOTAL]] + \
            [[(r, c) for r in rows + [TOTAL]] for c in cols + [TOTAL]]
    if len(cols) == 1:  # a one-way table: the row totals are the cells themselves
        lines = [[(r, cols[0]) for r in rows] + [(TOTAL, cols[0])]]
    hidden = suppress(grid, lines, k=k, totals={key for key in grid if TOTAL in key})
    if len(cols) == 1:
        hidden |= {(r, TOTAL) for r in rows if (r, cols[0]) in hidden}
    shown = {key: (None if key in hidden else n) for key, n in grid.items()}
    return Protected(cells={(r, c): shown[(r, c)] for r in rows for c in cols},
                     rows={r: shown[(r, TOTAL)] for r in rows}, cols={c: shown[(TOTAL, c)] for c in cols},
                     total=shown[(TOTAL, TOTAL)], k=k)


def protect_series(counts: dict, *, k: int | None = None, order: list | None = None) -> Protected:
    """A one-way table (``{key: n}``) published with its total."""
    keys = order if order is not None else list(counts)
    p = protect_table({(key, "n"): n for key, n in counts.items()}, rows=keys, cols=["n"], k=k)
    return Protected(cells={key: p.cells[(key, "n")] for key in keys}, total=p.cols["n"], k=p.k)


def protect_tree(counts: dict[tuple, int], *, k: int | None = None) -> tuple[dict, dict, int | None]:
    """A two-level breakdown published with parent totals and the grand total (regencies within provinces,
    cities within countries): ``counts`` is ``{(parent, child): n}``. Returns (children {(parent, child): n or
    None}, parents {parent: n or None}, total)."""
    k = min_cell() if k is None else k
    values: dict = {}
    parents: dict = {}
    for (parent, child), n in counts.items():
        values[("c", parent, child)] = int(n)
        parents.setdefault(parent, []).append(("c", parent, child))
    lines = []
    for parent, children in parents.items():
        values[("p", parent)] = sum(values[c] for c in children)
        lines.append(children + [("p", parent)])
    values[("t",)] = sum(values[("p", p)] for p in parents)
    lines.append([("p", p) for p in parents] + [("t",)])
    hidden = suppress(values, lines, k=k, totals={key for key in values if key[0] != "c"})
    children = {(p, c): (None if ("c", p, c) in hidden else n) for (p, c), n in counts.items()}
    tops = {p: (None if ("p", p) in hidden else values[("p", p)]) for p in parents}
    return children, tops, (None if ("t",) in hidden else values[("t",)])
