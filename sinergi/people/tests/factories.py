"""Factory for persons (shared by every app's tests); builds rows directly, without audit rows."""

from __future__ import annotations

import factory

from sinergi.people.models import Person
from sinergi.people.services import person_refresh_name_keys


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
