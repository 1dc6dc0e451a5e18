"""The case exchange format: one row (CSV) or one object (JSON) per case, HTCDS field names where HTCDS has
them and Sinergi extensions prefixed ``sng_``. FORMAT.md beside this module is the reader's version.

Columns (value; meaning):

- ``sng_ExternalId`` (required): text, max 100; the sender's id of the case, the idempotency key
- ``sng_FullName``: text, max 200; the survivor's full name (wins over the three parts below)
- ``prs_FirstName``, ``prs_MiddleName``, ``prs_SecondName``: import only; joined into the full name
- ``sng_Aliases``: multi text; other names the survivor is known by (``;`` only: names may hold commas)
- ``prs_Gender``: HTCDS ``prs_Gender``; empty means ``NonSpecifiedUnknown``
- ``prs_Birthdate``: date, not before 1900
- ``sng_EstimatedAge``: whole number 0-120, when the date of birth is unknown
- ``prs_Citizenship``: one ISO 3166 code, alpha-2 or alpha-3
- ``prs_Deceased``: true/false (also 1/0, yes/no, ya/tidak)
- ``sng_OriginVillage``: Kemendagri village code ``53.01.04.2003`` (dots optional)
- ``sng_ReportedOn``: date; default the day of the import
- ``sng_Stage``: Sinergi stage, ``reported`` (default) to ``closed``; ``identified`` needs
  ``vic_TraffickingStatus``, as the move into that stage does (a travel document before ``documented`` and a port
  of entry before ``repatriated`` are not part of the format: add them on the case page)
- ``sng_StageEnteredOn``: date the case entered that stage; default ``sng_ReportedOn``, never before it
- ``sng_Outcome``: Sinergi outcome; required with stage ``closed`` and only then
- ``cas_Status``: HTCDS ``cas_Status``; must agree with the stage (``Closed``/``ClosedReferred`` = closed;
  without ``sng_Stage`` it sets the stage)
- ``vic_TraffickingStatus``, ``vic_TraffickingStatusDecisionMakingOrg``: HTCDS picklists (the organisation
  and ``sng_TraffickingStatusDecidedOn``, a date, only together with a status)
- ``vic_TypeOfExploitation`` (the first value is the primary one), ``vic_TypeOfSexExploitation``,
  ``vic_MethodsOfControl``, ``vic_MethodOfRecruitment``, ``vic_RecruitmentWebsitesAndApps``,
  ``vic_ExploitationWebsitesAndApps``: HTCDS multi-value picklists
- ``vic_ForcedLabourIndustry``, ``vic_RelationshipToTrafficker``: HTCDS picklists
- ``sng_RecruitedOn``, ``hte_Date`` (exploitation began), ``sng_ExploitationEndedOn``: dates, in that order
- ``hte_Country``: country of exploitation, ISO alpha-2 or alpha-3; ``hte_City``: text, max 120
- ``sng_Summary``: text, max 20,000

Dates are ISO ``YYYY-MM-DD`` and never in the future. Multi values are ``;``-separated in CSV (``,`` is
accepted for picklists) and arrays in JSON. Picklist values match case-insensitively and are stored in their
HTCDS spelling. Identity documents, contacts and addresses are not part of the format: export never writes
them and import ignores such columns (with a warning), like any other unknown column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sinergi.cases.enums import Outcome, Stage
from sinergi.core import htcds

EXTERNAL_ID = "sng_ExternalId"
FULL_NAME = "sng_FullName"
NAME_PARTS = ("prs_FirstName", "prs_MiddleName", "prs_SecondName")

# Kinds of value: how a raw cell is read.
TEXT, MULTI_TEXT, PICK, MULTI_PICK, CHOICE, DATE, INT, BOOL, COUNTRY, VILLAGE = (
    "text", "multi_text", "pick", "multi_pick", "choice", "date", "int", "bool", "country", "village",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    # Which attribute of the clean row it fills (``None``: handled by the row rules, e.g. name parts).
    target: str | None
    max_length: int | None = None
    vocabulary: str | None = None  # HTCDS field for PICK/MULTI_PICK
    choices: tuple[str, ...] = ()  # for CHOICE
    max_value: int | None = None  # for INT (the minimum is 0)
    export: bool = True

    def allowed(self) -> tuple[str, ...]:
        if self.vocabulary:
            return htcds.values(self.vocabulary)
        return self.choices


COLUMNS: tuple[Column, ...] = (
    Column(EXTERNAL_ID, TEXT, "external_id", max_length=100),
    Column(FULL_NAME, TEXT, "full_name", max_length=200),
    Column("prs_FirstName", TEXT, None, max_length=200, export=False),
    Column("prs_MiddleName", TEXT, None, max_length=200, export=False),
    Column("prs_SecondName", TEXT, None, max_length=200, export=False),
    Column("sng_Aliases", MULTI_TEXT, "aliases", max_length=200),
    Column("prs_Gender", PICK, "sex", vocabulary="prs_Gender"),
    Column("prs_Birthdate", DATE, "date_of_birth"),
    Column("sng_EstimatedAge", INT, "estimated_age", max_value=120),
    Column("prs_Citizenship", COUNTRY, "citizenship_id"),
    Column("prs_Deceased", BOOL, "deceased"),
    Column("sng_OriginVillage", VILLAGE, "origin_village_id"),
    Column("sng_ReportedOn", DATE, "reported_on"),
    Column("sng_Stage", CHOICE, "stage", choices=tuple(Stage.values)),
    Column("sng_StageEnteredOn", DATE, "stage_entered_on"),
    Column("sng_Outcome", CHOICE, "outcome", choices=tuple(Outcome.values)),
    Column("cas_Status", PICK, "cas_status", vocabulary="cas_Status"),
    Column("vic_TraffickingStatus", PICK, "victim_status", vocabulary="vic_TraffickingStatus"),
    Column("vic_TraffickingStatusDecisionMakingOrg", PICK, "victim_status_decided_by",
           vocabulary="vic_TraffickingStatusDecisionMakingOrg"),
    Column("sng_TraffickingStatusDecidedOn", DATE, "victim_status_decided_on"),
    Column("vic_TypeOfExploitation", MULTI_PICK, "exploitation_types", vocabulary="vic_TypeOfExploitation"),
    Column("vic_TypeOfSexExploitation", MULTI_PICK, "sex_exploitation_types", vocabulary="vic_TypeOfSexExploitation"),
    Column("vic_ForcedLabourIndustry", PICK, "forced_labour_industry", vocabulary="vic_ForcedLabourIndustry"),
    Column("vic_MethodsOfControl", MULTI_PICK, "means_of_control", vocabulary="vic_MethodsOfControl"),
    Column("vic_MethodOfRecruitment", MULTI_PICK, "recruitment_methods", vocabulary="vic_MethodOfRecruitment"),
    Column("vic_RecruitmentWebsitesAndApps", MULTI_PICK, "recruitment_apps",
           vocabulary="vic_RecruitmentWebsitesAndApps"),
    Column("vic_ExploitationWebsitesAndApps", MULTI_PICK, "exploitation_apps",
           vocabulary="vic_ExploitationWebsitesAndApps"),
    Column("vic_RelationshipToTrafficker", PICK, "relation_to_trafficker", vocabulary="vic_RelationshipToTrafficker"),
    Column("sng_RecruitedOn", DATE, "recruited_on"),
    Column("hte_Country", COUNTRY, "country_of_exploitation_id"),
    Column("hte_City", TEXT, "city_of_exploitation", max_length=120),
    Column("hte_Date", DATE, "exploitation_started_on"),
    Column("sng_ExploitationEndedOn", DATE, "exploitation_ended_on"),
    Column("sng_Summary", TEXT, "summary", max_length=20000),
)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
EXPORT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.export)
# A file must carry the idempotency key and some way of naming the survivor.
REQUIRED_COLUMNS = (EXTERNAL_ID,)
NAME_COLUMNS = (FULL_NAME,) + NAME_PARTS


def cas_status_for(stage: str) -> str:
    """HTCDS ``cas_Status`` written on export: closed cases are ``Closed``, reintegrated ones in follow-up."""
    if stage == Stage.CLOSED:
        return "Closed"
    if stage == Stage.REINTEGRATED:
        return "FollowUp"
    return "Active"


CLOSED_STATUSES = frozenset({"Closed", "ClosedReferred"})


def format_value(column: Column, value: Any, *, json_mode: bool) -> Any:
    """One exported value: CSV cells are text, JSON keeps arrays, numbers and booleans."""
    if column.kind in (MULTI_TEXT, MULTI_PICK):
        items = list(value or [])
        return items if json_mode else ";".join(items)
    if value is None or value == "":
        return None if json_mode else ""
    if column.kind == DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if column.kind == BOOL:
        return bool(value) if json_mode else ("true" if value else "false")
    if column.kind == INT:
        return int(value) if json_mode else str(value)
    return value
