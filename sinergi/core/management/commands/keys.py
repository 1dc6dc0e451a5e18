"""``sinergi keys``: the keys that protect data at rest (``sinergi.core.keys``).

    sinergi keys status                  # each keyring: where it comes from, its keys, what each protects
    sinergi keys init                    # create the key files that are missing (a new deployment, once)
    sinergi keys rotate PURPOSE          # a new active key; field, index and exchange data re-protected under it
    sinergi keys reencrypt PURPOSE       # re-protect what is still under an older key (after a restart)
    sinergi keys retire PURPOSE KID      # remove an older key that nothing uses any more

PURPOSE is one of field, index, audit, checkpoint, exchange. The README has the rotation procedure.
"""

from django.core.management.base import BaseCommand, CommandError

from sinergi.core import keys


class Command(BaseCommand):
    help = "Show, create and rotate the keys that protect data at rest."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status")
        sub.add_parser("init")
        for name in ("rotate", "reencrypt"):
            p = sub.add_parser(name)
            p.add_argument("purpose", choices=keys.PURPOSES)
        retire = sub.add_parser("retire")
        retire.add_argument("purpose", choices=keys.PURPOSES)
        retire.add_argument("kid")

    def handle(self, *args, action, **opts):
        try:
            getattr(self, f"do_{action}")(**opts)
        except keys.KeyringError as exc:
            raise CommandError(str(exc)) from exc

    def _usage(self, purpose: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for usage in keys.USAGES[purpose]:
            for kid, n in usage.count().items():
                counts[kid] = counts.get(kid, 0) + n
        return counts

    def do_status(self, **opts):
        problems = dict(p.split(": ", 1) for p in keys.keys_missing())
        for purpose in keys.PURPOSES:
            if purpose in problems:
                self.stdout.write(f"{purpose}: NOT CONFIGURED: {problems[purpose]}")
                continue
            ring = keys.keyring(purpose)
            counts = self._usage(purpose)
            self.stdout.write(f"{purpose}: {ring.source}")
            if ring.path is not None and ring.path.stat().st_mode & 0o077:
                self.stdout.write(f"  warning: {ring.path} is readable by other users (chmod 600)")
            for kid in ring.kids():
                mark = "active" if kid == ring.active_kid else "older "
                self.stdout.write(f"  {mark} {kid}  protects {counts.pop(kid, 0):,}")
            for kid, n in sorted(counts.items()):
                note = "NOT ENCRYPTED" if kid == "plaintext" else "KEY MISSING"
                self.stdout.write(f"  {note} {kid}: {n:,}")

    def do_init(self, **opts):
        created = keys.keys_init()
        for purpose in created:
            self.stdout.write(f"created {keys.keyring(purpose).source}")
        if not created:
            self.stdout.write("every keyring exists; nothing created")
        else:
            self.stdout.write("keep a copy of these files somewhere safe: without them the encrypted data, the "
                              "audit chain and the instance keys cannot be read or checked")

    def do_rotate(self, purpose, **opts):
        old = keys.keyring(purpose).active_kid
        kid = keys.key_add(purpose)
        self.stdout.write(f"{purpose}: new active key {kid} (was {old})")
        if purpose in keys.AFTER_ROTATION:
            self.stdout.write(keys.AFTER_ROTATION[purpose]())
        self._reencrypt(purpose)
        self.stdout.write("restart every process (sinergi serve, sinergi worker) so that they write under the new "
                          f"key, then run `sinergi keys reencrypt {purpose}` for what they wrote meanwhile")

    def do_reencrypt(self, purpose, **opts):
        self._reencrypt(purpose)

    def _reencrypt(self, purpose):
        usages = [u for u in keys.USAGES[purpose] if u.reencrypt is not None]
        if not usages:
            self.stdout.write(f"{purpose}: nothing to re-protect (older keys stay for what they signed or keyed)")
            return
        for usage in usages:
            done = usage.reencrypt(lambda n, name=usage.name: self.stdout.write(f"  {name}: {n:,}"))
            self.stdout.write(f"{purpose}: {usage.name}: {done:,} values now under "
                              f"{keys.keyring(purpose).active_kid}")

    def do_retire(self, purpose, kid, **opts):
        ring = keys.keyring(purpose)
        ring.get(kid)
        if kid == ring.active_kid:
            raise CommandError(f"{kid} is the active {purpose} key: rotate first")
        left = self._usage(purpose).get(kid, 0)
        if left:
            raise CommandError(f"{kid} still protects {left:,} values: run `sinergi keys reencrypt {purpose}` "
                               "first" + (" (audit rows are never re-keyed: keep the key)" if purpose == "audit"
                                          else ""))
        keys.key_remove(purpose, kid)
        self.stdout.write(f"{purpose}: key {kid} removed; keep an offline copy as long as backups made before the "
                          "rotation are kept")
