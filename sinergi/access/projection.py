"""The projection: a case (with its survivor, services, notes, attachments, timeline and referrals) turned into
exactly what one reader may see. Pages, API serializers, exports, search results, notices and notifications
render these views, never the models.

What a reader may see is the ``Sight`` of ``access.sections`` (the lead agency: everything; an agency a case is
referred to: the shared sections of its active referrals; anyone else: nothing, so ``NotFound``). A section not
shared is ``None`` in the view, never an empty value that could be mistaken for "unknown". Masked fields
(``access.masking``) stay masked unless the reader asked to reveal them, their role may, and their section was
shared.

The views hold values and reference data (agencies, countries, regions), never a model with personal data, so
that a template or a serializer cannot reach past them. Related rows are read through the case's and the
person's relations, only for the sections the reader may see: one query per part shown.

Entry points: ``project_case`` (one case, with the parts asked for), ``project_case_rows`` (a page of a list, in
one query at most beyond the page's own), ``project_activity`` (timeline events for a home page),
``project_person`` (a person seen in full), ``project_shared`` (what a referral carries to a partner's instance),
``case_label`` (what a notification may say about a case). Referrals and notices are in
``access.projection_parts``; the views themselves in ``access.projection_views``.
"""

from __future__ import annotations

from typing import Any, Iterable

from sinergi.core import clock
from sinergi.core.errors import NotFound

from .masking import present
from .projection_views import (
    AttachmentView,
    CaseRef,
    CaseRow,
    CaseView,
    ConsentView,
    ContactView,
    DocumentView,
    DocumentsView,
    ExploitationView,
    FamilyContactView,
    LocationView,
    NoteView,
    PersonView,
    ReportView,
    ScreeningView,
    ServiceView,
    StageView,
    SurvivorRef,
    SurvivorView,
    TimelineEntry,
)
from .sections import (
    ATTACHMENTS,
    CONTACT,
    DOCUMENTS,
    EXPLOITATION,
    IDENTITY,
    LOCATION,
    NOTES,
    SERVICES,
    Sight,
    sight_of,
    sights_of,
)

# Parts of a case that cost a query each; a caller asks for those it renders.
STAGES, TIMELINE, REFERRALS, INTAKE, CONSENTS = "stages", "timeline", "referrals", "intake", "consents"
PARTS = frozenset({STAGES, TIMELINE, REFERRALS, SERVICES, NOTES, ATTACHMENTS, INTAKE, CONSENTS})
PAGE_PARTS = PARTS  # the case page shows them all


def _label(obj, name: str) -> str:
    value = getattr(obj, name)
    return str(getattr(obj, f"get_{name}_display")()) if value else ""


def _row_values(case, sight: Sight, may=None) -> dict[str, Any]:
    may = may or sight.may
    identity, location, exploitation = may(IDENTITY), may(LOCATION), may(EXPLOITATION)
    return {
        "id": case.pk, "reference": case.reference, "external_id": case.external_id if sight.full else None,
        "stage": case.stage, "stage_label": _label(case, "stage"), "stage_entered_at": case.stage_entered_at,
        "reported_on": case.reported_on, "outcome": case.outcome, "outcome_label": _label(case, "outcome"),
        "closed_at": case.closed_at, "lead_agency": case.lead_agency, "lead_agency_id": case.lead_agency_id,
        "sight": sight,
        "survivor": SurvivorRef(id=case.survivor_id, full_name=case.survivor.full_name) if identity else None,
        "origin_province_code": case.origin_province_id if identity else None,
        "origin_regency_code": case.origin_regency_id if identity else None,
        "country_of_exploitation": case.country_of_exploitation if location else None,
        "country_code": case.country_of_exploitation_id if location else None,
        "primary_exploitation": case.primary_exploitation if exploitation else None,
        "exploitation_types": tuple(case.exploitation_types or ()) if exploitation else None,
        "victim_status": case.victim_status if exploitation else None,
    }


def project_case_rows(user, cases: Iterable) -> list[CaseRow]:
    """A page of cases as list rows, in the given order; cases the user may not see are left out. One query at
    most (the shared sections of the cases referred to the user's agencies), when the cases come with their
    survivor, lead agency and country (``cases.selectors.LIST_RELATED``)."""
    cases = list(cases)
    sights = sights_of(user, cases)
    return [CaseRow(**_row_values(c, sights[c.pk])) for c in cases if sights[c.pk].visible]


