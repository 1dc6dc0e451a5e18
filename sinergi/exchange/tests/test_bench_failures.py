"""The failure injection of ``benchmarks/bench_exchange.py`` in a short form, so that it cannot rot: the proxy
between two instances passes, refuses, times out and drops as its schedule says, and a message it drops after
forwarding has reached the peer (the case where only the receiver's deduplication keeps exactly-once)."""

import http.client
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))


@pytest.fixture
def peer():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def _post(port: int, body: bytes, timeout: float = 2.0) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/inbox", body=body, headers={"Content-Type": "application/json"})
        return conn.getresponse().status
    finally:
        conn.close()


def test_each_injected_failure(peer):
    from flaky_proxy import FlakyProxy

    port, received = peer
    proxy = FlakyProxy(port, hold=0.6)
    try:
        assert _post(proxy.port, b"one") == 200 and received == [b"one"]
        proxy.set_mode("refuse")
        with pytest.raises(ConnectionRefusedError):
            _post(proxy.port, b"two")
        proxy.set_mode("timeout")
        with pytest.raises((TimeoutError, http.client.RemoteDisconnected, ConnectionError)):
            _post(proxy.port, b"three", timeout=0.3)
        proxy.set_mode("drop")
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            _post(proxy.port, b"four")
        assert received == [b"one", b"four"]  # dropped after the peer had it: the sender will send it again
        proxy.set_mode("pass")
        assert _post(proxy.port, b"five") == 200
        assert dict(proxy.counts) == {"pass": 2, "timeout": 1, "drop": 1}
    finally:
        proxy.close()


def test_the_schedule_cycles_and_ends_passing(peer):
    from flaky_proxy import FlakyProxy

    port, _ = peer
    proxy = FlakyProxy(port)
    done = threading.Event()
    try:
        seen = set()
        thread = proxy.run_schedule([("refuse", 0.05), ("pass", 0.05), ("drop", 0.05)], done)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and len(seen) < 3:
            seen.add(proxy.mode)
            time.sleep(0.005)
        done.set()
        thread.join(timeout=2)
        assert seen == {"refuse", "pass", "drop"} and proxy.mode == "pass"
        assert _post(proxy.port, b"after") == 200
    finally:
        proxy.close()
