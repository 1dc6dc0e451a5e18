"""A referral that arrives from a partner instance opens a person and a case: each service writes its own audit
row, naming the partner, so the trail shows who created them (not only the referral)."""

import uuid

import pytest

from sinergi.agencies.enums import AgencyType
from sinergi.agencies.tests.factories import AgencyFactory
from sinergi.audit.models import AuditEvent
from sinergi.exchange import crypto
from sinergi.exchange.models import Peer
from sinergi.referrals import remote

pytestmark = pytest.mark.django_db


def _arrive(peer, partner, here, referral_id):
    return remote.referral_receive(peer=peer, from_agency=partner, to_agency=here, body={
        "referral_id": referral_id, "type": "locate", "sections": ["identity"],
        "subject": {"identity": {"full_name": "Siti Aminah", "sex": "Feminine"}, "case_reference": "KH-1"},
        "message": "Mohon dicari keluarganya."})


def test_the_person_and_the_case_of_an_incoming_referral_are_audited_once(settings):
    settings.SINERGI_INSTANCE = "id"
    crypto.keys_ensure()
    peer = Peer.objects.create(code="kh", name="Cambodia", base_url="http://127.0.0.1:9", jwks=crypto.jwks_public())
    partner = AgencyFactory(code="kh-police", type=AgencyType.FOREIGN_POLICE, country_id="KH", peer=peer,
                            remote_code="cnp")
    here = AgencyFactory(code="uptd-r")
    referral_id = str(uuid.uuid4())
    referral = _arrive(peer, partner, here, referral_id)
    case = referral.case
    rows = {(e.object_type, e.object_id): e for e in AuditEvent.objects.filter(action="create")}
    assert rows[("case", str(case.pk))].username == "peer:kh"
    assert rows[("case", str(case.pk))].agency_id == here.pk
    assert rows[("person", str(case.survivor_id))].username == "peer:kh"
    assert ("referral", str(referral.pk)) in rows
