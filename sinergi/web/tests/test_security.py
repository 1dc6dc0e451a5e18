import pytest
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


def test_csp_and_security_headers(client):
    r = client.get(reverse("web:login"))
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "csrftoken" in r.cookies


def test_post_without_csrf_is_refused():
    from django.test import Client

    user = user_with_role(Role.CASE_MANAGER)
    c = Client(enforce_csrf_checks=True)
    c.login(username=user.username, password=PASSWORD)
    assert c.post(reverse("web:case_note", args=["00000000-0000-0000-0000-000000000000"]), {"body": "x"}).status_code == 403


def test_expired_session_returns_to_login_then_back(client, settings):
    user = user_with_role(Role.CASE_MANAGER)
    client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("web:case_list")).status_code == 200
    session = client.session
    session.set_expiry(-1)  # expire it
    session.save()
    r = client.get(reverse("web:case_list") + "?stage=reported")
    assert r.status_code == 302
    login_url = r["Location"]
    assert login_url.startswith("/login/?next=")
    r = client.post(login_url, {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/cases/?stage=reported"


def test_session_cookie_flags(settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


def test_a_signed_in_page_saves_the_session_at_most_once_a_minute_and_the_idle_timeout_still_holds(client, settings):
    import time

    from django.contrib.sessions.models import Session

    from sinergi.core import middleware

    user = user_with_role(Role.CASE_MANAGER)
    client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("web:case_list")).status_code == 200
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    r = client.get(reverse("web:case_list"))
    assert r.status_code == 200 and settings.SESSION_COOKIE_NAME not in r.cookies  # not saved again within a minute
    assert Session.objects.get(pk=key).expire_date == first
    # A minute later the next page moves the expiry (and sends the cookie again).
    session = client.session
    session[middleware.REFRESHED_KEY] = int(time.time()) - settings.SESSION_REFRESH_SECONDS
    session.save()
    before = Session.objects.get(pk=key).expire_date
    time.sleep(0.01)
    r = client.get(reverse("web:case_list"))
    assert r.status_code == 200 and settings.SESSION_COOKIE_NAME in r.cookies
    assert Session.objects.get(pk=key).expire_date > before
    # Idle past SESSION_COOKIE_AGE: signed out.
    Session.objects.filter(pk=key).update(expire_date=before.replace(year=before.year - 1))
    assert client.get(reverse("web:case_list")).status_code == 302
