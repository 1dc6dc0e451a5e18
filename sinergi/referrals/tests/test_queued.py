"""A referral to a partner instance that is down is "queued, not yet delivered" until the partner's receipt comes
back; the partner's deadlines and performance times count from the receipt."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from sinergi.agencies.enums import AgencyType, Role
from sinergi.core import clock
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.exchange import crypto, services as exchange
from sinergi.exchange.models import OutboxMessage, Peer
from sinergi.analytics.referral_times import referral_response_times
from sinergi.referrals import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def down_partner(settings):
    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    peer = Peer.objects.create(code="kh", name="Cambodia", base_url="http://127.0.0.1:9", jwks=crypto.jwks_public())
    lead = AgencyFactory(code="uptd-q")
    partner = AgencyFactory(code="kh-police", name="Cambodian National Police", type=AgencyType.FOREIGN_POLICE,
                            country_id="KH", peer=peer, remote_code="cnp")
    case = CaseFactory(lead_agency=lead)
    manager = user_with_role(Role.CASE_MANAGER, lead)
    referral = services.referral_send(actor=manager, case=case, type="locate", to_agency=partner,
                                      sections=["identity"], consent_override_reason="Nyawa korban terancam di sana")
    return peer, partner, case, manager, referral


def test_queued_until_the_receipt_then_deadlines_count_from_it(down_partner, client, monkeypatch):
    peer, partner, case, manager, referral = down_partner
    message = OutboxMessage.objects.get(kind="referral.create")
    assert exchange.outbox_deliver(message.pk) == "retry"  # the partner is down
    client.login(username=manager.username, password=PASSWORD)
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Antre, belum terkirim" in body
    # Not the partner's delay: neither counted in its performance nor escalated or expired meanwhile.
    assert all(row["agency"] != partner.name for row in referral_response_times())
    later = clock.now() + dt.timedelta(days=30)
    services.referrals_escalate_due(now=later)
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.escalation_level == 0
    # Two days later the partner is back: its receipt arrives.
    arrival = clock.now() + dt.timedelta(days=2)
    monkeypatch.setattr(exchange, "_post", lambda url, token: (200, json.dumps({"receipt": "r"}).encode()))
    monkeypatch.setattr(crypto, "verify_receipt", lambda receipt, peer: {"id": str(message.pk), "status": "applied"})
    monkeypatch.setattr(clock, "now", lambda: arrival)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=arrival - dt.timedelta(seconds=1))
    assert exchange.outbox_deliver(message.pk, now=arrival) == "delivered"
    old_ack_due = referral.ack_due_at
    referral.refresh_from_db()
    assert referral.delivered_at == arrival
    assert referral.ack_due_at - old_ack_due == arrival - referral.sent_at
    body = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "Antre, belum terkirim" not in body
    row = next(r for r in referral_response_times(since=arrival - dt.timedelta(days=10))
               if r["agency"] == partner.name)
    assert row["received"] == 1
    # Acknowledged an hour after its receipt: one hour, on time.
    from sinergi.referrals.models import Referral

    Referral.objects.filter(pk=referral.pk).update(status="acknowledged",
                                                   acknowledged_at=arrival + dt.timedelta(hours=1))
    row = next(r for r in referral_response_times(since=arrival - dt.timedelta(days=10))
               if r["agency"] == partner.name)
    assert row["ack_median_hours"] == 1.0 and row["on_time_share"] == 1.0
    # The receipt twice changes nothing.
    assert services.referral_delivered(referral_id=referral.pk, at=arrival + dt.timedelta(days=1)) is False
