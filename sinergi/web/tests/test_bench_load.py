"""The load mode of ``benchmarks/bench_pages.py`` in a short form, so that it cannot rot: several signed-in
clients at once, each on its own connection, against a live server; every page answered, none failed."""

import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data(transactional_db):
    """Countries and regions, loaded again when a transactional test before this one (in the same process)
    emptied the database."""
    from sinergi.regions.models import Region
    from sinergi.regions.services import countries_load, regions_load

    if not Region.objects.filter(code="53.01.04.2003").exists():
        countries_load()
        regions_load(levels=(1, 2, 3, 4))


def test_load_mode_serves_several_clients_at_once(reference_data, live_server, settings):
    import bench_pages
    from django.db import connection

    # The test database on SQLite lives in memory, shared between the server's threads, where concurrent writes
    # fail at once ("table is locked") instead of waiting as a file database does: one client there.
    clients = 3 if connection.vendor == "postgresql" else 1

    settings.SINERGI_MFA_REQUIRED = False
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    for name in ("Siti Aminah", "Budi Santoso", "Dewi Lestari"):
        CaseFactory(lead_agency=agency, survivor=PersonFactory(full_name=name))
    port = urlparse(live_server.url).port
    paths = ["/cases/?q=Siti", "/cases/?q=budi&stage=reported", "/cases/?stage=reported&country_of_exploitation=KH"]
    result = bench_pages.load_run(port, user.username, PASSWORD, paths, clients=clients, requests=3, warm=1)
    assert result["errors"] == []
    assert len(result["client"]) == 3 * clients and all(ms > 0 for ms in result["client"])
    # A refused sign-in is an error of the run, not a crash.
    bad = bench_pages.load_run(port, user.username, "wrong-password", paths, clients=2, requests=1)
    assert bad["errors"] and bad["client"] == []


def test_the_benchmarks_p95_of_twenty_is_the_nineteenth_value_not_the_maximum():
    from bench_case_list import percentile

    values = [float(v) for v in range(20, 0, -1)]
    assert percentile(values, 95) == 19.0
    assert percentile(values, 50) == 10.0
    assert percentile(values, 100) == 20.0 and percentile([3.0], 95) == 3.0
