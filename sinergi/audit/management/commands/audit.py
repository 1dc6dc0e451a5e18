"""``sinergi audit``: check and read the hash-chained audit log, and sign checkpoints of it.

    sinergi audit verify [--batch-size N] [--checkpoint-dir D] [--public-key F] [--no-checkpoints]
                                            # walk the chain, then check it against every checkpoint; exit 1
                                            # at the first break or on any checkpoint problem
    sinergi audit checkpoint [--dir D]      # sign the current head into a new file outside the database
    sinergi audit checkpoint-verify [--dir D] [--public-key F]
                                            # signatures and order of the checkpoints alone (no database, no
                                            # audit key: for the machine that keeps the copies)
    sinergi audit public-key                # the checkpoint public keys, for such a verifier
    sinergi audit tail [-n N]               # the latest N rows (default 20)
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sinergi.audit import checkpoints
from sinergi.audit.selectors import audit_tail, audit_verify
from django.utils.translation import gettext as _
from sinergi.core.i18n import message


class Command(BaseCommand):
    help = _("Periksa atau tampilkan log audit.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="walk the hash chain and report the first break")
        verify.add_argument("--batch-size", type=int, default=5000)
        verify.add_argument("--checkpoint-dir", default=None, help="default SINERGI_AUDIT_CHECKPOINT_DIR")
        verify.add_argument("--public-key", default=None,
                            help="file of trusted checkpoint public keys (default: this instance's key)")
        verify.add_argument("--no-checkpoints", action="store_true", help="check the chain only")
        cp = sub.add_parser("checkpoint", help="sign the chain's head into a checkpoint file")
        cp.add_argument("--dir", default=None, help="default SINERGI_AUDIT_CHECKPOINT_DIR")
        cpv = sub.add_parser("checkpoint-verify", help="check checkpoint signatures and order only")
        cpv.add_argument("--dir", default=None)
        cpv.add_argument("--public-key", default=None)
        sub.add_parser("public-key", help="print the checkpoint public keys")
        tail = sub.add_parser("tail", help="show the latest rows")
        tail.add_argument("-n", "--lines", type=int, default=20)

    def handle(self, *args, action, **opts):
        if action == "verify":
            self.verify(opts["batch_size"], opts["checkpoint_dir"], opts["public_key"], opts["no_checkpoints"])
        elif action == "checkpoint":
            path = checkpoints.checkpoint_write(Path(opts["dir"]) if opts["dir"] else None)
            self.stdout.write(f"checkpoint written: {path}")
        elif action == "checkpoint-verify":
            self.checkpoint_verify(opts["dir"], opts["public_key"])
        elif action == "public-key":
            self.stdout.write(checkpoints.public_keys_text(), ending="")
        else:
            self.tail(opts["lines"])

    def _public(self, path):
        if not path:
            return None
        try:
            return checkpoints.public_keys_parse(Path(path).read_text(encoding="ascii"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read public keys from {path}: {exc}") from exc

    def verify(self, batch_size: int, checkpoint_dir=None, public_key=None, no_checkpoints=False) -> None:
        if batch_size < 1:
            raise CommandError(_("--batch-size harus >= 1"))
        checked, broken = audit_verify(batch_size=batch_size)
        if broken is None:
            self.stdout.write(self.style.SUCCESS(message(_("OK: %(checked)s baris diperiksa, rantai utuh"), checked=checked)))
            if not no_checkpoints:
                self._check_against_checkpoints(checkpoint_dir, public_key)
            return
        self.stdout.write(message(_("%(checked)s baris utuh sebelum kerusakan"), checked=checked))
        # CommandError prints to stderr and exits with status 1, which is what monitoring scripts look for.
        raise CommandError(message(_("Rantai audit rusak pada seq %(seq)s: %(reason)s"), seq=broken.seq, reason=broken.reason))

    def _check_against_checkpoints(self, checkpoint_dir, public_key) -> None:
        directory = Path(checkpoint_dir) if checkpoint_dir else checkpoints.checkpoint_dir()
        count, problems = checkpoints.checkpoints_verify(directory, self._public(public_key))
        if not count and not problems:
            self.stdout.write(f"warning: no checkpoints in {directory}: a rewrite by someone holding the audit key, "
                              "or an older copy of the database restored, would not be noticed "
                              "(run `sinergi audit checkpoint`, keep copies elsewhere)")
            return
        for p in problems:
            self.stdout.write(f"checkpoint problem ({p.kind}): {p.message}")
        if problems:
            kinds = ", ".join(sorted({p.kind for p in problems}))
            raise CommandError(f"audit checkpoints: {len(problems)} problem(s) ({kinds}) in {directory}")
        self.stdout.write(self.style.SUCCESS(f"OK: {count} checkpoints in {directory} agree with the chain"))

    def checkpoint_verify(self, directory, public_key) -> None:
        directory = Path(directory) if directory else checkpoints.checkpoint_dir()
        points, problems = checkpoints.checkpoints_read(directory, self._public(public_key))
        problems += checkpoints.checkpoints_order_problems(points)
        for p in problems:
            self.stdout.write(f"checkpoint problem ({p.kind}): {p.message}")
        if problems:
            raise CommandError(f"audit checkpoints: {len(problems)} problem(s) in {directory}")
        last = points[-1] if points else None
        self.stdout.write(self.style.SUCCESS(
            f"OK: {len(points)} checkpoints signed and in order" + (f"; latest seq {last.seq} at {last.at:%Y-%m-%d %H:%M} UTC"
                                                                  if last else "")))

    def tail(self, lines: int) -> None:
        if lines < 1:
            raise CommandError(_("-n harus >= 1"))
        rows = audit_tail(lines)
        if not rows:
            self.stdout.write(_("Log audit kosong"))
            return
        for r in rows:
            who = r.username or "-"
            if r.role:
                who += f" ({r.role})"
            obj = f"{r.object_type}:{r.object_id}" if r.object_id else r.object_type
            line = f"{r.seq:>8}  {r.at.isoformat(timespec='seconds')}  {who}  {r.action}  {obj}"
            if r.agency_id:
                line += f"  agency={r.agency_id}"
            if r.purpose:
                line += f"  purpose={r.purpose!r}"
            self.stdout.write(line)
