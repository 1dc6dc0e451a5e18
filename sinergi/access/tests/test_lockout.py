"""Sign-in lockout (django-axes) by username and by address: a higher limit per address than per user, because
a field office's staff share one address behind NAT, but guessing over many names from one address is stopped."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db


def attempt(username, password="wrong-password", address="203.0.113.7", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(reverse("web:login"),
                                                       {"username": username, "password": password})


def test_many_usernames_from_one_address_are_locked_out(settings):
    settings.SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    codes = [attempt(f"guess-{n}").status_code for n in range(25)]
    assert codes[:19] == [200] * 19
    assert set(codes[19:]) == {429}
    # ... that address may not sign in even with a right password; another address may.
    user = user_with_role(Role.CASE_MANAGER)
    assert attempt(user.username, PASSWORD).status_code == 429
    assert attempt(user.username, PASSWORD, address="198.51.100.9").status_code == 302


def test_one_username_is_locked_at_its_own_lower_limit_from_any_address(settings):
    user = user_with_role(Role.CASE_MANAGER)
    addresses = [f"198.51.100.{n}" for n in range(settings.AXES_FAILURE_LIMIT)]
    codes = [attempt(user.username, address=a).status_code for a in addresses]
    assert codes[-1] == 429 and codes[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(user.username, PASSWORD, address="192.0.2.1").status_code == 429


def test_colleagues_behind_one_address_are_not_locked_by_one_persons_mistakes(settings):
    settings.SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    clumsy = user_with_role(Role.CASE_MANAGER)
    colleague = user_with_role(Role.CASE_MANAGER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(clumsy.username)
    assert attempt(colleague.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_does_not_wipe_the_addresss_count(settings):
    # Otherwise an attacker with one account of their own could reset the address limit between guesses.
    settings.SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    own = user_with_role(Role.CASE_MANAGER)
    for n in range(3):
        attempt(f"victim-{n}")
    assert attempt(own.username, PASSWORD).status_code == 302
    codes = [attempt(f"victim-{n}").status_code for n in range(3, 6)]
    assert codes == [200, 200, 429]


def test_the_address_counted_is_the_client_behind_a_trusted_proxy(settings):
    settings.SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    settings.SINERGI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(3):
        attempt(f"guess-{n}", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")
    # The proxy itself is not locked: another citizen behind it still signs in.
    user = user_with_role(Role.CASE_MANAGER)
    assert attempt(user.username, PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.51").status_code == 302
    assert attempt("guess-x", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 429


def test_a_forged_forwarded_header_from_an_untrusted_address_is_ignored(settings):
    settings.SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    settings.SINERGI_TRUSTED_PROXIES = []
    codes = [attempt(f"guess-{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(3)]
    assert codes[-1] == 429
