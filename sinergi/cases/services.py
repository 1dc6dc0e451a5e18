"""Writes for cases. The only way a case changes: open, update details, move along the pathway, record the
victim status, services, notes and attachments. Each writes its timeline event and audit row in the same
transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require, require_case, require_person_in_full, require_referral_receiver
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log
from sinergi.core import clock
from sinergi.core.errors import Conflict, NotFound
from sinergi.core.ids import is_uuid
from sinergi.core.validation import Errors, field_error
from sinergi.people.services import person_mark_deceased
from sinergi.regions.models import Country
from sinergi.regions.selectors import country_by_code

from .enums import (
    STAGE_REQUIREMENTS,
    DecisionOrg,
    EventKind,
    Outcome,
    ServiceOutcome,
    ServiceType,
    Stage,
    VictimStatus,
    capability_for,
    moves_from,
)
from .models import Case, CaseCounter, CaseExploitationType, Note, ServiceDelivery, StageEntry, TimelineEvent
from .timeline import Msg, msg
from .vocab import validate_vocab
from django.utils.translation import gettext_lazy as _
from sinergi.core.i18n import message

DETAIL_FIELDS = (
    "exploitation_types", "forced_labour_industry", "sex_exploitation_types", "means_of_control",
    "recruitment_methods", "recruitment_apps", "exploitation_apps", "relation_to_trafficker",
    "country_of_exploitation", "city_of_exploitation", "recruited_on", "exploitation_started_on",
    "exploitation_ended_on", "summary",
)


def next_reference(year: int, count: int = 1) -> list[str]:
    """Reserve ``count`` case references for ``year`` (locks the year's counter row)."""
    CaseCounter.objects.get_or_create(year=year)
    counter = CaseCounter.objects.select_for_update().get(year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"SNG-{year}-{n:06d}" for n in range(first, first + count)]


def validate_details(data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    clean = validate_vocab(data, errors)
    if "country_of_exploitation" in data:
        value = data["country_of_exploitation"]
        if value in (None, ""):
            clean["country_of_exploitation"] = None
        elif isinstance(value, Country):
            clean["country_of_exploitation"] = value
        else:
            code = str(value).strip().upper()
            country = country_by_code(code)
            if country is None:
                errors.add("country_of_exploitation", message(_("Kode negara tidak dikenal: %(value)s"), value=value))
            clean["country_of_exploitation"] = country
    for f in ("recruited_on", "exploitation_started_on", "exploitation_ended_on"):
        if f in data:
            errors.not_future(f, data[f])
            clean[f] = data[f]
    errors.order("recruited_on", data.get("recruited_on"), "exploitation_started_on",
                 data.get("exploitation_started_on"), label=_("tanggal direkrut"))
    errors.order("exploitation_started_on", data.get("exploitation_started_on"), "exploitation_ended_on",
                 data.get("exploitation_ended_on"), label=_("mulai eksploitasi"))
    for f in ("city_of_exploitation", "summary"):
        if f in data:
            clean[f] = (data[f] or "").strip()
    if len(clean.get("city_of_exploitation", "")) > 120:
        errors.add("city_of_exploitation", _("Terlalu panjang (maks. 120)."))
    if "exploitation_types" in clean:
        clean["primary_exploitation"] = clean["exploitation_types"][0] if clean["exploitation_types"] else ""
    return clean


def case_event_add(case: Case, kind: str, *, actor, agency_id, summary: str | Msg, at: dt.datetime | None = None,
                   data: dict | None = None) -> TimelineEvent:
    """One timeline event, written inside the caller's transaction: the write of another app (a referral, a
    report, an attachment) that belongs on a case's timeline. The caller writes its own audit row. ``summary`` is
    a ``timeline.Msg``, so that each reader sees it in their language (its Indonesian text is stored as well), or a
    plain text."""
    data = dict(data or {})
    if isinstance(summary, Msg):
        data["msg"] = summary.stored()
        summary = summary.in_indonesian()
    return TimelineEvent.objects.create(
        case=case, kind=kind, at=at or clock.now(), actor=actor if getattr(actor, "pk", None) else None,
        agency_id=agency_id, summary=summary[:300], data=data,
    )


_event = case_event_add  # the short name this module's services use


def _sync_exploitation_types(case: Case) -> None:
    CaseExploitationType.objects.filter(case=case).delete()
    CaseExploitationType.objects.bulk_create([CaseExploitationType(case=case, type=t) for t in case.exploitation_types])


def _create(*, survivor, lead_agency_id, reported_on: dt.date, clean: dict[str, Any], external_id: str | None,
            previous_case: Case | None = None, actor=None, event_data: dict | None = None) -> Case:
    """The case row, its exploitation types, its first stage entry and its "opened" event: what every way of
    opening a case writes (``case_open`` for a user, ``case_open_system`` for the system). The caller has validated
    and authorised, and audits. Raises IntegrityError for a duplicate external id."""
    now = clock.now()
    case = Case(
        reference=next_reference(reported_on.year)[0], external_id=external_id, survivor=survivor,
        lead_agency_id=lead_agency_id, stage=Stage.REPORTED, stage_entered_at=now, reported_on=reported_on,
        previous_case=previous_case, origin_province_id=survivor.origin_province_id,
        origin_regency_id=survivor.origin_regency_id, **clean,
    )
    with transaction.atomic():
        case.save()
    _sync_exploitation_types(case)
    StageEntry.objects.create(case=case, stage=Stage.REPORTED, entered_at=now, agency_id=lead_agency_id,
                              actor=actor if getattr(actor, "pk", None) else None)
    _event(case, EventKind.CASE_OPENED, actor=actor, agency_id=lead_agency_id,
           summary=msg(gettext_noop("Kasus %(ref)s dibuka"), ref=case.reference), data=event_data)
    return case


def _refuse_reporting_office(agency_id) -> None:
    """A village or district office takes reports but cannot work a case: its reports go on to the regency's
    services (``intake.triage.report_file_onward``)."""
    from django.utils.translation import gettext

    from sinergi.access.reporting import is_reporting_office
    from sinergi.agencies.models import Agency

    if is_reporting_office(Agency.objects.filter(pk=agency_id).only("type", "level").first()):
        raise field_error("lead_agency", gettext("Kantor desa atau kecamatan tidak memimpin kasus; teruskan laporan ini."))


@transaction.atomic
def case_open(*, actor, survivor, lead_agency_id, reported_on: dt.date, details: dict[str, Any] | None = None,
              external_id: str | None = None, previous_case: Case | None = None, report=None) -> Case:
    """Open a case for ``survivor`` led by ``lead_agency_id``. A ``previous_case`` marks re-trafficking.

    The survivor, and the survivor of the previous case, must already be seen in full by the lead agency
    (``access.policy.require_person_in_full``): NotFound otherwise, and nothing is written."""
    principal = require(actor, Cap.CASE_CREATE, lead_agency_id)
    require_person_in_full(actor, survivor, lead_agency_id)
    _refuse_reporting_office(lead_agency_id)
    if previous_case is not None:
        from sinergi.access.visibility import cases_visible_to

        # The link writes on the earlier case's timeline, so the user must be able to see that case, and it
        # names that case's survivor, so the lead agency must see them in full.
        if not cases_visible_to(actor).filter(pk=previous_case.pk).exists():
            raise NotFound("previous_case")
        try:
            require_person_in_full(actor, previous_case.survivor, lead_agency_id)
        except NotFound:
            raise NotFound("previous_case") from None
    errors = Errors()
    errors.required("reported_on", reported_on)
    errors.not_future("reported_on", reported_on)
    clean = validate_details(details or {}, errors)
    external_id = (external_id or "").strip() or None
    if external_id and len(external_id) > 100:
        errors.add("external_id", _("Terlalu panjang (maks. 100)."))
    errors.raise_if_any()
    if external_id and Case.objects.filter(external_id=external_id).exists():
        raise Conflict(_("ID eksternal sudah dipakai."), field="external_id")
    try:
        case = _create(survivor=survivor, lead_agency_id=lead_agency_id, reported_on=reported_on, clean=clean,
                       external_id=external_id, previous_case=previous_case, actor=actor,
                       event_data={"report": str(report.pk) if report else None})
    except IntegrityError as exc:
        raise Conflict(_("ID eksternal sudah dipakai."), field="external_id") from exc
    act = principal.actor(lead_agency_id)
    if previous_case is not None:
        _event(previous_case, EventKind.OUTCOME_RECORDED, actor=actor, agency_id=lead_agency_id,
               summary=msg(gettext_noop("Penyintas diperdagangkan kembali: kasus baru %(ref)s"),
                           ref=case.reference),
               data={"later_case": str(case.pk)})
        audit_log(actor=act, action=Action.UPDATE, object_type="case", object_id=previous_case.pk,
                  detail={"retrafficked_in": str(case.pk)})
    audit_log(actor=act, action=Action.CREATE, object_type="case", object_id=case.pk,
              detail={"reference": case.reference, "survivor": str(survivor.pk),
                      "previous_case": str(previous_case.pk) if previous_case else None})
    return case


@transaction.atomic
def case_update_details(*, actor, case: Case, data: dict[str, Any]) -> Case:
    principal = require_case(actor, case, Cap.CASE_EDIT)
    errors = Errors()
    unknown = set(data) - set(DETAIL_FIELDS)
    for f in sorted(unknown):
        errors.add(f, _("Kolom tidak dapat diubah di sini."))
    clean = validate_details(data, errors)
    errors.raise_if_any()
    case = Case.objects.select_for_update().get(pk=case.pk)
    # A partial update is checked against the dates already on the case, not only against each other.
    merged_recruited = clean.get("recruited_on", case.recruited_on)
    merged_start = clean.get("exploitation_started_on", case.exploitation_started_on)
    merged_end = clean.get("exploitation_ended_on", case.exploitation_ended_on)
    errors.order("recruited_on", merged_recruited, "exploitation_started_on", merged_start,
                 label=_("tanggal direkrut"))
    if merged_start and merged_end and merged_end < merged_start:
        errors.add("exploitation_ended_on", _("Harus sesudah tanggal mulai."))
    errors.raise_if_any()
    changed = [k for k, v in clean.items() if getattr(case, k) != v]
    if not changed:
        return case
    for k in changed:
        setattr(case, k, clean[k])
    case.save(update_fields=changed + ["updated_at"])
    if "exploitation_types" in changed:
        _sync_exploitation_types(case)
    _event(case, EventKind.DETAILS_UPDATED, actor=actor, agency_id=case.lead_agency_id,
           summary=msg(gettext_noop("Rincian eksploitasi diperbarui")), data={"fields": sorted(changed)})
    audit_log(actor=principal.actor(case.lead_agency_id), action=Action.UPDATE, object_type="case",
              object_id=case.pk, detail={"fields": sorted(changed)})
    return case


def _stage_label(value: str):
    return Stage(value).label if value in Stage.values else value


@transaction.atomic
def case_transition(*, actor, case: Case, to_stage: str, at: dt.datetime | None = None, outcome: str = "",
                    note: str = "", data: dict[str, Any] | None = None, idempotency_key: str = "") -> Case:
    """Move ``case`` to ``to_stage``.

    Checks the allowed-transition table and what the target stage needs (``STAGE_REQUIREMENTS``), stamps the
    date, closes the open stage entry, writes the timeline and the audit row. Repeating a move that already
    happened (same target, same key or same outcome) changes nothing and returns the case: retries are safe.
    """
    data = dict(data or {})
    errors = Errors()
    errors.in_choices("to_stage", to_stage, Stage.values)
    errors.raise_if_any()
    to_stage = Stage(to_stage)
    principal = require_case(actor, case, capability_for(to_stage))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.stage == to_stage:
        last = case.events.filter(kind=EventKind.STAGE_CHANGED).order_by("-at", "-created_at").first()
        if last and (not idempotency_key or last.data.get("idempotency_key") == idempotency_key):
            return case  # the same move again: already applied
    now = clock.now()
    at = at or now
    errors.not_future("at", at)
    if at < case.stage_entered_at:
        errors.add("at", _("Tidak boleh sebelum tahap sekarang dimulai."))
    if to_stage not in moves_from(case.stage):
        errors.add("to_stage", message(_("Perpindahan dari %(stage)s ke %(to_stage)s tidak diizinkan."),
                                       stage=_stage_label(case.stage), to_stage=_stage_label(to_stage)))
    if outcome:
        errors.in_choices("outcome", outcome, Outcome.values)
    needs = STAGE_REQUIREMENTS.get(to_stage, ())
    if "outcome" in needs and not outcome:
        errors.add("outcome", _("Kasus ditutup dengan hasil akhir."))
    if "outcome" not in needs and outcome:
        errors.add("outcome", _("Hasil akhir hanya saat menutup kasus."))
    for field in needs:
        if field == "outcome":
            continue
        value = (data.get(field) or getattr(case, field) or "")
        if not str(value).strip():
            errors.add(field, _("Wajib untuk tahap ini."))
    tdn = (data.get("travel_document_number") or "").strip().upper()
    if tdn:
        from sinergi.people.validators import document_number_error

        if problem := document_number_error("travel_document", tdn, None):
            errors.add("travel_document_number", problem)
    poe = (data.get("port_of_entry") or "").strip()
    if len(poe) > 120:
        errors.add("port_of_entry", _("Terlalu panjang (maks. 120)."))
    errors.raise_if_any()

    previous = case.stage
    StageEntry.objects.filter(case=case, left_at__isnull=True).update(left_at=at)
    StageEntry.objects.create(case=case, stage=to_stage, entered_at=at, agency_id=case.lead_agency_id, actor=actor)
    case.stage = to_stage
    case.stage_entered_at = at
    fields = ["stage", "stage_entered_at", "updated_at"]
    if tdn:
        case.travel_document_number = tdn
        fields += ["travel_document_number", "travel_document_digest"]
    if poe:
        case.port_of_entry = poe
        fields.append("port_of_entry")
    if to_stage == Stage.CLOSED:
        case.outcome = outcome
        case.closed_at = at
        fields += ["outcome", "closed_at"]
    case.save(update_fields=fields)
    if outcome == Outcome.DECEASED:
        person_mark_deceased(actor=actor, person=case.survivor, agency_id=case.lead_agency_id, case_id=case.pk)
    _event(case, EventKind.STAGE_CHANGED, actor=actor, agency_id=case.lead_agency_id, at=at,
           summary=msg(gettext_noop("%(from)s → %(to)s"), **{"from": Stage(previous), "to": Stage(to_stage)}),
           data={"from": previous, "to": to_stage, "outcome": outcome, "note": note[:1000],
                 "idempotency_key": idempotency_key})
    audit_log(actor=principal.actor(case.lead_agency_id), action=Action.TRANSITION, object_type="case",
              object_id=case.pk, detail={"from": previous, "to": str(to_stage), "outcome": outcome})
    return case


@transaction.atomic
def case_set_victim_status(*, actor, case: Case, status: str, decided_by: str, decided_on: dt.date | None = None,
                           screening=None) -> Case:
    principal = require_case(actor, case, Cap.SCREEN)
    errors = Errors()
    errors.required("victim_status", status)
    errors.in_choices("victim_status", status, VictimStatus.values)
    errors.required("decided_by", decided_by)
    errors.in_choices("decided_by", decided_by, DecisionOrg.values)
    decided_on = decided_on or clock.today()
    errors.not_future("decided_on", decided_on)
    errors.raise_if_any()
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.victim_status, case.victim_status_decided_by, case.victim_status_decided_on = status, decided_by, decided_on
    case.save(update_fields=["victim_status", "victim_status_decided_by", "victim_status_decided_on", "updated_at"])
    _event(case, EventKind.VICTIM_STATUS, actor=actor, agency_id=case.lead_agency_id,
           summary=msg(gettext_noop("Status korban: %(status)s"), status=VictimStatus(status)),
           data={"status": status, "decided_by": decided_by, "screening": str(screening.pk) if screening else None})
    audit_log(actor=principal.actor(case.lead_agency_id), action=Action.UPDATE, object_type="case",
              object_id=case.pk, detail={"victim_status": status, "decided_by": decided_by})
    return case


def _validate_service(data: dict[str, Any], errors: Errors, *, partial: bool) -> dict[str, Any]:
    from sinergi.agencies.models import Agency

    clean: dict[str, Any] = {}
    if not partial or "type" in data:
        errors.required("type", data.get("type"))
        errors.in_choices("type", data.get("type"), ServiceType.values)
        clean["type"] = data.get("type")
    if not partial or "provider" in data:
        provider = data.get("provider")
        if provider is not None and not isinstance(provider, Agency):
            provider = Agency.objects.filter(pk=provider).first() if is_uuid(provider) else \
                Agency.objects.filter(code=str(provider)).first()
            if provider is None:
                errors.add("provider", _("Lembaga tidak dikenal."))
        errors.required("provider", provider)
        clean["provider"] = provider
    if not partial or "started_on" in data:
        errors.required("started_on", data.get("started_on"))
        errors.not_future("started_on", data.get("started_on"))
        clean["started_on"] = data.get("started_on")
    if "ended_on" in data:
        errors.not_future("ended_on", data.get("ended_on"))
        clean["ended_on"] = data.get("ended_on")
    if "outcome" in data:
        errors.in_choices("outcome", data.get("outcome"), ServiceOutcome.values)
        clean["outcome"] = data.get("outcome") or ServiceOutcome.ONGOING
    if "notes" in data:
        clean["notes"] = (data.get("notes") or "").strip()
    return clean


@transaction.atomic
def service_add(*, actor, case: Case, data: dict[str, Any]) -> ServiceDelivery:
    principal = require_case(actor, case, Cap.CASE_EDIT)
    errors = Errors()
    clean = _validate_service(data, errors, partial=False)
    errors.order("started_on", clean.get("started_on"), "ended_on", clean.get("ended_on"), label=_("tanggal mulai"))
    errors.raise_if_any()
    service = ServiceDelivery.objects.create(case=case, recorded_by=actor, **clean)
    _event(case, EventKind.SERVICE_ADDED, actor=actor, agency_id=case.lead_agency_id,
           summary=msg(gettext_noop("Layanan: %(type)s oleh %(provider)s"), type=ServiceType(service.type),
                       provider=service.provider),
           data={"service": str(service.pk)})
    audit_log(actor=principal.actor(case.lead_agency_id), action=Action.CREATE, object_type="service",
              object_id=service.pk, detail={"case": str(case.pk), "type": service.type})
    return service


@transaction.atomic
def service_update(*, actor, service: ServiceDelivery, data: dict[str, Any]) -> ServiceDelivery:
    case = service.case
    principal = require_case(actor, case, Cap.CASE_EDIT)
    errors = Errors()
    clean = _validate_service(data, errors, partial=True)
    errors.order("started_on", clean.get("started_on", service.started_on), "ended_on",
                 clean.get("ended_on", service.ended_on), label=_("tanggal mulai"))
    errors.raise_if_any()
    changed = [k for k, v in clean.items() if getattr(service, k) != v]
    for k in changed:
        setattr(service, k, clean[k])
    if changed:
        service.save(update_fields=changed + ["updated_at"])
        _event(case, EventKind.SERVICE_UPDATED, actor=actor, agency_id=case.lead_agency_id,
               summary=msg(gettext_noop("Layanan diperbarui: %(type)s"), type=ServiceType(service.type)),
               data={"service": str(service.pk), "fields": sorted(changed)})
        audit_log(actor=principal.actor(case.lead_agency_id), action=Action.UPDATE, object_type="service",
                  object_id=service.pk, detail={"case": str(case.pk), "fields": sorted(changed)})
    return service


@transaction.atomic
def note_add(*, actor, case: Case, body: str) -> Note:
    principal = require_case(actor, case, Cap.CASE_EDIT)
    body = (body or "").strip()
    if not body:
        raise field_error("body", _("Catatan kosong."))
    if len(body) > 20000:
        raise field_error("body", _("Catatan terlalu panjang (maks. 20,000 karakter)."))
    note = Note.objects.create(case=case, author=actor, agency_id=case.lead_agency_id, body=body)
    _event(case, EventKind.NOTE_ADDED, actor=actor, agency_id=case.lead_agency_id,
           summary=msg(gettext_noop("Catatan ditambahkan")),
           data={"note": str(note.pk)})
    audit_log(actor=principal.actor(case.lead_agency_id), action=Action.CREATE, object_type="note",
              object_id=note.pk, detail={"case": str(case.pk)})
    return note


@transaction.atomic
def referral_note_add(*, actor, referral, body: str) -> Note:
    """A note the receiving agency adds to what it was given; the lead agency and that agency see it."""
    principal = require_referral_receiver(actor, referral)
    body = (body or "").strip()
    if not body:
        raise field_error("body", _("Catatan kosong."))
    if len(body) > 20000:
        raise field_error("body", _("Catatan terlalu panjang (paling banyak 20.000 karakter)."))
    case = referral.case
    note = Note.objects.create(case=case, author=actor, agency_id=referral.to_agency_id, body=body, referral=referral)
    _event(case, EventKind.NOTE_ADDED, actor=actor, agency_id=referral.to_agency_id,
           summary=msg(gettext_noop("Catatan dari %(agency)s pada rujukan"), agency=referral.to_agency),
           data={"note": str(note.pk), "referral": str(referral.pk)})
    audit_log(actor=principal.actor(referral.to_agency_id), action=Action.CREATE, object_type="note",
              object_id=note.pk, detail={"case": str(case.pk), "referral": str(referral.pk)})
    return note


def cases_sync_origin(person) -> None:
    """Keep the denormalised origin on the survivor's cases in step with the person (called by people)."""
    Case.objects.filter(survivor=person).update(origin_province_id=person.origin_province_id,
                                                origin_regency_id=person.origin_regency_id)


@transaction.atomic
def case_open_system(*, actor, survivor, lead_agency, details: dict[str, Any], external_id: str | None = None) -> Case:
    """Open a case on behalf of the system (a referral that arrived from a peer instance), audited as ``actor``
    (an ``audit.services.Actor``). Idempotent by ``external_id``: a case already opened is returned unchanged."""
    if external_id:
        existing = Case.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing
    errors = Errors()
    clean = validate_details(details, errors)
    errors.raise_if_any()
    case = _create(survivor=survivor, lead_agency_id=lead_agency.pk, reported_on=clock.today(), clean=clean,
                   external_id=external_id)
    audit_log(actor=actor, action=Action.CREATE, object_type="case", object_id=case.pk,
              detail={"reference": case.reference, "survivor": str(survivor.pk), "external_id": external_id})
    return case
