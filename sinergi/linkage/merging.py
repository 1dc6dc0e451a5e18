"""Confirming, rejecting, merging and unmerging persons that linkage found to be possibly one.

A pair is confirmed side by side: each side by a reviewer of an agency that holds it (``access.linkage``). When
both sides are confirmed (or a side has no holder), the two are merged: the older record survives, and the other's
cases, reports, placements, aliases, documents, family contacts and consents move to it; the fields the survivor
lacks (birth date, sex, phone, origin, ...) are filled from the other record, the survivor's own values winning and
the fields in conflict named; nothing is deleted, the ``Merge`` row lists what moved and what was filled, every
case's timeline says so, and ``merge_undo`` moves exactly that back and restores the survivor's fields.
One rejection by either side closes the pair. Every decision has its audit row, in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sinergi.access.linkage import holders_of, require_pair, reviewing_agency_for
from sinergi.access.principal import Principal
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.cases.merging import cases_move_survivor, cases_note_person_fields, cases_of_person
from sinergi.core import clock
from sinergi.core.errors import Conflict, NotFound
from sinergi.intake.merging import reports_move_subject, reports_of_person
from sinergi.people.merging import person_fields_fill, person_fields_restore, person_parts, person_parts_move
from sinergi.recruitment.merging import placements_move_worker, placements_of_person

from . import requests
from .enums import PairStatus
from .models import MatchPair, Merge, RequestKey


def _locked(pair: MatchPair) -> MatchPair:
    return MatchPair.objects.select_for_update().select_related("person_l", "person_r").get(pk=pair.pk)


def _audit(actor, agency_id, pair, decision: str, **detail):
    audit_log(actor=Principal.of(actor).actor(agency_id), action=Action.UPDATE, object_type="person_pair",
              object_id=pair.pk, detail={"decision": decision, "person_l": str(pair.person_l_id),
                                         "person_r": str(pair.person_r_id), **detail})


@transaction.atomic
def pair_confirm(*, actor, pair: MatchPair, idempotency_key=None) -> MatchPair:
    """The reviewer says the two are one person, for each side their agencies hold. Merges when both sides have
    said so. NotFound for a pair the user may not see; Conflict when it was already decided (unless this is the
    same request again, by its ``idempotency_key``: then the pair as it is now)."""
    sides = require_pair(actor, pair)
    pair = _locked(pair)
    key = requests.key_of(idempotency_key)
    if requests.same_object(requests.replayed(key, action=RequestKey.Action.CONFIRM, actor=actor), pair.pk):
        return pair
    requests.claim(key, action=RequestKey.Action.CONFIRM, object_id=pair.pk, actor=actor)
    if pair.status != PairStatus.PENDING:
        raise Conflict(_("Pasangan ini sudah diputuskan."))
    fields = []
    for side, agency_id in sides.items():
        if agency_id is not None and getattr(pair, f"confirmed_{side}_agency_id") is None:
            setattr(pair, f"confirmed_{side}_by", actor)
            setattr(pair, f"confirmed_{side}_agency_id", agency_id)
            fields += [f"confirmed_{side}_by", f"confirmed_{side}_agency"]
    agency_id = sides["l"] or sides["r"]
    holders = holders_of([pair.person_l_id, pair.person_r_id])
    done = all(getattr(pair, f"confirmed_{side}_agency_id") is not None or not holders[person_id]
               for side, person_id in (("l", pair.person_l_id), ("r", pair.person_r_id)))
    if done:
        pair.status, pair.decided_by, pair.decided_at = PairStatus.CONFIRMED, actor, clock.now()
        fields += ["status", "decided_by", "decided_at"]
    if fields:
        pair.save(update_fields=[*fields, "updated_at"])
    _audit(actor, agency_id, pair, "confirm", sides=sorted(s for s, a in sides.items() if a is not None),
           complete=done)
    if done:
        _merge(pair, actor=actor, agency_id=agency_id)
    return pair


@transaction.atomic
def pair_reject(*, actor, pair: MatchPair, reason: str = "", idempotency_key=None) -> MatchPair:
    """The reviewer says the two are different persons: the pair is closed (the background run keeps it so).
    Repeated with its ``idempotency_key``, the pair as it is now."""
    sides = require_pair(actor, pair)
    pair = _locked(pair)
    key = requests.key_of(idempotency_key)
    if requests.same_object(requests.replayed(key, action=RequestKey.Action.REJECT, actor=actor), pair.pk):
        return pair
    requests.claim(key, action=RequestKey.Action.REJECT, object_id=pair.pk, actor=actor)
    if pair.status != PairStatus.PENDING:
        raise Conflict(_("Pasangan ini sudah diputuskan."))
    pair.status, pair.decided_by, pair.decided_at = PairStatus.REJECTED, actor, clock.now()
    pair.reason = (reason or "").strip()[:300]
    pair.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    _audit(actor, sides["l"] or sides["r"], pair, "reject")
    return pair


def _active_merge_of(person) -> Merge | None:
    return Merge.objects.filter(merged=person, unmerged_at__isnull=True).first()


def _merge(pair: MatchPair, *, actor, agency_id) -> Merge:
    a, b = pair.person_l, pair.person_r
    if _active_merge_of(a) or _active_merge_of(b):
        raise Conflict(_("Salah satu orang ini sudah digabung ke orang lain."))
    survivor, merged = sorted((a, b), key=lambda p: (p.created_at, str(p.pk)))
    moved = {"cases": cases_of_person(merged), "reports": reports_of_person(merged),
             "placements": placements_of_person(merged), **person_parts(merged)}
    fields = person_fields_fill(survivor=survivor, merged=merged)
    survivor.refresh_from_db()
    merge = Merge.objects.create(survivor=survivor, merged=merged, pair=pair, moved=moved, fields=fields,
                                 merged_at=clock.now(), merged_by=actor)
    cases_move_survivor(case_ids=moved["cases"], to_person=survivor, actor=actor, agency_id=agency_id, merged=True,
                        merge_id=merge.pk)
    reports_move_subject(report_ids=moved["reports"], to_person=survivor)
    placements_move_worker(placement_ids=moved["placements"], to_person=survivor)
    person_parts_move(moved, to_person=survivor)
    for note, names in (("filled", list(fields["filled"])), ("conflicts", fields["conflicts"])):
        cases_note_person_fields(person=survivor, note=note, fields=names, actor=actor, agency_id=agency_id,
                                 merge_id=merge.pk)
    audit_log(actor=Principal.of(actor).actor(agency_id), action=Action.UPDATE, object_type="person",
              object_id=survivor.pk, detail={"merged": str(merged.pk), "merge": str(merge.pk),
                                             **{k: len(v) for k, v in moved.items()},
                                             "filled": sorted(fields["filled"]), "conflicts": fields["conflicts"]})
    return merge


@transaction.atomic
def merge_undo(*, actor, merge: Merge, idempotency_key=None) -> Merge:
    """Separate the two persons again: exactly what the merge moved goes back to the merged person (what was added
    to the survivor since stays with it). NotFound unless the user reviews the survivor; Conflict when the merge
    was already undone or the survivor has since been merged into another person (undo that first). Repeated
    with its ``idempotency_key``, the merge as it is now."""
    merge = Merge.objects.select_for_update().select_related("survivor", "merged").get(pk=merge.pk)
    agency_id = reviewing_agency_for(actor, merge.survivor)
    if agency_id is None:
        raise NotFound("merge")
    key = requests.key_of(idempotency_key)
    if requests.same_object(requests.replayed(key, action=RequestKey.Action.UNMERGE, actor=actor), merge.pk):
        return merge
    requests.claim(key, action=RequestKey.Action.UNMERGE, object_id=merge.pk, actor=actor)
    if merge.unmerged_at is not None:
        raise Conflict(_("Penggabungan ini sudah dibatalkan."))
    if _active_merge_of(merge.survivor):
        raise Conflict(_("Orang ini sudah digabung lagi ke orang lain; batalkan penggabungan itu dahulu."))
    survivor, merged, moved = merge.survivor, merge.merged, merge.moved
    cases_move_survivor(case_ids=moved.get("cases", []), to_person=merged, actor=actor, agency_id=agency_id,
                        merged=False, merge_id=merge.pk)
    reports_move_subject(report_ids=moved.get("reports", []), to_person=merged)
    placements_move_worker(placement_ids=moved.get("placements", []), to_person=merged)
    person_parts_move(moved, to_person=merged)
    fields = person_fields_restore(survivor=survivor, record=merge.fields)
    for note in ("restored", "kept"):
        cases_note_person_fields(person=survivor, note=note, fields=fields[note], actor=actor, agency_id=agency_id,
                                 merge_id=merge.pk)
    merge.unmerged_at, merge.unmerged_by = clock.now(), actor
    merge.save(update_fields=["unmerged_at", "unmerged_by", "updated_at"])
    if merge.pair_id:
        MatchPair.objects.filter(pk=merge.pair_id).update(status=PairStatus.UNMERGED, updated_at=clock.now())
    audit_log(actor=Principal.of(actor).actor(agency_id), action=Action.UPDATE, object_type="person",
              object_id=survivor.pk, detail={"unmerged": str(merged.pk), "merge": str(merge.pk), **fields})
    return merge


def merged_away_ids():
    """Persons merged into another (their records live on the survivor): left out of linkage and intake."""
    return Merge.objects.filter(unmerged_at__isnull=True).values("merged_id")


__all__ = ["merge_undo", "merged_away_ids", "pair_confirm", "pair_reject"]
