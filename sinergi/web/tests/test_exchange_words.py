"""The exchange page speaks plain words: its numbers filled in, directions, kinds and outcomes by label, and a
partner that cannot be reached said so, not as a Python error."""

import html

import pytest
from django.urls import reverse

from sinergi.agencies.enums import Role
from sinergi.core import clock
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.exchange.models import ExchangeLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client):
    supervisor = user_with_role(Role.SUPERVISOR, AgencyFactory())
    now = clock.now()
    ExchangeLog.objects.create(at=now, direction="out", peer_code="kh", kind="referral.create", outcome="retry",
                               reason="<urlopen error [Errno 111] Connection refused>")
    ExchangeLog.objects.create(at=now, direction="in", peer_code="kh", kind="notice.answer", outcome="rejected",
                               reason="bad signature")
    ExchangeLog.objects.create(at=now, direction="out", peer_code="kh", kind="referral.status", outcome="failed",
                               reason="<urlopen error timed out>")
    assert client.login(username=supervisor.username, password=PASSWORD)

    def get():
        return html.unescape(client.get(reverse("web:exchange")).content.decode())

    return supervisor, get


def test_numbers_are_filled_and_no_code_or_python_error_is_shown(page):
    _, get = page
    body = get()
    assert "Diterima: 0, ditolak: 1." in body
    for raw in ("urlopen", "Errno", "Connection refused", ">retry<", ">out<", ">rejected<", "referral.create"):
        assert raw not in body, raw
    assert "Mitra tidak dapat dihubungi" in body
    assert "Ke mitra" in body and "Akan dicoba lagi" in body and "Rujukan baru" in body


def test_in_english_too(page):
    supervisor, get = page
    supervisor.preferred_language = "en"
    supervisor.save(update_fields=["preferred_language"])
    body = get()
    assert "Received: 0, rejected: 1." in body
    assert "The partner could not be reached" in body and "Will be retried" in body