def _survivor(case, person) -> SurvivorView:
    return SurvivorView(
        id=person.pk, full_name=person.full_name, aliases=tuple(a.name for a in person.aliases.all()),
        sex=person.sex, sex_label=_label(person, "sex"), date_of_birth=person.date_of_birth,
        estimated_age=person.estimated_age, citizenship=person.citizenship, citizenship_code=person.citizenship_id,
        origin_village=person.origin_village, origin_village_code=person.origin_village_id,
        # The case keeps the origin it was opened with (denormalised for filters); the page shows the case's.
        origin_regency=case.origin_regency if case is not None else person.origin_regency,
        origin_regency_code=case.origin_regency_id if case is not None else person.origin_regency_id,
        origin_province=case.origin_province if case is not None else person.origin_province,
        origin_province_code=case.origin_province_id if case is not None else person.origin_province_id,
        deceased=person.deceased, primary_language=person.primary_language,
    )


def _masker(sight: Sight, revealed, *, mask: bool = True):
    if not mask:
        return lambda label, name, value: value
    roles, shown = set(sight.roles), set(sight.effective(revealed))

    def show(label: str, name: str, value):
        return present(label, name, value, roles=roles, revealed=shown)

    return show


def _contact(person, show) -> ContactView:
    return ContactView(
        phone=show("people.Person", "phone", person.phone), email=show("people.Person", "email", person.email),
        address=show("people.Person", "address", person.address),
        family=tuple(FamilyContactView(
            id=f.pk, name=f.name, relationship=f.relationship, relationship_label=_label(f, "relationship"),
            phone=show("people.FamilyContact", "phone", f.phone),
            address=show("people.FamilyContact", "address", f.address), village_code=f.village_id,
        ) for f in person.family_contacts.all()),
    )


def _documents(person, show) -> tuple[DocumentView, ...]:
    return tuple(DocumentView(
        id=d.pk, type=d.type, type_label=_label(d, "type"), number=show("people.IdentityDocument", "number", d.number),
        issuing_country_code=d.issuing_country_id, issued_on=d.issued_on, expires_on=d.expires_on,
    ) for d in person.documents.all())


def _exploitation(case) -> ExploitationView:
    return ExploitationView(
        victim_status=case.victim_status, victim_status_label=_label(case, "victim_status"),
        victim_status_decided_by=case.victim_status_decided_by,
        victim_status_decided_by_label=_label(case, "victim_status_decided_by"),
        victim_status_decided_on=case.victim_status_decided_on,
        exploitation_types=tuple(case.exploitation_types or ()), primary_exploitation=case.primary_exploitation,
        forced_labour_industry=case.forced_labour_industry,
        sex_exploitation_types=tuple(case.sex_exploitation_types or ()),
        means_of_control=tuple(case.means_of_control or ()), recruitment_methods=tuple(case.recruitment_methods or ()),
        recruitment_apps=tuple(case.recruitment_apps or ()), exploitation_apps=tuple(case.exploitation_apps or ()),
        relation_to_trafficker=case.relation_to_trafficker, recruited_on=case.recruited_on,
        exploitation_started_on=case.exploitation_started_on, exploitation_ended_on=case.exploitation_ended_on,
        summary=case.summary,
    )


def _stages(case) -> tuple[StageView, ...]:
    now = clock.now()
    return tuple(StageView(
        stage=e.stage, entered_at=e.entered_at, left_at=e.left_at,
        days=round(((e.left_at or now) - e.entered_at).total_seconds() / 86400, 1),
    ) for e in case.stage_entries.order_by("entered_at"))


def _entry(event, case=None) -> TimelineEntry:
    case = case if case is not None else event.case
    return TimelineEntry(
        id=event.pk, case_id=event.case_id, case_reference=case.reference, kind=event.kind, at=event.at,
        summary=event.summary, data=dict(event.data or {}), actor=event.actor.username if event.actor_id else None,
        agency=event.agency, agency_id=event.agency_id,
    )


def _services(case) -> tuple[ServiceView, ...]:
    return tuple(ServiceView(
        id=s.pk, type=s.type, type_label=_label(s, "type"), provider=s.provider, started_on=s.started_on,
        ended_on=s.ended_on, outcome=s.outcome, outcome_label=_label(s, "outcome"), notes=s.notes,
        recorded_by=s.recorded_by.username, created_at=s.created_at,
    ) for s in case.services.select_related("provider", "recorded_by"))


def note_view(n) -> NoteView:
    return NoteView(id=n.pk, body=n.body, author=n.author.username, agency_id=n.agency_id, created_at=n.created_at,
                    referral_id=n.referral_id, agency=n.agency if n.referral_id else None)


