"""From what each case contributes (``CaseTally``/``CaseDuration``) to the published read models: the base grain
summed over cases, every other grain summed from the base, and one ``Spread`` row per histogram.

A full count sums everything. A round applies differences instead: the new contributions of the round's cases
minus their old ones, summed per cell of every grain, added to the rows there (rows that reach zero go), and
the ``Spread`` rows of the histograms that changed are written again from their buckets. A round's work grows
with the cases it recounts, not with the cases there are.
"""

from __future__ import annotations

from django.db import connection

from .counting import Writer
from .models import GRAINS, Grain

TALLY_KEY = ("dim", "value", "year", "province", "regency", "agency", "exploitation")
DURATION_KEY = ("kind", "key", "year", "province", "regency", "agency", "exploitation", "bucket")
SPREAD_KEY = ("kind", "key", "year", "province", "regency", "agency", "exploitation")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _cols(key: tuple[str, ...], alias: str = "") -> str:
    p = f"{alias}." if alias else ""
    return ", ".join(p + _q(c) for c in key)


def _rolled(g: int, column: str, null_uuid: str, alias: str = "") -> str:
    """``column`` as it reads in grain ``g``: itself, or the value of a summed-away column."""
    p = f"{alias}." if alias else ""
    rolled = {"year": Grain.YEARS, "province": Grain.PROVINCE, "regency": Grain.REGENCY, "agency": Grain.AGENCY,
              "exploitation": Grain.EXPLOITATION}.get(column, 0)
    if not g & rolled:
        return p + _q(column)
    return {"year": "0", "agency": null_uuid}.get(column, "''")


def parent(g: int) -> int:
    """The finer grain ``g`` is summed from: one summed-away column fewer."""
    for bit in (Grain.YEARS, Grain.EXPLOITATION, Grain.AGENCY, Grain.PROVINCE, Grain.REGENCY):
        if g & bit:
            return g & ~bit
    raise ValueError(g)


def _grain_table() -> str:
    """The grains as a table (grain, r, p, a, e, y): which columns each sums away."""
    rows = [f"SELECT {g} AS grain, {int(bool(g & Grain.REGENCY))} AS r, {int(bool(g & Grain.PROVINCE))} AS p, "
            f"{int(bool(g & Grain.AGENCY))} AS a, {int(bool(g & Grain.EXPLOITATION))} AS e, "
            f"{int(bool(g & Grain.YEARS))} AS y" for g in GRAINS]
    return "(" + " UNION ALL ".join(rows) + ")"


def _mapped(key: tuple[str, ...], null_uuid: str, alias: str) -> str:
    """``key``'s columns of the rows of ``alias`` as they read in the grain of the joined grain table ``g``."""
    out = []
    for c in key:
        flag = {"year": "y", "province": "p", "regency": "r", "agency": "a", "exploitation": "e"}.get(c)
        col = f"{alias}.{_q(c)}"
        if flag is None:
            out.append(col)
        else:
            empty = {"year": "0", "agency": null_uuid}.get(c, "''")
            out.append(f"CASE WHEN g.{flag} = 1 THEN {empty} ELSE {col} END")
    return ", ".join(out)


def _match(key: tuple[str, ...], a: str, b: str, sql) -> str:
    return " AND ".join([f"{a}.grain = {b}.grain"] + [
        sql.same(f"{a}.{_q(c)}", f"{b}.{_q(c)}") if c == "agency" else f"{a}.{_q(c)} = {b}.{_q(c)}" for c in key])


# -- a full count -------------------------------------------------------------------------------------------

def publish_all(w: Writer) -> None:
    """Replace the published rows with sums of every case's contribution (inside the caller's transaction).
    Rows are deleted, not truncated: readers keep the old figures until the new ones are committed."""
    t, nu = w.t, w.sql.null_uuid
    for table in ("tally", "duration", "spread"):
        w.run(f"clear {table}", f"DELETE FROM {t[table]}", written=False)
    for table, facts, key in (("tally", "ftally", TALLY_KEY), ("duration", "fduration", DURATION_KEY)):
        w.run(f"{table} base", f"INSERT INTO {t[table]} (grain, {_cols(key)}, n) "
                               f"SELECT 0, {_cols(key)}, SUM(n) FROM {t[facts]} GROUP BY {_cols(key)}")
        for g in GRAINS:
            if g == Grain.BASE:
                continue
            cols = [_rolled(g, c, nu) for c in key]
            kept = [c for c in cols if c not in ("0", "''", nu)]
            w.run(f"{table} grain {g}",
                  f"INSERT INTO {t[table]} (grain, {_cols(key)}, n) SELECT {g}, {', '.join(cols)}, SUM(n) "
                  f"FROM {t[table]} WHERE grain = {parent(g)} GROUP BY {', '.join(kept)}")
    w.run("spreads", f"INSERT INTO {t['spread']} (grain, {_cols(SPREAD_KEY)}, n, hist) "
                     f"SELECT grain, {_cols(SPREAD_KEY)}, SUM(n), {w.sql.hist('bucket', 'n')} FROM {t['duration']} "
                     f"GROUP BY grain, {_cols(SPREAD_KEY)}")


