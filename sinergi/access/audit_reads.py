"""Audit of list reads and who may read the audit trail's sealed search terms.

A list page is one read: ``audit_list`` writes one row naming every id it showed (grouped by the agency each was
seen through when there are several), so a list view costs one row whatever its length. The search terms a user
typed are personal data (a survivor's name typed into the box): the row keeps them sealed with the field key
(``audit.services.split_terms``) and ``audit_event_view`` opens them only for a reader entitled to that agency's
case data; everyone else who may read the trail (an agency administrator, a system administrator) sees that a
search was made, not what was searched for.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sinergi.audit.models import AuditEvent
from sinergi.audit.services import TERMS_CONTEXT, audit_list_read
from sinergi.core import sealing
from sinergi.core.keys import KeyringError

from .capabilities import Cap
from .principal import Principal, as_agency_id


def audit_list(user, *, object_type: str, groups: dict[Any, Iterable[Any]], via: str, filters: dict | None = None,
               structured: Iterable[str] | None = None, purpose: str = "",
               detail: dict[str, Any] | None = None) -> AuditEvent | None:
    """ONE audit row for a page of a list. ``groups`` maps the agency each object was seen through to the ids
    shown through it, in page order. The row is written in that agency's name when there is one; with several it
    names the user's primary agency and keeps the split in ``detail["through"]``. ``detail``: more to keep on
    the row (e.g. the persons a page of pairs showed)."""
    principal = Principal.of(user)
    groups = {a: [str(i) for i in ids] for a, ids in groups.items() if ids}
    ids = [i for group in groups.values() for i in group]
    detail = dict(detail or {})
    if len(groups) == 1:
        actor = principal.actor(next(iter(groups)))
    else:
        actor = principal.actor()
        if groups:
            detail["through"] = {str(a): group for a, group in groups.items()}
    return audit_list_read(actor=actor, object_type=object_type, ids=ids, via=via, filters=filters,
                           structured=structured, purpose=purpose, detail=detail)


@dataclass(frozen=True)
class AuditEventView:
    """An audit row as one reader may see it: ``terms`` is the opened search terms, or None when the reader is
    not entitled to them (``terms_sealed`` then says that there were some)."""

    event: AuditEvent
    detail: dict
    terms: dict | None
    terms_sealed: bool


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """The rows a user may read: those written in the name of an agency where they hold ``AUDIT_VIEW``; every
    row for a system administrator. Nothing for anyone else."""
    principal = Principal.of(user)
    from sinergi.agencies.enums import Role

    if any(role == Role.SYSTEM_ADMIN for _, role in principal.memberships):
        return AuditEvent.objects.all()
    agencies = principal.agencies_with(Cap.AUDIT_VIEW)
    if not agencies:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(agency_id__in=agencies)


def may_read_terms(user, event: AuditEvent) -> bool:
    """Search terms are case data: only a role that may see the cases of the agency the search was made in."""
    agency_id = as_agency_id(event.agency_id)
    return agency_id is not None and Principal.of(user).can(Cap.CASE_VIEW, agency_id)


def audit_event_view(user, event: AuditEvent) -> AuditEventView:
    detail = dict(event.detail or {})
    sealed = detail.pop("terms", "")
    terms = None
    if sealed and may_read_terms(user, event):
        try:
            terms = json.loads(sealing.unseal(sealed, context=TERMS_CONTEXT))
        except (sealing.SealError, KeyringError, ValueError):
            terms = None
    return AuditEventView(event=event, detail=detail, terms=terms, terms_sealed=bool(sealed) and terms is None)
