"""The hash chain: every kind of tampering is found, and the hash survives the database round trip."""

import datetime as dt
import uuid

import pytest
from django.db import connection

from sinergi.audit.enums import Action
from sinergi.audit.models import AuditEvent, AuditHead
from sinergi.audit.selectors import audit_tail, audit_verify
from sinergi.audit.services import GENESIS, Actor, Entry, audit_log, audit_log_many, compute_hash
from sinergi.core import clock, keys

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=7, username="petugas", agency_id=uuid.uuid4(), role="case_manager")


def write(n: int) -> list[AuditEvent]:
    return [audit_log(actor=ACTOR, action=Action.READ, object_type="case", object_id=uuid.uuid4(),
                      detail={"i": i}) for i in range(n)]


def test_empty_log_verifies():
    assert audit_verify() == (0, None)


def test_rows_are_chained_from_genesis_and_head_follows():
    rows = write(3)
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (3, rows[2].hash)
    assert audit_verify() == (3, None)


def test_audit_log_and_audit_log_many_share_one_chain():
    audit_log(actor=ACTOR, action=Action.CREATE, object_type="case", object_id="a")
    many = audit_log_many(actor=ACTOR, entries=[Entry(Action.READ, "case", str(i)) for i in range(5)])
    audit_log(actor=Actor(user_id=None, username="system"), action=Action.IMPORT, object_type="import")
    assert [r.seq for r in many] == [2, 3, 4, 5, 6]
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 8))
    assert audit_verify() == (7, None)


def test_verify_in_small_batches_crosses_batch_edges():
    write(7)
    assert audit_verify(batch_size=2) == (7, None)


def test_audit_log_many_with_no_entries_writes_nothing():
    assert audit_log_many(actor=ACTOR, entries=[]) == []
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("username", "someone-else"), ("action", "delete"), ("object_id", "other"), ("purpose", "forged"),
    ("detail", {"i": 99}), ("user_id", 8), ("role", "supervisor"),
])
def test_changed_field_is_found(field, value):
    write(5)
    AuditEvent.objects.filter(seq=3).update(**{field: value})
    checked, broken = audit_verify()
    assert checked == 2
    assert broken.seq == 3 and "altered" in broken.reason


def test_changed_time_is_found():
    write(3)
    row = AuditEvent.objects.get(seq=2)
    AuditEvent.objects.filter(seq=2).update(at=row.at + dt.timedelta(microseconds=1))
    assert audit_verify()[1].seq == 2


def test_row_inserted_in_the_middle_with_forged_seq_is_found():
    rows = write(5)
    # Make room at seq 3 (highest first, so the unique index holds), then insert a row that links itself
    # properly to row 2 and carries a valid hash of its own (the forger holds the audit key here).
    for seq in (5, 4, 3):
        AuditEvent.objects.filter(seq=seq).update(seq=seq + 1)
    forged = AuditEvent(seq=3, at=clock.now(), user_id=1, username="intruder", action="read", object_type="case",
                        object_id="x", detail={}, prev_hash=rows[1].hash, key_id=keys.keyring("audit").active_kid)
    forged.hash = compute_hash(forged)
    forged.save()
    checked, broken = audit_verify()
    # The forged row itself is consistent; the first honest row after it no longer links to its predecessor.
    assert checked == 3
    assert broken.seq == 4 and "link" in broken.reason


def test_row_inserted_without_the_key_is_found_at_that_row():
    rows = write(5)
    for seq in (5, 4, 3):
        AuditEvent.objects.filter(seq=seq).update(seq=seq + 1)
    forged = AuditEvent(seq=3, at=clock.now(), user_id=1, username="intruder", action="read", object_type="case",
                        object_id="x", detail={}, prev_hash=rows[1].hash)
    forged.hash = compute_hash(forged)  # plain SHA-256: all one can compute without the key
    forged.save()
    checked, broken = audit_verify()
    assert checked == 2
    assert broken.seq == 3 and "without the audit key" in broken.reason


def test_row_inserted_with_a_new_seq_at_the_end_is_found():
    rows = write(3)
    forged = AuditEvent(seq=4, at=clock.now(), user_id=1, username="intruder", action="read", object_type="case",
                        object_id="x", detail={}, prev_hash=rows[-1].hash, key_id=keys.keyring("audit").active_kid)
    forged.hash = compute_hash(forged)
    forged.save()
    checked, broken = audit_verify()
    # Every row is consistent, but the head was not moved by a real writer.
    assert checked == 4
    assert broken.seq == 4 and "added" in broken.reason


