"""The background linkage of every person: the worker's periodic job (registered in ``apps.py``).

Every person not merged into another becomes one record (its source: the type of the first agency holding it,
or the placement registry), the engine links them all (``engine.link``, the model trained on the instance's own
data), and the run keeps: each person's cluster (``PersonCluster``: the certain links, for counting), the pairs
in the uncertain band as pending ``MatchPair`` rows for review (a pair already decided is never reopened), and
the intake index (``index.LinkageIndex``) that the intake form checks a new person against. It runs when the
last run is older than ``SINERGI_LINKAGE_REFRESH_SECONDS`` and a person changed since."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.db import transaction

from sinergi.core import clock

from .enums import PairStatus
from .models import LinkRun, MatchPair, PersonCluster

logger = logging.getLogger(__name__)

REFRESH_SECONDS = int(getattr(settings, "SINERGI_LINKAGE_REFRESH_SECONDS", 3600))  # read again on each run
REGISTRY_SOURCE = "placement_registry"
#: Below this many persons there is too little to train a model on (and nothing worth linking in the background).
MIN_PERSONS = int(getattr(settings, "SINERGI_LINKAGE_MIN_PERSONS", 50))


def index_path() -> Path:
    return Path(getattr(settings, "SINERGI_LINKAGE_INDEX", Path(settings.DATA_DIR) / "linkage" / "persons.duckdb"))


def person_records() -> list[dict]:
    """Every person not merged away, as a linkage record (``records.COLUMNS``); ``record_id`` is the person id."""
    from sinergi.access.linkage import holders_of
    from sinergi.agencies.models import Agency
    from sinergi.people.enums import DocumentType
    from sinergi.people.models import IdentityDocument, Person

    from .merging import merged_away_ids

    persons = list(Person.objects.exclude(pk__in=merged_away_ids()).order_by("created_at"))
    ids = [p.pk for p in persons]
    holders = holders_of(ids)
    types = dict(Agency.objects.values_list("pk", "type"))
    passports: dict = {}
    for doc in IdentityDocument.objects.filter(person_id__in=ids, type__in=[DocumentType.PASSPORT,
                                                                            DocumentType.TRAVEL_DOCUMENT]):
        passports.setdefault(doc.person_id, doc.number)
    return [{"record_id": str(p.pk), "source": types.get(holders[p.pk][0]) if holders[p.pk] else REGISTRY_SOURCE,
             "full_name": p.full_name, "sex": p.sex,
             "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else "",
             "age_estimate": "" if p.estimated_age is None else str(p.estimated_age),
             "origin_village": p.origin_village_id or "", "passport": passports.get(p.pk, ""), "phone": p.phone}
            for p in persons]


def _due(now) -> bool:
    from sinergi.people.models import Person

    if not Person.objects.exists():
        return False
    last = LinkRun.objects.filter(error="").exclude(finished_at=None).first()
    if last is None:
        return True
    if (now - last.started_at).total_seconds() < int(getattr(settings, "SINERGI_LINKAGE_REFRESH_SECONDS",
                                                             REFRESH_SECONDS)):
        return False
    return Person.objects.filter(updated_at__gte=last.started_at).exists()


_running = threading.Lock()


def linkage_refresh(*, force: bool = False, options=None) -> dict | str:
    """Link every person now if due (``force``: whatever the last run). Returns the run's summary, "fresh" when
    nothing was due, "busy" when this process is already at it."""
    from .engine import LinkOptions, link

    now = clock.now()
    if not force and not _due(now):
        return "fresh"
    if not _running.acquire(blocking=False):
        return "busy"
    try:
        rows = person_records()
        run = LinkRun.objects.create(started_at=now, persons=len(rows))
        if len(rows) < max(2, int(getattr(settings, "SINERGI_LINKAGE_MIN_PERSONS", MIN_PERSONS))):
            run.finished_at = clock.now()
            run.save(update_fields=["finished_at", "updated_at"])
            return {"persons": len(rows), "clusters": len(rows), "pairs_to_review": 0}
        options = options or LinkOptions(lenient_dates=True, as_of_year=clock.today().year,
                                         u_max_pairs=min(1e6, max(1e4, len(rows) ** 2 / 2)))
        try:
            result = link(rows, options)
        except Exception as exc:  # noqa: BLE001 - the job runs again next round; the run says why it failed
            logger.exception("linkage run failed")
            run.error = str(exc)[:300]
            run.finished_at = clock.now()
            run.save(update_fields=["error", "finished_at", "updated_at"])
            return "error"
        clusters = result.clusters().to_pylist()
        band = [e for e in result.explanations() if e.match_probability < options.threshold]
        path = index_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        result.save_index(path)
        with transaction.atomic():
            PersonCluster.objects.all().delete()
            PersonCluster.objects.bulk_create([PersonCluster(person_id=c["record_id"], cluster=c["cluster_id"],
                                                             run=run) for c in clusters], batch_size=2000)
            created = _record_pairs(band, run)
            run.clusters = len({c["cluster_id"] for c in clusters})
            run.pairs_to_review = created
            run.finished_at = clock.now()
            run.save(update_fields=["clusters", "pairs_to_review", "finished_at", "updated_at"])
        return {"persons": len(rows), "clusters": run.clusters, "pairs_to_review": created,
                "seconds": round((run.finished_at - run.started_at).total_seconds(), 2)}
    finally:
        _running.release()


def _record_pairs(explanations, run) -> int:
    """Pending pairs for the uncertain band; a decided pair keeps its decision, a pending one gets the new score.
    Returns how many pairs are pending from this run."""
    n = 0
    for e in explanations:
        left, right = sorted((e.record_id_l, e.record_id_r))
        pair, created = MatchPair.objects.get_or_create(
            person_l_id=left, person_r_id=right,
            defaults={"probability": e.match_probability, "explanation": e.as_dict(), "run": run})
        if not created and pair.status == PairStatus.PENDING:
            pair.probability, pair.explanation, pair.run = e.match_probability, e.as_dict(), run
            pair.save(update_fields=["probability", "explanation", "run", "updated_at"])
        n += pair.status == PairStatus.PENDING
    return n

