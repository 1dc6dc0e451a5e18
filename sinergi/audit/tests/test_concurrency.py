"""Writers in parallel transactions still build one unbroken chain (PostgreSQL: the head row is locked).

This test commits for real, so it cleans up after itself: rows it added are removed and the head restored.
"""

import threading
import uuid

import pytest
from django.db import connection, connections, transaction

from sinergi.audit.enums import Action
from sinergi.audit.models import AuditEvent, AuditHead
from sinergi.audit.services import Actor, Entry, audit_log, audit_log_many

WRITERS = 6
ROUNDS = 5


# The marker makes pytest-django create the test database; the test's own transaction stays empty, and all
# writes (and the clean-up) happen on other threads' connections, which commit.
pytestmark = pytest.mark.django_db


def in_thread(fn):
    result: list = []

    def run():
        try:
            result.append(fn())
        finally:
            connections.close_all()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return result[0] if result else None


@pytest.fixture
def committed_db():
    if connection.vendor != "postgresql":
        pytest.skip("in-memory SQLite test databases are one connection; BEGIN IMMEDIATE serialises writers")

    def snapshot():
        head = AuditHead.objects.filter(pk=1).first()
        start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        return ((head.seq, head.hash) if head else None), start

    before, start = in_thread(snapshot)

    def restore():
        AuditEvent.objects.filter(seq__gt=start).delete()
        if before is None:
            AuditHead.objects.all().delete()
        else:
            AuditHead.objects.update_or_create(pk=1, defaults={"seq": before[0], "hash": before[1]})

    try:
        yield start
    finally:
        in_thread(restore)


def test_parallel_writers_of_single_and_many_rows_keep_one_chain(committed_db):
    start = committed_db
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        actor = Actor(user_id=n, username=f"writer{n}", agency_id=uuid.uuid4(), role="case_manager")
        try:
            barrier.wait()
            for i in range(ROUNDS):
                with transaction.atomic():
                    if (n + i) % 2:
                        audit_log(actor=actor, action=Action.READ, object_type="case", object_id=f"{n}-{i}")
                    else:
                        audit_log_many(actor=actor, entries=[Entry(Action.READ, "case", f"{n}-{i}-{k}")
                                                             for k in range(3)])
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures

    rows = list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))
    singles = sum(1 for n in range(WRITERS) for i in range(ROUNDS) if (n + i) % 2)
    assert len(rows) == singles + 3 * (WRITERS * ROUNDS - singles)
    assert [r.seq for r in rows] == list(range(start + 1, start + 1 + len(rows)))
    for earlier, later in zip(rows, rows[1:]):
        assert later.prev_hash == earlier.hash
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (rows[-1].seq, rows[-1].hash)
    # Rows of one audit_log_many call stay together: the lock is held for the whole batch.
    by_call: dict[str, list[int]] = {}
    for r in rows:
        if r.object_id.count("-") == 2:
            by_call.setdefault(r.object_id.rsplit("-", 1)[0], []).append(r.seq)
    for seqs in by_call.values():
        assert seqs == list(range(seqs[0], seqs[0] + 3))