def attachment_view(a) -> AttachmentView:
    return AttachmentView(
        id=a.pk, original_name=a.original_name, content_type=a.content_type, size=a.size, sha256=a.sha256,
        description=a.description, uploaded_by=a.uploaded_by.username, created_at=a.created_at,
        referral_id=a.referral_id,
    )


def _notes(case, full: bool = True) -> tuple[NoteView, ...]:
    """The case's notes: the lead agency's and every receiving agency's additions for the lead agency; for a
    receiver, the lead agency's only (its own additions come with its referral, another receiver's never)."""
    qs = case.notes.select_related("author", "agency")
    return tuple(note_view(n) for n in (qs if full else qs.filter(referral__isnull=True)))


def _attachments(case, full: bool = True) -> tuple[AttachmentView, ...]:
    qs = case.attachments.select_related("uploaded_by")
    return tuple(attachment_view(a) for a in (qs if full else qs.filter(referral__isnull=True)))


def _screening(s) -> ScreeningView:
    return ScreeningView(
        id=s.pk, performed_at=s.performed_at, agency=s.agency, performed_by=s.performed_by.username,
        ilo_indicators=tuple(s.ilo_indicators or ()), delphi_items=tuple(s.delphi_items or ()),
        delphi_positive_dimensions=tuple(s.delphi_positive_dimensions or ()), suggested_status=s.suggested_status,
        victim_status=s.victim_status, decided_by_org=s.decided_by_org, notes=s.notes,
    )


def _intake(case, may, show) -> tuple[ReportView, ...]:
    """The reports the case came from (oldest first) and their screenings, each part within its section; the
    screenings made on the case itself (not through a report) come with the first report, or on their own."""
    contact, exploitation, location = may(CONTACT), may(EXPLOITATION), may(LOCATION)
    screenings: dict = {}
    if exploitation:
        for s in case.screenings.select_related("agency", "performed_by").order_by("performed_at"):
            screenings.setdefault(s.report_id, []).append(_screening(s))
    reports = list(case.reports.select_related("agency", "received_by", "country_of_exploitation")
                   .order_by("received_at"))
    loose = screenings.pop(None, [])
    views = []
    for i, r in enumerate(reports):
        own = screenings.pop(r.pk, []) + (loose if i == 0 else [])
        views.append(ReportView(
            id=r.pk, channel=r.channel, channel_label=_label(r, "channel"), received_at=r.received_at,
            agency=r.agency, received_by=r.received_by.username if r.received_by_id else None,
            reporter_name=r.reporter_name if contact else None,
            reporter_relation=r.reporter_relation if contact else None,
            reporter_contact=show("intake.Report", "reporter_contact", r.reporter_contact) if contact else None,
            narrative=r.narrative if exploitation else None,
            last_known_location=r.last_known_location if location else None,
            country=r.country_of_exploitation if location else None,
            screenings=tuple(own) if exploitation else None,
        ))
    if not reports and loose:
        views.append(ReportView(id=None, channel="", channel_label="", received_at=loose[0].performed_at,
                                agency=loose[0].agency, received_by=None, reporter_name=None, reporter_relation=None,
                                reporter_contact=None, narrative=None, last_known_location=None, country=None,
                                screenings=tuple(loose)))
    return tuple(views)


def _consents(person) -> tuple[ConsentView, ...]:
    return tuple(ConsentView(
        id=c.pk, purpose=c.purpose, purpose_label=_label(c, "purpose"), given=c.given, recorded_at=c.recorded_at,
        recorded_by=c.recorded_by.username, agency=c.agency, method=c.method,
        agency_types=tuple(c.agency_types or ()), note=c.note,
    ) for c in person.consents.select_related("recorded_by", "agency").order_by("-recorded_at", "-created_at"))


