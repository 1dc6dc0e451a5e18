"""Regions and countries in the admin: searchable, read-only."""

import pytest

from sinergi.agencies.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_regions_are_searchable(admin_client):
    response = admin_client.get("/admin/regions/region/", {"q": "Kupang"})
    assert response.status_code == 200
    assert b"Kabupaten Kupang" in response.content and b"Kota Kupang" in response.content
    response = admin_client.get("/admin/regions/country/", {"q": "KHM"})
    assert b"Cambodia" in response.content


def test_regions_are_read_only(admin_client):
    assert admin_client.get("/admin/regions/region/add/").status_code == 403
    response = admin_client.get("/admin/regions/region/53/change/")
    assert response.status_code == 200 and b"Nusa Tenggara Timur" in response.content
    assert b'name="_save"' not in response.content
    assert admin_client.post("/admin/regions/region/53/change/", {"name": "X"}).status_code == 403
    assert admin_client.post("/admin/regions/region/53/delete/", {"post": "yes"}).status_code == 403
    from sinergi.regions.models import Region

    assert Region.objects.get(code="53").name == "Nusa Tenggara Timur"
