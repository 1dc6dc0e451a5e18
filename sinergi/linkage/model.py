"""The linkage model: Splink comparisons, blocking keys and training rules for Indonesian person records.

Every comparison reads the features made by ``records.prepare`` and the dataset-wide columns added by
``features_sql`` (the rarest name token and the blocking keys). The SQL here is written in DuckDB's dialect and
translated by Splink (through sqlglot) when the model runs on Spark.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
from splink import SettingsCreator, block_on

# Blocking keys: each is one column, so that the same keys serve the batch linkage (Splink joins on
# ``l.key = r.key``) and the intake index (a lookup of the new record's key values). A key value shared by more
# than ``max_block_size`` records is dropped (set to NULL) so that one very common name or a shared office
# phone cannot make the comparisons explode; the other keys still find those records.
BLOCKING_KEYS = {
    "bk_name": "name_key",
    "bk_dob_regency": "dob || '|' || regency",
    "bk_dob": "dob",
    "bk_passport": "passport",
    "bk_phone": "phone",
}
# Keys built from each of the two rarest tokens of the name (``t``), as arrays that Splink explodes: a typo in
# one name (which makes it the rarest token) still leaves the other to meet on.
EXPLODED_KEYS = {
    "bk_rare_year": "t || '|' || CAST(dob_year AS VARCHAR)",
    "bk_prefix_regency": "substr(t, 1, 3) || '|' || regency",
}
RARE_TOKENS_FOR_KEYS = 2
# Keys that say little on their own get a smaller block limit: a date of birth alone is worth comparing while
# few records share it (a small list, or a rare date), not across a country's lists.
KEY_BLOCK_LIMITS = {"bk_dob": 20}

DEFAULT_MAX_BLOCK_SIZE = 200


# The few SQL fragments in which DuckDB and Spark differ (everything else is common SQL).
_DIALECT = {
    "duckdb": {"explode": "unnest({x})", "sorted_list": "list({v} ORDER BY {v})",
               "first_by_k": "list({v} ORDER BY {k}) FILTER (WHERE {k} <= {n})", "empty": "[]", "text": "VARCHAR",
               "window_list": "list({v})", "slice": "list_slice({x}, 1, {n})"},
    "spark": {"explode": "explode({x})", "sorted_list": "array_sort(collect_list({v}))",
              "first_by_k": "transform(array_sort(collect_list(CASE WHEN {k} <= {n} THEN struct({k} AS k, {v} AS v) END)"
                            "), x -> x.v)",
              "empty": "array()", "text": "STRING", "window_list": "collect_list({v})",
              "slice": "slice({x}, 1, {n})"},
}


def features_sql(input_table: str, max_block_size: int | None = DEFAULT_MAX_BLOCK_SIZE,
                 freq_table: str | None = None, dialect: str = "duckdb") -> str:
    """SQL (DuckDB) that adds to the prepared records in ``input_table``: ``name_rare`` (the token of the name
    that is rarest in this dataset, ties broken alphabetically), ``name_rares`` (the two rarest) and the
    blocking keys, each value shared by at most ``max_block_size`` records (no limit with ``None``).

    ``freq_table`` (token, n) gives the token frequencies of an already linked set instead of those of
    ``input_table`` (a new record at intake is keyed as the set it is checked against was)."""
    cap = int(max_block_size) if max_block_size is not None else 2**62
    d = _DIALECT[dialect]
    explode_t = d["explode"].format(x="name_rares")
    scalar = ",\n".join(
        f"CASE WHEN count(*) OVER (PARTITION BY ({expr})) <= {min(cap, KEY_BLOCK_LIMITS.get(name, cap))} "
        f"THEN ({expr}) END AS {name}"
        for name, expr in BLOCKING_KEYS.items()
    )
    exploded_ctes = ",\n".join(
        f"""{name} AS (
            SELECT unique_id, {d["sorted_list"].format(v="v")} AS {name} FROM (
                SELECT unique_id, v, count(*) OVER (PARTITION BY v) AS n FROM (
                    SELECT unique_id, ({expr.replace("VARCHAR", d["text"])}) AS v
                    FROM (SELECT *, {explode_t} AS t FROM keyed) AS exploded
                ) AS keyed_values WHERE v IS NOT NULL
            ) AS counted WHERE n <= {cap} GROUP BY unique_id
        )""" for name, expr in EXPLODED_KEYS.items()
    )
    joins = "\n".join(f"LEFT JOIN {name} USING (unique_id)" for name in EXPLODED_KEYS)
    exploded_cols = ", ".join(f"coalesce({name}.{name}, {d['empty']}) AS {name}" for name in EXPLODED_KEYS)
    return f"""
    WITH tokens AS (
        SELECT unique_id, {d["explode"].format(x="name_tokens")} AS token FROM {input_table}
    ), freq AS (
        {"SELECT token, n FROM " + freq_table if freq_table else
         "SELECT token, count(*) AS n FROM tokens GROUP BY token"}
    ), ranked AS (
        SELECT t.unique_id, t.token,
               -- a single letter (an initial, a name split by a stray space) is never the rarest token
               row_number() OVER (PARTITION BY t.unique_id ORDER BY CASE WHEN length(t.token) < 2 THEN 1 ELSE 0 END,
                                  coalesce(f.n, 0), t.token) AS k
        FROM tokens t LEFT JOIN freq f USING (token)
    ), rare AS (
        SELECT unique_id, min(token) FILTER (WHERE k = 1) AS name_rare,
               {d["first_by_k"].format(v="token", k="k", n=RARE_TOKENS_FOR_KEYS)} AS name_rares
        FROM ranked GROUP BY unique_id
    ), keyed AS (
        SELECT r.*, rare.name_rare, coalesce(rare.name_rares, {d["empty"]}) AS name_rares
        FROM {input_table} r LEFT JOIN rare USING (unique_id)
    ), {exploded_ctes}
    SELECT keyed.*, {scalar}, {exploded_cols}
    FROM keyed {joins}
    """


def keys_for(features: dict, token_freq: dict[str, int]) -> tuple[str | None, list[str], list[str]]:
    """For one prepared record (a row of ``records.FEATURES``): its rarest token, its two rarest tokens and its
    blocking key values (``name=value``), exactly as ``features_sql`` computes them without a size limit, given
    the token frequencies of the set it is checked against. Used at intake, where one record does not justify
    a query plan; a test holds the two implementations to the same answers."""
    tokens = features.get("name_tokens") or []
    ranked = sorted(tokens, key=lambda t: (len(t) < 2, token_freq.get(t, 0), t))
    rare = ranked[0] if ranked else None
    rares = ranked[:RARE_TOKENS_FOR_KEYS]
    f = features
    year = None if f.get("dob_year") is None else str(f["dob_year"])
    values = {
        "bk_name": f.get("name_key"),
        "bk_dob_regency": f["dob"] + "|" + f["regency"] if f.get("dob") and f.get("regency") else None,
        "bk_dob": f.get("dob"),
        "bk_passport": f.get("passport"),
        "bk_phone": f.get("phone"),
    }
    exploded = {
        "bk_rare_year": [f"{t}|{year}" for t in rares] if year else [],
        "bk_prefix_regency": [f"{t[:3]}|{f['regency']}" for t in rares] if f.get("regency") else [],
    }
    assert set(values) == set(BLOCKING_KEYS) and set(exploded) == set(EXPLODED_KEYS)
    keys = [f"{name}={v}" for name, v in values.items() if v is not None]
    keys += sorted({f"{name}={v}" for name, vs in exploded.items() for v in vs})
    return rare, rares, keys


# Within one key value, records are compared with their neighbours in an order that puts the likely same persons
# side by side (a sorted neighbourhood): under one name, by date of birth and place; under one date, place or
# number, by name. A value shared by few records compares every pair; a more common one each record with the
# next ``KEY_WINDOWS`` records only, so that the comparisons grow with the records, not with the square of a
# common value. Keys that find few persons the others miss (a date alone, a rare name with the year, a name's
# beginning with the regency) get a narrow window: on a small list they still compare all their pairs.
SORTED_WINDOW = 10
KEY_WINDOWS = {"bk_dob": 2, "bk_rare_year": 2, "bk_prefix_regency": 4}
_BY_NAME = "coalesce(name_key, '')"
SORT_WITHIN_KEY = {
    "bk_name": "coalesce(dob, CAST(birth_year_lo AS {text}), '') || '|' || coalesce(regency, '')",
    "bk_dob_regency": _BY_NAME,
    "bk_dob": "coalesce(regency, '') || '|' || " + _BY_NAME,
    "bk_passport": _BY_NAME,
    "bk_phone": _BY_NAME,
    "bk_rare_year": "coalesce(regency, '') || '|' || " + _BY_NAME,
    "bk_prefix_regency": "coalesce(name_flat, '')",
}


def keys_table_sql(table: str, dialect: str = "duckdb") -> str:
    """SQL of one row per (blocking key value, record): ``key`` (``name=value``), ``rule`` (the key's position,
    Splink's match key), ``unique_id`` and ``sort`` (the record's place among those sharing the key value, see
    ``SORT_WITHIN_KEY``). The batch linkage blocks on it; the intake index looks new records up in it."""
    d = _DIALECT[dialect]
    assert set(SORT_WITHIN_KEY) == set(BLOCKING_KEYS) | set(EXPLODED_KEYS)

    def order(name: str) -> str:
        return SORT_WITHIN_KEY[name].format(text=d["text"])

    parts = [f"SELECT '{name}=' || {name} AS key, {i} AS rule, unique_id, {order(name)} AS sort FROM {table} "
             f"WHERE {name} IS NOT NULL" for i, name in enumerate(BLOCKING_KEYS)]
    # The array is exploded in a subquery: Spark allows no generator inside an expression.
    # DISTINCT: two tokens of one name may give one value (the same three letters), once per record.
    parts += [f"SELECT DISTINCT '{name}=' || v AS key, {len(BLOCKING_KEYS) + i} AS rule, unique_id, sort "
              f"FROM (SELECT {d['explode'].format(x=name)} AS v, unique_id, {order(name)} AS sort FROM {table}"
              f") AS exploded_{name}" for i, name in enumerate(EXPLODED_KEYS)]
    return " UNION ALL ".join(parts)


def blocked_pairs_sql(keys_table: str, window: int = SORTED_WINDOW, dialect: str = "duckdb") -> str:
    """The pairs to score: two records that share a key value and lie at most ``window`` apart in its order (less
    for the keys of ``KEY_WINDOWS``), once each (lower id on the left), in the form Splink's
    ``register_blocked_pairs_for_predict`` takes. One pass over one key table does what the blocking rules would
    do in a join each and their exclusions."""
    d = _DIALECT[dialect]
    names = [*BLOCKING_KEYS, *EXPLODED_KEYS]
    narrow = " ".join(f"WHEN {names.index(name)} THEN {min(int(window), w)}" for name, w in KEY_WINDOWS.items())
    width = f"CASE rule {narrow} ELSE {int(window)} END" if narrow else str(int(window))
    following = d["window_list"].format(v="unique_id")
    return (
        f"SELECT CAST(min(rule) AS {d['text']}) AS match_key, "
        f"CASE WHEN unique_id < other THEN unique_id ELSE other END AS join_key_l, "
        f"CASE WHEN unique_id < other THEN other ELSE unique_id END AS join_key_r "
        f"FROM (SELECT rule, unique_id, {d['explode'].format(x=d['slice'].format(x='following', n=width))} AS other "
        f"FROM (SELECT rule, unique_id, {following} OVER (PARTITION BY key ORDER BY sort, unique_id "
        f"ROWS BETWEEN 1 FOLLOWING AND {int(window)} FOLLOWING) AS following FROM {keys_table}"
        f") AS windowed) AS neighbours "
        f"GROUP BY 2, 3")


def blocking_rules() -> list:
    return [block_on(name) for name in BLOCKING_KEYS] + [
        block_on(name, arrays_to_explode=[name]) for name in EXPLODED_KEYS]


def _tokens_alike(dialect: str, at_least: float, *, every: bool = False) -> str:
    """A name of one side alike (Jaro-Winkler ``at_least``) to a name of the other; with ``every``, every name of
    each alike, as many names on both sides: "Muhamad Rizki" and "Muhammad Rizky". (The sorted key compared as one
    string is not enough: "dikson luke" and "dikson fube", Phoebe, share seven letters in front.)

    Written for each engine: a translation of DuckDB's lambdas and its Jaro-Winkler would name a function Spark
    lacks (Splink's Spark similarity functions are registered as jaro_winkler)."""
    if dialect == "spark":
        best = "array_max(transform(name_tokens_r, b -> jaro_winkler(a, b)))"
        sql = f"array_{'min' if every else 'max'}(transform(name_tokens_l, a -> {best})) >= {at_least}"
        return f"size(name_tokens_l) = size(name_tokens_r) AND {sql}" if every else sql
    best = "list_max(list_transform(name_tokens_r, lambda b: jaro_winkler_similarity(a, b)))"
    sql = f"list_{'min' if every else 'max'}(list_transform(name_tokens_l, lambda a: {best})) >= {at_least}"
    return f"array_length(name_tokens_l) = array_length(name_tokens_r) AND {sql}" if every else sql


def _name_comparison(dialect: str = "duckdb") -> dict:
    return {
        "output_column_name": "name",
        "comparison_description": "full name as a set of canonical tokens",
        "comparison_levels": [
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True).configure(
                label_for_charts="same names (any order)"),
            # Written order, spaces aside: "Laur a" is Laura, SITINURHAYATI (if not split) is Siti Nurhayati.
            cll.ExactMatchLevel("name_flat").configure(label_for_charts="same letters (spaces aside)"),
            # One letter apart, or two with each name still alike ("Luke" and "Phoebe" are two apart as written
            # for comparison, "luke" and "fube").
            cll.Or(cll.CustomLevel(_characters_apart("name_key", "TRUE", 1), base_dialect_str="duckdb"),
                   cll.And(cll.CustomLevel(_characters_apart("name_key", "TRUE", 2), base_dialect_str="duckdb"),
                           cll.CustomLevel(_tokens_alike(dialect, 0.8, every=True), base_dialect_str=dialect)),
                   cll.JaroWinklerLevel("name_flat", 0.94),
                   cll.And(cll.CustomLevel(_tokens_alike(dialect, 0.92, every=True), base_dialect_str=dialect),
                           cll.ExactMatchLevel("name_rare"))).configure(
                label_for_charts="names alike (a typo)"),
            # "Siti" within "Siti Aminah" says little; "Rina Sutisna" within "Rina Manu Sutisna" says more.
            cll.CustomLevel(
                "(name_rare_l = name_rare_r OR least(array_length(name_tokens_l), array_length(name_tokens_r)) >= 2)"
                " AND array_length(array_intersect(name_tokens_l, name_tokens_r)) = "
                "least(array_length(name_tokens_l), array_length(name_tokens_r))",
                label_for_charts="one name contains the other", base_dialect_str="duckdb",
            ),
            cll.ExactMatchLevel("name_rare", term_frequency_adjustments=True).configure(
                label_for_charts="rarest name token shared"),
            # A given name or a family name in common, not the rarest of either (Brooke Green, Rebekah Green).
            cll.CustomLevel("array_length(array_intersect(name_tokens_l, name_tokens_r)) >= 1",
                            label_for_charts="a name in common", base_dialect_str="duckdb"),
            # One name of each alike (a typo in the family name: Fitzpatrick, Fitzpagrick).
            cll.CustomLevel(_tokens_alike(dialect, 0.92), label_for_charts="a name alike", base_dialect_str=dialect),
            cll.JaroWinklerLevel("name_key", 0.85).configure(label_for_charts="names somewhat alike"),
            cll.ElseLevel(),
        ],
    }