def project_case(user, case, *, revealed: Iterable = (), include: Iterable[str] = (), within: Iterable[str] | None = None,
                 sight: Sight | None = None, _mask: bool = True) -> CaseView:
    """``case`` as ``user`` may see it. ``revealed``: sensitivities the user asked to unmask (kept only where
    their role may and the section was shared); ``include``: the parts to read (``PARTS``), each only if the
    reader may see it; ``within``: at most these sections, for a renderer that never shows the others (an export
    never carries contacts or document numbers). NotFound when the user may not see the case at all."""
    from .projection_parts import project_case_referrals

    sight = sight if sight is not None else sight_of(user, case)
    if not sight.visible:
        raise NotFound("case")
    include = frozenset(include)
    unknown = include - PARTS
    if unknown:
        raise ValueError(f"unknown parts: {sorted(unknown)}")
    within = None if within is None else frozenset(within)

    def may(section: str) -> bool:
        # ``within`` only narrows: the reader's own sections, cut down to what this renderer shows.
        return sight.may(section) and (within is None or section in within)

    show = _masker(sight, revealed, mask=_mask)
    person = case.survivor if (may(IDENTITY) or may(CONTACT) or may(DOCUMENTS)) else None

    def part(name: str, section: str | None, build):
        if name not in include or (section is not None and not may(section)):
            return None
        return build(case)

    return CaseView(
        **_row_values(case, sight, may),
        port_of_entry=case.port_of_entry, created_at=case.created_at, updated_at=case.updated_at,
        revealed=sight.effective(revealed),
        identity=_survivor(case, person) if may(IDENTITY) else None,
        contact=_contact(person, show) if may(CONTACT) else None,
        documents=DocumentsView(
            documents=_documents(person, show),
            travel_document_number=show("cases.Case", "travel_document_number", case.travel_document_number),
        ) if may(DOCUMENTS) else None,
        exploitation=_exploitation(case) if may(EXPLOITATION) else None,
        location=LocationView(country=case.country_of_exploitation, country_code=case.country_of_exploitation_id,
                              city=case.city_of_exploitation) if may(LOCATION) else None,
        previous_case=(CaseRef(id=case.previous_case_id, reference=case.previous_case.reference)
                       if sight.full and case.previous_case_id else None),
        stages=part(STAGES, None, _stages),
        # Timeline texts name agencies, people and decisions across every section: the lead agency's only.
        timeline=(tuple(_entry(e, case) for e in case.events.select_related("actor", "agency")
                        .order_by("at", "created_at")) if TIMELINE in include and sight.full else None),
        referrals=project_case_referrals(user, case, sight) if REFERRALS in include else None,
        services=part(SERVICES, SERVICES, _services),
        notes=part(NOTES, NOTES, lambda c: _notes(c, sight.full)),
        attachments=part(ATTACHMENTS, ATTACHMENTS, lambda c: _attachments(c, sight.full)),
        intake=_intake(case, may, show) if INTAKE in include and (may(CONTACT) or may(EXPLOITATION)
                                                                   or may(LOCATION)) else None,
        # Consent says whom the survivor may be shared with and how they may be reached: the lead agency's, and
        # a receiver's who was given the contacts (it must know whether a phone call is agreed to).
        consents=_consents(case.survivor) if CONSENTS in include and (sight.full or may(CONTACT)) else None,
    )


def project_shared(case, sections: Iterable[str], *, agency_id) -> CaseView:
    """What a referral gives an agency on a partner's instance (``referral.create``): the case's shared sections
    only, unmasked, because the receiving instance keeps them for its own readers and masks them there by its own
    roles. Contacts never leave with it, whatever was chosen: the partner works through the sending agency."""
    shared = frozenset(s for s in sections if s in (IDENTITY, DOCUMENTS, EXPLOITATION, LOCATION))
    return project_case(None, case, sight=Sight(agency_id, shared, frozenset()), _mask=False)


def project_activity(user, events: Iterable) -> list[TimelineEntry]:
    """Timeline events (with their case) for a list such as the home page's recent activity: only those of cases
    whose timeline the user may read (their lead agency's), in the given order."""
    events = list(events)
    sights = sights_of(user, list({e.case_id: e.case for e in events}.values()))
    return [_entry(e) for e in events if sights[e.case_id].full]


def project_person(user, person, *, agency_id, revealed: Iterable = ()) -> PersonView:
    """``person`` as the user sees them through ``agency_id``, which must see them in full
    (``visibility.person_agency_in_full``); NotFound otherwise. Masked fields follow the user's roles there."""
    from .principal import Principal
    from .visibility import person_agency_in_full

    principal = Principal.of(user)
    if person_agency_in_full(user, person, agency_id) is None:
        raise NotFound("person")
    sight = Sight(agency_id, frozenset({"all"}), frozenset(principal.roles_in(agency_id)))
    show = _masker(sight, revealed)
    return PersonView(id=person.pk, agency_id=agency_id, identity=_survivor(None, person),
                      contact=_contact(person, show), documents=_documents(person, show),
                      revealed=sight.effective(revealed), created_at=person.created_at, updated_at=person.updated_at)


def case_label(case) -> str:
    """What a notification (in-app, e-mail, SMS) may say about a case: its reference. Notifications travel outside
    the application and reach people whatever the sections shared with them, so they carry no personal data."""
    return case.reference
