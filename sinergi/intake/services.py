"""Reports from any channel, screening against indicators, and opening or linking a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require, require_case, require_person_in_full, require_report
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.cases.enums import DecisionOrg, EventKind, VictimStatus
from sinergi.cases.timeline import msg
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.core.validation import Errors, field_error
from sinergi.regions.models import Country

from . import indicators
from .routing import is_reporting_office
from .triage import report_arrived
from .enums import Channel, ReportStatus
from .models import Report, Screening


@transaction.atomic
def report_create(*, actor, agency_id, data: dict[str, Any], subject=None) -> Report:
    principal = require(actor, Cap.CASE_CREATE, agency_id)
    if subject is not None:
        # A report about an existing person shows that person to the receiving agency in full.
        require_person_in_full(actor, subject, agency_id)
    errors = Errors()
    errors.required("channel", data.get("channel"))
    errors.in_choices("channel", data.get("channel"), Channel.values)
    received_at = data.get("received_at") or clock.now()
    errors.not_future("received_at", received_at)
    clean = validate_report_data(data, errors)
    errors.raise_if_any()
    report = Report.objects.create(channel=data["channel"], received_at=received_at, agency_id=agency_id,
                                   received_by=actor, subject=subject, **clean)
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="report", object_id=report.pk,
              detail={"channel": report.channel, "subject": str(subject.pk) if subject else None})
    # Taken by the agency's own staff: it waits in the inbox with a deadline, but nobody needs telling.
    report_arrived(report, actor=actor, notify=False, at=received_at)
    return report


def validate_report_data(data: dict[str, Any], errors: Errors | None = None) -> dict[str, Any]:
    """The report's own fields, checked and trimmed; raises at once unless ``errors`` collects for the caller."""
    own = errors is None
    errors = errors if errors is not None else Errors()
    narrative = (data.get("narrative") or "").strip()
    errors.required("narrative", narrative)
    if len(narrative) > 20000:
        errors.add("narrative", "Terlalu panjang / too long (max 20,000 characters).")
    country = None
    if data.get("country_of_exploitation"):
        code = str(data["country_of_exploitation"]).upper()
        country = Country.objects.filter(**({"code": code} if len(code) == 2 else {"alpha3": code})).first()
        if country is None:
            errors.add("country_of_exploitation", f"Kode negara tidak dikenal / unknown country code: {code}")
    for f, limit in (("reporter_name", 200), ("reporter_relation", 100), ("reporter_contact", 200),
                     ("last_known_location", 200)):
        if len(data.get(f) or "") > limit:
            errors.add(f, f"Terlalu panjang / too long (max {limit}).")
    if own:
        errors.raise_if_any()
    return {"narrative": narrative, "country_of_exploitation": country,
            **{f: (data.get(f) or "").strip() for f in ("reporter_name", "reporter_relation", "reporter_contact",
                                                        "last_known_location")}}


def decision_org_for_agency(agency_id) -> str:
    """The HTCDS decision-making organisation type of an agency: police, NGO, or (any other public body) a
    non-police governmental organisation."""
    from sinergi.agencies.enums import DECISION_ORG_FOR_TYPE
    from sinergi.agencies.models import Agency

    agency_type = Agency.objects.filter(pk=agency_id).values_list("type", flat=True).first()
    if agency_type is None:
        return ""
    return DECISION_ORG_FOR_TYPE.get(agency_type, DecisionOrg.GOVERNMENT)


@transaction.atomic
def screening_record(*, actor, agency_id, report: Report | None = None, case=None, ilo_indicators: list[str],
                     delphi_items: list[str], victim_status: str = "", decided_by_org: str = "",
                     notes: str = "") -> Screening:
    """Record a screening. With ``victim_status`` it also decides the status (on the case, if any)."""
    if report is None and case is None:
        raise field_error("report", "Penapisan butuh laporan atau kasus / screening needs a report or a case.")
    # What the user may not see is "not found" before anything is "forbidden".
    if case is not None:
        require_case(actor, case, Cap.SCREEN)
    if report is not None:
        require_report(actor, report, Cap.SCREEN)
    principal = require(actor, Cap.SCREEN, agency_id)
    ilo_indicators = [str(i) for i in (ilo_indicators or [])]
    delphi_items = [str(k) for k in (delphi_items or [])]
    errors = Errors()
    for field, msgs in indicators.validate_keys(ilo_indicators, delphi_items).items():
        for m in msgs:
            errors.add(field, m)
    if victim_status and not decided_by_org:
        # HTCDS records which kind of organisation decided; unless told otherwise, it is the screening agency's.
        decided_by_org = decision_org_for_agency(agency_id)
    if victim_status:
        errors.in_choices("victim_status", victim_status, VictimStatus.values)
        errors.required("decided_by_org", decided_by_org)
        errors.in_choices("decided_by_org", decided_by_org, DecisionOrg.values)
    errors.raise_if_any()
    result = indicators.assess(ilo_indicators, delphi_items)
    screening = Screening.objects.create(
        report=report, case=case, performed_by=actor, agency_id=agency_id, performed_at=clock.now(),
        ilo_indicators=sorted(set(ilo_indicators), key=int), delphi_items=sorted(set(delphi_items)),
        delphi_positive_dimensions=list(result.positive_dimensions), suggested_status=result.suggested_status,
        victim_status=victim_status or "", decided_by_org=decided_by_org or "", notes=(notes or "").strip(),
    )
    if report is not None and report.status == ReportStatus.NEW:
        report.status = ReportStatus.SCREENED
        report.save(update_fields=["status", "updated_at"])
    audit_log(actor=principal.actor(agency_id), action=Action.CREATE, object_type="screening",
              object_id=screening.pk, detail={"suggested": result.suggested_status, "decided": victim_status,
                                              "report": str(report.pk) if report else None,
                                              "case": str(case.pk) if case else None})
    if case is not None:
        from sinergi.cases.services import _event, case_set_victim_status

        _event(case, EventKind.SCREENED, actor=actor, agency_id=case.lead_agency_id,
               summary=msg(gettext_noop("Penapisan: %(dimensions)s dimensi positif, %(ilo)s indikator ILO"),
                           dimensions=len(result.positive_dimensions), ilo=result.ilo_count),
               data={"screening": str(screening.pk), "suggested": result.suggested_status})
        if victim_status:
            case_set_victim_status(actor=actor, case=case, status=victim_status, decided_by=decided_by_org,
                                   screening=screening)
    return screening


