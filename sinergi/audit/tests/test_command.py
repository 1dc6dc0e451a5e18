"""``sinergi audit verify`` and ``sinergi audit tail``: output and exit codes."""

import contextlib
import io
import uuid

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from sinergi.audit.enums import Action
from sinergi.audit.models import AuditEvent
from sinergi.audit.services import Actor, audit_log

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=3, username="supervisor1", agency_id=uuid.uuid4(), role="supervisor")


def run(*args) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(n: int) -> None:
    for i in range(n):
        audit_log(actor=ACTOR, action=Action.READ, object_type="case", object_id=f"obj-{i}",
                  purpose="tindak lanjut" if i == 0 else "")


def test_verify_intact_chain_prints_count_and_ok():
    write(4)
    out = run("verify")
    assert "OK" in out and "4 baris diperiksa" in out


def test_verify_with_small_batches():
    write(4)
    assert "4 baris diperiksa" in run("verify", "--batch-size", "1")


def test_verify_empty_log_is_ok():
    assert "0 baris diperiksa" in run("verify")


def test_verify_altered_row_fails_with_seq_and_reason():
    write(4)
    AuditEvent.objects.filter(seq=2).update(username="mallory")
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify", stdout=out)
    assert "seq 2" in str(exc.value) and "altered" in str(exc.value)
    assert out.getvalue().startswith("1 baris utuh")  # rows intact before the break


def test_verify_deleted_row_fails():
    write(4)
    AuditEvent.objects.filter(seq=3).delete()
    with pytest.raises(CommandError, match="seq 4.*missing"):
        run("verify")


def test_verify_rows_cut_from_end_fail():
    write(4)
    AuditEvent.objects.filter(seq=4).delete()
    with pytest.raises(CommandError, match="seq 4.*end"):
        run("verify")


def test_verify_exits_non_zero_from_the_command_line():
    """Run as ``manage.py audit verify`` would: CommandError becomes exit status 1 and text on stderr."""
    write(2)
    AuditEvent.objects.filter(seq=1).update(purpose="forged")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "audit", "verify"]).execute()
    assert exc.value.code == 1
    assert "seq 1" in err.getvalue()


def test_tail_shows_latest_rows():
    write(5)
    out = run("tail", "-n", "2")
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].split()[0] == "4" and lines[1].split()[0] == "5"
    assert "supervisor1 (supervisor)" in lines[1] and "read" in lines[1] and "case:obj-4" in lines[1]


def test_tail_default_and_purpose():
    write(3)
    out = run("tail")
    assert len(out.strip().splitlines()) == 3
    assert "purpose='tindak lanjut'" in out


def test_tail_empty_and_bad_n():
    assert "kosong" in run("tail")
    with pytest.raises(CommandError):
        run("tail", "-n", "0")


def test_subcommand_is_required():
    with pytest.raises(CommandError):
        run()


def test_checkpoint_then_verify_checks_the_chain_against_it(tmp_path):
    write(3)
    out = run("checkpoint", "--dir", str(tmp_path))
    assert "checkpoint written" in out and len(list(tmp_path.glob("*.json"))) == 1
    out = run("verify", "--checkpoint-dir", str(tmp_path))
    assert "rantai utuh" in out and "1 checkpoints" in out


def test_verify_without_checkpoints_warns(tmp_path):
    write(1)
    assert "warning: no checkpoints" in run("verify", "--checkpoint-dir", str(tmp_path / "none"))


def test_verify_fails_on_truncation_behind_a_checkpoint(tmp_path):
    from sinergi.audit.models import AuditHead

    write(2)
    old = AuditHead.objects.values("seq", "hash", "mac").get(pk=1)
    write(2)
    run("checkpoint", "--dir", str(tmp_path))
    AuditEvent.objects.filter(seq__gt=2).delete()
    AuditHead.objects.filter(pk=1).update(**old)
    out = io.StringIO()
    with pytest.raises(CommandError, match="truncated"):
        call_command("audit", "verify", "--checkpoint-dir", str(tmp_path), stdout=out)
    assert "rantai utuh" in out.getvalue() and "ends at 2" in out.getvalue()


def test_checkpoint_verify_with_the_public_key_file_only(tmp_path):
    write(1)
    run("checkpoint", "--dir", str(tmp_path / "cp"))
    public = tmp_path / "checkpoint.pub"
    public.write_text(run("public-key"))
    assert "1 checkpoints signed and in order" in run("checkpoint-verify", "--dir", str(tmp_path / "cp"),
                                                      "--public-key", str(public))
    path = next((tmp_path / "cp").glob("*.json"))
    path.write_text(path.read_text().replace('"seq": 1', '"seq": 9'))
    with pytest.raises(CommandError, match="problem"):
        run("checkpoint-verify", "--dir", str(tmp_path / "cp"), "--public-key", str(public))