def test_row_deleted_in_the_middle_is_found():
    write(5)
    AuditEvent.objects.filter(seq=3).delete()
    checked, broken = audit_verify()
    assert checked == 2
    assert broken.seq == 4 and "missing" in broken.reason


def test_renumbered_after_deletion_is_found():
    write(5)
    AuditEvent.objects.filter(seq=3).delete()
    for seq in (4, 5):
        AuditEvent.objects.filter(seq=seq).update(seq=seq - 1)
    AuditHead.objects.filter(pk=1).update(seq=4)
    checked, broken = audit_verify()
    assert checked == 2 and broken.seq == 3


def test_rows_deleted_at_the_end_are_found():
    write(5)
    AuditEvent.objects.filter(seq__gte=4).delete()
    checked, broken = audit_verify()
    assert checked == 3
    assert broken.seq == 4 and "end" in broken.reason


def test_all_rows_deleted_is_found():
    write(2)
    AuditEvent.objects.all().delete()
    checked, broken = audit_verify()
    assert checked == 0 and broken.seq == 1


def test_head_deleted_with_rows_is_found():
    write(3)
    AuditHead.objects.all().delete()
    checked, broken = audit_verify()
    assert checked == 3 and broken.seq == 4 and "head" in broken.reason


def test_first_row_with_wrong_genesis_is_found():
    write(2)
    AuditEvent.objects.filter(seq=1).update(prev_hash="f" * 64)
    assert audit_verify()[1].seq == 1


def test_hash_survives_the_database_round_trip():
    """Non-ASCII text, microseconds, UUIDs, dates and awkward numbers hash the same after being read back, on
    SQLite (JSON as text) and on PostgreSQL (jsonb reorders keys and rewrites numbers)."""
    clock.set_now(dt.datetime(2026, 3, 14, 1, 2, 3, 456789, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    agency = uuid.uuid4()
    detail = {
        "nama": "Siti Nurhaliza — Kupang, NTT 🇮🇩", "ä": "Ünïcödé ½ ‰", "ทดสอบ": ["ខ្មែរ", "中文", "العربية"],
        "uuid": uuid.uuid4(), "date": dt.date(2026, 1, 2), "when": dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC),
        "zeta": 1, "alpha": {"z": [3, 2, 1], "a": None, "b": True}, "float": 0.1, "tiny": 1e-7, "whole": 1.0,
        "huge": 1e20, "big_int": 2**70, "nan": float("nan"), "nul": "a\x00b",
        "quote": 'He said "tolong"\n\ttab \\ backslash',
    }
    row = audit_log(actor=Actor(user_id=42, username="pëtugas", agency_id=str(agency).upper(), role="supervisor"),
                    action=Action.EXPORT, object_type="case", object_id=uuid.uuid4(),
                    purpose="Ekspor untuk rapat gugus tugas — Jumat", detail=detail)
    loaded = AuditEvent.objects.get(pk=row.pk)
    assert loaded.at.microsecond == 456789
    assert loaded.agency_id == agency
    assert loaded.detail["nama"] == detail["nama"]
    assert loaded.detail["nul"] == "ab"
    assert compute_hash(loaded) == loaded.hash == row.hash
    assert audit_verify() == (1, None)


def test_long_and_nul_text_is_stored_as_hashed():
    row = audit_log(actor=Actor(user_id=1, username="u\x00" + "x" * 200), action=Action.READ, object_type="case",
                    object_id="9" * 100, purpose="p" * 400)
    loaded = AuditEvent.objects.get(pk=row.pk)
    assert len(loaded.username) == 150 and "\x00" not in loaded.username
    assert len(loaded.purpose) == 300 and len(loaded.object_id) == 64
    assert compute_hash(loaded) == loaded.hash


def test_head_is_locked_for_update_on_postgresql():
    """Writers serialise on the head row; SQLite serialises whole write transactions instead (BEGIN IMMEDIATE)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        audit_log(actor=ACTOR, action=Action.READ, object_type="case")
    head_reads = [q["sql"] for q in ctx.captured_queries if "audit_audithead" in q["sql"] and "SELECT" in q["sql"]]
    assert head_reads
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in head_reads[0]


def test_tail_returns_latest_rows_oldest_first():
    write(5)
    assert [r.seq for r in audit_tail(3)] == [3, 4, 5]
    assert [r.seq for r in audit_tail(50)] == [1, 2, 3, 4, 5]
