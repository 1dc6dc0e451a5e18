"""``sinergi audit``: check and read the hash-chained audit log.

    sinergi audit verify [--batch-size N]   # walk the whole chain; exit 1 at the first break
    sinergi audit tail [-n N]               # the latest N rows (default 20)
"""

from django.core.management.base import BaseCommand, CommandError

from sinergi.audit.selectors import audit_tail, audit_verify


class Command(BaseCommand):
    help = "Periksa atau tampilkan log audit / verify or show the audit log."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="walk the hash chain and report the first break")
        verify.add_argument("--batch-size", type=int, default=5000)
        tail = sub.add_parser("tail", help="show the latest rows")
        tail.add_argument("-n", "--lines", type=int, default=20)

    def handle(self, *args, action, **opts):
        if action == "verify":
            self.verify(opts["batch_size"])
        else:
            self.tail(opts["lines"])

    def verify(self, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size harus >= 1 / must be at least 1")
        checked, broken = audit_verify(batch_size=batch_size)
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"OK: {checked} baris diperiksa, rantai utuh / "
                                                 f"{checked} rows checked, chain intact"))
            return
        self.stdout.write(f"{checked} baris utuh sebelum kerusakan / rows intact before the break")
        # CommandError prints to stderr and exits with status 1, which is what monitoring scripts look for.
        raise CommandError(f"Rantai audit rusak pada seq {broken.seq} / audit chain broken at seq {broken.seq}: "
                           f"{broken.reason}")

    def tail(self, lines: int) -> None:
        if lines < 1:
            raise CommandError("-n harus >= 1 / must be at least 1")
        rows = audit_tail(lines)
        if not rows:
            self.stdout.write("Log audit kosong / the audit log is empty")
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
