"""Shared test helpers: factories for agencies, users with roles, persons and cases.

Factories build rows directly (fast, no audit rows) for setting the scene; tests of behaviour call services.
"""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth.hashers import make_password

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.agencies.models import Agency, Membership, User
from sinergi.cases.enums import Stage
from sinergi.cases.models import Case, StageEntry
from sinergi.core import clock
from sinergi.people.models import Person
from sinergi.people.services import person_refresh_name_keys

_seq = itertools.count(1)
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


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Siti Nurhaliza {n}")
    sex = "Feminine"
    estimated_age = 24
    citizenship_id = "ID"
    origin_village_id = "53.01.04.2003"
    origin_province_id = "53"
    origin_regency_id = "53.01"
    phone = "081234567890"
    address = "Jl. Merdeka 1"

    @factory.post_generation
    def name_keys(obj, create, extracted, **kwargs):
        if create:
            person_refresh_name_keys(obj)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"SNG-2026-9{n:05d}")
    survivor = factory.SubFactory(PersonFactory)
    lead_agency = factory.SubFactory(AgencyFactory)
    stage = Stage.REPORTED
    stage_entered_at = factory.LazyFunction(lambda: clock.now() - dt.timedelta(days=3))
    reported_on = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=3))
    exploitation_types = factory.LazyFunction(lambda: ["ForcedLabour"])
    primary_exploitation = "ForcedLabour"
    country_of_exploitation_id = "KH"
    origin_province_id = factory.SelfAttribute("survivor.origin_province_id")
    origin_regency_id = factory.SelfAttribute("survivor.origin_regency_id")

    @factory.post_generation
    def stage_entry(obj, create, extracted, **kwargs):
        if create:
            from sinergi.cases.models import CaseExploitationType

            StageEntry.objects.create(case=obj, stage=obj.stage, entered_at=obj.stage_entered_at,
                                      agency=obj.lead_agency)
            CaseExploitationType.objects.bulk_create(
                [CaseExploitationType(case=obj, type=t) for t in obj.exploitation_types])


ALL_ROLES = [r.value for r in Role]
