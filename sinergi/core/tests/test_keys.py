"""Keys for data at rest: where they come from, what happens without them, and ``sinergi keys``."""

import base64
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sinergi.core import keys, sealing

pytestmark = pytest.mark.django_db


def b64(secret: bytes) -> str:
    return base64.urlsafe_b64encode(secret).decode().rstrip("=")


@pytest.fixture
def key_files(tmp_path, monkeypatch):
    """The field, index and exchange keyrings in files of a temporary folder holding the keys in use now
    (so the test database's data stays readable), each named by its ``*_KEY_FILE`` variable."""
    for purpose in ("field", "index", "exchange", "audit", "checkpoint"):
        ring = keys.keyring(purpose)
        path = tmp_path / f"{purpose}.key"
        path.write_text("".join(f"{kid}:{b64(secret)}\n" for kid, secret in ring.keys))
        path.chmod(0o600)
        monkeypatch.setenv(f"SINERGI_{purpose.upper()}_KEY_FILE", str(path))
    keys.reset()
    yield tmp_path
    monkeypatch.undo()
    keys.reset()


def run(*args) -> str:
    out = io.StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


# --- sources ----------------------------------------------------------------------------------------------

def test_a_keyring_from_the_environment_wins_and_its_last_key_is_active(keyring_env):
    keyring_env("field", [("old", b"\x01" * 32), ("new", b"\x02" * 32)])
    ring = keys.keyring("field")
    assert ring.kids() == ["old", "new"] and ring.active_kid == "new"
    assert ring.source.startswith("environment")
    token = sealing.seal("rahasia", context="t")
    assert sealing.sealed_kid(token) == "new" and sealing.unseal(token, context="t") == "rahasia"


def test_a_key_file_with_comments(tmp_path, monkeypatch):
    path = tmp_path / "k"
    path.write_text(f"# comment\nab12:{b64(b'x' * 32)}  # trailing\n\n")
    monkeypatch.setenv("SINERGI_INDEX_KEY_FILE", str(path))
    keys.reset()
    try:
        assert keys.keyring("index").kids() == ["ab12"]
    finally:
        monkeypatch.undo()
        keys.reset()


@pytest.mark.parametrize("text, problem", [
    ("", "no key"), ("nocolon", "kid:base64url"), ("a:" + b64(b"short"), "32 bytes"),
    ("a:" + b64(b"x" * 32) + ",a:" + b64(b"y" * 32), "twice"), ("bad kid!:" + b64(b"x" * 32), "kid"),
])
def test_malformed_keyrings_are_refused(keyring_env, text, problem, monkeypatch):
    monkeypatch.setenv("SINERGI_FIELD_KEY", text or " ")
    keys.reset()
    with pytest.raises(keys.KeyringError, match=problem):
        keys.keyring("field")


def test_missing_keys_are_created_only_when_allowed(tmp_path, settings):
    settings.SINERGI_KEY_DIR = tmp_path / "keys"
    settings.SINERGI_KEYS_AUTOCREATE = False
    keys.reset()
    try:
        with pytest.raises(keys.KeyringError, match="sinergi keys init"):
            keys.keyring("field")
        assert len(keys.keys_missing()) == len(keys.PURPOSES)
        settings.SINERGI_KEYS_AUTOCREATE = True  # the demo and the tests
        ring = keys.keyring("field")
        assert ring.path == tmp_path / "keys" / "field.key"
        assert (ring.path.stat().st_mode & 0o777) == 0o600
        assert keys.keys_missing() == [f"{p}: no key (SINERGI_{p.upper()}_KEY, SINERGI_{p.upper()}_KEY_FILE or "
                                       f"{tmp_path / 'keys' / p}.key)" for p in keys.PURPOSES if p != "field"]
    finally:
        keys.reset()


def test_keys_init_creates_what_is_missing(tmp_path, settings):
    settings.SINERGI_KEY_DIR = tmp_path / "keys"
    settings.SINERGI_KEYS_AUTOCREATE = False
    keys.reset()
    try:
        out = run("init")
        assert out.count("created") == len(keys.PURPOSES)
        assert keys.keys_missing() == []
        assert "nothing created" in run("init")
    finally:
        keys.reset()


def test_a_process_that_meets_a_newer_key_reloads_the_file(key_files, monkeypatch):
    """Another process rotated the key file: values sealed under the new key still open here."""
    old = keys.keyring("field")
    kid, secret = keys.new_entry()
    with (key_files / "field.key").open("a") as fh:
        fh.write(f"{kid}:{secret}\n")
    assert keys.keyring("field") is old  # cached
    newer = keys.Keyring("field", old.keys + ((kid, base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))),),
                         "test")
    monkeypatch.setitem(keys._cache, "field", newer)
    token = sealing.seal("baru", context="t")
    monkeypatch.setitem(keys._cache, "field", old)
    keys._last_reload.clear()
    assert sealing.unseal(token, context="t") == "baru"


