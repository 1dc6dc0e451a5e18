"""Asking a partner instance whether it holds the same person: only encodings travel, the answer names the
holding agency and a score, both sides audit, and a malformed or unkeyed query is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import AgencyType, Role
from sinergi.audit.models import AuditEvent
from sinergi.core.errors import NotFound
from sinergi.core.testing import AgencyFactory, CaseFactory, PersonFactory, user_with_role
from sinergi.exchange.crypto import Rejected
from sinergi.exchange.handlers import HANDLERS
from sinergi.exchange.models import OutboxMessage, Peer
from sinergi.linkage.federation import ANSWER, QUERY, clk_query_send, linkage_answer, linkage_query
from sinergi.linkage.models import ClkQuery

pytestmark = pytest.mark.django_db
KEY = "kunci-bersama-indonesia-kamboja-2026"


@pytest.fixture
def peer(settings):
    settings.SINERGI_CLK_KEYS = {"kh": KEY}
    return Peer.objects.create(code="kh", name="Cambodia", base_url="https://kh.example.org")


def test_a_query_carries_no_name_and_the_answer_names_the_holder(peer):
    shelter = AgencyFactory(code="f-shelter", name="UPTD PPA Uji")
    police = AgencyFactory(code="f-cnp", name="Kepolisian Mitra Uji", type=AgencyType.FOREIGN_POLICE)
    ours = PersonFactory(full_name="Sjarifuddin Tjahjono", sex="Masculine", date_of_birth=dt.date(1990, 3, 4))
    CaseFactory(lead_agency=shelter, survivor=ours)
    # On the partner's side (the same database here): the same man as the foreign police wrote him.
    theirs = PersonFactory(full_name="CAHYONOSYARIFUDDIN", sex="Masculine", date_of_birth=dt.date(1990, 4, 3))
    CaseFactory(lead_agency=police, survivor=theirs)
    PersonFactory(full_name="Siti Aminah", date_of_birth=dt.date(1990, 3, 4))
    cm = user_with_role(Role.CASE_MANAGER, shelter)
    query = clk_query_send(actor=cm, person=ours, peer=peer, agency_id=shelter.pk)
    sent = OutboxMessage.objects.get(kind=QUERY)
    text = json.dumps(sent.body).lower()
    assert "tjahjono" not in text and "cahyono" not in text and "1990" not in text
    assert AuditEvent.objects.filter(action="export", object_id=str(ours.pk), detail__peer="kh").exists()
    # The partner answers. (One database plays both instances here: the asker's agency becomes a stand-in for
    # the partner's, whose persons the partner never offers as matches.)
    shelter.peer = peer
    shelter.save(update_fields=["peer"])
    HANDLERS[QUERY](peer, sent.body)
    answer = OutboxMessage.objects.get(kind=ANSWER)
    matches = answer.body["matches"]
    assert [m["agency"] for m in matches][:1] == [police.code] and matches[0]["score"] >= 0.8
    assert "cahyono" not in json.dumps(answer.body).lower()
    assert AuditEvent.objects.filter(object_type="clk_query", action="read").exists()
    # Our side keeps the answer.
    linkage_answer(peer, answer.body)
    query.refresh_from_db()
    assert query.answered_at and query.matches[0]["agency_name"] == "Kepolisian Mitra Uji"


def test_only_a_holder_may_ask_and_only_with_an_agreed_key(peer, settings):
    shelter = AgencyFactory(code="f-shelter2")
    person = PersonFactory(full_name="Sri Wahyuni")
    CaseFactory(lead_agency=shelter, survivor=person)
    stranger_agency = AgencyFactory(code="f-other")
    stranger = user_with_role(Role.CASE_MANAGER, stranger_agency)
    with pytest.raises(NotFound):
        clk_query_send(actor=stranger, person=person, peer=peer, agency_id=stranger_agency.pk)
    settings.SINERGI_CLK_KEYS = {}
    with pytest.raises(ValidationError):
        clk_query_send(actor=user_with_role(Role.CASE_MANAGER, shelter), person=person, peer=peer,
                       agency_id=shelter.pk)
    assert not OutboxMessage.objects.exists() and not ClkQuery.objects.exists()


@pytest.mark.parametrize("body", [{}, {"query": "x", "encodings": ["AAAA"]}, {"query": "1" * 32, "encodings": []},
                                  {"query": "1" * 32, "encodings": ["!!"] * 2}, {"query": "1" * 32,
                                                                                 "encodings": ["A"] * 9}])
def test_malformed_queries_are_refused(peer, body):
    with pytest.raises(Rejected):
        linkage_query(peer, body)
    assert not OutboxMessage.objects.exists()


def test_an_answer_to_no_query_of_ours_is_refused(peer):
    with pytest.raises(Rejected):
        linkage_answer(peer, {"query": "1" * 32, "matches": []})
