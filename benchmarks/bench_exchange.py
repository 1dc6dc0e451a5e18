"""Exchange benchmark: N referral messages from one instance to another on this machine.

Two real instances on loopback (gunicorn each, own SQLite database and keys). The sender creates N referrals
to the peer's agency while its worker delivers; we then check that every message was applied exactly once at
the receiver and report the time from sending (outbox row written) to applied (inbox row written).
Target: all delivered exactly once; p95 at most 1 s.

With ``--failures`` (the default) the sender reaches the peer through a proxy (``flaky_proxy.py``) that, while
the referrals are being created, cycles through passing, refusing connections, holding them until the sender
times out, and forwarding a message but dropping the connection before the answer (the peer applied it, the
sender retries it): still every message must be applied exactly once. The temporary directory (databases, keys)
is removed at the end (``--keep`` to look at it).

    uv run python benchmarks/bench_exchange.py [--messages 1000] [--no-failures]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import threading  # noqa: E402

from flaky_proxy import FlakyProxy  # noqa: E402

from sinergi.exchange.loopback import ROOT, Instance  # noqa: E402

CREATE = """
import time
from sinergi.agencies.models import Agency, User
from sinergi.cases.services import case_open
from sinergi.people.services import person_create
from sinergi.referrals.services import referral_send
from sinergi.core import clock
u = User.objects.get(username='ncb-jakarta'); ncb = Agency.objects.get(code='ncb-jakarta')
target = Agency.objects.get(code='kh-cnp')
for i in range({n}):
    p = person_create(actor=u, agency_id=ncb.pk, data={{'full_name': f'Korban Uji {{i}}', 'sex': 'Feminine',
        'estimated_age': 25, 'citizenship': 'ID'}})
    c = case_open(actor=u, survivor=p, lead_agency_id=ncb.pk, reported_on=clock.today(),
        details={{'country_of_exploitation': 'KH'}})
    referral_send(actor=u, case=c, type='locate', to_agency=target, consent_override_reason='Uji beban pertukaran')
    time.sleep({pause})
print('created')
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="referrals created per second at the sender")
    parser.add_argument("--failures", action=argparse.BooleanOptionalAction, default=True,
                        help="inject failures between the instances (default: yes)")
    parser.add_argument("--schedule", default="pass:3,drop:5,pass:3,refuse:3,pass:3,timeout:3",
                        help="the proxy's cycle while referrals are created: mode:seconds,...")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} at the start")
    tmp = Path(tempfile.mkdtemp(prefix="sinergi-bench-exchange-"))
    try:
        return run(args, tmp)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path) -> int:
    a, b = Instance("id", tmp), Instance("kh", tmp)
    proxy = None
    for inst in (a, b):
        inst.manage("migrate", "-v0")
        inst.py(f"from sinergi.exchange.testing import setup_instance; setup_instance({inst.code!r})")
    b.start(workers=4)
    a.start()
    try:
        peer_url = b.url
        if args.failures:
            proxy = FlakyProxy(b.port)
            peer_url = f"http://127.0.0.1:{proxy.port}"
        a.manage("exchange", "add-peer", "kh", peer_url, "--name", "Cambodia")
        b.manage("exchange", "add-peer", "id", a.url, "--name", "Indonesia")
        a.py("from sinergi.agencies.models import Agency; from sinergi.exchange.models import Peer; "
             "Agency.objects.get_or_create(code='kh-cnp', defaults=dict(name='Cambodian National Police', "
             "type='foreign_police', country_id='KH', level='national', peer=Peer.objects.get(code='kh'), remote_code='cnp'))")
        worker = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "worker", "--interval", "0.05"],
                                  env=a.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = time.time()
        created_all = threading.Event()
        if proxy is not None:
            schedule = [(m, float(sec)) for m, sec in (part.split(":") for part in args.schedule.split(","))]
            proxy.run_schedule(schedule, created_all)
        a.manage("shell", "--no-imports", "-c", CREATE.format(n=args.messages, pause=1.0 / args.rate))
        created = time.time() - start
        created_all.set()
        deadline = time.time() + 600
        while time.time() < deadline:
            queued = int(a.py("from sinergi.exchange.models import OutboxMessage; "
                              "print(OutboxMessage.objects.exclude(status='delivered').count())"))
            if queued == 0:
                break
            time.sleep(0.5)
        total = time.time() - start
        worker.terminate()
        worker.wait(timeout=30)
        sent = json.loads(a.py("import json; from sinergi.exchange.models import OutboxMessage; "
                               "print(json.dumps({str(m.pk): m.created_at.timestamp() for m in OutboxMessage.objects.all()}))"))
        applied = json.loads(b.py("import json; from sinergi.exchange.models import InboxMessage; "
                                  "print(json.dumps({str(m.pk): m.applied_at.timestamp() for m in InboxMessage.objects.all()}))"))
        referrals_b = int(b.py("from sinergi.referrals.models import Referral; print(Referral.objects.count())"))
        retried = int(a.py("from sinergi.exchange.models import OutboxMessage; "
                           "print(OutboxMessage.objects.filter(attempts__gt=1).count())"))
        latencies = sorted(applied[k] - sent[k] for k in sent if k in applied)
        missing = [k for k in sent if k not in applied]
        p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))] if latencies else float("nan")  # noqa: E731
        print(f"messages sent: {len(sent)}  applied at receiver: {len(applied)}  referrals at receiver: {referrals_b}  "
              f"missing: {len(missing)}")
        once = len(applied) == len(sent) == referrals_b == args.messages and not missing
        print(f"exactly once: {once}")
        if proxy is not None:
            print(f"injected: connections by proxy mode {dict(proxy.counts)}; messages delivered after more than one "
                  f"attempt: {retried}")
        print(f"created in {created:.1f} s, all delivered after {total:.1f} s")
        if latencies:
            print(f"send→applied latency: p50 {p(0.5) * 1000:.0f} ms  p95 {p(0.95) * 1000:.0f} ms  "
                  f"max {latencies[-1] * 1000:.0f} ms")
        one, five, fifteen = os.getloadavg()
        print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} at the end")
        return 0 if once else 1
    finally:
        if proxy is not None:
            proxy.close()
        a.stop()
        b.stop()


if __name__ == "__main__":
    sys.exit(main())
