"""Asking a partner instance whether it holds the same person, without sending names (``clk``).

The two instances agree a key out of band (``SINERGI_CLK_KEYS = {"<peer code>": "<secret>"}`` on both sides,
the same secret). ``clk_query_send`` encodes a person the asker holds in full (the full name and each alias, with
sex and birth date) and queues a ``linkage.query`` message through the exchange (signed and encrypted like every
message). The partner's ``linkage.query`` handler compares the encodings with those of its own persons (every
person one of its agencies holds; persons merged into another are left out) and answers ``linkage.answer``:
for each encoding that matched, the Dice score and the code and name of the agency holding the match, nothing
about the person. The asker then asks that agency through the usual channels (a referral or a notice).
Both sides audit: the asker an export of the encodings, the partner the read of its persons' encodings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require_person
from sinergi.audit.enums import Action
from sinergi.audit.services import Actor, audit_log
from sinergi.core import clock
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.ids import as_uuid

from . import requests
from .clk import DEFAULT_THRESHOLD, ClkEncoder, best_matches
from .encodings import local_encodings
from .models import ClkQuery, RequestKey

QUERY, ANSWER = "linkage.query", "linkage.answer"
MAX_ENCODINGS = 5
MAX_MATCHES = 3


def _encoder(peer) -> ClkEncoder | None:
    key = (getattr(settings, "SINERGI_CLK_KEYS", None) or {}).get(peer.code)
    return ClkEncoder(key) if key else None


def _records(person) -> list[dict]:
    names = [person.full_name, *person.aliases.order_by("created_at", "pk").values_list("name", flat=True)]
    return [{"full_name": n, "sex": person.sex, "date_of_birth": person.date_of_birth} for n in names[:MAX_ENCODINGS]]


@transaction.atomic
def clk_query_send(*, actor, person, peer, agency_id, idempotency_key=None) -> ClkQuery:
    """Ask ``peer`` whether it holds ``person`` (held in full by ``agency_id``, where the actor reviews
    duplicates; NotFound/PermissionDenied otherwise). ValidationError when no key was agreed with the peer.
    Sent again with its ``idempotency_key``, the first query (nothing is sent twice)."""
    from sinergi.exchange.services import outbox_enqueue

    principal = require_person(actor, person, Cap.LINK_REVIEW, agency_id)
    key = requests.key_of(idempotency_key)
    earlier = requests.replayed(key, action=RequestKey.Action.CLK_QUERY, actor=actor)
    if earlier is not None:
        query = ClkQuery.objects.filter(pk=earlier.object_id).first()
        if query is None or (query.person_id, query.peer_id) != (person.pk, peer.pk):
            raise ValidationError({"idempotency_key": [_("Kunci ini sudah dipakai untuk tindakan lain.")]})
        return query
    encoder = _encoder(peer)
    if encoder is None or not peer.is_active:
        raise ValidationError({"peer": [_("Belum ada kunci penautan yang disepakati dengan mitra ini.")]})
    encodings = [encoder.to_text(encoder.encode(r)) for r in _records(person)]
    query = ClkQuery.objects.create(peer=peer, person=person, agency_id=agency_id, asked_by=actor,
                                    encodings=len(encodings))
    requests.claim(key, action=RequestKey.Action.CLK_QUERY, object_id=query.pk, actor=actor)
    from sinergi.agencies.models import Agency

    outbox_enqueue(peer=peer, kind=QUERY, body={"query": str(query.pk), "version": 1, "encodings": encodings,
                                                "from_agency": Agency.objects.get(pk=agency_id).code})
    audit_log(actor=principal.actor(agency_id), action=Action.EXPORT, object_type="person", object_id=person.pk,
              detail={"clk_query": str(query.pk), "peer": peer.code, "encodings": len(encodings)})
    return query


def clk_query_for_case(*, actor, case_reference: str, peer_code: str, idempotency_key=None) -> ClkQuery:
    """Ask the partner ``peer_code`` about the survivor of the case ``case_reference``, led by an agency where the
    actor reviews duplicates (``clk_query_send``). PermissionDenied for a user who reviews nowhere; field errors
    (``case``, ``peer``) for a case not led by their agency, as for one that does not exist, and for a partner with
    no agreed key."""
    from sinergi.access.linkage import require_reviewer
    from sinergi.cases.selectors import case_by_reference
    from sinergi.core.validation import Errors

    agencies = require_reviewer(actor)
    errors = Errors()
    reference = (case_reference or "").strip()
    peer = partners_with_keys().filter(code=(peer_code or "").strip()).first() if peer_code else None
    if peer is None:
        errors.add("peer", _("Belum ada kunci penautan yang disepakati dengan mitra ini."))
    found = next(((a, c) for a in agencies if reference
                  for c in [case_by_reference(actor, reference, lead_agency_id=a)] if c is not None), None)
    if found is None:
        errors.add("case", _("Tidak ada kasus dengan nomor ini yang dipimpin lembaga Anda."))
    errors.raise_if_any()
    agency_id, case = found
    try:
        return clk_query_send(actor=actor, person=case.survivor, peer=peer, agency_id=agency_id,
                              idempotency_key=idempotency_key)
    except (NotFound, PermissionDenied):
        raise ValidationError({"case": [_("Tidak ada kasus dengan nomor ini yang dipimpin lembaga Anda.")]}) from None


def linkage_query(peer, body: dict) -> None:
    """Exchange handler (partner side): answer which encodings match one of our persons, and who holds it."""
    from sinergi.agencies.models import Agency
    from sinergi.exchange.crypto import Rejected
    from sinergi.exchange.services import outbox_enqueue

    encoder = _encoder(peer)
    if encoder is None:
        raise Rejected("no linkage key agreed with this peer")
    texts = body.get("encodings")
    if not isinstance(texts, list) or not 0 < len(texts) <= MAX_ENCODINGS:
        raise Rejected("encodings: a list of 1 to 5")
    if as_uuid(body.get("query")) is None:
        raise Rejected("malformed query: no query id")
    query_id = str(as_uuid(body.get("query")))
    try:
        queries = [encoder.from_text(str(t)) for t in texts]
    except ValueError as exc:
        raise Rejected(f"malformed query: {exc}") from None
    local, holders = local_encodings(encoder)
    found = sorted(best_matches(queries, local, threshold=DEFAULT_THRESHOLD), key=lambda m: -m.score)
    agencies = dict(Agency.objects.filter(peer__isnull=True).values_list("pk", "code"))
    names = dict(Agency.objects.filter(peer__isnull=True).values_list("pk", "name"))
    matches, persons = [], set()
    for m in found:
        person_id = m.candidate[0]
        if person_id in persons:
            continue
        persons.add(person_id)
        holder = holders[person_id][0]
        matches.append({"score": round(m.score, 2), "agency": agencies.get(holder, ""), "agency_name": names.get(holder, "")})
        if len(matches) == MAX_MATCHES:
            break
    outbox_enqueue(peer=peer, kind=ANSWER, body={"query": query_id, "matches": matches})
    audit_log(actor=Actor(user_id=None, username=f"peer:{peer.code}", agency_id=None), action=Action.READ,
              object_type="clk_query", object_id=query_id,
              detail={"peer": peer.code, "encodings": len(queries), "matches": len(matches),
                      "persons": sorted(str(p) for p in persons)})


def linkage_answer(peer, body: dict) -> None:
    """Exchange handler (asker side): keep the partner's answer on our query."""
    from sinergi.exchange.crypto import Rejected

    try:
        query = ClkQuery.objects.select_for_update().get(pk=as_uuid(body.get("query")), peer=peer)
    except ClkQuery.DoesNotExist:
        raise Rejected("unknown linkage query") from None
    matches = body.get("matches")
    if not isinstance(matches, list) or len(matches) > MAX_MATCHES:
        raise Rejected("matches: a list of at most 3")
    query.matches = [{"score": float(m.get("score", 0)), "agency": str(m.get("agency", ""))[:40],
                      "agency_name": str(m.get("agency_name", ""))[:200]} for m in matches if isinstance(m, dict)]
    query.answered_at = clock.now()
    query.save(update_fields=["matches", "answered_at", "updated_at"])
    audit_log(actor=Actor(user_id=None, username=f"peer:{peer.code}", agency_id=query.agency_id),
              action=Action.UPDATE, object_type="clk_query", object_id=query.pk,
              detail={"peer": peer.code, "matches": len(query.matches)})


def partners_with_keys():
    """Active partner instances with which a linkage key was agreed."""
    from sinergi.exchange.models import Peer

    keys = getattr(settings, "SINERGI_CLK_KEYS", None) or {}
    return Peer.objects.filter(is_active=True, code__in=list(keys)).order_by("name")


def queries_of(user):
    """The partner queries asked by the agencies where the user reviews duplicates, newest first."""
    from sinergi.access.linkage import review_agency_ids

    return (ClkQuery.objects.filter(agency_id__in=review_agency_ids(user)).select_related("peer", "agency")
            .order_by("-created_at"))


def audit_queries_read(user, queries, *, via: str) -> None:
    """ONE read row for a page of partner queries (who asked about whom is the agencies' business)."""
    from sinergi.access.audit_reads import audit_list

    groups: dict = {}
    for q in queries:
        groups.setdefault(q.agency_id, []).append(q.pk)
    audit_list(user, object_type="clk_query", groups=groups, via=via)