_DATE_PART_EQUAL = "substr({c}_l, 1, 4) = substr({c}_r, 1, 4) OR substr({c}_l, 6, 5) = substr({c}_r, 6, 5)"
_PLACE_PART_EQUAL = "substr({c}_l, 1, 2) = substr({c}_r, 1, 2) OR right({c}_l, 2) = right({c}_r, 2)"
_ID_PART_EQUAL = "substr({c}_l, 1, 3) = substr({c}_r, 1, 3) OR right({c}_l, 3) = right({c}_r, 3)"


def _birth_comparison() -> dict:
    return {
        "output_column_name": "birth",
        "comparison_description": "date of birth, or the birth years an estimated age allows",
        "comparison_levels": [
            cll.CustomLevel("(dob_l IS NULL AND birth_year_lo_l IS NULL) OR (dob_r IS NULL AND birth_year_lo_r "
                            "IS NULL)", label_for_charts="missing").configure(is_null_level=True),
            cll.ExactMatchLevel("dob").configure(label_for_charts="same date of birth"),
            cll.CustomLevel("dob_l = dob_swapped_r", label_for_charts="day and month swapped"),
            cll.CustomLevel(_characters_apart("dob", _DATE_PART_EQUAL), label_for_charts="one digit different",
                            base_dialect_str="duckdb"),
            cll.CustomLevel(_characters_apart("dob", _DATE_PART_EQUAL, 2), label_for_charts="two digits different",
                            base_dialect_str="duckdb"),
            cll.CustomLevel("dob_year_l = dob_year_r", label_for_charts="same year of birth"),
            # An estimated age (a side without a date) counts through the range of birth years it allows.
            cll.CustomLevel("(dob_l IS NULL OR dob_r IS NULL) AND birth_year_lo_l <= birth_year_hi_r AND "
                            "birth_year_lo_r <= birth_year_hi_l", label_for_charts="estimated age fits"),
            cll.ElseLevel(),
        ],
    }


