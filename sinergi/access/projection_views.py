"""The views the projection (``access.projection``) builds: plain values and reference data (agencies, countries,
regions), never a model that holds personal data, so that a template or a serializer cannot reach past them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .sections import Sight


@dataclass(frozen=True, kw_only=True)
class SurvivorRef:
    id: Any
    full_name: str


@dataclass(frozen=True, kw_only=True)
class SurvivorView:
    """The identity section."""

    id: Any
    full_name: str
    aliases: tuple[str, ...]
    sex: str
    sex_label: str
    date_of_birth: dt.date | None
    estimated_age: int | None
    citizenship: Any  # regions.Country or None
    citizenship_code: str | None
    origin_village: Any  # regions.Region or None
    origin_village_code: str | None
    origin_regency: Any
    origin_regency_code: str | None
    origin_province: Any
    origin_province_code: str | None
    deceased: bool
    primary_language: str


@dataclass(frozen=True, kw_only=True)
class FamilyContactView:
    id: Any
    name: str
    relationship: str
    relationship_label: str
    phone: str
    address: str
    village_code: str | None


@dataclass(frozen=True, kw_only=True)
class ContactView:
    """The contact section: the survivor's phone, e-mail and address, and family contacts (masked by default)."""

    phone: str
    email: str
    address: str
    family: tuple[FamilyContactView, ...]


@dataclass(frozen=True, kw_only=True)
class DocumentView:
    id: Any
    type: str
    type_label: str
    number: str
    issuing_country_code: str | None
    issued_on: dt.date | None
    expires_on: dt.date | None


@dataclass(frozen=True, kw_only=True)
class DocumentsView:
    """The documents section: identity document numbers and the travel document number (masked by default)."""

    documents: tuple[DocumentView, ...]
    travel_document_number: str


@dataclass(frozen=True, kw_only=True)
class ExploitationView:
    victim_status: str
    victim_status_label: str
    victim_status_decided_by: str
    victim_status_decided_by_label: str
    victim_status_decided_on: dt.date | None
    exploitation_types: tuple[str, ...]
    primary_exploitation: str
    forced_labour_industry: str
    sex_exploitation_types: tuple[str, ...]
    means_of_control: tuple[str, ...]
    recruitment_methods: tuple[str, ...]
    recruitment_apps: tuple[str, ...]
    exploitation_apps: tuple[str, ...]
    relation_to_trafficker: str
    recruited_on: dt.date | None
    exploitation_started_on: dt.date | None
    exploitation_ended_on: dt.date | None
    summary: str


@dataclass(frozen=True, kw_only=True)
class LocationView:
    country: Any  # regions.Country or None
    country_code: str | None
    city: str


@dataclass(frozen=True, kw_only=True)
class CaseRef:
    id: Any
    reference: str


@dataclass(frozen=True, kw_only=True)
class StageView:
    stage: str
    entered_at: dt.datetime
    left_at: dt.datetime | None
    days: float


@dataclass(frozen=True, kw_only=True)
class ServiceView:
    id: Any
    type: str
    type_label: str
    provider: Any  # agencies.Agency
    started_on: dt.date
    ended_on: dt.date | None
    outcome: str
    outcome_label: str
    notes: str
    recorded_by: str
    created_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class NoteView:
    id: Any
    body: str
    author: str
    agency_id: Any
    created_at: dt.datetime
    referral_id: Any = None  # added by a receiving agency to its referral
    agency: Any = None  # agencies.Agency: who wrote it, for an addition from a receiving agency


@dataclass(frozen=True, kw_only=True)
class AttachmentView:
    id: Any
    original_name: str
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_by: str
    created_at: dt.datetime
    referral_id: Any = None  # added by a receiving agency to its referral


@dataclass(frozen=True, kw_only=True)
class TimelineEntry:
    """A timeline event; ``cases.timeline.event_text`` renders it in the reader's language (``summary``, ``data``)."""

    id: Any
    case_id: Any
    case_reference: str
    kind: str
    at: dt.datetime
    summary: str
    data: dict
    actor: str | None  # username
    agency: Any  # agencies.Agency or None
    agency_id: Any


