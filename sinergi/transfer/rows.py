"""Checking one imported row: every field by its column's kind, then the rules between fields.

Lookups (region codes, countries, HTCDS values) are loaded once per import into sets and dicts, so a row is
checked without touching the database: the import of 100,000 rows must stay close to the speed of a raw
bulk insert. The rules are those of ``people.services.validate_person_fields`` and
``cases.services.validate_details``, with the same messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from sinergi.cases.bulk import NewCase
from sinergi.cases.enums import STAGE_REQUIREMENTS, Stage
from sinergi.core import clock
from sinergi.people.bulk import NewPerson
from sinergi.regions.enums import Level
from sinergi.regions.models import Region
from sinergi.regions.selectors import country_codes

from .columns import (
    BOOL, CHOICE, CLOSED_STATUSES, COLUMNS, COUNTRY, DATE, EXTERNAL_ID, FULL_NAME, INT, MULTI_PICK, MULTI_TEXT,
    NAME_PARTS, PICK, TEXT, VILLAGE, Column,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from sinergi.core.i18n import message

Problem = tuple[int, str, str]  # line, field (column name), message

REQUIRED = gettext_lazy("Wajib diisi.")
# The column that carries each field a stage requires (``cases.enums.STAGE_REQUIREMENTS``), where there is one.
REQUIREMENT_COLUMNS = {"victim_status": "vic_TraffickingStatus", "outcome": "sng_Outcome"}
FUTURE = gettext_lazy("Tanggal tidak boleh di masa depan.")
_TRUE = frozenset({"true", "1", "yes", "ya", "y"})
_FALSE = frozenset({"false", "0", "no", "tidak", "n"})


class Bad(Exception):
    """A value that cannot be accepted; the message is shown with the line and column."""


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass
class Lookups:
    regions: dict[str, int]          # Kemendagri code -> level
    countries: dict[str, str]        # alpha-2 or alpha-3 (upper case) -> alpha-2
    today: dt.date

    @classmethod
    def load(cls) -> "Lookups":
        return cls(regions=dict(Region.objects.values_list("code", "level")), countries=country_codes(),
                   today=clock.today())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        if "\x00" in value:  # a JSON "\u0000": no database text column takes it
            raise Bad(_("Karakter NUL tidak diizinkan."))
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise Bad(_("Harus teks."))


def _items(value: Any, separators: tuple[str, ...]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [s for s in (_text(v) for v in value) if s]
    text = _text(value)
    if not text:
        return []
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    return [s for s in (p.strip() for p in text.split(separators[0])) if s]


def _parser(col: Column, lk: Lookups) -> Callable[[Any], Any]:
    """A function from the raw cell to the clean value; raises ``Bad``. Empty cells give the empty value."""
    kind, max_length = col.kind, col.max_length
    if kind == TEXT:
        def parse(v):
            s = _text(v)
            if max_length and len(s) > max_length:
                raise Bad(_("Terlalu panjang (maks. %(limit)s).") % {"limit": max_length})
            return s
    elif kind == MULTI_TEXT:
        def parse(v):
            items = list(dict.fromkeys(_items(v, (";",))))
            if max_length and any(len(i) > max_length for i in items):
                raise Bad(_("Terlalu panjang (maks. %(limit)s).") % {"limit": max_length})
            return items
    elif kind in (PICK, CHOICE, MULTI_PICK):
        canonical = {v.lower(): v for v in col.allowed()}
        label = _("Nilai HTCDS tidak dikenal") if col.vocabulary else \
            _("Nilai tidak dikenal")
        # Name what is accepted, so that "Male" is answered with "Masculine" among the choices.
        allowed_hint = " " + _("(pilihan: %(allowed)s)") % {"allowed": ", ".join(col.allowed())}
        if kind == MULTI_PICK:
            def parse(v):
                out, bad = [], []
                for item in _items(v, (";", ",")):
                    hit = canonical.get(item.lower())
                    (out if hit else bad).append(hit or item)
                if bad:
                    raise Bad(f"{label}: {_shown(', '.join(bad))}")
                return list(dict.fromkeys(out))
        else:
            def parse(v):
                s = _text(v)
                if not s:
                    return ""
                hit = canonical.get(s.lower())
                if hit is None:
                    raise Bad(f"{label}: {_shown(s)}{allowed_hint}")
                return hit
    elif kind == DATE:
        today = lk.today

        def parse(v):
            s = _text(v)
            if not s:
                return None
            if len(s) != 10 or s[4] != "-" or s[7] != "-":
                raise Bad(message(_("Tanggal tidak valid, gunakan YYYY-MM-DD: %(value)s"), value=_shown(s)))
            try:
                d = dt.date.fromisoformat(s)
            except ValueError:
                raise Bad(message(_("Tanggal tidak valid: %(value)s"), value=_shown(s))) from None
            if d > today:
                raise Bad(str(FUTURE))
            if d.year < 1900:
                raise Bad(_("Tanggal tidak masuk akal."))
            return d
    elif kind == INT:
        top = col.max_value

        def parse(v):
            if isinstance(v, bool):
                raise Bad(_("Harus bilangan bulat."))
            s = _text(v)
            if not s:
                return None
            try:
                n = int(s)
            except ValueError:
                raise Bad(message(_("Harus bilangan bulat: %(value)s"), value=_shown(s))) from None
            if n < 0 or (top is not None and n > top):
                raise Bad(message(_("Harus 0-%(top)s."), top=top))
            return n
    elif kind == BOOL:
        def parse(v):
            if isinstance(v, bool):
                return v
            s = _text(v).lower()
            if not s or s in _FALSE:
                return False
            if s in _TRUE:
                return True
            raise Bad(message(_("Harus true/false: %(value)s"), value=_shown(s)))
    elif kind == COUNTRY:
        countries = lk.countries

        def parse(v):
            s = _text(v).upper()
            if not s:
                return None
            code = countries.get(s)
            if code is None:
                raise Bad(message(_("Kode negara tidak dikenal: %(value)s"), value=_shown(s)))
            return code
    elif kind == VILLAGE:
        regions = lk.regions

        def parse(v):
            s = _text(v)
            if not s:
                return None
            if len(s) == 10 and s.isdigit():  # the same code written without dots
                s = f"{s[:2]}.{s[2:4]}.{s[4:6]}.{s[6:]}"
            level = regions.get(s)
            if level is None:
                raise Bad(message(_("Kode wilayah tidak dikenal: %(value)s"), value=_shown(s)))
            if level != Level.VILLAGE:
                raise Bad(message(_("Kode harus kode desa/kelurahan: %(value)s"), value=_shown(s)))
            return s
    else:  # pragma: no cover - a column kind without a parser is a programming error
        raise ValueError(kind)
    return parse


@dataclass(slots=True)
class Valid:
    line: int
    external_id: str
    person: NewPerson
    case: NewCase


class RowChecker:
    """Checks rows of one file; ``check`` returns a ``Valid`` or adds problems to ``problems``."""

    def __init__(self, lookups: Lookups, problems: list[Problem]):
        self.plan = [(c.name, c.target, _parser(c, lookups)) for c in COLUMNS]
        self.problems = problems
        self.today = lookups.today

    def check(self, line: int, raw: dict[str, Any]) -> Valid | None:
        problems = self.problems
        before = len(problems)
        v: dict[str, Any] = {}
        failed: set[str] = set()
        get = raw.get
        for name, target, parse in self.plan:
            try:
                v[target or name] = parse(get(name))
            except Bad as exc:
                problems.append((line, name, str(exc)))
                v[target or name] = None
                failed.add(target or name)
        self._rules(line, v, failed)
        if len(problems) > before:
            return None
        return self._build(line, v)

    def _rules(self, line: int, v: dict[str, Any], failed: set[str]) -> None:
        """Rules between fields; a field that already failed is not blamed again."""
        add = self.problems.append
        if not v["external_id"] and "external_id" not in failed:
            add((line, EXTERNAL_ID, str(REQUIRED)))
        if not v["full_name"] and not failed.intersection(("full_name",) + NAME_PARTS):
            parts = [v[p] for p in NAME_PARTS if v[p]]
            v["full_name"] = " ".join(parts)
            if not parts:
                add((line, FULL_NAME, _("Nama wajib diisi.")))
            elif len(v["full_name"]) > 200:
                add((line, NAME_PARTS[0], _("Nama terlalu panjang (maks. 200).")))
        if not v["victim_status"]:
            if v["victim_status_decided_by"]:
                add((line, "vic_TraffickingStatusDecisionMakingOrg",
                     _("Hanya bersama vic_TraffickingStatus.")))
            if v["victim_status_decided_on"]:
                add((line, "sng_TraffickingStatusDecidedOn",
                     _("Hanya bersama vic_TraffickingStatus.")))
        if not failed.intersection(("stage", "cas_status", "outcome", "stage_entered_on", "reported_on")):
            self._stage_rules(line, v)
        self._order_rules(line, v)

    def _stage_rules(self, line: int, v: dict[str, Any]) -> None:
        add = self.problems.append
        stage, status, outcome = v["stage"], v["cas_status"], v["outcome"]
        if status in CLOSED_STATUSES and stage and stage != Stage.CLOSED:
            add((line, "cas_Status", message(_("Tidak sesuai dengan sng_Stage %(stage)s."), stage=stage)))
        if status and status not in CLOSED_STATUSES and stage == Stage.CLOSED:
            add((line, "cas_Status", _("Kasus ditutup, status harus Closed.")))
        if not stage:
            stage = v["stage"] = Stage.CLOSED if status in CLOSED_STATUSES else Stage.REPORTED
        for field in STAGE_REQUIREMENTS.get(stage, ()):
            # What the stage needs, where the format carries it (identity documents and ports are not part of it).
            column = REQUIREMENT_COLUMNS.get(field)
            if column and column != "sng_Outcome" and not v[field]:
                add((line, column, message(_("Wajib untuk tahap %(stage)s."), stage=stage)))
        if stage == Stage.CLOSED and not outcome:
            add((line, "sng_Outcome", _("Kasus ditutup dengan hasil akhir.")))
        if stage != Stage.CLOSED and outcome:
            add((line, "sng_Outcome", _("Hasil akhir hanya untuk kasus ditutup.")))
        entered, reported = v["stage_entered_on"], v["reported_on"] or self.today
        if entered and entered < reported:
            add((line, "sng_StageEnteredOn", _("Tidak boleh sebelum sng_ReportedOn.")))

    def _order_rules(self, line: int, v: dict[str, Any]) -> None:
        add = self.problems.append
        order = [("sng_RecruitedOn", v["recruited_on"]), ("hte_Date", v["exploitation_started_on"]),
                 ("sng_ExploitationEndedOn", v["exploitation_ended_on"])]
        for (first, a), (second, b) in zip(order, order[1:]):
            if a and b and b < a:
                add((line, second, message(_("Harus sesudah %(first)s."), first=first)))

    def _build(self, line: int, v: dict[str, Any]) -> Valid:
        reported = v["reported_on"] or self.today
        entered = v["stage_entered_on"]
        person = NewPerson(
            full_name=v["full_name"], sex=v["sex"] or "NonSpecifiedUnknown", date_of_birth=v["date_of_birth"],
            estimated_age=v["estimated_age"], citizenship_id=v["citizenship_id"],
            origin_village_id=v["origin_village_id"], deceased=bool(v["deceased"]), aliases=v["aliases"] or [],
        )
        case = NewCase(
            external_id=v["external_id"], survivor_id=None, origin_village_id=v["origin_village_id"],
            reported_on=reported, stage=v["stage"],
            stage_entered_at=_midnight(entered) if entered else None, outcome=v["outcome"] or "",
            victim_status=v["victim_status"], victim_status_decided_by=v["victim_status_decided_by"],
            victim_status_decided_on=v["victim_status_decided_on"], exploitation_types=v["exploitation_types"],
            sex_exploitation_types=v["sex_exploitation_types"], forced_labour_industry=v["forced_labour_industry"],
            means_of_control=v["means_of_control"], recruitment_methods=v["recruitment_methods"],
            recruitment_apps=v["recruitment_apps"], exploitation_apps=v["exploitation_apps"],
            relation_to_trafficker=v["relation_to_trafficker"],
            country_of_exploitation_id=v["country_of_exploitation_id"],
            city_of_exploitation=v["city_of_exploitation"], recruited_on=v["recruited_on"],
            exploitation_started_on=v["exploitation_started_on"], exploitation_ended_on=v["exploitation_ended_on"],
            summary=v["summary"], line=line,
        )
        return Valid(line=line, external_id=v["external_id"], person=person, case=case)


def _midnight(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
