"""``sinergi exchange add-peer`` goes through the same services as every other caller."""

import json

import pytest
from django.core.management import CommandError, call_command

from sinergi.agencies.tests.factories import AgencyFactory
from sinergi.audit.models import AuditEvent
from sinergi.exchange.models import Peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def jwks_file(tmp_path):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": []}))
    return str(path)


def test_a_peer_over_plain_http_is_refused(jwks_file):
    with pytest.raises(CommandError, match="HTTPS"):
        call_command("exchange", "add-peer", "kh", "http://partner.example.org", "--jwks-file", jwks_file)
    assert not Peer.objects.filter(code="kh").exists()


def test_linking_a_local_agency_to_the_peer_is_audited(jwks_file):
    agency = AgencyFactory(code="cnp")
    call_command("exchange", "add-peer", "kh", "https://partner.example.org", "--name", "Cambodia",
                 "--jwks-file", jwks_file, "--agency", "cnp=cnp-kh")
    agency.refresh_from_db()
    assert agency.peer.code == "kh" and agency.remote_code == "cnp-kh"
    row = AuditEvent.objects.get(object_type="agency", object_id=str(agency.pk), action="update")
    assert row.detail["peer"] == "kh" and row.detail["remote_code"] == "cnp-kh"


def test_an_unknown_local_agency_is_reported_and_nothing_is_kept(jwks_file):
    with pytest.raises(CommandError, match="no local agency"):
        call_command("exchange", "add-peer", "kh", "https://partner.example.org", "--jwks-file", jwks_file,
                     "--agency", "nobody=x")
    assert not Peer.objects.filter(code="kh").exists()
