"""Reads of cases. Every query starts from ``cases_visible_to(user)``; every read of personal data is audited."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
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

from .models import Case, CaseExploitationType, CaseNameKey


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


# A name search in the user's agencies' own cases first asks their name keys (``CaseNameKey``, indexed with the
# lead agency) for the cases that bear the name: if they are at most this many, the page is read from those ids
# (a name the agency holds rarely, or not at all, costs next to nothing). If there are more, the name is common
# there, and the page is looked for among the newest rows that pass the other filters (NAME_WINDOW, a bounded walk
# down the index, checking each survivor's name keys); if they hold too few matches, the rest is found from the
# name keys instead of walking every remaining case.
NAME_FIRST = 1000
NAME_WINDOW = 2000


def _agency_name_matches(agency_ids, query: str, each: int | None = None) -> QuerySet | None:
    """The ids (``case_id``) of the cases led by ``agency_ids`` whose survivor matches the name ``query``, as
    ``apply_name_search`` matches it, from the index of name keys by agency alone; None for no name. With
    ``each``, each branch of the search (the whole word, the prefix) stops at that many distinct ids where the
    database allows it: more than ``each`` in all then means that one branch alone had more."""
    terms = names.query_terms(query)
    if not terms:
        return None
    agency_ids = list(agency_ids)
    base = (CaseNameKey.objects.filter(lead_agency_id=agency_ids[0]) if len(agency_ids) == 1
            else CaseNameKey.objects.filter(lead_agency_id__in=agency_ids))
    *whole, (last_key, last_form) = terms
    whole_keys = list(dict.fromkeys(k for k, _ in whole))
    if last_key in whole_keys:
        branches, others = [base.filter(key=whole_keys[0])], whole_keys[1:]
    else:
        # Two branches, each answered from its own index (an OR of the two would read the table's rows).
        branches, others = [base.filter(key=last_key), base.filter(form__startswith=last_form)], whole_keys
        if whole_keys:
            branches = [b.exclude(key__in=whole_keys) for b in branches]
    matched = []
    for branch in branches:
        for key in others:
            branch = branch.filter(case_id__in=base.filter(key=key).values("case_id"))
        matched.append(branch.values_list("case_id", flat=True).distinct())
    if len(matched) == 1:
        return matched[0]
    if each is not None and connection.features.supports_slicing_ordering_in_compound:
        # Without it, a common name's branches were read whole (thousands of rows) only to learn that they are many.
        matched = [m[:each] for m in matched]
    return matched[0].union(*matched[1:])


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


def _own_name_ids(agency_ids, query: str) -> list | None:
    """The ids of the cases led by ``agency_ids`` whose survivor matches the name ``query``, if there are at most
    ``NAME_FIRST`` (from the name keys by agency, the index alone); None if there are more (the name is common)."""
    matches = _agency_name_matches(agency_ids, query, each=NAME_FIRST + 1) if agency_ids else None
    if matches is None:
        return None
    ids = list(matches[: NAME_FIRST + 1])
    return ids if len(ids) <= NAME_FIRST else None


def _named_head(qs: QuerySet, named: QuerySet, ordering: tuple[str, ...], fields: list[str], n: int) -> list[tuple]:
    """The first ``n`` rows of ``named``, the rows of ``qs`` whose survivor matches a name, at a bounded cost
    whether the name is common there, rare or absent (see ``NAME_WINDOW``)."""
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


# What a list row shows is read with the page; the survivor's contact details and the travel document (sealed,
# shown only on the case's own page) are not.
LIST_DEFERRED = ("travel_document_number", "survivor__phone", "survivor__email", "survivor__address")


def _list_rows() -> QuerySet:
    return Case.objects.select_related(*LIST_RELATED).defer(*LIST_DEFERRED)


def case_page(user, filters: CaseFilters | None, ordering: tuple[str, ...], *, after: Q | None = None,
              offset: int = 0, limit: int = 26) -> list[Case]:
    """One page of ``case_list`` in ``ordering`` (which must end in a unique field), after the keyset ``after``
    or from ``offset``: the same rows as slicing ``case_list``. Each visibility part is asked for the ids of its
    first rows in index order, the parts are merged here, and only the page's rows are loaded with their survivor
    and agency. One query over the OR of the parts, or with the joins, would let the planner read every matching
    row before sorting.

    Deep pages: the parts after the first (cases referred to the user's agency: few) are read up to the page's
    end; the first is read from the database's OFFSET, only as far back as those rows could push the page, so a
    last page or a page past the end is answered from the index without loading the rows before it.

    A name search asks the name keys of the agencies' own cases first (``NAME_FIRST``): a name they hold rarely
    is read from those cases' ids, one they do not hold costs no other query. When the referred part adds no
    row, the page of the own part is loaded in the same query that finds it (its ids in a subquery)."""
    fields = [f.lstrip("-") for f in ordering]
    query = name_query(filters)
    parts = []
    for part in case_visibility_parts(user, needs=filter_needs(filters)):
        qs = filter_cases(part, filters, names=False) if filters else part
        parts.append(qs.filter(after) if after is not None else qs)
    if not parts:
        return []
    n = offset + limit
    big, *small = parts  # ``big``: the agencies' own cases (``access.visibility.case_visibility_parts``)
    rows = [r for qs in small for r in
            (_named_head(qs, apply_name_search(qs, query), ordering, fields, n) if query is not None
             else qs.order_by(*ordering).values_list("pk", *fields)[:n])]
    if query is not None:
        own = Principal.of(user).casework_agency_ids
        ids = _own_name_ids(own, query)
        if ids is None:
            # A name common in the agencies' own cases: the bounded walk, the name checked against the name keys
            # of those agencies' cases (read from their index alone, whichever way the planner joins them), not
            # against every person's.
            named = big.filter(pk__in=_agency_name_matches(own, query))
            rows = _sort(rows + _named_head(big, named, ordering, fields, n), ordering)
            return _load(r[0] for r in rows[offset: offset + limit])
        if not ids and not rows:
            return []
        big = big.filter(pk__in=ids)
    skip = max(0, offset - len(rows))  # rows of ``big`` that surely precede the page
    if not rows:
        page = big.order_by(*ordering).values("pk")[offset: offset + limit]
        return _in_order(list(_list_rows().filter(pk__in=page)), ordering)
    rows = _sort(rows + list(big.order_by(*ordering).values_list("pk", *fields)[skip:n]), ordering)
    return _load(r[0] for r in rows[offset - skip: offset - skip + limit])


def _load(ids) -> list[Case]:
    """The cases ``ids`` in this order, as list rows (with their survivor, agency and country)."""
    ids = list(ids)
    if not ids:
        return []
    by_id = _list_rows().in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def _in_order(cases: list[Case], ordering: tuple[str, ...]) -> list[Case]:
    """``cases`` in ``ordering``, as the database orders them."""
    rows = _sort([(c, *(getattr(c, f.lstrip("-")) for f in ordering)) for c in cases], ordering)
    return [r[0] for r in rows]


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
