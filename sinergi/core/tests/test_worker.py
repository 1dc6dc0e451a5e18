import datetime as dt

import pytest
from django.core.management import call_command

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core import clock
from sinergi.referrals.services import referral_send

pytestmark = pytest.mark.django_db


def test_worker_once_runs_escalation(capsys, monkeypatch):
    # Between rounds the worker closes stale connections; inside a test's transaction (autocommit off) Django
    # counts the connection as stale and PostgreSQL would lose the test's data with it.
    monkeypatch.setattr("sinergi.core.management.commands.worker.close_old_connections", lambda: None)
    lead = AgencyFactory()
    other = AgencyFactory(type=AgencyType.NGO)
    case = CaseFactory(lead_agency=lead)
    manager = user_with_role(Role.CASE_MANAGER, lead)
    r = referral_send(actor=manager, case=case, type="shelter", to_agency=other,
                      consent_override_reason="Tidak ada tempat aman malam ini")
    clock.set_now(clock.now() + dt.timedelta(hours=13))
    call_command("worker", "--once")
    r.refresh_from_db()
    assert r.escalation_level == 1
    assert "worker stopped" in capsys.readouterr().out
