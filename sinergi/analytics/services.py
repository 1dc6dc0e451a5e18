"""Writes of the analytics app: the audited de-identified release and annual report. Both contain no personal
data, but they leave the system, so each one is recorded in the audit log with its parameters."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require_aggregates
from sinergi.access.principal import Principal
from sinergi.audit.enums import Action
from sinergi.audit.services import SYSTEM, audit_log
from sinergi.core.errors import PermissionDenied

from .deid.release import QUASI_IDENTIFIERS, Plan, write_release
from .report import report_bytes


def _actor(user, cap: Cap):
    if user is None:  # the command line: the operator of the machine
        return SYSTEM
    principal = Principal.of(user)
    if not principal.can(cap):
        raise PermissionDenied(str(cap))
    return principal.actor(principal.agencies_with(cap)[0])


def release_export(*, actor, out: TextIO, k: int = 5, fmt: str = "csv", max_suppressed: float = 0.05,
                   quasi: tuple[str, ...] = QUASI_IDENTIFIERS, via: str = "web") -> Plan:
    """Write the k-anonymous release to ``out`` and its EXPORT audit row. ``actor`` None: the command line."""
    who = _actor(actor, Cap.RELEASE)
    plan = write_release(out, k=k, fmt=fmt, quasi=quasi, max_suppressed=max_suppressed)
    with transaction.atomic():
        audit_log(actor=who, action=Action.EXPORT, object_type="deidentified_release",
                  detail={"via": via, "format": fmt, **plan.summary()})
    return plan


def report_export(*, actor, year: int, province: str = "", fmt: str = "pdf", language: str = "id",
                  via: str = "web") -> bytes:
    """The annual report as PDF or Excel bytes, and its EXPORT audit row."""
    if actor is not None:
        require_aggregates(actor)
    who = _actor(actor, Cap.AGGREGATES)
    data = report_bytes(year, province=province, fmt=fmt, language=language)
    with transaction.atomic():
        audit_log(actor=who, action=Action.EXPORT, object_type="annual_report",
                  detail={"via": via, "year": year, "province": province, "format": fmt, "language": language})
    return data