@transaction.atomic
def report_open_case(*, actor, report: Report, survivor, reported_on: dt.date | None = None,
                     details: dict[str, Any] | None = None, external_id: str | None = None, previous_case=None):
    """Open a case from a report; screenings already made on the report move to the case."""
    from sinergi.cases.services import case_open, case_set_victim_status

    require_report(actor, report, Cap.CASE_CREATE)
    report = Report.objects.select_for_update().select_related("agency").get(pk=report.pk)
    if report.case_id:
        raise field_error("report", "Laporan sudah punya kasus / this report already has a case.")
    if is_reporting_office(report.agency):
        # A village or district office cannot work a case: its reports go on to the regency's services.
        raise field_error("report", gettext("Kantor desa atau kecamatan tidak memimpin kasus; teruskan laporan ini."))
    details = dict(details or {})
    if report.country_of_exploitation_id and "country_of_exploitation" not in details:
        details["country_of_exploitation"] = report.country_of_exploitation_id
    case = case_open(actor=actor, survivor=survivor, lead_agency_id=report.agency_id,
                     reported_on=reported_on or clock.localdate_of(report.received_at), details=details,
                     external_id=external_id, previous_case=previous_case, report=report)
    report.case, report.subject, report.status = case, survivor, ReportStatus.CASE_OPENED
    report.save(update_fields=["case", "subject", "status", "updated_at"])
    decided = report.screenings.exclude(victim_status="").order_by("-performed_at").first()
    report.screenings.update(case=case)
    if decided:
        case_set_victim_status(actor=actor, case=case, status=decided.victim_status,
                               decided_by=decided.decided_by_org, screening=decided)
    return case


@transaction.atomic
def report_link_case(*, actor, report: Report, case) -> Report:
    """Attach a report to an existing case (a second report about the same person)."""
    from sinergi.cases.services import _event

    # Both sides must be the user's: linking another agency's report would show it inside this case, and the
    # report's agency must already see the case's survivor in full (a referral receiver does not: NotFound).
    require_report(actor, report, Cap.CASE_CREATE)
    try:
        require_person_in_full(actor, case.survivor, report.agency_id)
    except NotFound:
        raise NotFound("case") from None
    principal = require_case(actor, case, Cap.CASE_CREATE)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.case_id == case.pk:
        return report
    if report.case_id:
        raise field_error("case", "Laporan sudah ditautkan ke kasus lain / report already linked to another case.")
    report.case, report.status = case, ReportStatus.LINKED
    report.subject = report.subject or case.survivor
    report.save(update_fields=["case", "status", "subject", "updated_at"])
    report.screenings.update(case=case)
    _event(case, EventKind.REPORT_LINKED, actor=actor, agency_id=case.lead_agency_id,
           summary=msg(gettext_noop("Laporan (%(channel)s) ditautkan"), channel=Channel(report.channel)),
           data={"report": str(report.pk)})
    audit_log(actor=principal.actor(case.lead_agency_id), action=Action.UPDATE, object_type="report",
              object_id=report.pk, detail={"linked_case": str(case.pk)})
    return report


@transaction.atomic
def report_create_public(*, agency_id, data: dict[str, Any], subject=None) -> Report:
    """A report from the public form (no account): same checks as ``report_create``, audited as the public."""
    from sinergi.audit.services import Actor

    errors = Errors()
    narrative = (data.get("narrative") or "").strip()
    errors.required("narrative", narrative)
    if len(narrative) > 5000:
        errors.add("narrative", "Terlalu panjang / too long (max 5,000 characters).")
    country = None
    if data.get("country_of_exploitation"):
        country = Country.objects.filter(code=str(data["country_of_exploitation"]).upper()).first()
        if country is None:
            errors.add("country_of_exploitation", "Kode negara tidak dikenal / unknown country code.")
    for f, limit in (("reporter_name", 200), ("reporter_relation", 100), ("reporter_contact", 200),
                     ("last_known_location", 200)):
        if len(data.get(f) or "") > limit:
            errors.add(f, f"Terlalu panjang / too long (max {limit}).")
    errors.raise_if_any()
    report = Report.objects.create(
        channel=Channel.PUBLIC_FORM, received_at=clock.now(), agency_id=agency_id, received_by=None,
        reporter_name=(data.get("reporter_name") or "").strip(),
        reporter_relation=(data.get("reporter_relation") or "").strip(),
        reporter_contact=(data.get("reporter_contact") or "").strip(), narrative=narrative,
        country_of_exploitation=country, last_known_location=(data.get("last_known_location") or "").strip(),
        subject=subject,
    )
    audit_log(actor=Actor(user_id=None, username="public", agency_id=agency_id), action=Action.CREATE,
              object_type="report", object_id=report.pk, detail={"channel": Channel.PUBLIC_FORM})
    report_arrived(report)
    return report