# -- a round: differences ------------------------------------------------------------------------------------

class Scratch:
    """The temporary tables of one round (this connection's only), dropped afterwards."""

    NAMES = ("cases", "moved", "new_tally", "new_duration", "c_tally", "c_duration", "d_tally", "d_duration",
             "g_tally", "g_duration", "touched")

    def __init__(self, cur):
        self.cur = cur
        self.name = {n: f"analytics_tmp_{n}" for n in self.NAMES}

    def __getitem__(self, n: str) -> str:
        return self.name[n]

    def create(self, t: dict[str, str]) -> None:
        self.drop()
        c, n = self.cur, self.name
        c.execute(f"CREATE TEMPORARY TABLE {n['cases']} AS SELECT case_id FROM {t['place']} WHERE 1 = 0")
        c.execute(f"CREATE UNIQUE INDEX {n['cases']}_id ON {n['cases']} (case_id)")
        c.execute(f"CREATE TEMPORARY TABLE {n['moved']} AS SELECT case_id FROM {t['place']} WHERE 1 = 0")
        c.execute(f"CREATE UNIQUE INDEX {n['moved']}_id ON {n['moved']} (case_id)")
        c.execute(f"CREATE TEMPORARY TABLE {n['new_tally']} AS SELECT case_id, {_cols(TALLY_KEY)}, n "
                  f"FROM {t['ftally']} WHERE 1 = 0")
        c.execute(f"CREATE TEMPORARY TABLE {n['new_duration']} AS SELECT case_id, {_cols(DURATION_KEY)}, n "
                  f"FROM {t['fduration']} WHERE 1 = 0")
        for kind, key, src in (("tally", TALLY_KEY, "ftally"), ("duration", DURATION_KEY, "fduration")):
            c.execute(f"CREATE TEMPORARY TABLE {n['c_' + kind]} AS SELECT case_id, {_cols(key)}, n AS d "
                      f"FROM {t[src]} WHERE 1 = 0")
            c.execute(f"CREATE TEMPORARY TABLE {n['d_' + kind]} AS SELECT {_cols(key)}, n AS d FROM {t[src]} "
                      f"WHERE 1 = 0")
            c.execute(f"CREATE TEMPORARY TABLE {n['g_' + kind]} AS SELECT grain, {_cols(key)}, n AS d "
                      f"FROM {t[kind]} WHERE 1 = 0")
        c.execute(f"CREATE TEMPORARY TABLE {n['touched']} AS SELECT grain, {_cols(SPREAD_KEY)} FROM {t['spread']} "
                  f"WHERE 1 = 0")

    def analyze(self, *names: str) -> None:
        if connection.vendor == "postgresql":
            for name in names:
                self.cur.execute(f"ANALYZE {self.name[name]}")

    def drop(self) -> None:
        for table in self.name.values():
            self.cur.execute(f"DROP TABLE IF EXISTS {table}")