def _place_comparison() -> dict:
    return {
        "output_column_name": "origin",
        "comparison_description": "origin village (Kemendagri code hierarchy)",
        "comparison_levels": [
            cll.NullLevel("village"),
            cll.ExactMatchLevel("village", term_frequency_adjustments=True).configure(
                label_for_charts="same village"),
            cll.ExactMatchLevel("district").configure(label_for_charts="same district"),
            cll.ExactMatchLevel("regency").configure(label_for_charts="same regency/city"),
            # A code mistyped by one digit or two swapped (a postcode 6058 written 6085).
            cll.CustomLevel(_characters_apart("village", _PLACE_PART_EQUAL, 2), label_for_charts="code mistyped",
                            base_dialect_str="duckdb"),
            cll.ElseLevel(),
        ],
    }


def _characters_apart(column: str, prefilter: str, n: int = 1) -> str:
    """At most ``n`` characters inserted, dropped or mistyped (two for a swapped pair of digits). The cheap
    prefilter (part of the value equal) comes first so that the edit distance is only computed for the few pairs
    that may pass: an edit distance on every compared pair costs more than all the other comparisons together."""
    c = column
    return (f"abs(length({c}_l) - length({c}_r)) <= {n} AND ({prefilter.format(c=c)}) AND "
            f"levenshtein({c}_l, {c}_r) <= {n}")


