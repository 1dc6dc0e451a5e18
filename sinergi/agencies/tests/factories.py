"""Factories for agencies and users with roles (shared by every app's tests).

Factories build rows directly (fast, no audit rows) for setting the scene; tests of behaviour call services.
"""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.agencies.models import Agency, Membership, User

PASSWORD = "demo-password-123"
_HASHED = None


def hashed_password() -> str:
    global _HASHED
    if _HASHED is None:
        _HASHED = make_password(PASSWORD)
    return _HASHED


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Lembaga Uji {n}")
    type = AgencyType.PROVINCIAL_SERVICE
    country_id = "ID"
    level = Level.PROVINCE
    region_id = "53"  # Nusa Tenggara Timur


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.LazyFunction(hashed_password)


def user_with_role(role: str, agency: Agency | None = None, **kwargs) -> User:
    agency = agency or AgencyFactory()
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


ALL_ROLES = [r.value for r in Role]