# --- sinergi keys -----------------------------------------------------------------------------------------

def test_status_shows_sources_keys_and_what_they_protect(key_files):
    from sinergi.people.tests.factories import PersonFactory

    PersonFactory(phone="081234567890")
    out = run("status")
    for purpose in keys.PURPOSES:
        assert f"{purpose}: file {key_files / purpose}.key" in out
    field_kid = keys.keyring("field").active_kid
    assert f"active {field_kid}  protects" in out


def test_rotating_the_field_key_reencrypts_everything_and_the_old_key_can_go(key_files):
    from sinergi.people.models import Person
    from sinergi.people.tests.factories import PersonFactory

    person = PersonFactory(phone="081234567890", address="Jl. Lama 1")
    old = keys.keyring("field").active_kid
    out = run("rotate", "field")
    new = keys.keyring("field").active_kid
    assert new != old and f"new active key {new}" in out
    with connection.cursor() as cur:
        cur.execute("SELECT phone, address FROM people_person WHERE phone != ''")
        assert {sealing.sealed_kid(v) for row in cur.fetchall() for v in row} == {new}
    assert Person.objects.get(pk=person.pk).phone == "081234567890"
    run("retire", "field", old)
    assert keys.keyring("field").kids() == [new]
    assert Person.objects.get(pk=person.pk).address == "Jl. Lama 1"


def test_a_key_still_in_use_cannot_be_retired(key_files):
    from sinergi.people.tests.factories import PersonFactory

    PersonFactory(phone="081234567890")
    old = keys.keyring("field").active_kid
    keys.key_add("field")  # a new key, nothing re-encrypted yet
    with pytest.raises(CommandError, match="reencrypt"):
        run("retire", "field", old)
    with pytest.raises(CommandError, match="active"):
        run("retire", "field", keys.keyring("field").active_kid)
    run("reencrypt", "field")
    run("retire", "field", old)


def test_rotating_the_index_key_recomputes_digests_and_lookups_never_miss(key_files):
    from sinergi.people.models import Person
    from sinergi.people.selectors import persons_with_phone
    from sinergi.people.tests.factories import PersonFactory

    person = PersonFactory(phone="081234567890")
    old = keys.keyring("index").active_kid
    keys.key_add("index")
    # Before the digests are recomputed, lookups try every key.
    assert list(persons_with_phone(Person.objects.all(), "+62 812 3456 7890")) == [person]
    run("reencrypt", "index")
    digest = Person.objects.filter(pk=person.pk).values_list("phone_digest", flat=True).get()
    assert digest.split(":")[0] == keys.keyring("index").active_kid != old
    run("retire", "index", old)
    assert list(persons_with_phone(Person.objects.all(), "081234567890")) == [person]


def test_rotating_the_exchange_key_reencrypts_the_instance_keys(key_files):
    from sinergi.exchange import crypto
    from sinergi.exchange.models import InstanceKey

    crypto.keys_ensure()
    before = {k.kid: k.private_jwk for k in InstanceKey.objects.all()}
    run("rotate", "exchange")
    new = keys.keyring("exchange").active_kid
    with connection.cursor() as cur:
        cur.execute("SELECT private_jwk FROM exchange_instancekey")
        assert {sealing.sealed_kid(r[0]) for r in cur.fetchall()} == {new}
    assert {k.kid: k.private_jwk for k in InstanceKey.objects.all()} == before


def test_audit_keys_are_rotated_but_never_retired_while_rows_use_them(key_files):
    from sinergi.audit.selectors import audit_verify
    from sinergi.audit.services import SYSTEM, audit_log

    audit_log(actor=SYSTEM, action="read", object_type="case")
    old = keys.keyring("audit").active_kid
    assert "nothing to re-protect" in run("rotate", "audit")
    audit_log(actor=SYSTEM, action="read", object_type="case")
    assert audit_verify()[1] is None
    with pytest.raises(CommandError, match="never re-keyed"):
        run("retire", "audit", old)


def test_rotating_the_checkpoint_key_prints_the_public_key(key_files):
    out = run("rotate", "checkpoint")
    assert f"{keys.keyring('checkpoint').active_kid}:" in out


def test_a_keyring_in_the_environment_is_not_written(keyring_env):
    keyring_env("field", [*keys.keyring("field").keys])
    with pytest.raises(CommandError, match="append"):
        run("rotate", "field")
