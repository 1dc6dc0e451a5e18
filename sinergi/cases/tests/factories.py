"""Factory for cases with their first stage entry (shared by every app's tests); builds rows directly, without
audit rows."""

from __future__ import annotations

import datetime as dt

import factory

from sinergi.agencies.tests.factories import AgencyFactory
from sinergi.cases.enums import Stage
from sinergi.cases.models import Case, CaseExploitationType, StageEntry
from sinergi.core import clock
from sinergi.people.tests.factories import PersonFactory


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
            StageEntry.objects.create(case=obj, stage=obj.stage, entered_at=obj.stage_entered_at,
                                      agency=obj.lead_agency)
            CaseExploitationType.objects.bulk_create(
                [CaseExploitationType(case=obj, type=t) for t in obj.exploitation_types])
