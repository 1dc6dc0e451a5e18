"""Who is acting: a user with their active memberships, resolved once per request."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sinergi.audit.services import Actor

from .capabilities import CASEWORK_ROLES, ROLE_CAPS, Cap


def as_agency_id(value):
    """Agency keys are UUIDs; callers that pass the text form (an API field, a form value) mean the same agency."""
    if isinstance(value, str) and value:
        try:
            return uuid.UUID(value)
        except ValueError:
            return value
    return value


@dataclass
class Principal:
    user: Any
    # (agency_id, role) pairs of active memberships in active agencies
    memberships: list[tuple[Any, str]] = field(default_factory=list)
    # those of the agencies that require a second factor at sign-in (read in the same query)
    mfa_agency_ids: frozenset = frozenset()
    # those of village and district offices, which file reports onward and lead no case (``access.reporting``)
    reporting_office_ids: frozenset = frozenset()

    @classmethod
    def of(cls, user) -> "Principal":
        cached = getattr(user, "_sinergi_principal", None)
        if cached is not None:
            return cached
        from sinergi.agencies.models import Membership

        from .reporting import REPORTING_LEVELS, REPORTING_TYPES

        rows: list[tuple[Any, str, bool, str, str]] = []
        if user is not None and getattr(user, "is_authenticated", False) and user.is_active:
            rows = list(
                Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
                .order_by("created_at")
                .values_list("agency_id", "role", "agency__mfa_required", "agency__type", "agency__level")
            )
        principal = cls(user=user, memberships=[(a, role) for a, role, *_ in rows],
                        mfa_agency_ids=frozenset(a for a, _, required, *_ in rows if required),
                        reporting_office_ids=frozenset(a for a, _, _, type_, level in rows
                                                       if type_ in REPORTING_TYPES or level in REPORTING_LEVELS))
        if user is not None:
            user._sinergi_principal = principal
        return principal

    def roles_in(self, agency_id) -> set[str]:
        agency_id = as_agency_id(agency_id)
        return {role for a, role in self.memberships if a == agency_id}

    def caps_in(self, agency_id) -> frozenset[Cap]:
        caps: set[Cap] = set()
        for role in self.roles_in(agency_id):
            caps |= ROLE_CAPS.get(role, frozenset())
        return frozenset(caps)

    def can(self, cap: Cap, agency_id=None) -> bool:
        agency_id = as_agency_id(agency_id)
        if agency_id is not None:
            return cap in self.caps_in(agency_id)
        return any(cap in ROLE_CAPS.get(role, ()) for _, role in self.memberships)

    def agencies_with(self, cap: Cap) -> list:
        return sorted({a for a, role in self.memberships if cap in ROLE_CAPS.get(role, ())}, key=str)

    @cached_property
    def casework_agency_ids(self) -> list:
        return sorted({a for a, role in self.memberships if role in CASEWORK_ROLES}, key=str)

    @property
    def primary(self) -> tuple[Any, str] | tuple[None, str]:
        return self.memberships[0] if self.memberships else (None, "")

    def actor(self, agency_id=None) -> Actor:
        """The audit identity: the user, and the agency and role they act in for this object."""
        if agency_id is None:
            agency_id, role = self.primary
        else:
            roles = sorted(self.roles_in(agency_id))
            role = ",".join(roles)
        return Actor(
            user_id=getattr(self.user, "pk", None),
            username=getattr(self.user, "username", "") or "",
            agency_id=agency_id,
            role=role,
        )
