"""The projection of referrals and notices: what one reader may see of them.

A case's lead agency sees every referral of the case; an agency it was referred to sees only the referrals made to
it (not whom else the lead agency asked, nor what it shared with them). Referral lists show what came to or went
from the reader's agencies. A notice is seen by its issuing agency in full (recipients, who has seen it, every
answer, the case it is about); a recipient sees the notice as it was sent and its own agency's answers, never the
case, the other recipients or their answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sinergi.core.errors import NotFound

from .principal import Principal
from .projection import _label
from .projection_views import CaseRef
from .sections import Sight


@dataclass(frozen=True, kw_only=True)
class ReferralView:
    id: Any
    case_id: Any
    case_reference: str
    type: str
    type_label: str
    from_agency: Any  # agencies.Agency
    to_agency: Any
    status: str
    status_label: str
    sections: tuple[str, ...]
    message: str
    sent_at: dt.datetime
    ack_due_at: dt.datetime
    complete_due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    closed_at: dt.datetime | None
    decline_reason: str
    outcome: str
    escalation_level: int
    across_border: bool
    delivered_at: dt.datetime | None
    queued: bool  # to a partner instance, its receipt not yet back: "queued, not yet delivered"
    incoming: bool  # made to one of the reader's agencies: theirs to answer
    outgoing: bool  # made by one of the reader's agencies: theirs to withdraw
    # What the receiving agency added to what it was given (notes, files): for its sender and itself; None when
    # not read (lists).
    notes: tuple | None = None
    attachments: tuple | None = None


def _referral(r, agency_ids: set, reference: str | None = None, additions: bool = False) -> ReferralView:
    from .projection import attachment_view, note_view

    extra = {}
    if additions:
        extra = {"notes": tuple(note_view(n) for n in r.notes.select_related("author", "agency")),
                 "attachments": tuple(attachment_view(a) for a in r.attachments.select_related("uploaded_by"))}
    return ReferralView(**extra,
        id=r.pk, case_id=r.case_id, case_reference=reference or r.case.reference, type=r.type, type_label=_label(r, "type"),
        from_agency=r.from_agency, to_agency=r.to_agency, status=r.status, status_label=_label(r, "status"),
        sections=tuple(r.sections or ()), message=r.message, sent_at=r.sent_at, ack_due_at=r.ack_due_at,
        complete_due_at=r.complete_due_at, acknowledged_at=r.acknowledged_at, accepted_at=r.accepted_at,
        completed_at=r.completed_at, closed_at=r.closed_at, decline_reason=r.decline_reason, outcome=r.outcome,
        escalation_level=r.escalation_level, across_border=r.remote_peer_id is not None,
        delivered_at=r.delivered_at,
        queued=r.remote_peer_id is not None and r.to_agency.peer_id is not None and r.delivered_at is None,
        incoming=r.to_agency_id in agency_ids, outgoing=r.from_agency_id in agency_ids,
    )


def project_case_referrals(user, case, sight: Sight) -> tuple[ReferralView, ...]:
    """The referrals of ``case`` the reader may see, newest first (one query)."""
    agency_ids = set(Principal.of(user).casework_agency_ids)
    if not sight.visible:
        return ()
    qs = case.referrals.select_related("from_agency", "to_agency").order_by("-sent_at")
    if not sight.full:
        qs = qs.filter(to_agency_id__in=agency_ids)
    return tuple(_referral(r, agency_ids, case.reference, additions=not sight.full) for r in qs)


def project_referral(user, referral) -> ReferralView:
    """One referral, made to or by one of the reader's agencies (NotFound otherwise), with what the receiving
    agency added to it: its record, which the receiver keeps seeing after the referral has ended (the case
    itself it no longer sees)."""
    agency_ids = set(Principal.of(user).casework_agency_ids)
    if referral.to_agency_id not in agency_ids and referral.from_agency_id not in agency_ids:
        raise NotFound("referral")
    return _referral(referral, agency_ids, additions=True)


def project_referrals(user, referrals: Iterable) -> list[ReferralView]:
    """Referrals for a list (with their case and agencies loaded): only those made to or by the reader's
    agencies, in the given order."""
    agency_ids = set(Principal.of(user).casework_agency_ids)
    return [_referral(r, agency_ids) for r in referrals
            if r.to_agency_id in agency_ids or r.from_agency_id in agency_ids]


@dataclass(frozen=True, kw_only=True)
class RecipientView:
    agency: Any
    seen_at: dt.datetime | None


@dataclass(frozen=True, kw_only=True)
class AnswerReferralView:
    type_label: str
    to_agency: Any
    status_label: str
    case_id: Any  # for the issuer's link to the case page


@dataclass(frozen=True, kw_only=True)
class AnswerView:
    id: Any
    agency: Any
    agency_id: Any
    author: str  # the author's name, or their username
    author_username: str | None
    body: str
    created_at: dt.datetime
    referral_id: Any
    referral: AnswerReferralView | None


@dataclass(frozen=True, kw_only=True)
class NoticeView:
    id: Any
    kind: str
    kind_label: str
    status: str
    status_label: str
    issued_by: Any  # agencies.Agency
    issued_by_id: Any
    issued_by_user: str
    subject_name: str
    description: str
    last_known_place: str
    last_known_country: Any  # regions.Country or None
    last_known_country_code: str | None
    last_seen_on: dt.date | None
    has_photo: bool
    created_at: dt.datetime
    issued_here: bool  # issued by one of the reader's agencies
    via_agency_id: Any  # the agency the reader sees it through
    case: CaseRef | None  # the issuer's only
    answer_count: int | None  # in lists: the answers the reader may see
    recipients: tuple[RecipientView, ...] | None  # the issuer's only
    answers: tuple[AnswerView, ...] | None  # when asked for: all for the issuer, one's own for a recipient


def _answer(a, *, issuer: bool) -> AnswerView:
    ref = a.referral if a.referral_id else None
    author = a.author
    return AnswerView(
        id=a.pk, agency=a.agency, agency_id=a.agency_id,
        author=(author.get_full_name() or author.username) if author is not None else "",
        author_username=author.username if author is not None else None, body=a.body, created_at=a.created_at,
        referral_id=a.referral_id,
        referral=AnswerReferralView(type_label=_label(ref, "type"), to_agency=ref.to_agency,
                                    status_label=_label(ref, "status"), case_id=ref.case_id if issuer else None)
        if ref is not None else None,
    )


def _notice(n, agency_ids: set, *, answers: bool, recipients: bool) -> NoticeView:
    from .visibility import notice_agency_for

    issuer = n.issued_by_id in agency_ids
    via = n.issued_by_id if issuer else getattr(n, "via_agency", None) or notice_agency_for(agency_ids, n)
    if via is None:
        raise NotFound("notice")
    user = n.issued_by_user
    answer_rows = None
    if answers:
        qs = n.answers.select_related("agency", "author", "referral", "referral__to_agency").order_by("created_at")
        if not issuer:
            qs = qs.filter(agency_id__in=agency_ids)
        answer_rows = tuple(_answer(a, issuer=issuer) for a in qs)
    recipient_rows = None
    if recipients and issuer:
        recipient_rows = tuple(RecipientView(agency=r.agency, seen_at=r.seen_at)
                               for r in n.noticerecipient_set.select_related("agency").order_by("agency__name"))
    return NoticeView(
        id=n.pk, kind=n.kind, kind_label=_label(n, "kind"), status=n.status, status_label=_label(n, "status"),
        issued_by=n.issued_by, issued_by_id=n.issued_by_id,
        issued_by_user=(user.get_full_name() or user.username) if user is not None else "",
        subject_name=n.subject_name, description=n.description, last_known_place=n.last_known_place,
        last_known_country=n.last_known_country, last_known_country_code=n.last_known_country_id,
        last_seen_on=n.last_seen_on, has_photo=bool(n.photo), created_at=n.created_at, issued_here=issuer,
        via_agency_id=via,
        case=CaseRef(id=n.case_id, reference=n.case.reference) if issuer and n.case_id else None,
        answer_count=len(answer_rows) if answer_rows is not None else getattr(n, "answer_count", None),
        recipients=recipient_rows, answers=answer_rows,
    )


def project_notice(user, notice, *, answers: bool = True, recipients: bool = True) -> NoticeView:
    """One notice (visible to the user: ``visibility.notices_visible_to``) as the reader may see it; NotFound
    otherwise."""
    return _notice(notice, set(Principal.of(user).casework_agency_ids), answers=answers, recipients=recipients)


def project_notices(user, notices: Iterable) -> list[NoticeView]:
    """Notices for a list (from ``notice_list``, annotated with ``via_agency``), without answers or recipients."""
    agency_ids = set(Principal.of(user).casework_agency_ids)
    return [_notice(n, agency_ids, answers=False, recipients=False) for n in notices]
