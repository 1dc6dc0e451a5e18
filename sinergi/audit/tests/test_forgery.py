"""Issue 9, finding 3: someone who can write to the database rewrites the audit history.

Without the audit key a rewrite is found by the chain itself (row hashes and the head are keyed); with the key
(stolen from the server) it is found by the signed checkpoints kept outside the database.
"""

import hashlib
import hmac
import json
import uuid

import pytest

from sinergi.audit import chain, checkpoints
from sinergi.audit.enums import Action
from sinergi.audit.models import AuditEvent, AuditHead
from sinergi.audit.selectors import audit_verify
from sinergi.audit.services import GENESIS, Actor, audit_log
from sinergi.core import keys

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=7, username="petugas", agency_id=uuid.uuid4(), role="case_manager")


def write(n: int) -> None:
    for i in range(n):
        audit_log(actor=ACTOR, action=Action.READ, object_type="case", object_id=f"case-{i}", detail={"i": i})


def _payload(row: AuditEvent) -> dict:
    import datetime as dt

    return {
        "seq": row.seq, "at": row.at.astimezone(dt.UTC).isoformat(timespec="microseconds"), "user_id": row.user_id,
        "username": row.username, "agency_id": str(row.agency_id) if row.agency_id else None, "role": row.role,
        "action": row.action, "object_type": row.object_type, "object_id": row.object_id, "purpose": row.purpose,
        "detail": row.detail, "prev_hash": row.prev_hash,
    }


def plain_sha256(row: AuditEvent, extra: dict | None = None) -> str:
    """What the published algorithm lets anyone compute: SHA-256 over the canonical row."""
    payload = {**_payload(row), **(extra or {})}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def guessed_hmac(row: AuditEvent) -> str:
    payload = {**_payload(row), "key_id": getattr(row, "key_id", "")}
    return hmac.new(b"not-the-key", json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                              default=str).encode(), hashlib.sha256).hexdigest()


def delete_and_rehash(seq: int, hasher, *, unkey: bool = False) -> None:
    """Finding 3 as reported: delete a row, renumber and recompute every later row and the stored head."""
    AuditEvent.objects.filter(seq=seq).delete()
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS
    for row in AuditEvent.objects.filter(seq__gt=seq).order_by("seq"):
        AuditEvent.objects.filter(pk=row.pk).update(seq=row.seq - 1)
        row.seq -= 1
        row.prev_hash = prev
        if unkey and hasattr(row, "key_id"):
            row.key_id = ""
        row.hash = hasher(row)
        fields = {"prev_hash": row.prev_hash, "hash": row.hash}
        if unkey and hasattr(row, "key_id"):
            fields["key_id"] = ""
        AuditEvent.objects.filter(pk=row.pk).update(**fields)
        prev = row.hash
    last = AuditEvent.objects.order_by("-seq").first()
    head = {"seq": last.seq, "hash": last.hash}
    if unkey and hasattr(AuditHead, "legacy_until"):
        head["legacy_until"] = last.seq  # claim the whole chain predates the key
    AuditHead.objects.filter(pk=1).update(**head)


def test_finding_3_delete_and_recompute_plain_hashes_is_found():
    write(6)
    delete_and_rehash(3, plain_sha256)
    checked, broken = audit_verify()
    assert broken is not None, "a rewritten chain verified as intact"


def test_rewrite_claiming_the_rows_predate_the_key_is_found():
    write(6)
    delete_and_rehash(3, plain_sha256, unkey=True)
    checked, broken = audit_verify()
    assert broken is not None


def test_rewrite_with_a_guessed_key_is_found():
    write(6)
    delete_and_rehash(2, guessed_hmac)
    checked, broken = audit_verify()
    assert broken is not None and broken.seq == 2


# --- with the key: only the checkpoints outside the database can tell ----------------------------------------

def rehash_with_key(from_seq: int) -> None:
    """Someone holding the audit key rewrites rows from ``from_seq`` on and re-signs the head."""
    prev = AuditEvent.objects.get(seq=from_seq - 1).hash if from_seq > 1 else GENESIS
    for row in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
        row.prev_hash = prev
        row.hash = chain.row_hash(row)
        AuditEvent.objects.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash)
        prev = row.hash
    last = AuditEvent.objects.order_by("-seq").first()
    head = AuditHead.objects.get(pk=1)
    AuditHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash,
                                          mac=chain.head_mac(last.seq, last.hash, head.legacy_until))


