"""Keeping the read models (``Tally``, ``Duration``, ``Spread``) current with the cases, stage stays, referrals,
services and recruitment records.

The worker calls ``analytics_refresh`` every round; it brings the figures up to date when they are older than
``REFRESH_SECONDS``. A round recounts only some cases, from their rows (``counting``): those written since the
last round (a case, its stage stays, referrals, services, recruitment links, survivor, the survivor's placements
and flags), those deleted, those whose referral passed a deadline unanswered in the meantime (an overdue count
changes with time alone), the other cases of the same survivors, and the next slice of all cases in id order
(the rolling check: every case is recounted from its rows once per ``SWEEP_SECONDS``, which catches what no
timestamp shows, such as a deleted stage stay or an agency moved to a border regency). Their old contributions
are replaced by the new ones and the differences added to the published rows (``rollup``), so a round costs what
its cases cost, at a hundred cases as at a million. The figures are then at most ``REFRESH_SECONDS`` plus one
round old: under five minutes.

A full count from scratch (``analytics_refresh(force=True)``, the command) is needed once, to start, and
otherwise only as a consistency check: the worker never needs one to stay fresh. Two workers never count at
once: the state row is locked. Everything of a round commits together, so a reader sees the old figures or the
new ones.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
import uuid

from django.conf import settings
from django.db import OperationalError, connection, transaction

from sinergi.core import clock
from sinergi.core.ids import as_uuid

from . import rollup
from .counting import (
    AFTER_RECEIVED,
    AGE_BANDS,
    BORDER_REGENCIES,
    Writer,
    _Sql,
    _tables,
    age_at,
    age_band,
    bucket,
    count,
)
from .models import CaseDuration, CasePlace, CaseTally, Duration, Grain, RefreshState, Spread, Tally

__all__ = [
    "AFTER_RECEIVED",
    "AGE_BANDS",
    "BORDER_REGENCIES",
    "REFRESH_SECONDS",
    "age_at",
    "age_band",
    "analytics_refresh",
    "bucket",
    "last_refresh",
]

logger = logging.getLogger(__name__)

REFRESH_SECONDS = int(getattr(settings, "SINERGI_ANALYTICS_REFRESH_SECONDS", 180))
# Every case is recounted from its rows at least this often (the rolling check), a slice each round.
SWEEP_SECONDS = int(getattr(settings, "SINERGI_ANALYTICS_SWEEP_SECONDS", 6 * 3600))
# Writes may commit a little after the moment they are stamped: look back this far before the last count.
LOOKBACK = dt.timedelta(seconds=int(getattr(settings, "SINERGI_ANALYTICS_LOOKBACK_SECONDS", 300)))


# -- a full count -------------------------------------------------------------------------------------------

def rebuild_all(now: dt.datetime) -> tuple[int, list]:
    """Count every case from scratch (inside the caller's transaction); returns the published rows and the time
    of each statement."""
    t = _tables()
    with connection.cursor() as cur:
        w = Writer(cur, _Sql(), t)
        pg = connection.vendor == "postgresql"
        if pg:
            cur.execute("SET LOCAL work_mem = '256MB'")  # the counts' sorts and hashes in memory, not on disk
        for facts, index in (("ftally", "casetally_case"), ("fduration", "caseduration_case")):
            # The working state is read by no page: emptied at once, and indexed after it is written.
            w.run(f"clear {facts}", f"TRUNCATE {t[facts]}" if pg else f"DELETE FROM {t[facts]}", written=False)
            cur.execute(f"DROP INDEX IF EXISTS {index}")
        count(w, now)
        for facts, index in (("ftally", "casetally_case"), ("fduration", "caseduration_case")):
            w.run(f"index {facts}", f"CREATE INDEX {index} ON {t[facts]} (case_id)", written=False)
            if pg:  # each case's rows together: a round reads a few pages per case, not one per figure
                w.run(f"cluster {facts}", f"CLUSTER {t[facts]} USING {index}", written=False)
        w.rows = 0
        rollup.publish_all(w)
        w.run("clear case places", f"DELETE FROM {t['place']}", written=False)
        w.run("case places", f"INSERT INTO {t['place']} (case_id, province, regency) SELECT c.id, "
                             f"COALESCE(NULLIF(c.origin_province_id, ''), '?'), "
                             f"COALESCE(NULLIF(c.origin_regency_id, ''), '?') FROM {t['case']} c", written=False)
    _log(w.timings)
    return w.rows, w.timings


# -- a round ------------------------------------------------------------------------------------------------

def _changed_sql(t: dict[str, str]) -> str:
    """The cases written since ``%s`` (or whose referral passed a deadline unanswered before ``now``)."""
    return (
        f"SELECT c.id FROM {t['case']} c WHERE c.updated_at >= %s "
        f"UNION SELECT case_id FROM {t['stage']} WHERE updated_at >= %s "
        f"UNION SELECT case_id FROM {t['referral']} WHERE updated_at >= %s "
        f"OR (status = 'sent' AND acknowledged_at IS NULL AND ack_due_at >= %s AND ack_due_at < %s) "
        f"OR (status IN ('acknowledged', 'accepted', 'in_progress') AND completed_at IS NULL "
        f"AND complete_due_at >= %s AND complete_due_at < %s) "
        f"UNION SELECT case_id FROM {t['service']} WHERE updated_at >= %s "
        f"UNION SELECT case_id FROM {t['link']} WHERE updated_at >= %s "
        f"UNION SELECT c.id FROM {t['case']} c JOIN {t['person']} s ON s.id = c.survivor_id WHERE s.updated_at >= %s "
        f"UNION SELECT c.id FROM {t['case']} c JOIN {t['placement']} p ON p.worker_id = c.survivor_id "
        f"WHERE p.updated_at >= %s OR EXISTS (SELECT 1 FROM {t['flag']} f WHERE f.subject_type = 'placement' "
        f"AND f.subject_id = p.id AND f.updated_at >= %s)")


def sweep_size(total: int) -> int:
    """Cases to check per round so that every case is checked once per ``SWEEP_SECONDS``."""
    rounds = max(1, SWEEP_SECONDS // max(1, REFRESH_SECONDS))
    return max(100, math.ceil(total / rounds))


def _pick_cases(w: Writer, s: rollup.Scratch, since: dt.datetime, now: dt.datetime, state: RefreshState) -> dict:
    """Fill the round's table of cases; returns how many of each kind and where the sweep goes on next."""
    t, sql, cur = w.all, w.sql, w.cur
    chg = s["cases"]
    params = (since, since, since, since, now, since, now, since, since, since, since, since)
    changed = w.run("changed cases", f"INSERT INTO {chg} (case_id) {_changed_sql(t)}", params, written=False)
    # Deleted cases: counted last time, gone now.
    deleted = w.run("deleted cases", f"INSERT INTO {chg} (case_id) SELECT cp.case_id FROM {t['place']} cp "
                                     f"WHERE NOT EXISTS (SELECT 1 FROM {t['case']} c WHERE c.id = cp.case_id) "
                                     f"AND NOT EXISTS (SELECT 1 FROM {chg} x WHERE x.case_id = cp.case_id)",
                    written=False)
    # The survivor's other cases: a flag counts with the survivor's first case, and that may have changed.
    w.run("same survivors", f"INSERT INTO {chg} (case_id) SELECT DISTINCT o.id FROM {t['case']} o "
                            f"JOIN {t['case']} c ON c.survivor_id = o.survivor_id "
                            f"WHERE c.id IN (SELECT case_id FROM {chg}) "
                            f"AND NOT EXISTS (SELECT 1 FROM {chg} x WHERE x.case_id = o.id)", written=False)
    total = Tally.objects.filter(grain=Grain.NATIONWIDE, dim="cases").values_list("n", flat=True).first() or 0
    size = sweep_size(total)
    after = state.sweep_after
    where, p = "", ()
    if after:
        where, p = "WHERE c.id > %s", (sql.uuid_param(as_uuid(after)),)
    window = f"SELECT c.id FROM {t['case']} c {where} ORDER BY c.id LIMIT %s"
    cur.execute(f"SELECT COUNT(*) FROM ({window}) x", p + (size,))
    swept = cur.fetchone()[0]
    last = ""
    if swept:
        cur.execute(f"SELECT x.id FROM ({window}) x ORDER BY x.id DESC LIMIT 1", p + (size,))
        edge = cur.fetchone()[0]
        last = str(edge if sql.pg else uuid.UUID(hex=edge))
        lower = "c.id > %s AND " if after else ""
        w.run("sweep", f"INSERT INTO {chg} (case_id) SELECT c.id FROM {t['case']} c WHERE {lower}c.id <= %s "
                       f"AND NOT EXISTS (SELECT 1 FROM {chg} x WHERE x.case_id = c.id)", p + (edge,), written=False)
    done = swept < size
    if done:
        last = ""
    s.analyze("cases")
    return {"changed": changed, "deleted": deleted, "swept": swept, "sweep_after": last, "sweep_done": done}


def rebuild_round(since: dt.datetime, now: dt.datetime, state: RefreshState) -> tuple[int, list, dict]:
    """Recount the round's cases and apply the differences (inside the caller's transaction)."""
    t = _tables()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL jit = off")  # many small statements: compiling them costs more than it saves
        s = rollup.Scratch(cur)
        s.create(t)
        try:
            w = Writer(cur, _Sql(), t, cases=s["cases"], into=(s["new_tally"], s["new_duration"]))
            picked = _pick_cases(w, s, since, now, state)
            count(w, now)
            s.analyze("new_tally", "new_duration")
            w.rows = rollup.apply_round(w, s)
            chg = s["cases"]
            w.run("case places out", f"DELETE FROM {t['place']} WHERE case_id IN (SELECT case_id FROM {chg})",
                  written=False)
            w.run("case places in", f"INSERT INTO {t['place']} (case_id, province, regency) SELECT c.id, "
                                    f"COALESCE(NULLIF(c.origin_province_id, ''), '?'), "
                                    f"COALESCE(NULLIF(c.origin_regency_id, ''), '?') FROM {t['case_all']} c "
                                    f"WHERE c.id IN (SELECT case_id FROM {chg})", written=False)
            cur.execute(f"SELECT COUNT(*) FROM {chg}")
            picked["cases"] = cur.fetchone()[0]
        finally:
            s.drop()
    _log(w.timings)
    return w.rows, w.timings, picked


def _log(timings: list) -> None:
    for label, seconds, n in timings:
        logger.info("analytics refresh: %6.2f s %8d rows  %s", seconds, n, label)


def analytics_refresh(*, force: bool = False, full: bool | None = None) -> dict | str:
    """The worker's periodic job: bring the read models up to date when they are older than ``REFRESH_SECONDS``
    (``force``: now). A round recounts the changed cases and a slice of the rest (``full=False``, what the
    worker does); a full count from scratch runs when forced (the command, the tests) unless ``full=False``,
    and when there has never been one. Returns what was done; "fresh" when nothing was due, "busy" when
    another worker is at it."""
    now = clock.now()
    RefreshState.objects.get_or_create(name="figures")
    with transaction.atomic():
        try:
            state = RefreshState.objects.select_for_update(nowait=connection.vendor == "postgresql") \
                .get(name="figures")
        except OperationalError:
            return "busy"
        if not force and state.as_of and (now - state.as_of).total_seconds() < REFRESH_SECONDS:
            return "fresh"
        started = time.monotonic()
        as_of = clock.now()
        if full is None:
            full = force or not state.full_at or not state.as_of
        out: dict = {}
        if full:
            rows, _timings = rebuild_all(as_of)
            state.full_at = state.swept_at = as_of
            state.sweep_after = ""
        else:
            rows, _timings, picked = rebuild_round(state.as_of - LOOKBACK, as_of, state)
            state.sweep_after = picked["sweep_after"]
            if picked["sweep_done"]:
                state.swept_at = as_of
            out.update(cases=picked["cases"], changed=picked["changed"], deleted=picked["deleted"],
                       swept=picked["swept"])
        state.started_at, state.as_of = now, as_of
        state.mode = "full" if full else "incremental"
        state.finished_at = clock.now()
        state.seconds = round(time.monotonic() - started, 2)
        state.rows = rows
        state.save()
    if connection.vendor == "postgresql" and full:
        with connection.cursor() as cur:
            for model in (Tally, Duration, Spread, CaseTally, CaseDuration, CasePlace):
                cur.execute(f"ANALYZE {model._meta.db_table}")
    logger.info("analytics refreshed (%s): %s rows in %.1f s", state.mode, rows, state.seconds)
    return {"mode": state.mode, "rows": rows, "seconds": state.seconds, **out}


def last_refresh() -> RefreshState | None:
    return RefreshState.objects.filter(name="figures").first()