def _identifier(column: str, label: str) -> dict:
    return {
        "output_column_name": column,
        "comparison_description": label,
        "comparison_levels": [
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(label_for_charts="same (normalised)"),
            cll.CustomLevel(_characters_apart(column, _ID_PART_EQUAL), label_for_charts="one character different",
                            base_dialect_str="duckdb"),
            cll.CustomLevel(_characters_apart(column, _ID_PART_EQUAL, 2),
                            label_for_charts="two characters different", base_dialect_str="duckdb"),
            cll.ElseLevel(),
        ],
    }


def _sex() -> dict:
    return {
        "output_column_name": "sex",
        "comparison_levels": [cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
    }


#: Rules that are nearly always true matches: used to estimate the share of matching pairs.
DETERMINISTIC_RULES = [
    block_on("passport"),
    "l.name_key = r.name_key AND l.dob = r.dob",
]
DETERMINISTIC_RECALL = 0.7

#: Expectation-maximisation sessions: each blocks on some fields and so trains the m values of the others.
EM_RULES = [
    block_on("bk_name"),
    block_on("bk_dob"),
    block_on("bk_passport"),
]


def settings(*, unique_id: str = "unique_id", dialect: str = "duckdb") -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=unique_id,
        comparisons=[_name_comparison(dialect), _sex(), _birth_comparison(), _place_comparison(),
                     _identifier("passport", "passport number"), _identifier("phone", "phone number")],
        blocking_rules_to_generate_predictions=blocking_rules(),
        additional_columns_to_retain=["source"],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        max_iterations=25,
        em_convergence=0.001,
    )
