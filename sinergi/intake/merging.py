"""Moving reports from one person to another when linkage merges two persons (and back on unmerge). Called by
``linkage.merging`` inside its transaction; the caller checks permission and audits."""

from __future__ import annotations

from .models import Report


def reports_of_person(person) -> list[str]:
    return [str(pk) for pk in Report.objects.filter(subject=person).order_by("received_at").values_list("pk", flat=True)]


def reports_move_subject(*, report_ids, to_person) -> int:
    return Report.objects.filter(pk__in=list(report_ids)).update(subject=to_person)
