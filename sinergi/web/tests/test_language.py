"""The interface language is the user's own choice, saved on their account; Indonesian by default, whatever the
browser sends."""

import pytest
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_browser_language_is_not_the_interface_language(client):
    user = user_with_role(Role.CASE_MANAGER)
    login(client, user)
    body = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in body


def test_anonymous_visitor_gets_the_default_not_the_browser_language(client):
    body = client.get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in body


def test_saved_language_follows_the_user_to_a_new_browser(client):
    from django.test import Client

    user = user_with_role(Role.CASE_MANAGER, preferred_language="en")
    login(client, user)
    assert '<html lang="en">' in client.get(reverse("web:home")).content.decode()
    other = Client()
    login(other, user)
    assert '<html lang="en">' in other.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="id").content.decode()


def test_switching_language_saves_it_on_the_account(client):
    from django.test import Client

    user = user_with_role(Role.CASE_MANAGER)
    login(client, user)
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    fresh = Client()
    login(fresh, user)
    assert '<html lang="en">' in fresh.get(reverse("web:home")).content.decode()


def test_account_page_changes_the_language(client):
    user = user_with_role(Role.CASE_MANAGER, preferred_language="en")
    login(client, user)
    body = client.get(reverse("web:account_security")).content.decode()
    assert 'name="preferred_language"' in body
    r = client.post(reverse("web:account_security"), {"action": "language", "preferred_language": "id"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "id"
    r = client.post(reverse("web:account_security"), {"action": "language", "preferred_language": "xx"})
    assert r.status_code == 400
    user.refresh_from_db()
    assert user.preferred_language == "id"


def test_api_answers_in_the_token_users_language(client):
    from rest_framework.authtoken.models import Token  # noqa: F401 - only to check the app is there

    user = user_with_role(Role.CASE_MANAGER, preferred_language="en")
    login(client, user)
    r = client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/")
    assert r.status_code == 404
    assert r.json()["detail"] == "Not found."


def test_sign_in_error_says_nama_pengguna_once(client):
    user = user_with_role(Role.CASE_MANAGER)
    body = client.post(reverse("web:login"), {"username": user.username, "password": "salah-sekali"}).content.decode()
    assert "nama pengguna nama pengguna" not in body.lower()
    assert "Nama pengguna atau kata sandi salah" in body
