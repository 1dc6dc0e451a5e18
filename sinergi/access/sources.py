"""The records the need-to-know decision reads (cases, persons, reports, referrals and their shared sections,
notices, import jobs). Their apps sit above ``access`` and register them from their ``AppConfig.ready()``; the
decision itself (``visibility``, ``sections``) stays here, in one place, and imports none of those apps."""

from __future__ import annotations

from typing import Any

_SOURCES: dict[str, Any] = {}

# name -> what the owning app registers
NAMES = {
    "case": "cases.models.Case",
    "person": "people.models.Person",
    "report": "intake.models.Report",
    "referral": "referrals.models.Referral",
    "referral_active": "referrals.enums.ACTIVE (statuses in which a referral shares its sections)",
    "notice": "referrals.models.Notice",
    "notice_recipient": "referrals.models.NoticeRecipient",
    "import_job": "transfer.models.ImportJob",
}


def register(**sources: Any) -> None:
    for name, source in sources.items():
        if name not in NAMES:
            raise KeyError(f"unknown access source {name!r}")
        _SOURCES[name] = source


def get(name: str) -> Any:
    try:
        return _SOURCES[name]
    except KeyError:
        raise LookupError(f"access source {name!r} is not registered ({NAMES[name]})") from None
