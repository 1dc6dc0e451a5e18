"""Reports across instances: a report passed on to an agency of a linked partner instance (``report.forward``,
written to the exchange outbox in the transaction of the triage move, delivered by the worker), and the handler
that puts an arriving one in the receiving agency's inbox (registered from ``IntakeConfig.ready()``).

What leaves is limited to the sections the sender chose among ``REPORT_SECTIONS`` (the names of
``access.sections``, read for a report as the case page reads its intake): the story itself always goes (it is the
report; the exploitation section), the person it is about (identity: name, sex, age, citizenship) and where they
were last known (location) unless left out, and the reporter's name and contact (contact) only when chosen. Never
the internal case number, the officer, the screenings or anything else of the sending agency.

An arriving report is stored once per (partner, sender's report id), through this app's own writes, with its own
audit row naming the partner; its deadline, the notification and the tracking start as for any other arrival
(``triage.report_arrived``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sinergi.access.sections import CONTACT, EXPLOITATION, IDENTITY, LOCATION
from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, Actor, audit_log
from sinergi.core import clock
from sinergi.core.ids import is_uuid
from sinergi.core.validation import field_error
from sinergi.exchange import handlers
from sinergi.exchange.crypto import Rejected

from .enums import Channel
from .models import Report
from .routing import is_reporting_office
from .triage import report_arrived

KIND = "report.forward"
REPORT_SECTIONS = (IDENTITY, CONTACT, EXPLOITATION, LOCATION)
DEFAULT_REPORT_SECTIONS = (IDENTITY, EXPLOITATION, LOCATION)
MESSAGE_MAX = 1000


def shared_sections(sections) -> list[str]:
    """The sections a forward shares, checked: the default when none are named; the story (exploitation) always."""
    if sections is None or (not isinstance(sections, str) and not list(sections)):
        return list(DEFAULT_REPORT_SECTIONS)
    chosen = [sections] if isinstance(sections, str) else [str(s) for s in sections]
    unknown = [s for s in chosen if s not in REPORT_SECTIONS]
    if unknown:
        raise field_error("sections", _("Bagian ini tidak dapat dibagikan dari laporan: %(values)s.")
                          % {"values": ", ".join(unknown)})
    return [s for s in REPORT_SECTIONS if s in chosen or s == EXPLOITATION]


def _age(person) -> int | None:
    if person.date_of_birth:
        today = clock.today()
        dob = person.date_of_birth
        return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    return person.estimated_age


def report_payload(report: Report, target, *, sections: list[str], message: str) -> dict[str, Any]:
    """The body of ``report.forward``: only the chosen sections of ``report``, for ``target`` (the local stand-in
    for the partner's agency)."""
    agency = report.agency
    body: dict[str, Any] = {
        "report_id": str(report.pk), "to_agency": target.remote_code,
        "from_agency": {"code": agency.code, "name": agency.name, "type": agency.type, "country": agency.country_id},
        "channel": report.channel, "received_at": report.received_at.isoformat(), "sections": list(sections),
        "message": (message or "")[:MESSAGE_MAX], "narrative": report.narrative,
    }
    if LOCATION in sections:
        body["country_of_exploitation"] = report.country_of_exploitation_id or ""
        body["last_known_location"] = report.last_known_location
    if IDENTITY in sections and report.subject_id:
        p = report.subject
        body["subject"] = {"full_name": p.full_name, "sex": p.sex, "age": _age(p),
                           "citizenship": p.citizenship_id or ""}
    if CONTACT in sections:
        body["reporter"] = {"name": report.reporter_name, "relation": report.reporter_relation,
                            "contact": report.reporter_contact}
    return body


def report_send_remote(report: Report, target, *, sections: list[str], message: str) -> None:
    """Queue ``report.forward`` for the partner serving ``target``; call inside the transaction of the move."""
    from sinergi.exchange.services import outbox_enqueue

    outbox_enqueue(peer=target.peer, kind=KIND, body=report_payload(report, target, sections=sections,
                                                                     message=message))


def _receiving_agency(code: str):
    agency = handlers.local_agency(code)
    if is_reporting_office(agency):
        raise Rejected(f"agency {code!r} does not take reports from partners")
    return agency


def _subject(peer, agency, data) -> Any:
    from sinergi.people.services import person_create_system

    if not isinstance(data, dict) or not str(data.get("full_name") or "").strip():
        return None
    age = data.get("age")
    return person_create_system(actor=handlers.peer_actor(peer, agency.pk), data={
        "full_name": str(data["full_name"]).strip()[:200], "sex": data.get("sex") or "NonSpecifiedUnknown",
        "estimated_age": age if isinstance(age, int) and 0 <= age < 130 else None,
        "citizenship": str(data.get("citizenship") or "") or None,
    })


def _rejected(exc: ValidationError) -> Rejected:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"report": exc.messages}
    return Rejected("invalid report: " + "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in fields.items()))


def report_receive_remote(*, peer, body: dict) -> tuple[Report, bool]:
    """A report an agency of ``peer``'s instance passed on to one of ours: a report of channel "partner" in that
    agency's inbox, with a deadline and its intake staff told. Once per (peer, sender's report id): the same
    report arriving again returns the first. Returns (report, created). Runs inside the exchange's transaction."""
    from .services import validate_report_data

    remote_id = str(body.get("report_id", ""))
    if not is_uuid(remote_id):
        raise Rejected("report has no id")
    to_agency = _receiving_agency(str(body.get("to_agency", "")))
    existing = Report.objects.filter(remote_peer=peer, remote_id=remote_id).first()
    if existing is not None:
        return existing, False
    reporter = body.get("reporter") if isinstance(body.get("reporter"), dict) else {}
    data = {"narrative": str(body.get("narrative") or ""),
            "country_of_exploitation": str(body.get("country_of_exploitation") or "") or None,
            "last_known_location": str(body.get("last_known_location") or ""),
            "reporter_name": str(reporter.get("name") or ""), "reporter_relation": str(reporter.get("relation") or ""),
            "reporter_contact": str(reporter.get("contact") or "")}
    try:
        fields = validate_report_data(data)
        from_agency = handlers.mirror_agency(peer, body.get("from_agency"))
        subject = _subject(peer, to_agency, body.get("subject"))
    except ValidationError as exc:
        raise _rejected(exc) from None
    report = Report.objects.create(channel=Channel.PARTNER, received_at=clock.now(), agency=to_agency,
                                   received_by=None, subject=subject, remote_peer=peer, remote_id=remote_id, **fields)
    sections = [s for s in body.get("sections") or [] if s in REPORT_SECTIONS] if isinstance(
        body.get("sections"), list) else []
    audit_log(actor=handlers.peer_actor(peer, from_agency.pk), action=Action.CREATE, object_type="report",
              object_id=report.pk, detail={"channel": Channel.PARTNER, "peer": peer.code, "remote_id": remote_id,
                                           "to_agency": str(to_agency.pk), "sections": sections,
                                           "subject": str(subject.pk) if subject else None})
    report_arrived(report, from_agency_id=from_agency.pk, reason=str(body.get("message") or "")[:MESSAGE_MAX])
    return report, True


def report_partner_received(*, report_id, at: dt.datetime) -> bool:
    """The partner's signed receipt for a report we passed on came back: from now the family reads that it
    arrived there. Idempotent; False when nothing changed."""
    if not is_uuid(report_id):
        return False
    report = Report.objects.select_for_update().filter(pk=report_id, partner_received_at__isnull=True).first()
    if report is None:
        return False
    report.partner_received_at = at
    report.save(update_fields=["partner_received_at", "updated_at"])
    audit_log(actor=Actor(user_id=None, username=SYSTEM.username, agency_id=report.agency_id), action=Action.UPDATE,
              object_type="report", object_id=report.pk, detail={"partner_received_at": at.isoformat()})
    return True


# --- The exchange's handlers ----------------------------------------------------------------------------------

def on_report_forward(peer, body: dict) -> None:
    report_receive_remote(peer=peer, body=body)


def on_report_forward_delivered(peer, body: dict, at) -> None:
    report_partner_received(report_id=(body or {}).get("report_id"), at=at)


def register() -> None:
    """Called from ``IntakeConfig.ready()``."""
    handlers.register(KIND, on_report_forward)
    handlers.register_delivered(KIND, on_report_forward_delivered)

