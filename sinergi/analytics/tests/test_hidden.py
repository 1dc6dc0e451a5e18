"""The hidden-victims estimate from the linked persons: lists by agency type, the background run's clusters
counted as one person, pending pairs re-drawn, aggregates for aggregate roles only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import AgencyType, Role
from sinergi.analytics.hidden import HiddenQuery, hidden_estimate
from sinergi.core import clock
from sinergi.core.errors import PermissionDenied
from sinergi.core.testing import AgencyFactory, CaseFactory, PersonFactory, user_with_role
from sinergi.linkage.models import LinkRun, PersonCluster
from sinergi.linkage.tests.factories import pair_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    shelter = AgencyFactory(code="h-shelter", type=AgencyType.PROVINCIAL_SERVICE)
    police = AgencyFactory(code="h-police", type=AgencyType.POLICE)
    ngo = AgencyFactory(code="h-ngo", type=AgencyType.NGO)
    persons = [PersonFactory(full_name=f"Orang Uji {i}") for i in range(60)]
    for i, p in enumerate(persons):
        for agency, on in ((shelter, i < 34), (police, 16 <= i < 44), (ngo, i % 2 == 0 and i < 50)):
            if on:
                CaseFactory(lead_agency=agency, survivor=p, reported_on=clock.today() - dt.timedelta(days=3))
    analyst = user_with_role(Role.ANALYST, AgencyFactory(code="h-tf", type=AgencyType.TASK_FORCE))
    query = HiddenQuery(clock.today() - dt.timedelta(days=30), clock.today(),
                        lists=(AgencyType.PROVINCIAL_SERVICE, AgencyType.POLICE, AgencyType.NGO), draws=10,
                        replicates=100)
    return {"persons": persons, "analyst": analyst, "query": query, "shelter": shelter}


def test_lists_and_clusters(lists):
    result = hidden_estimate(actor=lists["analyst"], query=lists["query"])
    observed = result.estimate["observed"]
    # Persons 0-43 and the even ones up to 48 are on some list; 49-59 on none.
    assert observed == 47 and result.uncertain_pairs == 0 and "linkage" not in result.estimate
    assert result.list_sizes == {"ngo": 25, "police": 28, "provincial_service": 34}
    assert result.estimate["estimate"]["total"] >= observed and result.caveats
    # Two persons linked for certain by the background run count as one.
    run = LinkRun.objects.create(started_at=clock.now())
    a, b = lists["persons"][0], lists["persons"][43]
    PersonCluster.objects.bulk_create([PersonCluster(person=a, cluster="k1", run=run),
                                       PersonCluster(person=b, cluster="k1", run=run)])
    assert hidden_estimate(actor=lists["analyst"], query=lists["query"]).estimate["observed"] == 46


def test_pending_pairs_are_redrawn_and_their_spread_reported(lists):
    persons = lists["persons"]
    for a, b in ((persons[1], persons[41]), (persons[3], persons[43]), (persons[5], persons[39])):
        pair_of(a, b, 0.6)
    result = hidden_estimate(actor=lists["analyst"], query=lists["query"])
    assert result.uncertain_pairs == 3
    linkage = result.estimate["linkage"]
    assert linkage["draws"] == 10 and linkage["total"]["lower"] <= linkage["total"]["upper"]


def test_aggregates_only_and_at_least_two_lists(lists):
    with pytest.raises(PermissionDenied):
        hidden_estimate(actor=user_with_role(Role.CASE_MANAGER, lists["shelter"]), query=lists["query"])
    q = lists["query"]
    q.lists = (AgencyType.POLICE,)
    with pytest.raises(ValidationError):
        hidden_estimate(actor=lists["analyst"], query=q)
