"""Hidden victims for the analyst's page: the lists come from the linked persons, the estimate from ``mse``.

Each agency type is one list. A person is on a list when an agency of that type leads a case of theirs reported in
the period, or received a report about them in the period; the region is the person's origin (the case's, or
the person's for a report). Records of one list are one per person (a person on a list twice is there once). The
same person on several lists is known three ways: the same ``Person`` row (merged persons share one), the same
cluster of the background linkage (``PersonCluster``: certain links), and the pairs still waiting for review,
which are re-drawn by their probability so that their uncertainty reaches the interval (``mse.linkage``).
Nothing but aggregates leaves this module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergi.access.policy import require_aggregates
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log

from . import mse


@dataclass
class HiddenQuery:
    date_from: dt.date
    date_to: dt.date
    region: str = ""                       # a province (2 digits) or a regency (NN.NN) code, "" for all
    lists: tuple[str, ...] = ()            # agency types
    draws: int = 40                        # linkage re-draws (only with pairs waiting for review)
    replicates: int = 500


@dataclass
class HiddenResult:
    lists: tuple[str, ...]
    list_sizes: dict[str, int]
    estimate: dict                          # ``Estimate.as_dict()`` (or ``LinkageEstimate.as_dict()``)
    uncertain_pairs: int
    caveats: list[dict] = field(default_factory=list)


def _region_filter(prefix: str, region: str) -> dict:
    if not region:
        return {}
    return {f"{prefix}origin_regency_id": region} if "." in region else {f"{prefix}origin_province_id": region}


def capture_records(q: HiddenQuery) -> tuple[list[tuple[str, str]], list[tuple[str, str, float]], dict[str, str]]:
    """(record id, list) per person and list; the uncertain pairs between those persons' records; and the
    cluster of every record (its person's linkage cluster, else the person)."""
    from django.utils import timezone

    from sinergi.cases.models import Case
    from sinergi.intake.models import Report
    from sinergi.linkage.enums import PairStatus
    from sinergi.linkage.models import MatchPair, PersonCluster

    start = timezone.make_aware(dt.datetime.combine(q.date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(q.date_to + dt.timedelta(days=1), dt.time.min))
    on = set()
    on.update(Case.objects.filter(reported_on__gte=q.date_from, reported_on__lte=q.date_to,
                                  lead_agency__type__in=q.lists, **_region_filter("", q.region))
              .values_list("survivor_id", "lead_agency__type"))
    on.update(Report.objects.filter(received_at__gte=start, received_at__lt=end, subject__isnull=False,
                                    agency__type__in=q.lists, **_region_filter("subject__", q.region))
              .values_list("subject_id", "agency__type"))
    persons = {p for p, _l in on}
    records = [(f"{p}:{lst}", lst) for p, lst in sorted(on, key=lambda x: (str(x[0]), x[1]))]
    first_record: dict = {}
    for p, lst in sorted(on, key=lambda x: (str(x[0]), x[1])):
        first_record.setdefault(p, f"{p}:{lst}")
    cluster_of = dict(PersonCluster.objects.filter(person_id__in=persons).values_list("person_id", "cluster"))
    clusters = {f"{p}:{lst}": str(cluster_of.get(p, p)) for p, lst in on}
    pairs = [(first_record[a], first_record[b], prob) for a, b, prob in
             MatchPair.objects.filter(status=PairStatus.PENDING, person_l_id__in=persons, person_r_id__in=persons)
             .values_list("person_l_id", "person_r_id", "probability")]
    return records, pairs, clusters


def hidden_estimate(*, actor, query: HiddenQuery) -> HiddenResult:
    """The estimate for the analyst (aggregates only; ``access.policy.require_aggregates``). Raises
    ``ValidationError`` (``mse.CaptureTableError``/``mse.NoEstimate`` or fewer than two lists) with messages."""
    principal = require_aggregates(actor)
    lists = tuple(sorted(set(query.lists)))
    if len(lists) < 2:
        raise ValidationError({"lists": [_("Pilih sedikitnya dua daftar (jenis lembaga).")]})
    query.lists = lists
    records, pairs, clusters = capture_records(query)
    sizes = {lst: sum(1 for _r, name in records if name == lst) for lst in lists}
    linked = mse.link(records, pairs, clusters, lists=lists)
    if pairs:
        result = mse.estimate_with_linkage(linked, draws=query.draws, replicates_per_draw=10,
                                           replicates=query.replicates).as_dict()
    else:
        table = mse.CaptureTable(lists, linked.clustered())
        mse.validate(table)
        result = mse.estimate(table, replicates=query.replicates).as_dict()
    audit_log(actor=principal.actor(), action=Action.READ, object_type="hidden_estimate", detail={
        "from": query.date_from.isoformat(), "to": query.date_to.isoformat(), "region": query.region,
        "lists": list(lists)})
    return HiddenResult(lists, sizes, result, len(pairs), mse.caveats())