@dataclass(frozen=True, kw_only=True)
class ScreeningView:
    """A screening against the trafficking indicators (the exploitation section). Keys, not labels: the pages
    name the indicators in the reader's language."""

    id: Any
    performed_at: dt.datetime
    agency: Any  # agencies.Agency
    performed_by: str
    ilo_indicators: tuple[str, ...]
    delphi_items: tuple[str, ...]
    delphi_positive_dimensions: tuple[str, ...]
    suggested_status: str
    victim_status: str
    decided_by_org: str
    notes: str


@dataclass(frozen=True, kw_only=True)
class ReportView:
    """A report the case came from, as intake recorded it. Each part is None when its section was not shared:
    the reporter and their contact (masked like contacts) are the contact section, the narrative the
    exploitation section, the last known place the location section."""

    id: Any
    channel: str
    channel_label: str
    received_at: dt.datetime
    agency: Any  # agencies.Agency
    received_by: str | None
    reporter_name: str | None
    reporter_relation: str | None
    reporter_contact: str | None
    narrative: str | None
    last_known_location: str | None
    country: Any  # regions.Country or None (location)
    screenings: tuple[ScreeningView, ...] | None


@dataclass(frozen=True, kw_only=True)
class ConsentView:
    """One answer of the survivor for one purpose (a withdrawal is an answer ``given=False``)."""

    id: Any
    purpose: str
    purpose_label: str
    given: bool
    recorded_at: dt.datetime
    recorded_by: str
    agency: Any  # agencies.Agency or None
    method: str
    agency_types: tuple[str, ...]
    note: str


@dataclass(frozen=True, kw_only=True)
class CaseRow:
    """What a list shows of a case. Gated values are None when their section was not shared."""

    id: Any
    reference: str
    external_id: str | None  # the lead agency's own key
    stage: str
    stage_label: str
    stage_entered_at: dt.datetime
    reported_on: dt.date
    outcome: str
    outcome_label: str
    closed_at: dt.datetime | None
    lead_agency: Any  # agencies.Agency
    lead_agency_id: Any
    sight: Sight
    survivor: SurvivorRef | None                  # identity
    origin_province_code: str | None              # identity
    origin_regency_code: str | None               # identity
    country_of_exploitation: Any                  # location: regions.Country or None
    country_code: str | None                      # location
    primary_exploitation: str | None              # exploitation
    exploitation_types: tuple[str, ...] | None    # exploitation
    victim_status: str | None                     # exploitation

    @property
    def full(self) -> bool:
        return self.sight.full

    @property
    def sections(self) -> list[str]:
        return sorted(self.sight.sections)


@dataclass(frozen=True, kw_only=True)
class CaseView(CaseRow):
    """A case as one reader may see it. Sections not shared are None; parts not asked for are None as well."""

    port_of_entry: str
    created_at: dt.datetime
    updated_at: dt.datetime
    revealed: frozenset
    identity: SurvivorView | None
    contact: ContactView | None
    documents: DocumentsView | None
    exploitation: ExploitationView | None
    location: LocationView | None
    previous_case: CaseRef | None  # the lead agency's: a re-trafficking link
    stages: tuple[StageView, ...] | None
    timeline: tuple[TimelineEntry, ...] | None
    referrals: tuple | None  # projection_parts.ReferralView
    services: tuple[ServiceView, ...] | None
    notes: tuple[NoteView, ...] | None
    attachments: tuple[AttachmentView, ...] | None
    intake: tuple[ReportView, ...] | None = None  # the reports the case came from, and their screenings
    consents: tuple[ConsentView, ...] | None = None  # newest first: the lead agency's, and a receiver of contacts

    def may(self, section: str) -> bool:
        return self.sight.may(section)


@dataclass(frozen=True, kw_only=True)
class PersonView:
    """A person seen in full (through an agency that leads a case of theirs, received a report about them, or
    created them): identity, masked contacts and documents."""

    id: Any
    agency_id: Any
    identity: SurvivorView
    contact: ContactView
    documents: tuple[DocumentView, ...]
    revealed: frozenset
    created_at: dt.datetime
    updated_at: dt.datetime
