"""``sinergi exchange``: keys, peers and the state of the exchange between instances.

    sinergi exchange status
    sinergi exchange init                      # create this instance's keys if missing
    sinergi exchange rotate-keys [--overlap-days 14]
    sinergi exchange add-peer CODE URL [--name NAME] [--jwks-file F] [--agency LOCAL=REMOTE ...]
    sinergi exchange refresh-keys [CODE]
    sinergi exchange deliver                   # one delivery round now
"""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sinergi.exchange import crypto, services
from sinergi.exchange.models import Peer


class Command(BaseCommand):
    help = "Keys, peers and status of the exchange between Sinergi instances."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status")
        sub.add_parser("init")
        rot = sub.add_parser("rotate-keys")
        rot.add_argument("--overlap-days", type=int, default=14)
        add = sub.add_parser("add-peer")
        add.add_argument("code")
        add.add_argument("url")
        add.add_argument("--name", default="")
        add.add_argument("--jwks-file", default="")
        add.add_argument("--agency", action="append", default=[],
                         help="LOCAL_CODE=REMOTE_CODE: a local agency row that stands for the peer's agency")
        ref = sub.add_parser("refresh-keys")
        ref.add_argument("code", nargs="?")
        sub.add_parser("deliver")

    def handle(self, *args, action, **opts):
        getattr(self, "do_" + action.replace("-", "_"))(**opts)

    def do_status(self, **opts):
        st = services.exchange_status()
        self.stdout.write(f"instance: {st['instance']}  received: {st['received']}  rejected: {st['rejected']}"
                          f" (+{st['rejected_unlogged']} over the log limit)")
        for code, p in st["peers"].items():
            self.stdout.write(f"peer {code}: {p.get('url', '')}  queued={p['queued']} delivered={p['delivered']} "
                              f"failed={p['failed']}  keys updated {p.get('keys_updated') or 'never'}")
        if not st["peers"]:
            self.stdout.write("no peers")

    def do_init(self, **opts):
        crypto.keys_ensure()
        self.stdout.write(json.dumps(crypto.jwks_public()))

    def do_rotate_keys(self, overlap_days, **opts):
        import datetime as dt

        kids = crypto.keys_rotate(dt.timedelta(days=overlap_days))
        self.stdout.write(f"new keys: {', '.join(kids)}; old keys published for {overlap_days} more days")

    @transaction.atomic
    def do_add_peer(self, code, url, name, jwks_file, agency, **opts):
        from sinergi.agencies.models import Agency
        from sinergi.agencies.services import agency_link_peer

        # The same services as every other caller: the address is checked (HTTPS), each link is audited.
        try:
            peer, _ = services.peer_ensure(code=code, name=name or code, base_url=url)
        except (crypto.Rejected, DjangoValidationError) as exc:
            raise CommandError(f"cannot add peer {code}: {exc}") from exc
        if jwks_file:
            with open(jwks_file, encoding="utf-8") as fh:
                peer.jwks = json.load(fh)
            peer.save(update_fields=["jwks", "updated_at"])
        else:
            try:
                services.peer_fetch_jwks(peer)
            except Exception as exc:  # noqa: BLE001 - report any network or format error plainly
                raise CommandError(f"cannot fetch the peer's keys from {url}: {exc}") from exc
        for pair in agency:
            local, _, remote = pair.partition("=")
            target = Agency.objects.filter(code=local).first()
            if target is None:
                raise CommandError(f"no local agency with code {local!r}")
            try:
                agency_link_peer(actor=None, agency=target, peer=peer, remote_code=remote or local)
            except DjangoValidationError as exc:
                raise CommandError(f"cannot link {local!r}: {exc}") from exc
        self.stdout.write(f"peer {code} at {url}: {len(peer.jwks.get('keys', []))} keys")

    def do_refresh_keys(self, code, **opts):
        peers = Peer.objects.filter(code=code) if code else Peer.objects.filter(is_active=True)
        for peer in peers:
            services.peer_fetch_jwks(peer)
            self.stdout.write(f"peer {peer.code}: {len(peer.jwks.get('keys', []))} keys")

    def do_deliver(self, **opts):
        self.stdout.write(f"attempted {services.outbox_deliver_due()} messages")
