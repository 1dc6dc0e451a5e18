"""HTCDS value sets for case fields, and their validation."""

from __future__ import annotations

from typing import Any

from sinergi.core import htcds
from sinergi.core.validation import Errors
from django.utils.translation import gettext_lazy as _

LIST_FIELDS = {
    "exploitation_types": "vic_TypeOfExploitation",
    "sex_exploitation_types": "vic_TypeOfSexExploitation",
    "means_of_control": "vic_MethodsOfControl",
    "recruitment_methods": "vic_MethodOfRecruitment",
    "recruitment_apps": "vic_RecruitmentWebsitesAndApps",
    "exploitation_apps": "vic_ExploitationWebsitesAndApps",
}
CHOICE_FIELDS = {
    "forced_labour_industry": "vic_ForcedLabourIndustry",
    "relation_to_trafficker": "vic_RelationshipToTrafficker",
}


def validate_vocab(data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for field, htcds_field in LIST_FIELDS.items():
        if field in data:
            value = data[field] or []
            if isinstance(value, str):
                value = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
            if not isinstance(value, (list, tuple)):
                errors.add(field, _("Harus berupa daftar."))
                continue
            errors.in_choices(field, value, htcds.values(htcds_field))
            clean[field] = list(dict.fromkeys(value))
    for field, htcds_field in CHOICE_FIELDS.items():
        if field in data:
            value = data[field] or ""
            errors.in_choices(field, value, htcds.values(htcds_field))
            clean[field] = value
    return clean