def test_rewrite_with_the_key_passes_the_chain_but_not_the_checkpoint(tmp_path):
    write(6)
    checkpoints.checkpoint_write(tmp_path)
    AuditEvent.objects.filter(seq=3).update(purpose="forged")  # a row edited, everything after re-keyed
    rehash_with_key(3)
    assert audit_verify() == (6, None)  # the chain alone cannot tell
    count, problems = checkpoints.checkpoints_verify(tmp_path)
    assert count == 1
    assert [p.kind for p in problems] == ["rewritten"]
    assert "row 6" in problems[0].message


def test_truncation_behind_the_last_checkpoint_is_found(tmp_path):
    write(5)
    checkpoints.checkpoint_write(tmp_path)
    write(2)
    AuditEvent.objects.filter(seq__gte=4).delete()
    rehash_with_key(4)  # head moved back to seq 3 with a valid MAC
    assert audit_verify() == (3, None)
    count, problems = checkpoints.checkpoints_verify(tmp_path)
    assert [p.kind for p in problems] == ["truncated"]
    assert "seq 5" in problems[0].message and "ends at 3" in problems[0].message


def test_rollback_to_an_older_copy_of_the_database_is_found_without_any_key(tmp_path):
    """An older head (with its then valid MAC) put back after deleting the newer rows: no key needed."""
    write(3)
    old = AuditHead.objects.values("seq", "hash", "mac").get(pk=1)
    write(3)
    checkpoints.checkpoint_write(tmp_path)
    AuditEvent.objects.filter(seq__gt=3).delete()
    AuditHead.objects.filter(pk=1).update(**old)
    assert audit_verify() == (3, None)
    _, problems = checkpoints.checkpoints_verify(tmp_path)
    assert [p.kind for p in problems] == ["truncated"]


def test_rollback_followed_by_new_rows_is_found(tmp_path):
    write(3)
    old = AuditHead.objects.values("seq", "hash", "mac").get(pk=1)
    write(3)
    checkpoints.checkpoint_write(tmp_path)
    AuditEvent.objects.filter(seq__gt=3).delete()
    AuditHead.objects.filter(pk=1).update(**old)
    write(4)  # the application goes on writing after the restore
    assert audit_verify() == (7, None)
    _, problems = checkpoints.checkpoints_verify(tmp_path)
    assert [p.kind for p in problems] == ["rewritten"]


def test_checkpoints_that_agree_report_no_problem(tmp_path):
    write(2)
    checkpoints.checkpoint_write(tmp_path)
    write(2)
    checkpoints.checkpoint_write(tmp_path)
    assert checkpoints.checkpoints_verify(tmp_path) == (2, [])


def _rewrite_file(path, **changes):
    doc = json.loads(path.read_text())
    doc.update(changes)
    path.write_text(json.dumps(doc))


def test_forged_checkpoint_is_found(tmp_path):
    write(4)
    path = checkpoints.checkpoint_write(tmp_path)
    _rewrite_file(path, seq=2, head=AuditEvent.objects.get(seq=2).hash)  # moved back to hide rows 3-4
    count, problems = checkpoints.checkpoints_verify(tmp_path)
    assert count == 0 and [p.kind for p in problems] == ["forged"]


