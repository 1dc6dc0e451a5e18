"""The client's address: ``X-Forwarded-For`` counts only when the connecting address is a trusted proxy, and then
the right-most address that is not a trusted proxy is the client (anything left of it may be forged)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from sinergi.core.net import client_address

rf = RequestFactory()


def addr(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(rf.get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.SINERGI_TRUSTED_PROXIES = []
    assert addr("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_from_an_untrusted_address_the_header_is_ignored(settings):
    settings.SINERGI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert addr("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@pytest.mark.parametrize("forwarded,expected", [
    ("198.51.100.1", "198.51.100.1"),
    ("1.2.3.4, 198.51.100.1", "198.51.100.1"),          # the client forged the first entry
    ("1.2.3.4, 198.51.100.1, 10.1.2.3", "198.51.100.1"),  # two proxies in a row
    ("10.9.9.9, 10.1.2.3", "10.9.9.9"),                 # only proxies: the farthest one
    ("not-an-address, 198.51.100.1", "198.51.100.1"),
    ("198.51.100.1, garbage", "10.0.0.2"),             # a proxy never writes this: trust nothing past it
    ("", "10.0.0.2"),
    (" 2001:db8::1 ", "2001:db8::1"),
])
def test_behind_a_trusted_proxy_the_right_most_untrusted_address(settings, forwarded, expected):
    settings.SINERGI_TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    assert addr("10.0.0.2", forwarded) == expected


def test_no_header_from_a_proxy_is_the_proxy(settings):
    settings.SINERGI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert addr("10.0.0.2") == "10.0.0.2"
