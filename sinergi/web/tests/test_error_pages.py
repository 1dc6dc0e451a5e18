"""Error pages speak the reader's language and keep the site's layout (with the menu when signed in); the API
keeps answering JSON; a broken 500 page still answers."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, user_with_role
from sinergi.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_404_in_indonesian_with_menu_and_in_english(client):
    user = user_with_role(Role.CASE_MANAGER)
    client.login(username=user.username, password=PASSWORD)
    r = client.get("/tidak-ada/")
    body = r.content.decode()
    assert r.status_code == 404 and "Halaman tidak ditemukan" in body
    assert 'aria-label="Menu utama"' in body and reverse("web:case_list") in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    r = client.get(reverse("web:case_detail", args=[CaseFactory().pk]))  # another agency's case
    body = r.content.decode()
    assert r.status_code == 404 and "Page not found" in body and '<html lang="en">' in body
    assert "Halaman tidak ditemukan" not in body


def test_signed_out_404_offers_sign_in_and_public_door():
    r = Client().get("/tidak-ada/")
    body = r.content.decode()
    assert r.status_code == 404 and "Menu utama" not in body
    assert reverse("web:login") in body and reverse("public_home") in body


def test_csrf_failure_is_a_403_page_in_the_users_language():
    user = user_with_role(Role.CASE_MANAGER)
    c = Client(enforce_csrf_checks=True)
    c.login(username=user.username, password=PASSWORD)
    r = c.post(reverse("web:intake"), {"channel": "family"})
    assert r.status_code == 403 and "Tidak diizinkan" in r.content.decode()


def test_api_errors_stay_json(client):
    r = client.get("/api/v1/tidak-ada/")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")


def test_400_and_429_pages(rf=None):
    from sinergi.web.views import errors

    request = RequestFactory().get("/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    for view, status, text in ((errors.bad_request, 400, "Permintaan tidak dapat diproses"),
                               (errors.too_many_requests, 429, "Terlalu banyak permintaan")):
        r = view(request)
        assert r.status_code == status and text in r.content.decode()


def test_500_page_in_layout_and_when_the_layout_itself_fails(monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from sinergi.web.views import errors

    request = RequestFactory().get("/cases/")
    request.user = AnonymousUser()
    with translation.override("en"):
        r = errors.server_error(request)
    assert r.status_code == 500 and "Something went wrong" in r.content.decode()

    def broken(*a, **k):
        raise RuntimeError("database gone")

    monkeypatch.setattr(errors, "render", broken)
    r = errors.server_error(request)
    assert r.status_code == 500 and "Terjadi kesalahan pada sistem" in r.content.decode()