def apply_round(w: Writer, s: Scratch) -> int:
    """The round's cases were counted into ``new_tally``/``new_duration``: replace their old contributions with
    the new ones and add the differences to every grain; returns the published rows changed."""
    t, sql = w.all, w.sql
    if sql.pg:
        # The round's cases are a few thousand among millions of rows: looked up one by one in the index on the
        # case (a merge or hash join would read the whole table).
        w.cur.execute("SET LOCAL enable_mergejoin = off")
        w.cur.execute("SET LOCAL enable_hashjoin = off")
    moved = s["moved"]
    changed = 0
    for kind, key, facts, new in (("tally", TALLY_KEY, "ftally", "new_tally"),
                                  ("duration", DURATION_KEY, "fduration", "new_duration")):
        cols = _cols(key)
        per_case = s["c_" + kind]
        # What changed per case: the new contributions less the old (placements and flags of no case are
        # counted whole each round: the null case, its old rows all subtracted).
        w.run(f"{kind} differences per case",
              f"INSERT INTO {per_case} (case_id, {cols}, d) SELECT case_id, {cols}, SUM(n) FROM ("
              f"SELECT case_id, {cols}, n FROM {s[new]} "
              f"UNION ALL SELECT f.case_id, {_cols(key, 'f')}, -f.n FROM {s['cases']} x "
              f"JOIN {t[facts]} f ON f.case_id = x.case_id "
              f"UNION ALL SELECT case_id, {cols}, -n FROM {t[facts]} WHERE case_id IS NULL) y "
              f"GROUP BY case_id, {cols} HAVING SUM(n) <> 0", written=False)
        # Only the cases whose contribution changed are written again (most of the rolling check's are equal).
        w.cur.execute(f"DELETE FROM {moved}")
        w.run(f"{kind} changed cases", f"INSERT INTO {moved} (case_id) SELECT DISTINCT case_id FROM {per_case} "
                                       f"WHERE case_id IS NOT NULL", written=False)
        s.analyze("moved")
        # Two statements: each is answered by the index on the case (one with OR would read the whole table).
        w.run(f"{kind} old contributions", f"DELETE FROM {t[facts]} WHERE case_id IN (SELECT case_id FROM {moved})",
              written=False)
        w.run(f"{kind} old contributions of no case", f"DELETE FROM {t[facts]} WHERE case_id IS NULL",
              written=False)
        w.run(f"{kind} new contributions", f"INSERT INTO {t[facts]} (case_id, {cols}, n) "
                                           f"SELECT case_id, {cols}, n FROM {s[new]} WHERE case_id IN "
                                           f"(SELECT case_id FROM {moved}) OR case_id IS NULL ORDER BY case_id",
              written=False)
        w.run(f"{kind} differences", f"INSERT INTO {s['d_' + kind]} ({cols}, d) SELECT {cols}, SUM(d) "
                                     f"FROM {per_case} GROUP BY {cols} HAVING SUM(d) <> 0", written=False)
        positions = ", ".join(str(i) for i in range(1, len(key) + 2))
        w.run(f"{kind} differences per grain",
              f"INSERT INTO {s['g_' + kind]} (grain, {cols}, d) SELECT g.grain, {_mapped(key, sql.null_uuid, 'x')}, "
              f"SUM(x.d) FROM {s['d_' + kind]} x CROSS JOIN {_grain_table()} g GROUP BY {positions} "
              f"HAVING SUM(x.d) <> 0", written=False)
        s.analyze("g_" + kind)
        table, delta = t[kind], s["g_" + kind]
        match = _match(key, "r", "g", sql)
        changed += w.run(f"{kind} add", f"UPDATE {table} AS r SET n = r.n + g.d FROM {delta} AS g WHERE {match}")
        changed += w.run(f"{kind} new rows", f"INSERT INTO {table} (grain, {cols}, n) SELECT g.grain, "
                                             f"{_cols(key, 'g')}, g.d FROM {delta} g WHERE NOT EXISTS "
                                             f"(SELECT 1 FROM {table} r WHERE {match})")
        w.run(f"{kind} emptied rows", f"DELETE FROM {table} WHERE id IN (SELECT r.id FROM {delta} g "
                                      f"JOIN {table} r ON {match} WHERE g.d < 0 AND r.n = 0)", written=False)
    # The histograms that changed: their Spread rows again, from their buckets.
    w.run("touched histograms", f"INSERT INTO {s['touched']} (grain, {_cols(SPREAD_KEY)}) SELECT DISTINCT grain, "
                                f"{_cols(SPREAD_KEY)} FROM {s['g_duration']}", written=False)
    s.analyze("touched")
    match = _match(SPREAD_KEY, "r", "k", sql)
    w.run("spreads out", f"DELETE FROM {t['spread']} WHERE id IN (SELECT r.id FROM {s['touched']} k "
                         f"JOIN {t['spread']} r ON {match})", written=False)
    changed += w.run("spreads in", f"INSERT INTO {t['spread']} (grain, {_cols(SPREAD_KEY)}, n, hist) "
                                   f"SELECT r.grain, {_cols(SPREAD_KEY, 'r')}, SUM(r.n), {sql.hist('r.bucket', 'r.n')} "
                                   f"FROM {s['touched']} k JOIN {t['duration']} r ON {match} "
                                   f"GROUP BY r.grain, {_cols(SPREAD_KEY, 'r')}")
    return changed
