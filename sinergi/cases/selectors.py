"""Reads of cases. Every query starts from ``cases_visible_to(user)``; every read of personal data is audited."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from sinergi.access.audit_reads import audit_list
from sinergi.access.principal import Principal
from sinergi.access.sections import EXPLOITATION, IDENTITY, LOCATION, sight_of, sights_of
from sinergi.access.visibility import case_visibility_parts, cases_visible_to
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.people import names
from sinergi.people.models import NameKey

from .models import Case, CaseExploitationType


@dataclass
class CaseFilters:
    stage: list[str] | None = None
    lead_agency: Any = None
    origin_province: str | None = None
    origin_regency: str | None = None
    country_of_exploitation: str | None = None
    exploitation_type: str | None = None
    victim_status: str | None = None
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None
    stage_entered_from: dt.datetime | None = None
    stage_entered_to: dt.datetime | None = None
    q: str | None = None


LIST_RELATED = ("survivor", "lead_agency", "country_of_exploitation")


_CASE_NUMBER = re.compile(r"^(?:SNG)?[\s\-/]*(?:(\d{4})[\s\-/]+)?0*(\d{1,6})$")


def case_references(query: str) -> list[str] | None:
    """The references a query that looks like (part of) a case number may mean, or None for any other query:
    "SNG-2026-000161", "2026-000161" and "2026-161" mean that case, "161" the 161st case of any year."""
    match = _CASE_NUMBER.match(query.strip().upper())
    if not match:
        return None
    year, number = match.group(1), int(match.group(2))
    if number == 0:
        return []
    years = [int(year)] if year else range(1990, clock.now().year + 2)
    return [f"SNG-{y}-{number:06d}" for y in years]


def apply_name_search(qs: QuerySet, query: str, person_field: str = "survivor_id") -> QuerySet:
    """Match every word of ``query`` against the survivor's name keys (any spelling of the word); the last word
    may also be the beginning of a name, as written."""
    terms = names.query_terms(query)
    if not terms:
        return qs
    *whole, (last_key, last_form) = terms
    whole_keys = [k for k, _ in whole]
    for key in dict.fromkeys(whole_keys):
        qs = qs.filter(Exists(NameKey.objects.filter(person_id=OuterRef(person_field), key=key)))
    if last_key in whole_keys:
        return qs.filter(Exists(NameKey.objects.filter(person_id=OuterRef(person_field), key=last_key)))
    # The last word may be unfinished, but it is another word: "Dewi Dew" finds Dewi Dewanti, not Dewi Lestari.
    # Its prefix is matched on the spelling, not the key: the key "st" of "Siti" begins "Setiawan" too.
    last = NameKey.objects.filter(Q(key=last_key) | Q(form__startswith=last_form), person_id=OuterRef(person_field))
    if whole:
        last = last.exclude(key__in=whole_keys)
    return qs.filter(Exists(last))


def filter_cases(qs: QuerySet, f: CaseFilters, *, names: bool = True) -> QuerySet:
    """``qs`` narrowed by ``f``; without the name search when not ``names`` (``name_query`` says if there is one)."""
    if f.stage:
        qs = qs.filter(stage__in=f.stage) if len(f.stage) > 1 else qs.filter(stage=f.stage[0])
    if f.lead_agency:
        qs = qs.filter(lead_agency_id=f.lead_agency)
    if f.origin_province:
        qs = qs.filter(origin_province_id=f.origin_province)
    if f.origin_regency:
        qs = qs.filter(origin_regency_id=f.origin_regency)
    if f.country_of_exploitation:
        qs = qs.filter(country_of_exploitation_id=f.country_of_exploitation.upper())
    if f.exploitation_type:
        qs = qs.filter(Exists(CaseExploitationType.objects.filter(case_id=OuterRef("pk"), type=f.exploitation_type)))
    if f.victim_status:
        qs = qs.filter(victim_status=f.victim_status)
    if f.reported_from:
        qs = qs.filter(reported_on__gte=f.reported_from)
    if f.reported_to:
        qs = qs.filter(reported_on__lte=f.reported_to)
    if f.stage_entered_from:
        qs = qs.filter(stage_entered_at__gte=f.stage_entered_from)
    if f.stage_entered_to:
        qs = qs.filter(stage_entered_at__lte=f.stage_entered_to)
    if f.q and (names or name_query(f) is None):
        q = f.q.strip()
        references = case_references(q)
        if references is not None:
            qs = qs.filter(reference__in=references)
        elif q.upper().startswith("SNG-"):
            qs = qs.filter(reference__iexact=q)
        else:
            qs = apply_name_search(qs, q)
    return qs


def name_query(f: CaseFilters | None) -> str | None:
    """The name searched for by ``f`` (not a case number), if any."""
    q = (f.q or "").strip() if f is not None else ""
    if not q or q.upper().startswith("SNG-") or case_references(q) is not None or not names.query_terms(q):
        return None
    return q


def filter_needs(f: CaseFilters | None) -> frozenset[str]:
    """The sections of a case that these filters read: a case referred to the user's agency is matched by them
    only if those sections were shared with it (``access.visibility.cases_visible_to``)."""
    if f is None:
        return frozenset()
    needs = set()
    if f.q and not (f.q.strip().upper().startswith("SNG-") or case_references(f.q) is not None):
        needs.add(IDENTITY)
    if f.origin_province or f.origin_regency:
        needs.add(IDENTITY)
    if f.country_of_exploitation:
        needs.add(LOCATION)
    if f.exploitation_type or f.victim_status:
        needs.add(EXPLOITATION)
    return frozenset(needs)


def case_list(user, filters: CaseFilters | None = None) -> QuerySet:
    """Visible cases, filtered, newest report first. The caller audits the page it shows (``audit_list_read``)."""
    qs = cases_visible_to(user, needs=filter_needs(filters))
    if filters:
        qs = filter_cases(qs, filters)
    return qs.select_related(*LIST_RELATED).order_by("-reported_on", "-id")


# A name search first looks for the page among this many of the newest rows that pass the other filters (a
# bounded walk down the index, checking each survivor's name keys). If they hold too few matches, the name is rare
# there (or absent), and the rest is found from the name keys instead of walking every remaining case.
NAME_WINDOW = 2000


def _sort(rows: list[tuple], ordering: tuple[str, ...]) -> list[tuple]:
    """Rows (pk, *ordering values) in ``ordering``, as the database orders them."""
    for i in reversed(range(len(ordering))):  # stable sorts, last key first
        rows.sort(key=lambda r, i=i: r[i + 1], reverse=ordering[i].startswith("-"))
    return rows


def _not_after(ordering: tuple[str, ...], edge: tuple) -> Q:
    """Rows up to and including ``edge`` in ``ordering``, with a bound on the first field an index can use."""
    first = ordering[0].lstrip("-")
    bound = Q(**{f"{first}__{'gte' if ordering[0].startswith('-') else 'lte'}": edge[0]})
    return bound & ~_after(ordering, edge)


def _after(ordering: tuple[str, ...], edge: tuple) -> Q:
    """Rows strictly after ``edge`` in ``ordering``: (a > x) or (a = x and b > y) or ..."""
    clauses, equal = Q(pk__in=[]), {}
    for field, value in zip(ordering, edge, strict=True):
        name = field.lstrip("-")
        clauses |= Q(**equal, **{f"{name}__{'lt' if field.startswith('-') else 'gt'}": value})
        equal[name] = value
    return clauses


def _named_head(qs: QuerySet, query: str, ordering: tuple[str, ...], fields: list[str], n: int) -> list[tuple]:
    """The first ``n`` rows of ``qs`` whose survivor matches the name ``query``, at a bounded cost whether the
    name is common there, rare or absent (see ``NAME_WINDOW``)."""
    named = apply_name_search(qs, query)
    window = max(NAME_WINDOW, 20 * n)
    edge = list(qs.order_by(*ordering).values_list(*fields)[window - 1: window])
    if not edge or any(v is None for v in edge[0]):  # the whole part lies within the window
        return list(named.order_by(*ordering).values_list("pk", *fields)[:n])
    rows = list(named.filter(_not_after(ordering, edge[0])).order_by(*ordering).values_list("pk", *fields)[:n])
    if len(rows) >= n:
        return rows
    # Fewer than n matches in the window: at most n per window of rows match further on. Asked without an order
    # or a limit, the database looks the name up first instead of walking the rest of the cases in order.
    rest = _sort(list(named.filter(_after(ordering, edge[0])).values_list("pk", *fields)), ordering)
    return rows + rest[: n - len(rows)]


def case_page(user, filters: CaseFilters | None, ordering: tuple[str, ...], *, after: Q | None = None,
              offset: int = 0, limit: int = 26) -> list[Case]:
    """One page of ``case_list`` in ``ordering`` (which must end in a unique field), after the keyset ``after``
    or from ``offset``: the same rows as slicing ``case_list``. Each visibility part is asked for the ids of its
    first rows in index order, the parts are merged here, and only the page's rows are loaded with their survivor
    and agency. One query over the OR of the parts, or with the joins, would let the planner read every matching
    row before sorting.

    Deep pages: the parts after the first (cases referred to the user's agency: few) are read up to the page's
    end; the first is read from the database's OFFSET, only as far back as those rows could push the page, so a
    last page or a page past the end is answered from the index without loading the rows before it."""
    fields = [f.lstrip("-") for f in ordering]
    query = name_query(filters)
    parts = []
    for part in case_visibility_parts(user, needs=filter_needs(filters)):
        qs = filter_cases(part, filters, names=False) if filters else part
        parts.append(qs.filter(after) if after is not None else qs)
    if not parts:
        return []
    n = offset + limit

    def head(qs: QuerySet, start: int = 0) -> list[tuple]:
        if query is not None:
            return _named_head(qs, query, ordering, fields, n)[start:]
        return list(qs.order_by(*ordering).values_list("pk", *fields)[start:n])

    big, *small = parts
    rows = [r for qs in small for r in head(qs)]
    skip = max(0, offset - len(rows)) if query is None else 0  # rows of ``big`` that surely precede the page
    rows = _sort(rows + head(big, skip), ordering) if rows else head(big, skip)
    ids = [r[0] for r in rows[offset - skip: offset - skip + limit]]
    if not ids:
        return []
    by_id = Case.objects.select_related(*LIST_RELATED).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def audit_list_read(user, cases: list[Case], *, filters: dict[str, Any] | None = None, purpose: str = "",
                    via: str = "list", structured=None) -> None:
    """ONE audit row for the page of cases shown (names are personal data), naming every case on it; typed
    search terms are sealed in it (``access.audit_reads``). ``structured`` names the filters whose values are
    not free text (every other key is sealed); by default only the known free-text names are."""
    principal = Principal.of(user)
    mine = set(principal.casework_agency_ids)
    groups: dict[Any, list] = {}
    if len(mine) == 1:
        # One agency: every case on the page is seen through it (as the lead or as a receiver).
        groups[next(iter(mine))] = [c.pk for c in cases]
    else:
        sights = sights_of(user, cases)
        for c in cases:
            groups.setdefault(sights[c.pk].agency_id or c.lead_agency_id, []).append(c.pk)
    audit_list(user, object_type="case", groups=groups, via=via, filters=filters, structured=structured,
               purpose=purpose)


def case_get(user, case_id, *, purpose: str = "", audit: bool = True) -> Case:
    """One visible case, audited; NotFound otherwise (never 'forbidden')."""
    try:
        case = cases_visible_to(user).select_related(
            "survivor", "lead_agency", "country_of_exploitation", "previous_case", "origin_province", "origin_regency",
        ).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound("case") from None
    except Exception as exc:  # malformed UUIDs raise ValidationError from the field
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound("case") from None
        raise
    if audit:
        # Audited in the name of the agency the user sees the case through (the one it was referred to, if not
        # the lead agency), so that an investigator reads who saw it and why they could.
        principal = Principal.of(user)
        through = (case.lead_agency_id if case.lead_agency_id in principal.casework_agency_ids
                   else sight_of(user, case).agency_id)
        with transaction.atomic():
            audit_log(actor=principal.actor(through), action=Action.READ, object_type="case",
                      object_id=case.pk, purpose=purpose)
    return case


def case_by_reference(user, reference: str, *, lead_agency_id=None) -> Case | None:
    """A visible case by its reference (case-insensitive), optionally led by ``lead_agency_id``; None otherwise.
    Not audited: the caller only links to it (e.g. a notice about the case)."""
    qs = cases_visible_to(user).filter(reference__iexact=(reference or "").strip())
    if lead_agency_id is not None:
        qs = qs.filter(lead_agency_id=lead_agency_id)
    return qs.select_related("lead_agency").first()


def case_timeline(user, case: Case):
    return case.events.select_related("actor", "agency").order_by("at", "created_at")


def stage_durations(case: Case) -> list[dict[str, Any]]:
    """Each stage the case passed through, with entry/exit and days spent (open stage up to now)."""
    from sinergi.core import clock

    now = clock.now()
    result = []
    for entry in case.stage_entries.order_by("entered_at"):
        end = entry.left_at or now
        result.append({
            "stage": entry.stage, "entered_at": entry.entered_at, "left_at": entry.left_at,
            "days": round((end - entry.entered_at).total_seconds() / 86400, 1),
        })
    return result
