"""The public door's rate limits behind a reverse proxy: each citizen has their own allowance when the proxy is
trusted (``SINERGI_TRUSTED_PROXIES``), and a forged ``X-Forwarded-For`` buys no fresh allowance."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sinergi.public import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limit():
    views.LIMITS["track"] = (2, 600)
    yield
    views.LIMITS["track"] = (20, 600)


def track(client, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("public_track"), {"code": "AAAA-BBBB-CCCC"}, **extra).status_code


def test_behind_a_trusted_proxy_each_citizen_has_their_own_allowance(client, settings):
    settings.SINERGI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert [track(client, "10.0.0.2", "203.0.113.1") for _ in range(3)] == [404, 404, 429]
    # Another citizen behind the same proxy is not punished for the first one.
    assert track(client, "10.0.0.2", "203.0.113.2") == 404
    # A client forging an extra entry on the left is still counted by the address the proxy saw.
    assert track(client, "10.0.0.2", "198.51.100.99, 203.0.113.1") == 429


def test_without_trusted_proxies_a_forged_header_buys_nothing(client, settings):
    settings.SINERGI_TRUSTED_PROXIES = []
    codes = [track(client, "203.0.113.9", f"198.51.100.{n}") for n in range(3)]
    assert codes == [404, 404, 429]


def test_an_untrusted_sender_cannot_pose_as_a_proxy(client, settings):
    settings.SINERGI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    codes = [track(client, "203.0.113.9", f"198.51.100.{n}") for n in range(3)]
    assert codes == [404, 404, 429]
