"""At intake: likely existing persons for the person about to be created, within what the user may know.

The new record is checked against the intake index of the latest background run (``index.LinkageIndex``; one
record against all persons, in milliseconds). Each candidate is shown through ``access.linkage``: in full (masked
by role) when one of the user's agencies holds that person, otherwise as "a possible match held by <agency>;
ask them", never its data. Without an index yet (no run so far) there is simply no warning."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from sinergi.access.linkage import PossibleMatch, project_possible_match
from sinergi.access.principal import Principal
from sinergi.audit.enums import Action
from sinergi.audit.services import Entry, audit_log_many
from sinergi.core.ids import as_uuid

from .background import index_path

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_open: dict[str, tuple[float, Any]] = {}


def _index():
    """The intake index, opened once per file version (the background run replaces the file)."""
    from .index import LinkageIndex

    path = index_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    with _lock:
        cached = _open.get(str(path))
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            index = LinkageIndex(path)
        except Exception:  # noqa: BLE001 - a damaged or older index: no warning rather than no intake
            logger.exception("linkage index unreadable")
            return None
        if cached:
            cached[1].close()
        _open[str(path)] = (mtime, index)
        return index


def _record(person: dict[str, Any]) -> dict[str, str]:
    dob = person.get("date_of_birth")
    age = person.get("estimated_age")
    village = person.get("origin_village")
    return {"full_name": person.get("full_name") or "", "sex": person.get("sex") or "",
            "date_of_birth": dob.isoformat() if isinstance(dob, dt.date) else (dob or ""),
            "age_estimate": "" if age in (None, "") else str(age),
            "origin_village": getattr(village, "code", village) or "", "passport": person.get("passport") or "",
            "phone": person.get("phone") or ""}


def possible_matches(user, person: dict[str, Any], *, limit: int = 5, min_probability: float = 0.5,
                     agency_id=None) -> list[PossibleMatch]:
    """Persons that may be the one described by ``person`` (the intake form's person fields), best first, each
    as ``user`` may know them (through ``agency_id``, default: every agency where they do casework). Persons
    shown in full are audited as read."""
    from sinergi.people.models import Person

    from .models import Merge
    from .records import InputError

    index = _index()
    if index is None or not (person.get("full_name") or "").strip():
        return []
    try:
        found = index.candidates(_record(person), limit=limit * 3, min_probability=min_probability)
    except InputError:
        return []
    # A person merged since the run is found as its survivor.
    ids = [as_uuid(c.record_id) for c in found]
    survivor_of = dict(Merge.objects.filter(merged_id__in=ids, unmerged_at__isnull=True)
                       .values_list("merged_id", "survivor_id"))
    persons = Person.objects.in_bulk([survivor_of.get(i, i) for i in ids] + list(survivor_of.values()))
    seen, out = set(), []
    agency_ids = [agency_id] if agency_id is not None else None
    for c in found:
        pid = as_uuid(c.record_id)
        p = persons.get(survivor_of.get(pid, pid))
        if p is None or p.pk in seen:
            continue
        seen.add(p.pk)
        out.append(project_possible_match(user, p, probability=c.match_probability,
                                          explanation=c.explanation.as_dict(), agency_ids=agency_ids))
        if len(out) == limit:
            break
    shown = [m.person for m in out if m.person is not None]
    if shown:
        principal = Principal.of(user)
        audit_log_many(actor=principal.actor(shown[0].agency_id), entries=[
            Entry(Action.READ, "person", str(v.id), "intake_possible_match", {}) for v in shown])
    return out