def test_checkpoint_signed_by_another_key_is_found(tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    write(2)
    path = checkpoints.checkpoint_write(tmp_path)
    doc = json.loads(path.read_text())
    doc.pop("signature")
    other = Ed25519PrivateKey.generate()
    doc["signature"] = checkpoints._b64(other.sign(checkpoints._message(doc)))
    path.write_text(json.dumps(doc))
    _, problems = checkpoints.checkpoints_verify(tmp_path)
    assert [p.kind for p in problems] == ["forged"]


def test_unreadable_and_foreign_checkpoints_are_reported(tmp_path, settings):
    write(1)
    (tmp_path / "junk.json").write_text("{not json")
    checkpoints.checkpoint_write(tmp_path)
    settings.SINERGI_INSTANCE = "kh"
    _, problems = checkpoints.checkpoints_verify(tmp_path)
    assert sorted(p.kind for p in problems) == ["foreign", "unreadable"]


def test_a_later_checkpoint_behind_an_earlier_one_is_a_rollback(tmp_path):
    write(4)
    first = checkpoints.checkpoint_write(tmp_path)
    AuditEvent.objects.filter(seq__gt=2).delete()
    rehash_with_key(3)
    checkpoints.checkpoint_write(tmp_path)
    points, problems = checkpoints.checkpoints_read(tmp_path)
    order = checkpoints.checkpoints_order_problems(points)
    assert problems == [] and [p.kind for p in order] == ["truncated"]
    assert first.exists()


def test_checkpoints_verify_with_the_public_key_alone(tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    write(2)
    checkpoints.checkpoint_write(tmp_path)
    public = checkpoints.public_keys_parse(checkpoints.public_keys_text())
    points, problems = checkpoints.checkpoints_read(tmp_path, public)
    assert len(points) == 1 and problems == []
    kid = next(iter(public))
    stranger = {kid: Ed25519PrivateKey.generate().public_key()}
    points, problems = checkpoints.checkpoints_read(tmp_path, stranger)
    assert points == [] and [p.kind for p in problems] == ["forged"]


# --- rows from before the chain was keyed, and key rotation ---------------------------------------------------

def legacy_rows(n: int) -> None:
    """Rows as the unkeyed log wrote them (plain SHA-256, no key id), and the head the upgrade sealed."""
    from sinergi.core import clock

    prev = GENESIS
    for seq in range(1, n + 1):
        row = AuditEvent(seq=seq, at=clock.now(), user_id=1, username="lama", action="read", object_type="case",
                         object_id=str(seq), detail={}, prev_hash=prev)
        row.hash = plain_sha256(row)
        row.save()
        prev = row.hash
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": n, "hash": prev, "legacy_until": n,
                                                       "mac": chain.head_mac(n, prev, n)})


def test_rows_from_before_keying_verify_and_keyed_rows_follow():
    legacy_rows(3)
    write(2)
    assert audit_verify() == (5, None)
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True))[:3] == ["", "", ""]
    assert all(AuditEvent.objects.filter(seq__gt=3).values_list("key_id", flat=True))


def test_an_altered_row_from_before_keying_is_found():
    legacy_rows(3)
    write(2)
    AuditEvent.objects.filter(seq=2).update(username="someone")
    assert audit_verify()[1].seq == 2


def test_moving_the_end_of_the_unkeyed_segment_is_found():
    legacy_rows(2)
    write(3)
    AuditHead.objects.filter(pk=1).update(legacy_until=5)
    checked, broken = audit_verify()
    assert broken is not None and "authenticate" in broken.reason


def test_the_upgrade_migration_seals_the_existing_chain():
    import importlib

    from django.apps import apps

    legacy_rows(3)
    AuditHead.objects.filter(pk=1).update(legacy_until=0, mac="")
    assert audit_verify()[1] is not None  # unsealed: unkeyed rows are not trusted
    migration = importlib.import_module("sinergi.audit.migrations.0003_keyed_chain")
    migration.seal_legacy_segment(apps, None)
    assert AuditHead.objects.get(pk=1).legacy_until == 3
    write(1)
    assert audit_verify() == (4, None)


def test_rotated_audit_key_keeps_old_rows_verifiable(keyring_env):
    old = keys.keyring("audit").keys
    write(2)
    keyring_env("audit", [*old, ("new0001", bytes(range(32)))])
    write(2)
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == \
        [old[-1][0]] * 2 + ["new0001"] * 2
    assert audit_verify() == (4, None)
    keyring_env("audit", [("new0001", bytes(range(32)))])  # the old key lost
    checked, broken = audit_verify()
    assert checked == 0 and broken.seq == 1 and "not configured" in broken.reason


# --- the worker writes checkpoints -------------------------------------------------------------------------

def test_worker_writes_a_checkpoint_when_the_chain_grew_and_the_interval_passed(tmp_path):
    import datetime as dt

    from sinergi.core import clock, jobs

    every = dt.timedelta(hours=1)
    assert checkpoints.checkpoint_if_due(tmp_path, every) is None  # nothing to sign yet
    write(1)
    assert checkpoints.checkpoint_if_due(tmp_path, every) is not None
    write(1)
    assert checkpoints.checkpoint_if_due(tmp_path, every) is None  # too soon
    clock.set_now(clock.now() + dt.timedelta(hours=2))
    assert checkpoints.checkpoint_if_due(tmp_path, every) is not None
    assert checkpoints.checkpoint_if_due(tmp_path, every) is None  # chain did not grow
    assert "audit checkpoint" in dict(jobs.PERIODIC)
