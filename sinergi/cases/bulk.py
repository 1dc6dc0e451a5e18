"""Bulk writes for cases, for imports: many cases with their exploitation types, first stage entry, timeline
event and audit row in a few INSERTs, inside the caller's transaction.

The caller has validated every value (``transfer.rows`` checks the same rules as ``services.validate_details``
against preloaded code sets) and created the survivors (``people.bulk.persons_bulk_create``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require
from sinergi.audit.enums import Action
from sinergi.audit.services import Entry, audit_log_many
from sinergi.core import clock

from .enums import EventKind, Stage
from .models import Case, CaseExploitationType, StageEntry, TimelineEvent
from .services import next_reference

# The timeline's message for an imported case (see ``timeline``); written directly here, as bulk inserts are.
IMPORTED_MSG = gettext_noop("Kasus %(ref)s diimpor")


@dataclass(slots=True)
class NewCase:
    external_id: str
    survivor_id: uuid.UUID
    origin_village_id: str | None
    reported_on: dt.date
    stage: str = Stage.REPORTED
    stage_entered_at: dt.datetime | None = None  # default: midnight of reported_on
    outcome: str = ""
    victim_status: str = ""
    victim_status_decided_by: str = ""
    victim_status_decided_on: dt.date | None = None
    exploitation_types: list[str] = field(default_factory=list)
    sex_exploitation_types: list[str] = field(default_factory=list)
    forced_labour_industry: str = ""
    means_of_control: list[str] = field(default_factory=list)
    recruitment_methods: list[str] = field(default_factory=list)
    recruitment_apps: list[str] = field(default_factory=list)
    exploitation_apps: list[str] = field(default_factory=list)
    relation_to_trafficker: str = ""
    country_of_exploitation_id: str | None = None
    city_of_exploitation: str = ""
    recruited_on: dt.date | None = None
    exploitation_started_on: dt.date | None = None
    exploitation_ended_on: dt.date | None = None
    summary: str = ""
    line: int | None = None  # where the case came from in the imported file, for the timeline and audit


def external_id_owners(ids: Iterable[str], chunk: int = 2000) -> dict[str, Any]:
    """Which of ``ids`` already name a case (as in ``external_ids_present``), each with that case's lead agency:
    an import may skip its own agency's cases, but not claim another's."""
    ids = list(dict.fromkeys(ids))
    owners: dict[str, Any] = {}
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        owners.update(Case.objects.filter(external_id__in=part).values_list("external_id", "lead_agency_id"))
        refs = [x for x in part if x.startswith("SNG-")]
        if refs:
            owners.update(Case.objects.filter(reference__in=refs).values_list("reference", "lead_agency_id"))
    return owners


def external_ids_present(ids: Iterable[str], chunk: int = 2000) -> set[str]:
    """Which of ``ids`` already name a case, as its external id or its Sinergi reference (a re-imported
    export of this instance carries references as external ids). Across all agencies: the id is unique."""
    ids = list(dict.fromkeys(ids))
    present: set[str] = set()
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        present.update(Case.objects.filter(external_id__in=part).values_list("external_id", flat=True))
        refs = [x for x in part if x.startswith("SNG-")]
        if refs:
            present.update(Case.objects.filter(reference__in=refs).values_list("reference", flat=True))
    return present


@transaction.atomic
def cases_bulk_import(*, actor, agency_id, cases: Sequence[NewCase], source: dict[str, Any] | None = None,
                      batch_size: int = 2000) -> list[Case]:
    """Insert ``cases`` led by ``agency_id`` at their recorded stage; one IMPORT audit row per case.

    ``source`` (e.g. the import job) goes into every timeline event and audit row. The external ids must be
    new (``external_ids_present``); a clash raises IntegrityError and the caller's transaction rolls back.
    """
    principal = require(actor, Cap.CASE_IMPORT, agency_id)
    source = dict(source or {})
    now = clock.now()
    tz = timezone.get_current_timezone()
    combine, midnight = dt.datetime.combine, dt.time.min
    references = {year: iter(next_reference(year, n)) for year, n in
                  sorted(Counter(c.reported_on.year for c in cases).items())}
    actor_id = getattr(actor, "pk", None)
    objs: list[Case] = []
    types: list[CaseExploitationType] = []
    entries: list[StageEntry] = []
    events: list[TimelineEvent] = []
    audit: list[Entry] = []
    for c in cases:
        entered = c.stage_entered_at or combine(c.reported_on, midnight, tzinfo=tz)
        village = c.origin_village_id
        ref = next(references[c.reported_on.year])
        case = Case(
            reference=ref, external_id=c.external_id, survivor_id=c.survivor_id, lead_agency_id=agency_id,
            stage=c.stage, stage_entered_at=entered, outcome=c.outcome, reported_on=c.reported_on,
            closed_at=entered if c.stage == Stage.CLOSED else None,
            victim_status=c.victim_status, victim_status_decided_by=c.victim_status_decided_by,
            victim_status_decided_on=c.victim_status_decided_on,
            exploitation_types=c.exploitation_types,
            primary_exploitation=c.exploitation_types[0] if c.exploitation_types else "",
            forced_labour_industry=c.forced_labour_industry, sex_exploitation_types=c.sex_exploitation_types,
            means_of_control=c.means_of_control, recruitment_methods=c.recruitment_methods,
            recruitment_apps=c.recruitment_apps, exploitation_apps=c.exploitation_apps,
            relation_to_trafficker=c.relation_to_trafficker, country_of_exploitation_id=c.country_of_exploitation_id,
            city_of_exploitation=c.city_of_exploitation, recruited_on=c.recruited_on,
            exploitation_started_on=c.exploitation_started_on, exploitation_ended_on=c.exploitation_ended_on,
            summary=c.summary, origin_province_id=village[:2] if village else None,
            origin_regency_id=village[:5] if village else None,
        )
        objs.append(case)
        cid = case.pk
        for t in c.exploitation_types:
            types.append(CaseExploitationType(case_id=cid, type=t))
        entries.append(StageEntry(case_id=cid, stage=c.stage, entered_at=entered, agency_id=agency_id,
                                  actor_id=actor_id))
        detail = {**source, "external_id": c.external_id, "line": c.line}
        events.append(TimelineEvent(case_id=cid, kind=EventKind.IMPORTED, at=now, actor_id=actor_id,
                                    agency_id=agency_id, summary=f"Kasus {ref} diimpor",
                                    data={**detail, "msg": {"id": IMPORTED_MSG, "args": {"ref": ref}}}))
        audit.append(Entry(Action.IMPORT, "case", str(cid), "",
                           {**detail, "reference": ref, "survivor": str(c.survivor_id)}))
    Case.objects.bulk_create(objs, batch_size=batch_size)
    CaseExploitationType.objects.bulk_create(types, batch_size=batch_size)
    StageEntry.objects.bulk_create(entries, batch_size=batch_size)
    TimelineEvent.objects.bulk_create(events, batch_size=batch_size)
    audit_log_many(actor=principal.actor(agency_id), entries=audit)
    return objs
