"""Every shape of case-list query a user can type gives the same rows paged (``case_page``, by offset and by
keyset) as the plain list (``case_list``), including the plans chosen for rare names and deep pages."""

import datetime as dt

import pytest

from sinergi.agencies.enums import Role
from sinergi.cases import selectors
from sinergi.cases.enums import Stage
from sinergi.cases.selectors import CaseFilters, _after, case_list, case_page
from sinergi.core import clock
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ORDER = ("-reported_on", "-id")
NAMES = ["Siti Nurhaliza", "Siti Nuraini", "Muhammad Rizki", "Dewi Lestari", "Siti Aminah", "Budi Santoso",
         "Nur Hidayah", "Sigit Setiawan"]


@pytest.fixture(params=["ids", "window"])
def scene(request, monkeypatch):
    """An agency with cases of several names over several years (one name it does not hold), another agency's
    cases, some of them referred to the first; a name window small enough that every plan is taken: the page
    read from the ids of the agency's matching cases (few of them), or, a name being common there, from the
    window of its newest cases and then the rest."""
    from sinergi.referrals.models import Referral

    monkeypatch.setattr(selectors, "NAME_WINDOW", 4)
    monkeypatch.setattr(selectors, "NAME_FIRST", 1000 if request.param == "ids" else 1)
    home, other = AgencyFactory(), AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, home)
    today = clock.today()
    for i in range(30):
        name = NAMES[i % len(NAMES)] if i % len(NAMES) != 2 else "Ayu Lestari"  # "Muhammad": none at home
        CaseFactory(lead_agency=home, survivor=PersonFactory(full_name=name),
                    reported_on=today - dt.timedelta(days=(i * 97) % 2000), stage=[Stage.REPORTED, Stage.LOCATED][i % 2],
                    country_of_exploitation_id=["KH", "MY"][i % 3 == 0])
    for i in range(8):
        case = CaseFactory(lead_agency=other, survivor=PersonFactory(full_name=NAMES[i % len(NAMES)]),
                           reported_on=today - dt.timedelta(days=i * 5))
        if i < 4:
            Referral.objects.create(case=case, type="shelter", from_agency=other, to_agency=home, status="sent",
                                    sections=["identity", "location"], sent_at=clock.now(), ack_due_at=clock.now(),
                                    complete_due_at=clock.now())
    return user


SHAPES = {
    "two filters and a name": CaseFilters(stage=[Stage.REPORTED], country_of_exploitation="KH", q="Siti"),
    "a common name absent from the agency": CaseFilters(q="Muhammad"),
    "a common name alone": CaseFilters(q="Siti"),
    "two words, the last a prefix": CaseFilters(q="siti nur"),
    "no filter (last page, past the end)": CaseFilters(),
    "a date range over all years": CaseFilters(reported_from=dt.date(2000, 1, 1), reported_to=dt.date(2100, 1, 1)),
    "part of a case number": CaseFilters(q="9"),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_paged_and_plain_lists_agree(scene, shape):
    filters = SHAPES[shape]
    everything = list(case_list(scene, filters))
    if shape != "part of a case number":
        assert everything, "the scene must hold matches for this shape"
    if shape == "a common name absent from the agency":
        assert {c.lead_agency_id for c in everything} != {everything[0].lead_agency_id} or len(everything) < 5
    size = 5
    last = max(0, (len(everything) - 1) // size * size)
    for offset in (0, size, 2 * size, last, last + size, 10_000 * size):
        assert case_page(scene, filters, ORDER, offset=offset, limit=size) == everything[offset: offset + size], offset
    # Keyset: page after page from the edge of the one before, as the API and the pages do.
    seen, edge = [], None
    while True:
        after = _after(ORDER, (edge.reported_on, edge.id)) if edge else None
        page = case_page(scene, filters, ORDER, after=after, limit=size)
        if not page:
            break
        seen += page
        edge = page[-1]
    assert seen == everything
