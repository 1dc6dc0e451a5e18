"""A TCP proxy in front of a peer instance that fails on a schedule, for ``bench_exchange.py``: it passes
connections through, refuses them (nothing listens), holds them without answering (the sender times out), or
forwards the request and drops the connection before the answer (the peer applied the message, the sender does
not know: the case that tests exactly-once)."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter

MODES = ("pass", "refuse", "timeout", "drop")


class FlakyProxy:
    def __init__(self, target_port: int, *, hold: float = 12.0):
        self.target_port = target_port
        self.hold = hold
        self.mode = "pass"
        self.counts: Counter = Counter()
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listen()

    def _listen(self) -> None:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        self._listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def set_mode(self, mode: str) -> None:
        """Switch to ``mode``; "refuse" closes the listening socket, so connections are refused."""
        assert mode in MODES, mode
        with self._lock:
            if mode == self.mode:
                return
            if mode == "refuse" and self._listener is not None:
                _close_listener(self._listener)
                self._listener = None
            elif self.mode == "refuse":
                self._listen()
            self.mode = mode

    def run_schedule(self, schedule: list[tuple[str, float]], until: threading.Event) -> None:
        """Cycle through (mode, seconds) until ``until`` is set, then pass everything."""
        def loop():
            while not until.is_set() and not self._stopped.is_set():
                for mode, seconds in schedule:
                    if until.is_set():
                        break
                    self.set_mode(mode)
                    until.wait(seconds)
            self.set_mode("pass")
        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self._stopped.set()
        with self._lock:
            if self._listener is not None:
                _close_listener(self._listener)
                self._listener = None

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed: refusing, or stopped
            threading.Thread(target=self._handle, args=(client, self.mode), daemon=True).start()

    def _handle(self, client: socket.socket, mode: str) -> None:
        self.counts[mode] += 1
        try:
            if mode == "timeout":
                client.settimeout(self.hold)
                deadline = time.monotonic() + self.hold
                while time.monotonic() < deadline and client.recv(65536):
                    pass  # read what is sent, answer nothing, until the sender gives up or the hold ends
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
            if mode == "drop":
                client.settimeout(5)
                request = client.recv(65536)
                upstream.sendall(request)
                _read_request_rest(client, upstream, request)
                upstream.settimeout(30)
                upstream.recv(65536)  # the peer has answered (and applied): drop the answer
                upstream.close()
                return
            _pipe(client, upstream)
        except OSError:
            pass
        finally:
            try:
                client.close()
            except OSError:
                pass


def _read_request_rest(client: socket.socket, upstream: socket.socket, head: bytes) -> None:
    """Forward the rest of an HTTP request whose first bytes were ``head`` (by its Content-Length)."""
    header, _, body = head.partition(b"\r\n\r\n")
    length = 0
    for line in header.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    remaining = length - len(body)
    while remaining > 0:
        chunk = client.recv(min(65536, remaining))
        if not chunk:
            break
        upstream.sendall(chunk)
        remaining -= len(chunk)


def _pipe(a: socket.socket, b: socket.socket) -> None:
    def copy(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    t = threading.Thread(target=copy, args=(b, a), daemon=True)
    t.start()
    copy(a, b)
    t.join(timeout=60)
    b.close()


def _close_listener(s: socket.socket) -> None:
    """Stop listening now: shutdown wakes the thread blocked in accept(), which a close alone does not on Linux
    (the port would go on accepting)."""
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()
