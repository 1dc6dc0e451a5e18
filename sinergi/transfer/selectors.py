"""Reads for import and export: which agency an import goes to, which cases an export may contain, import
jobs, and the export filters read from request parameters or command options."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from django.db.models import QuerySet

from sinergi.access.capabilities import Cap
from sinergi.access.policy import require
from sinergi.access.principal import Principal
from sinergi.access.visibility import cases_visible_to, import_jobs_visible_to
from sinergi.agencies.models import Agency
from sinergi.cases.enums import Stage, VictimStatus
from sinergi.cases.selectors import CaseFilters, filter_cases
from sinergi.core import htcds
from sinergi.core.errors import NotFound, PermissionDenied
from sinergi.core.validation import Errors

from .models import ImportJob
from django.utils.translation import gettext as _
from sinergi.core.i18n import message

FILTER_PARAMS = (
    "stage", "origin_province", "origin_regency", "country_of_exploitation", "exploitation_type",
    "victim_status", "reported_from", "reported_to", "q",
)


def _agency_by_code(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise NotFound("agency")
    return agency


def agency_for(user, cap: Cap, code: str | None = None) -> Agency:
    """The agency the user acts in for ``cap``: the one named by ``code``, else their only such agency.

    NotFound for an unknown code, PermissionDenied without ``cap`` there (or anywhere), a field error when
    the user holds ``cap`` in several agencies and did not say which.
    """
    if code:
        agency = _agency_by_code(code)
        require(user, cap, agency.pk)
        return agency
    ids = Principal.of(user).agencies_with(cap)
    if not ids:
        raise PermissionDenied(f"missing capability {cap}")
    if len(ids) > 1:
        codes = ", ".join(sorted(Agency.objects.filter(pk__in=ids).values_list("code", flat=True)))
        errors = Errors()
        errors.add("agency", message(_("Pilih lembaga: %(codes)s"), codes=codes))
        errors.raise_if_any()
    return Agency.objects.get(pk=ids[0])


def export_agency_ids(user, code: str | None = None) -> list:
    """Lead agencies whose cases the user may export: the named one, or every one where they hold
    ``case.export``. PermissionDenied when there is none."""
    if code:
        agency = _agency_by_code(code)
        require(user, Cap.CASE_EXPORT, agency.pk)
        return [agency.pk]
    ids = Principal.of(user).agencies_with(Cap.CASE_EXPORT)
    if not ids:
        raise PermissionDenied(f"missing capability {Cap.CASE_EXPORT}")
    return ids


def cases_for_export(user, filters: CaseFilters | None = None, *, agency_code: str | None = None) -> QuerySet:
    """Visible cases led by an agency where the user holds ``case.export`` (a case referred to the user's
    agency is visible but not theirs to export), filtered, oldest report first."""
    qs = cases_visible_to(user).filter(lead_agency_id__in=export_agency_ids(user, agency_code))
    if filters:
        qs = filter_cases(qs, filters)
    return qs.order_by("reported_on", "reference")


def import_job_get(user, job_id, *, cap: Cap | None = None) -> ImportJob:
    """A job of the user's agencies (with ``cap``: of agencies where they hold it); NotFound otherwise."""
    try:
        return import_jobs_visible_to(user, cap).select_related("agency", "created_by").get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound("import job") from None
    except Exception as exc:  # a malformed UUID raises ValidationError from the field
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound("import job") from None
        raise


def import_agencies(user) -> list[Agency]:
    """Agencies where the user may import cases (``case.import``), by name; empty for everyone else."""
    ids = Principal.of(user).agencies_with(Cap.CASE_IMPORT)
    return list(Agency.objects.filter(pk__in=ids).order_by("name")) if ids else []


def import_job_for_importer(user, job_id) -> ImportJob:
    """A job of an agency where the user may import (the web pages show its rejected rows); NotFound otherwise."""
    return import_job_get(user, job_id, cap=Cap.CASE_IMPORT)


def import_jobs_recent(user, limit: int = 20) -> list[ImportJob]:
    """The latest jobs of the agencies where the user may import, newest first (the web import page)."""
    return list(import_jobs_visible_to(user, Cap.CASE_IMPORT).select_related("agency", "created_by")
                .defer("errors", "warnings", "present")[:limit])


def _date(errors: Errors, field: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field, _("Tanggal tidak valid, gunakan YYYY-MM-DD."))
        return None


def filters_from(params: Mapping[str, Any]) -> tuple[CaseFilters, dict[str, Any]]:
    """Export filters from request parameters or command options; also the plain dict recorded in the audit.

    ``stage`` may repeat or be comma-separated. Unknown values are field errors, not empty exports.
    """
    errors = Errors()
    getlist = getattr(params, "getlist", None)
    raw_stage = getlist("stage") if getlist else params.get("stage")
    if isinstance(raw_stage, str):
        raw_stage = [raw_stage]
    stages = [s.strip() for item in (raw_stage or []) for s in str(item).split(",") if s.strip()]
    errors.in_choices("stage", stages, Stage.values)
    get = params.get
    victim_status = (get("victim_status") or "").strip()
    errors.in_choices("victim_status", victim_status, VictimStatus.values)
    exploitation = (get("exploitation_type") or "").strip()
    errors.in_choices("exploitation_type", exploitation, htcds.values("vic_TypeOfExploitation"))
    country = (get("country_of_exploitation") or "").strip().upper()
    if country and len(country) != 2:
        errors.add("country_of_exploitation", _("Kode ISO alpha-2."))
    f = CaseFilters(
        stage=stages or None, origin_province=(get("origin_province") or "").strip() or None,
        origin_regency=(get("origin_regency") or "").strip() or None, country_of_exploitation=country or None,
        exploitation_type=exploitation or None, victim_status=victim_status or None,
        reported_from=_date(errors, "reported_from", get("reported_from")),
        reported_to=_date(errors, "reported_to", get("reported_to")),
        q=(get("q") or "").strip() or None,
    )
    errors.order("reported_from", f.reported_from, "reported_to", f.reported_to, label=_("tanggal awal"))
    errors.raise_if_any()
    used = {k: (stages if k == "stage" else get(k)) for k in FILTER_PARAMS if (stages if k == "stage" else get(k))}
    return f, {k: (v if isinstance(v, list) else str(v)) for k, v in used.items()}
