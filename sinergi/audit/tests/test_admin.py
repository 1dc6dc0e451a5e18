"""Audit events in the admin: visible to superusers, never added, changed or deleted there."""

import pytest

from sinergi.agencies.tests.factories import UserFactory
from sinergi.audit.enums import Action
from sinergi.audit.models import AuditEvent
from sinergi.audit.selectors import audit_verify
from sinergi.audit.services import Actor, audit_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_audit_events_are_read_only(admin_client):
    row = audit_log(actor=Actor(user_id=1, username="petugas-kupang"), action=Action.READ, object_type="case",
                    object_id="abc")
    listing = admin_client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200 and b"petugas-kupang" in listing.content
    assert b"action-select" not in listing.content  # no bulk actions (no "delete selected")
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    detail = admin_client.get(f"/admin/audit/auditevent/{row.pk}/change/")
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert admin_client.post(f"/admin/audit/auditevent/{row.pk}/change/", {"username": "x"}).status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=row.pk).username == "petugas-kupang"
    assert audit_verify() == (1, None)
