"""The encodings of our persons that a partner's query is compared with are kept between queries: a second query
encodes nothing, a changed person (name, alias, sex, birth date; through a service or not) is encoded afresh, a
person no longer held or merged away leaves, and a new key (rotation) starts over and drops the old key's rows."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.cases.tests.factories import CaseFactory
from sinergi.exchange.models import OutboxMessage, Peer
from sinergi.linkage import clk
from sinergi.linkage.federation import ANSWER, linkage_query
from sinergi.linkage.models import PersonEncoding
from sinergi.people.models import Person, PersonAlias
from sinergi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
KEY, NEW_KEY = "kunci-bersama-indonesia-kamboja-2026", "kunci-baru-sesudah-rotasi-2027-xyz"


@pytest.fixture
def world(settings):
    settings.SINERGI_CLK_KEYS = {"kh": KEY}
    peer = Peer.objects.create(code="kh", name="Cambodia", base_url="https://kh.example.org")
    shelter = AgencyFactory(code="e-shelter", name="UPTD PPA Uji", type=AgencyType.PROVINCIAL_SERVICE)
    held = [PersonFactory(full_name=name, sex="Feminine", date_of_birth=dt.date(1995, 1, 1 + i))
            for i, name in enumerate(["Sri Wahyuni", "Siti Aminah", "Dewi Lestari"])]
    for p in held:
        CaseFactory(lead_agency=shelter, survivor=p)
    PersonFactory(full_name="Yuliana Bano")  # held by nobody: never offered
    return {"peer": peer, "shelter": shelter, "held": held}


@pytest.fixture
def encodes(monkeypatch):
    """Counts the records encoded (``ClkEncoder.encode``) from here on."""
    calls = []
    real = clk.ClkEncoder.encode

    def counting(self, record):
        calls.append(record.get("full_name"))
        return real(self, record)

    monkeypatch.setattr(clk.ClkEncoder, "encode", counting)
    return calls


def ask(peer, name, dob, key=KEY):
    """A partner's query for this record; the agencies named in our answer."""
    encoder = clk.ClkEncoder(key)
    text = encoder.to_text(encoder.encode({"full_name": name, "sex": "Feminine", "date_of_birth": dob}))
    OutboxMessage.objects.filter(kind=ANSWER).delete()
    linkage_query(peer, {"query": str(uuid.uuid4()), "encodings": [text]})
    return [m["agency"] for m in OutboxMessage.objects.get(kind=ANSWER).body["matches"]]


def test_a_second_query_encodes_nothing_and_answers_the_same(world, encodes):
    first = ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1))
    assert first == ["e-shelter"]
    assert sorted(encodes) == ["Dewi Lestari", "Siti Aminah", "Sri Wahyuni", "Sri Wahyuni"]  # the query, our three
    assert PersonEncoding.objects.count() == 3
    assert set(PersonEncoding.objects.values_list("person_id", flat=True)) == {p.pk for p in world["held"]}
    encodes.clear()
    assert ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1)) == first
    assert encodes == ["Sri Wahyuni"]  # only the partner's own record, built by the test
    key_id = PersonEncoding.objects.values_list("key_id", flat=True).first()
    assert KEY not in key_id and len(bytes(PersonEncoding.objects.first().clk)) == clk.SIZE // 8


def test_a_changed_person_is_encoded_afresh(world, encodes):
    from sinergi.people.services import person_update

    ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1))
    sri, siti, _dewi = world["held"]
    person_update(actor=user_with_role(Role.CASE_MANAGER, world["shelter"]), person=sri,
                  agency_id=world["shelter"].pk, data={"full_name": "Sri Rahayu Ningsih"})
    PersonAlias.objects.create(person=siti, name="Siti Aminah binti Umar")
    Person.objects.filter(pk=_dewi.pk).update(date_of_birth=dt.date(1980, 6, 7))  # not through a service
    encodes.clear()
    assert ask(world["peer"], "Sri Rahayu Ningsih", dt.date(1995, 1, 1)) == ["e-shelter"]
    assert sorted(encodes) == ["Dewi Lestari", "Siti Aminah binti Umar", "Sri Rahayu Ningsih", "Sri Rahayu Ningsih"]
    assert PersonEncoding.objects.filter(person=siti).count() == 2  # the full name and the new alias
    assert PersonEncoding.objects.count() == 4  # the old name's and old birth date's rows are gone
    assert ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1)) == []  # the old name no longer matches


def test_a_person_no_longer_held_or_merged_away_leaves_the_store(world):
    from sinergi.cases.models import Case
    from sinergi.linkage.models import Merge

    ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1))
    sri, siti, dewi = world["held"]
    Case.objects.filter(survivor=sri).delete()
    Merge.objects.create(survivor=dewi, merged=siti, moved={}, merged_at=dt.datetime.now(dt.UTC),
                         merged_by=user_with_role(Role.CASE_MANAGER, world["shelter"]))
    assert ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1)) == []
    assert list(PersonEncoding.objects.values_list("person_id", flat=True)) == [dewi.pk]


def test_a_new_key_starts_over_and_drops_the_old_keys_rows(world, settings, encodes):
    ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1))
    old = set(PersonEncoding.objects.values_list("key_id", flat=True))
    settings.SINERGI_CLK_KEYS = {"kh": NEW_KEY}
    encodes.clear()
    assert ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1), key=NEW_KEY) == ["e-shelter"]
    assert len(encodes) == 4  # the query and our three persons, under the new key
    keys = set(PersonEncoding.objects.values_list("key_id", flat=True))
    assert len(keys) == 1 and keys.isdisjoint(old) and PersonEncoding.objects.count() == 3
    # A query still made under the old key matches nothing.
    assert ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1), key=KEY) == []


def test_two_partners_keep_their_own_rows(world, settings):
    settings.SINERGI_CLK_KEYS = {"kh": KEY, "my": NEW_KEY}
    my = Peer.objects.create(code="my", name="Malaysia", base_url="https://my.example.org")
    ask(world["peer"], "Sri Wahyuni", dt.date(1995, 1, 1))
    ask(my, "Sri Wahyuni", dt.date(1995, 1, 1), key=NEW_KEY)
    assert PersonEncoding.objects.values("key_id").distinct().count() == 2
    assert PersonEncoding.objects.count() == 6
