"""The case list's pages follow each other by keyset ("next" and "previous" carry the edge row), agree with a
page number read from its offset, and a page past the end is empty."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.core import clock
from sinergi.core.testing import PASSWORD, AgencyFactory, CaseFactory, user_with_role

pytestmark = pytest.mark.django_db


def _refs(body: str) -> list[str]:
    return re.findall(r"SNG-\d{4}-\d{6}", body)


def _link(body: str, rel: str) -> str | None:
    match = re.search(rf'<a href="(\?[^"]*)" rel="{rel}"', body)
    return match.group(1).replace("&amp;", "&") if match else None


def test_next_and_previous_links_walk_the_list_by_keyset(client, django_assert_max_num_queries):
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    cases = [CaseFactory(lead_agency=agency, reference=f"SNG-2026-{i:06d}",
                         reported_on=clock.today() - dt.timedelta(days=i // 3)) for i in range(1, 61)]
    expected = [c.reference for c in sorted(cases, key=lambda c: (c.reported_on, c.id), reverse=True)]
    assert client.login(username=user.username, password=PASSWORD)
    url, seen, bodies = reverse("web:case_list"), [], []
    query = "?stage=&q="
    while query:
        with django_assert_max_num_queries(20):
            body = client.get(url + query).content.decode()
        bodies.append(body)
        seen += [r for r in dict.fromkeys(_refs(body))]
        query = _link(body, "next")
        if query:
            assert "after=" in query and "page=" in query
    assert seen == expected
    # Back from the last page by the "previous" link, and by page number (offset): the same rows.
    back = client.get(url + _link(bodies[-1], "prev")).content.decode()
    assert list(dict.fromkeys(_refs(back))) == expected[25:50]
    by_number = client.get(url, {"page": 2}).content.decode()
    assert list(dict.fromkeys(_refs(by_number))) == expected[25:50]
    past = client.get(url, {"page": 9999})
    assert past.status_code == 200 and not _refs(past.content.decode())
    # A malformed position starts from the first page rather than failing.
    assert list(dict.fromkeys(_refs(client.get(url, {"after": "bm9wZQ"}).content.decode()))) == expected[:25]
